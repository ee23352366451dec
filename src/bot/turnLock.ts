/**
 * Runs one conversation's turns one after another. Two turns of one conversation at once (a double click, a
 * proactive signal during a user turn) would both read the same state, and the later save would overwrite the
 * earlier one: botbuilder saves conversation state unconditionally (eTag "*"), so only holding the turns
 * apart prevents the lost update. Turns of different conversations still run in parallel.
 */
export interface TurnLock {
  run<T>(key: string, turn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
