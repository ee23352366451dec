/** The recognizer's verdict on a free-text message: the best node and how sure it is (0..1). */
export interface Classification {
  intent: string | null;
  confidence: number;
  alternatives: { intent: string; confidence: number }[];
  /** The message only says something is wrong ("I'm locked out", "mfa not working"): ask which problem it is. */
  vague?: boolean;
  /** For a vague message that names a kind of request: the branches to offer as guesses (from `vagueHints`). */
  hinted?: string[];
  /** The message is not in English (the only language our content is written in): say so, offer a person. */
  language?: { code: string; name: string };
}

/** What dialogs ask of free-text understanding; the local recognizer and, later, a model sit behind it. */
export interface IntentRecognizer {
  classify(text: string): Promise<Classification>;
}
