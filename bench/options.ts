/** Benchmark options from argv (`--users 32`, `--users=32`) with env fallbacks (BENCH_USERS=32). */
export interface BenchOptions {
  /** Concurrent simulated users. */
  users: number;
  /** Measured seconds per phase (after the warm-up). */
  seconds: number;
  /** Unmeasured seconds at the start of each phase: JIT and connection set-up would otherwise skew p99. */
  warmup: number;
  /** Turns/s offered in the store-growth phases; unset: half of the bot's own maximum measured in the run. */
  rate: number | undefined;
  /** Stored-conversation counts for the store-growth phases. */
  sizes: number[];
  /** Seconds a phase may spend seeding before it is given up (and larger sizes skipped). */
  seedBudget: number;
  /** Per-request timeout, milliseconds. */
  timeoutMs: number;
  quick: boolean;
  /** Print user 0's first conversation of each phase, turn by turn. */
  trace: boolean;
  /** Set: the embedded store benchmark at this many stored conversations (and the fsync cost) instead of the turn phases. */
  conversations: number | undefined;
}

const DEFAULTS = { users: 32, seconds: 8, warmup: 2, sizes: [1000, 10000, 100000], seedBudget: 150, timeoutMs: 10_000 };
// Small enough to finish in well under a minute, still exercising every phase and the seeding path.
const QUICK = { users: 16, seconds: 3, warmup: 1, sizes: [100, 1000], seedBudget: 60, timeoutMs: 10_000 };

function readArg(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === `--${name}`) {
      const next = argv[i + 1];
      return next === undefined || next.startsWith('--') ? 'true' : next;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
}

function positive(name: string, raw: string | undefined, fallback: number, min = Number.MIN_VALUE): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number >= ${min === 0 ? 0 : 'above 0'}, got "${raw}"`);
  return value;
}

function sizes(raw: string | undefined, fallback: number[]): number[] {
  if (raw === undefined) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim().replace(/_/g, '')));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`--sizes takes whole numbers like 1000,10000, got "${raw}"`);
  return [...new Set(list)].sort((a, b) => a - b);
}

export function parseOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  const known = ['users', 'seconds', 'warmup', 'sizes', 'seed-budget', 'timeout-ms', 'quick', 'trace', 'rate', 'conversations'];
  const unknown = argv.filter((a) => a.startsWith('--') && !known.includes(a.slice(2).split('=')[0]!));
  if (unknown.length) throw new Error(`unknown option(s) ${unknown.join(' ')}; known: ${known.map((k) => `--${k}`).join(' ')}`);
  const flag = (name: string): boolean => {
    const raw = readArg(argv, name);
    return raw !== undefined && raw !== 'false' && raw !== '0';
  };
  const quick = flag('quick');
  const base = quick ? QUICK : DEFAULTS;
  return {
    quick,
    trace: flag('trace'),
    users: Math.round(positive('users', readArg(argv, 'users'), base.users)),
    seconds: positive('seconds', readArg(argv, 'seconds'), base.seconds),
    warmup: positive('warmup', readArg(argv, 'warmup'), base.warmup, 0),
    sizes: sizes(readArg(argv, 'sizes'), base.sizes),
    rate: readArg(argv, 'rate') === undefined ? undefined : positive('rate', readArg(argv, 'rate'), 0),
    conversations:
      readArg(argv, 'conversations') === undefined
        ? undefined
        : Math.round(positive('conversations', readArg(argv, 'conversations')?.replace(/_/g, ''), 0, 1)),
    seedBudget: positive('seed-budget', readArg(argv, 'seed-budget'), base.seedBudget),
    timeoutMs: positive('timeout-ms', readArg(argv, 'timeout-ms'), base.timeoutMs),
  };
}
