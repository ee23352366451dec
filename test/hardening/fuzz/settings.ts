/** What the fuzzed servers are set up with; the cases need the same values to aim at a limit or present a token. */

export const MAX_BODY = 65_536;
export const AGENT = 'agent-token-fuzz-0123456789abcdef';
export const ADMIN = 'admin-token-fuzz-0123456789abcdef';
