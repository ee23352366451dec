import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations } from '../helpers/axe.js';
import { horizontalOverflow, unreachableAll, watchPage } from '../helpers/pages.js';
import { ADMIN_TOKEN, press, shoot, type World } from './world.js';

async function audit(world: World, page: Page, state: string): Promise<void> {
  if (world.device.name === 'desktop') expect(await seriousViolations(page, `admin: ${state}`)).toEqual([]);
}

async function expectReachable(world: World, page: Page, names: string[]): Promise<void> {
  if (world.device.name !== 'phone') return;
  expect(await horizontalOverflow(page)).toBe(0);
  for (const name of names) expect(await unreachableAll(page.getByRole('button', { name, exact: true }))).toEqual([]);
}

/**
 * Journey 3: an admin in /admin finds the conversation by filters and a word from it, reads the transcript with
 * the phone number masked, exports the selection as CSV, and sees the conversation counted in the analytics.
 */
export async function adminJourney(world: World): Promise<void> {
  const { conversationId, ticketId } = world.user!;
  const { person } = world.device;
  const context = await world.browser.newContext({ ...world.device.context, acceptDownloads: true });
  const page = await context.newPage();
  const watched = await watchPage(page, world.app.url);

  await page.goto(`${world.app.url}/admin`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByLabel('Admin token').press('Enter');
  await page.locator('#admin-name', { hasText: 'carol' }).waitFor();

  // Filters and a word the user typed: only this run's conversation is left.
  // The agent resolved the ticket and the user rated it: resolved, by an agent (issue 15).
  await page.getByLabel('Outcome', { exact: true }).selectOption('resolved');
  await page.getByLabel('Branch', { exact: true }).selectOption('lost-phone');
  await page.getByLabel('Words in the transcript').fill(person.word);
  await expectReachable(world, page, ['Apply', 'Export CSV']);
  await press(world, page, page.getByRole('button', { name: 'Apply', exact: true }));
  const rows = page.locator('#list-body tr');
  await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.id))).toEqual([conversationId]);
  expect(await rows.first().textContent()).toMatch(new RegExp(`Lost or stolen phone.*Resolved \\(by an agent\\).*${ticketId}`));
  await audit(world, page, 'filtered list');
  await shoot(world, page, '9-admin-list', true);

  // The transcript as it looked in the chat: user, bot and agent, the number masked everywhere.
  await press(world, page, rows.first().getByRole('button'));
  const entries = page.locator('#entries');
  await entries.locator('.from-agent', { hasText: 'I can block the lost phone' }).waitFor();
  const transcript = (await entries.textContent()) ?? '';
  expect(transcript).toContain(`It was [phone], the ${person.word} case one`);
  expect(transcript).not.toContain(person.phone);
  expect(await page.locator('#path-list').textContent()).toContain('Sign in with your other phone');
  await audit(world, page, 'transcript');
  await expectReachable(world, page, ['Back to conversations', 'Delete conversation']);
  await shoot(world, page, '10-admin-transcript', true);
  await page.getByRole('button', { name: 'Back to conversations' }).click();

  // CSV of the current selection: one row per message, this conversation only, masked.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    press(world, page, page.getByRole('button', { name: 'Export CSV' })),
  ]);
  expect(download.suggestedFilename()).toMatch(/^transcripts-.*\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toMatch(
    /^conversationId,channelId,userId,outcome,branch,rating,ticketId,seq,at,role,name,type,text/,
  );
  expect(csv.split(`${conversationId},`).length - 1).toBeGreaterThan(10);
  const others = (await world.app.transcripts.search({}, { offset: 0, limit: 100 })).items
    .map((c) => c.conversationId)
    .filter((id) => id !== conversationId);
  expect(others).toHaveLength(world.earlierRuns);
  for (const id of others) expect(csv).not.toContain(id);
  expect(csv).toContain('[phone]');
  expect(csv).not.toContain(person.phone);

  // Analytics (not narrowed by branch or words): every run so far escalated a lost phone.
  const row = page.locator('#analytics-body tr[data-branch="lost-phone"]');
  await row.waitFor();
  const cells = (await row.locator('td').allInnerTexts()).map((c) => c.trim());
  expect(cells.slice(0, 3)).toEqual([String(world.earlierRuns + 1), '0%', '100%']);
  await shoot(world, page, '11-admin-analytics', true);

  expect(watched.problems).toEqual([]);
  expect(watched.offsite).toEqual([]);
  await context.close();
}
