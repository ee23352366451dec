/** The run's report: counts, status histogram per surface, slowest requests, timings, server log, failures. */
import type { Outcome } from './judge.js';

/** Prints the report (the failures grouped by kind, when there are any); returns what the test asserts on. */
export function report(outcomes: Outcome[], logLines: string[], started: number, seed: number): { requests: number; failed: Outcome[] } {
  const requests = outcomes.reduce((sum, o) => sum + o.statuses.length, 0);
  const histogram: Record<string, Record<string, number>> = {};
  for (const o of outcomes)
    for (const s of o.statuses) {
      const h = (histogram[o.c.surface] ??= {});
      h[String(s)] = (h[String(s)] ?? 0) + 1;
    }
  const perSurface = Object.fromEntries(Object.entries(histogram).map(([k, h]) => [k, Object.values(h).reduce((a, b) => a + b, 0)]));
  const timing: Record<string, { n: number; total: number; max: number }> = {};
  for (const o of outcomes) {
    const key = `${o.c.surface}/${o.c.tags[0]!.split(/[:=]/)[0]}`;
    const t = (timing[key] ??= { n: 0, total: 0, max: 0 });
    t.n += 1;
    t.total += o.ms;
    t.max = Math.max(t.max, o.ms);
  }
  const timingText = Object.entries(timing)
    .map(([k, t]) => `${k} n=${t.n} avg=${Math.round(t.total / t.n)} max=${t.max}`)
    .join(' | ');
  const slowest = [...outcomes]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((o) => `#${o.c.n} ${o.c.tags.join(',')} ${o.ms}ms`);
  const failed = outcomes.filter((o) => o.violations.length);
  const turnErrorLines = logLines.filter((l) => l.includes('"unhandled error in turn"'));
  const turnErrors = turnErrorLines.length;
  // The first one's message and stack say what broke; the count alone cannot be diagnosed after the fact.
  const firstTurnError = turnErrorLines[0] ? ` (first: ${turnErrorLines[0].slice(0, 1_500)})` : '';
  const unrecovered = logLines.filter((l) => l.includes('"could not recover from turn error"')).length;
  console.log(
    `[fuzz] ${requests} requests (${JSON.stringify(perSurface)}) in ${Date.now() - started} ms\n` +
      `[fuzz] statuses: ${JSON.stringify(histogram)}\n` +
      `[fuzz] slowest: ${slowest.join(' | ')}\n` +
      `[fuzz] ms per category: ${timingText}\n` +
      `[fuzz] server log: ${turnErrors} "unhandled error in turn", ${unrecovered} "could not recover"${firstTurnError}`,
  );
  if (failed.length) {
    const byKind = new Map<string, string[]>();
    for (const o of failed)
      for (const v of o.violations) byKind.set(`${v} <- ${o.c.tags[0]}`, [...(byKind.get(`${v} <- ${o.c.tags[0]}`) ?? []), `#${o.c.n}`]);
    console.log(
      `[fuzz] FAILED (seed ${seed}):\n${[...byKind].map(([k, ns]) => `  ${ns.length}x ${k} (${ns.slice(0, 5).join(' ')})`).join('\n')}`,
    );
  }
  return { requests, failed };
}
