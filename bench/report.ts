import type { PhaseResult } from './phase.js';

export interface Row {
  phase: string;
  /** Offered turns/s of a paced phase (latency at a fixed load); unset for saturation phases. */
  rate?: number;
  stored: number;
  turnsPerSec: number;
  ratio: number | undefined;
  p50: number;
  p95: number;
  p99: number;
  peakRssMb: number;
  errors: number;
  note?: string;
}

/** Nearest-rank percentile of an ascending list (NaN when empty). */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function toRow(r: PhaseResult, echoTurnsPerSec: number | undefined): Row {
  const phase = r.rate ? `${r.name}, paced ${Math.round(r.rate)}/s` : `${r.name}, max`;
  if (!r.drive)
    return {
      phase,
      stored: r.stored,
      turnsPerSec: NaN,
      ratio: undefined,
      p50: NaN,
      p95: NaN,
      p99: NaN,
      peakRssMb: NaN,
      errors: 0,
      note: r.skipped,
    };
  const d = r.drive;
  const sorted = [...d.latencies].sort((a, b) => a - b);
  const turnsPerSec = d.latencies.length / (d.windowMs / 1000);
  const errors = Object.values(d.errors).reduce((a, b) => a + b, 0);
  return {
    phase,
    ...(r.rate ? { rate: r.rate } : {}),
    stored: r.stored,
    turnsPerSec,
    // Only saturation phases compare with the echo's capacity; a paced phase's turns/s is its offered load.
    ratio: echoTurnsPerSec && !r.rate ? turnsPerSec / echoTurnsPerSec : undefined,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    peakRssMb: r.peakRssMb ?? NaN,
    errors,
  };
}

const num = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** The table for docs/performance.md. */
export function markdownTable(rows: Row[]): string {
  const head = '| phase | stored conversations | turns/s | ratio to echo | p50 ms | p95 ms | p99 ms | peak RSS MB | errors |';
  const lines = rows.map((r) =>
    r.note
      ? `| ${r.phase} | ${r.stored.toLocaleString('en-US')} | skipped: ${r.note} | | | | | | |`
      : `| ${r.phase} | ${r.stored.toLocaleString('en-US')} | ${num(r.turnsPerSec, 0)} | ${r.ratio === undefined ? '-' : `${num(r.ratio, 2)}x`} | ${num(r.p50)} | ${num(r.p95)} | ${num(r.p99)} | ${num(r.peakRssMb, 0)} | ${r.errors} |`,
  );
  return [head, '|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}

/** One line per phase while the run goes on, with the error breakdown and examples when there are any. */
export function describePhase(r: PhaseResult, row: Row): string[] {
  if (!r.drive) return [`  ${row.phase}: skipped (${r.skipped})`];
  const d = r.drive;
  const outcomes =
    Object.entries(d.outcomes)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none finished';
  const saturated = r.rate && row.turnsPerSec < 0.9 * r.rate ? ` (SATURATED: ${r.rate.toFixed(0)}/s offered)` : '';
  const lines = [
    `  ${row.phase}: ${num(row.turnsPerSec, 0)} turns/s${saturated}, p50 ${num(row.p50)} ms, p95 ${num(row.p95)} ms, p99 ${num(row.p99)} ms, peak RSS ${num(row.peakRssMb, 0)} MB, errors ${row.errors}`,
    `    conversations: ${outcomes}; replies after the HTTP response: ${d.repliesAfterResponse}`,
    `    server CPU ${num(r.serverCpuMsPerTurn ?? NaN, 2)} ms per turn (${num(d.replies / Math.max(1, d.turns), 2)} replies per turn); driver + capture used ${num(d.driverCores * 100, 0)}% of a core; load average ${num(r.load ?? NaN, 2)}`,
  ];
  if (row.errors > 0)
    lines.push(
      `    errors: ${Object.entries(d.errors)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  for (const e of d.examples) lines.push(`      e.g. ${e}`);
  return lines;
}

export interface Target {
  name: string;
  verdict: 'PASS' | 'FAIL' | 'SKIP';
  detail: string;
}

/** The issue's three targets, plus a clean run (a result with errors measures the wrong thing). */
export function targets(rows: Row[], sizes: number[]): Target[] {
  const echo = rows.find((r) => r.phase.startsWith('echo'));
  const bot = rows.find((r) => r.phase.startsWith('bot') && !r.rate && r.stored === 0);
  // Latency targets are judged at a fixed offered load: at saturation latency only mirrors throughput.
  const at = (n: number): Row | undefined => rows.find((r) => r.phase.startsWith('bot') && r.rate && r.stored === n && !r.note);
  const verdict = (ok: boolean): 'PASS' | 'FAIL' => (ok ? 'PASS' : 'FAIL');
  const list: Target[] = [];
  if (echo && bot && bot.ratio !== undefined) {
    list.push({
      name: 'turns/s >= 0.5x echo (empty store)',
      verdict: verdict(bot.ratio >= 0.5),
      detail: `${num(bot.turnsPerSec, 0)} vs ${num(echo.turnsPerSec, 0)} = ${num(bot.ratio, 2)}x`,
    });
  }
  const tenK = at(10_000);
  const tenKName = 'p99 < 20 ms with 10,000 stored';
  if (tenK) list.push({ name: tenKName, verdict: verdict(tenK.p99 < 20), detail: `p99 ${num(tenK.p99)} ms` });
  else if (!sizes.includes(10_000)) list.push({ name: tenKName, verdict: 'SKIP', detail: '10000 not in --sizes' });
  else list.push({ name: tenKName, verdict: 'FAIL', detail: rows.find((r) => r.stored === 10_000)?.note ?? 'the phase did not run' });
  if (sizes.length < 2) {
    list.push({ name: 'p99 flat (<= 1.5x) as the store grows', verdict: 'SKIP', detail: 'needs two --sizes' });
  } else {
    const [low, high] = [Math.min(...sizes), Math.max(...sizes)];
    const [a, b] = [at(low), at(high)];
    const name = `p99 flat (<= 1.5x) from ${low.toLocaleString('en-US')} to ${high.toLocaleString('en-US')} stored`;
    if (a && b)
      list.push({ name, verdict: verdict(b.p99 <= 1.5 * a.p99), detail: `${num(a.p99)} -> ${num(b.p99)} ms = ${num(b.p99 / a.p99, 2)}x` });
    else list.push({ name, verdict: 'FAIL', detail: rows.find((r) => r.stored === (a ? high : low))?.note ?? 'a phase did not run' });
  }
  const errors = rows.reduce((sum, r) => sum + r.errors, 0);
  list.push({ name: 'no errors (non-2xx, timeouts, unexpected or late replies)', verdict: verdict(errors === 0), detail: `${errors}` });
  return list;
}
