import { expect } from 'vitest';
import { ui } from '../../../src/tree/messages.js';
import { seriousViolations } from '../helpers/axe.js';
import { horizontalOverflow, unreachable, unreachableAll, watchPage } from '../helpers/pages.js';
import { WebChatUser, shown } from '../helpers/webChat.js';
import { press, shoot, type World } from './world.js';

const PAGE_TITLE = 'Sign-in help: two-step verification';

/** The "View details" block of a sign-in error page, as a person would copy it (a time a few minutes ago). */
function errorDetails(): string {
  const at = new Date(Date.now() - 7 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    'Error Code: 500121',
    'Request Id: 7f3c1a52-9d4e-4b8a-a1c2-3e5f6a7b8c9d',
    'Correlation Id: 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9',
    `Timestamp: ${at}`,
    'Message: The sign-in could not finish the second verification step.',
    'App name: Outlook on the web',
    'IP address: 203.0.113.7',
  ].join('\n');
}

/** On a phone, every button the bot offers must be fully on screen once scrolled to, and the send box too. */
async function expectReachable(world: World, chat: WebChatUser): Promise<void> {
  if (world.device.name !== 'phone') return;
  expect(await horizontalOverflow(chat.page)).toBe(0);
  expect(await unreachableAll(chat.buttons)).toEqual([]);
  expect(await unreachable(chat.sendBox)).toBe('');
}

async function expectAccessible(world: World, chat: WebChatUser, state: string): Promise<void> {
  if (world.device.name === 'desktop') expect(await seriousViolations(chat.page, `web chat: ${state}`)).toEqual([]);
}

/** Opens Web Chat and checks what a newcomer sees first: what the bot is for, a welcome and the menu. */
async function openChat(world: World): Promise<WebChatUser> {
  const context = await world.browser.newContext({ ...world.device.context, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const watched = await watchPage(page, world.app.url);
  await page.goto(`${world.app.url}/`);
  expect(await page.title()).toBe(PAGE_TITLE);
  expect(await page.getByRole('heading', { level: 1, name: PAGE_TITLE }).isVisible()).toBe(true);
  const chat = new WebChatUser(page);
  world.user = { context, page, chat, ...watched, ticketId: '', conversationId: '' };

  const tree = world.app.tree;
  const menu = tree.nodes.get(tree.index.root) as { options: { label: string }[] };
  await chat.waitForBot(tree.index.welcome);
  await chat.button(menu.options[0]!.label).waitFor({ timeout: 10_000 });
  expect((await chat.buttons.allInnerTexts()).map((l) => l.trim())).toEqual(menu.options.map((o) => o.label));
  await expectReachable(world, chat);
  await expectAccessible(world, chat, 'welcome and menu');
  await shoot(world, page, '1-user-welcome');
  return chat;
}

/**
 * Journey 1: an end user in Web Chat describes the problem in their words, follows the steps, says they did
 * not help, fills the ticket (pasting the error page's details block) and gets a ticket id and queue place.
 */
export async function userJourney(world: World): Promise<void> {
  const chat = await openChat(world);
  const { app } = world;
  const { person } = world.device;
  const lostPhone = app.tree.nodes.get('lost-phone') as { text: string; options: { label: string }[] };

  await chat.type('my phone was stolen');
  await chat.waitForBot(lostPhone.text);
  await press(world, chat.page, chat.button(lostPhone.options[0]!.label));
  await chat.waitForBot((app.tree.nodes.get('lost-phone-other-method') as { text: string }).text);
  await chat.waitForBot(ui.fixedQuestion);
  await expectReachable(world, chat);
  await chat.click(ui.fixedChoices[1]!.label);

  // Nothing left to try: the ticket questions.
  await chat.waitForBot((app.tree.nodes.get('lost-phone-admin-reset') as { text: string }).text);
  await chat.waitForBot("What's the email address or sign-in name");
  await chat.type(`It's ${person.userId}`);
  await chat.waitForBot('What does the error message say, exactly?');
  await chat.paste(errorDetails());
  await chat.waitForBot('From the details you pasted I picked up');
  const picked = (await chat.said('From the details you pasted I picked up').textContent()) ?? '';
  for (const label of ['Error message', 'Error code', 'Session ID', 'Correlation ID', 'Time of the error']) expect(picked).toContain(label);
  await chat.waitForBot("What's the address (URL) of the page");
  await chat.click('Skip');
  await chat.waitForBot('Is it a work or school account');
  await chat.click('Work or school');

  // The review card: rendered by Web Chat's Adaptive Cards renderer, with what was typed and pasted.
  await chat.waitForBot('Is everything right?');
  const card = chat.cards.last();
  await card.waitFor();
  for (const value of [
    'Your request to the help desk',
    person.userId,
    '500121',
    '7f3c1a52-9d4e-4b8a-a1c2-3e5f6a7b8c9d',
    'Work or school',
  ]) {
    expect(await card.textContent()).toContain(value);
  }
  await expectReachable(world, chat);
  await expectAccessible(world, chat, 'ticket review card');
  await shoot(world, chat.page, '2-user-review-card');

  // The help desk is slow to take the ticket: the bot shows it is working on it.
  const openTicket = app.handoff.openTicket.bind(app.handoff);
  app.handoff.openTicket = async (input) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return openTicket(input);
  };
  try {
    await press(world, chat.page, chat.button('Send to the help desk'));
    await chat.typingIndicator.waitFor({ timeout: 5_000 });
    await shoot(world, chat.page, '3-user-typing');
    await chat.waitForBot(/Your ticket number is MFA-[A-Z0-9]{6}/);
  } finally {
    app.handoff.openTicket = openTicket;
  }
  const done = await chat.said(/Your ticket number is/).textContent();
  const ticketId = /(MFA-[A-Z0-9]{6})/.exec(done ?? '')?.[1] ?? '';
  // Earlier runs resolved their tickets, so this one is first in the queue.
  expect(done).toMatch(shown("You're next in the queue."));
  const ticket = await app.tickets.get(ticketId);
  expect(ticket?.fields).toMatchObject({
    userId: person.userId,
    sessionId: '7f3c1a52-9d4e-4b8a-a1c2-3e5f6a7b8c9d',
    accountType: 'work-or-school',
  });
  world.user!.ticketId = ticketId;
  world.user!.conversationId = ticket!.conversation.conversationId;
  await shoot(world, chat.page, '4-user-ticket');
}
