import type { Assistant } from '../src/assistant/types.js';
import type { HandoffService } from '../src/handoff/handoffService.js';
import type { IntentRecognizer } from '../src/recognizer/types.js';
import type { OutcomeStore } from '../src/transcripts/outcomeStore.js';
import type { TreeWalker } from '../src/tree/walker.js';

/** Everything the dialogs use, handed in by the caller so tests can pass fakes. Dialogs never open stores. */
export interface DialogServices {
  walker: TreeWalker;
  recognizer: IntentRecognizer;
  outcomes: OutcomeStore;
  handoff: HandoffService;
  /** Recognizer confidence at or above which free text jumps straight to a branch. */
  threshold: number;
  clock: () => Date;
  /**
   * Free-text routing, grounded answers and case summaries (src/assistant). Absent means the local path
   * built from `recognizer` and `threshold`, exactly the bot without a model.
   */
  assistant?: Assistant;
}
