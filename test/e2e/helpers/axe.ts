import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../src/paths.js';

/** WCAG 2.1 A and AA plus axe's best practices: what "labels, keyboard use, contrast" come down to. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AuditFinding {
  state: string;
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

const findings: AuditFinding[] = [];

const describeResult = (state: string, r: Result): AuditFinding => ({
  state,
  rule: r.id,
  impact: r.impact ?? 'unknown',
  help: r.help,
  targets: r.nodes.slice(0, 5).map((n) => n.target.join(' ')),
});

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations (the ones that fail a
 * test). Every finding, minor ones too, is kept for `writeAuditReport`, so a reviewer sees what is left.
 */
export async function seriousViolations(page: Page, state: string): Promise<AuditFinding[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const all = results.violations.map((r) => describeResult(state, r));
  findings.push(...all);
  return all.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

/** Writes every finding of this run to test-results/axe-<name>.json (not committed: it is a run's output). */
export async function writeAuditReport(name: string): Promise<void> {
  const dir = path.join(projectRoot(), 'test-results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `axe-${name}.json`), JSON.stringify(findings, null, 2));
}
