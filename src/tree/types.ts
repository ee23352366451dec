/** What the walker asks the channel to show; rendering per channel happens in the bot layer. */
export type Output =
  | { kind: 'text'; text: string }
  | { kind: 'prompt'; text: string; choices: ChoiceOption[] }
  /** An Adaptive Card (plain JSON), with text for channels and transcripts that cannot show cards. */
  | { kind: 'card'; card: Record<string, unknown>; fallbackText: string };

export interface ChoiceOption {
  /** What the walker receives back when this choice is picked (unique within one prompt). */
  value: string;
  /** The button's title, and the text a click sends. */
  label: string;
  /** Other words a typed answer may use. */
  synonyms: string[];
}

/** resolved: a step fixed it; escalated: sent to the help desk; abandoned: started over; cancelled: said cancel. */
export type Outcome = 'resolved' | 'escalated' | 'abandoned' | 'cancelled';

/** One visited node and how the user left it. */
export interface PathEntry {
  node: string;
  /** The option label picked, "fixed" / "not fixed" after a step, or how the node was reached ("jump"). */
  answer?: string;
}

/** check: a step's own question instead of "did that fix it?"; handover: "keep trying or talk to a person?". */
export type Awaiting = 'choice' | 'fixed' | 'check' | 'handover' | 'rating' | 'guess' | 'none';

/** Plain JSON so it can live in dialog state and be stored as-is. */
export interface WalkState {
  node: string;
  awaiting: Awaiting;
  path: PathEntry[];
  /** The branch (root menu option) the conversation is in, once known. */
  branch?: string;
  outcome?: Outcome;
  rating?: number;
  /** Node ids offered as guesses when free text was not understood with confidence. */
  guesses?: string[];
  /** Consecutive answers at the current prompt that matched nothing. */
  misses: number;
  /** What the user told us by the options they picked (knowledge `remember`), e.g. `{ otherMethod: 'yes' }`. */
  facts?: Record<string, string>;
  /** Steps in a row that did not fix it since the last offer of a person. */
  failedInRow?: number;
  /** While offering a person: the step the walk goes on to if the user keeps trying. */
  pendingNext?: string;
  startedAt: string;
}

export type Answer = { kind: 'choice'; value: string } | { kind: 'fixed'; fixed: boolean } | { kind: 'rating'; rating: number | null };

export interface Step {
  state: WalkState;
  outputs: Output[];
}

/** A finished walk, as recorded for admins and content owners. */
export interface SessionOutcome {
  conversationId: string;
  channelId: string;
  userId: string;
  startedAt: string;
  endedAt: string;
  branch: string | null;
  path: PathEntry[];
  outcome: Outcome;
  rating: number | null;
  /** The support ticket the walk ended in, when it was escalated. */
  ticketId?: string;
  /**
   * How that ticket ended, once it did: resolved by an agent, or withdrawn by the user. The walk itself stays
   * "escalated" (the tree did not fix it, which is what branch figures count); the conversation shows the ending.
   */
  ticketOutcome?: 'resolved' | 'withdrawn';
}
