/**
 * Seeded PRNG (mulberry32). Every random choice of a fuzz run comes from one of these, so a seed always means
 * the same requests and a failure reproduces with FUZZ_SEED=<seed>.
 */
export class Rng {
  /** The seed it started from: conversation ids carry it, so a run's conversations are recognisably its own. */
  readonly seed: number;
  private state: number;
  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  id(): string {
    return Array.from({ length: 10 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[this.int(36)]).join('');
  }
}
