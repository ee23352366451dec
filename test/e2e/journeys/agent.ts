import { expect } from 'vitest';
import { ui } from '../../../src/tree/messages.js';
import { seriousViolations } from '../helpers/axe.js';
import { horizontalOverflow, unreachableAll, watchPage } from '../helpers/pages.js';
import { AGENT_TOKEN, press, shoot, type World } from './world.js';

/** Serious or critical axe findings on desktop runs (the audit is about the page, not the screen size). */
async function audit(world: World, state: string): Promise<void> {
  if (world.device.name === 'desktop') expect(await seriousViolations(world.agent!.page, `agent console: ${state}`)).toEqual([]);
}

/** On a phone: no sideways scrolling, and the named buttons are fully on screen once scrolled to. */
async function expectReachable(world: World, names: string[]): Promise<void> {
  if (world.device.name !== 'phone') return;
  const { page } = world.agent!;
  expect(await horizontalOverflow(page)).toBe(0);
  for (const name of names) expect(await unreachableAll(page.getByRole('button', { name, exact: true }))).toEqual([]);
}

/**
 * Journey 2: an agent in /agent (a second browser context) signs in, finds the user's ticket first in the queue
 * with its summary, claims it and chats both ways with the user's Web Chat, then resolves it; the user is
 * asked for a rating and gives one.
 */
export async function agentJourney(world: World): Promise<void> {
  const user = world.user!;
  const { person } = world.device;
  const context = await world.browser.newContext(world.device.context);
  const page = await context.newPage();
  world.agent = { context, page, ...(await watchPage(page, world.app.url)) };

  await page.goto(`${world.app.url}/agent`);
  await page.getByLabel('Agent token').waitFor();
  await audit(world, 'sign-in');
  await page.getByLabel('Agent token').fill(AGENT_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#agent-name', { hasText: 'alice' }).waitFor();

  // First in the queue, as a security case, with who and what at a glance.
  const first = page.locator('#queue-list button').first();
  await first.waitFor();
  expect(await first.getAttribute('data-ticket')).toBe(user.ticketId);
  expect(await first.textContent()).toMatch(new RegExp(`Security.*Lost or stolen phone.*${person.userId.replace('.', '\\.')}`));
  await first.click();

  // The summary: the problem, what was tried and how it went, the fields from the pasted block.
  const summary = page.locator('#summary');
  await summary.getByText('Sign in with your other phone').waitFor();
  const text = (await summary.textContent()) ?? '';
  for (const value of [
    person.userId,
    'Did not help',
    '500121',
    '7f3c1a52-9d4e-4b8a-a1c2-3e5f6a7b8c9d',
    'Outlook on the web',
    'second verification step',
  ]) {
    expect(text).toContain(value);
  }
  await expectReachable(world, ['Claim']);
  await audit(world, 'ticket summary');
  await shoot(world, page, '5-agent-summary', true);

  await press(world, page, page.getByRole('button', { name: 'Claim' }));
  await page.locator('#chat').waitFor();
  await user.chat.waitForBot('alice from the help desk has joined the chat');

  // Agent to user, then user to agent.
  const reply = page.getByLabel('Reply to the user');
  await reply.fill("Hi, I'm Alice. I can block the lost phone. Which number was on it?");
  await reply.press('Enter');
  await user.chat.waitForBot(/alice \(help desk\): Hi, I.m Alice\. I can block the lost phone/);
  await user.chat.type(`It was ${person.phone}, the ${person.word} case one. Please block it.`);
  const fromUser = page.locator('#messages .from-user .msg-text', { hasText: `the ${person.word} case one` });
  await fromUser.waitFor({ timeout: 10_000 });
  // What the user tells an agent is redacted like the transcript: the number never reaches the console.
  expect(await fromUser.textContent()).toContain('[phone]');
  expect(await page.locator('#messages').textContent()).not.toContain(person.phone);
  await expectReachable(world, ['Send', 'Resolve']);
  await audit(world, 'chat');
  await shoot(world, page, '6-agent-chat', true);
  await shoot(world, user.page, '7-user-agent-reply');

  // Resolved: the bot is back and asks the user for a rating.
  await page.getByLabel('Resolution note (optional)').fill('Phone blocked, MFA methods reset');
  await press(world, page, page.getByRole('button', { name: 'Resolve' }));
  await page.locator('#ticket-state', { hasText: 'Resolved: Phone blocked, MFA methods reset' }).waitFor();
  await user.chat.waitForBot('alice marked your request as resolved');
  await user.chat.waitForBot(ui.agentRatingPrompt, 5_000);
  await user.chat.click('5');
  await user.chat.waitForBot('Thanks for rating the help you got 5 out of 5.');
  await shoot(world, user.page, '8-user-rated');
  await expect.poll(async () => (await world.app.tickets.get(user.ticketId))?.rating).toBe(5);
}
