import type { KnowledgeTree } from '../src/knowledge/loader.js';
import type { ChoiceNode } from '../src/knowledge/schema.js';
import { TICKET_FIELDS } from '../src/tickets/fields.js';
import { ui } from '../src/tree/messages.js';
import type { Reply } from './capture.js';
import { TurnError, type Script, type Session } from './driver.js';

/** What the scripts need of the tree: sent over IPC from the bot process's `app.tree`. */
export type Tree = Pick<KnowledgeTree, 'index' | 'nodes'>;

/** The ticket review's submit button (ticketDialog.ts does not export its labels). */
const SUBMIT = 'Send to the help desk';
const FIXED = ui.fixedChoices.find((c) => c.value === 'fixed')!.label;
const NOT_FIXED = ui.fixedChoices.find((c) => c.value === 'not fixed')!.label;
const RATING_LABELS = ui.ratingChoices.map((c) => c.label);
/** Buttons that restart the walk: picking them at random could loop a conversation forever. */
const RESTARTS = new Set([ui.startOverLabel, ui.showMenuLabel]);
/** A bot conversation that needs more turns than this is stuck in a loop. */
const MAX_TURNS = 30;
/** How people open (the issue's examples); the tree's own examples are added to these. */
const OPENERS = ['my phone was stolen', 'the sms never comes', 'I left my phone at home', "I'm not getting the code"];

/** Small deterministic PRNG, so a conversation's choices depend only on its user and index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;
const unexpected = (why: string, replies: Reply[]): TurnError =>
  new TurnError(
    'unexpected',
    `${why}; replies: ${JSON.stringify(replies.map((r) => r.text ?? `(${r.type}${r.name ? ` ${r.name}` : ''})`)).slice(0, 300)}`,
  );
const buttonsOf = (reply: Reply | undefined): string[] => (reply?.suggestedActions?.actions ?? []).map((a) => String(a.title ?? ''));

export function rootMenu(tree: Tree): string[] {
  return (tree.nodes.get(tree.index.root) as ChoiceNode).options.map((o) => o.label);
}

/** Free text that should name a branch: the issue's phrases plus the first examples of each branch's first node. */
export function openers(tree: Tree): string[] {
  const root = tree.nodes.get(tree.index.root) as ChoiceNode;
  const examples = root.options.flatMap((o) => tree.nodes.get(o.goto)?.examples.slice(0, 2) ?? []);
  return [...OPENERS, ...examples];
}

interface Plan {
  escalate: boolean;
  /** "No, still stuck" answers before the user says it worked (or asks for a person). */
  notFixedFirst: number;
  notFixedSoFar: number;
  email: string;
}

/** The user's answer to the turn's replies, or how the conversation ended. */
function respond(all: Reply[], plan: Plan, random: () => number): { text: string } | { done: string } {
  // A typing indicator (slow turns) can land anywhere among the replies; it is never the prompt.
  const replies = all.filter((r) => r.type !== 'typing');
  if (replies.length === 0) throw unexpected('no reply', all);
  const texts = replies.map((r) => r.text ?? '');
  const broken = texts.find(
    (t) => t.startsWith('Sorry, something went wrong') || t.includes(ui.notUnderstood) || t.startsWith("Sorry, I didn't catch that"),
  );
  if (broken !== undefined) throw unexpected('the bot did not understand or failed', replies);
  // A user who already has an open ticket rejoins it instead of opening another (issue 15).
  if (texts.some((t) => /ticket number is \*\*MFA-|You already have ticket \*\*MFA-/.test(t))) return { done: 'escalated' };
  if (texts.some((t) => t.startsWith(ui.ratingThanks(5)))) return { done: 'resolved' };

  const prompt = replies.at(-1);
  const buttons = buttonsOf(prompt);
  const field = TICKET_FIELDS.find((f) => prompt?.text?.startsWith(f.prompt));
  if (buttons.includes(SUBMIT)) return { text: SUBMIT };
  if (field?.name === 'userId') return { text: plan.email };
  if (field?.name === 'errorMessage') return { text: 'AADSTS50076: the text with my code never arrives when I sign in' };
  if (field) return { text: 'skip' };
  if (buttons.includes(FIXED) && buttons.includes(NOT_FIXED)) {
    if (plan.notFixedSoFar < plan.notFixedFirst) {
      plan.notFixedSoFar += 1;
      return { text: NOT_FIXED };
    }
    return { text: plan.escalate ? 'talk to a person' : FIXED };
  }
  if (RATING_LABELS.every((l) => buttons.includes(l))) return { text: '5' };
  const options = buttons.filter((b) => !RESTARTS.has(b));
  if (options.length > 0) return { text: pick(options, random) };
  throw unexpected('no prompt the script knows how to answer', replies);
}

/** Join, describe the problem, follow the steps, end resolved (rating 5) or escalated (ticket sent). */
export function botScript(tree: Tree): Script {
  const menu = rootMenu(tree);
  const phrases = openers(tree);
  return async (session: Session) => {
    const random = rng(session.user * 100_003 + session.index);
    const plan: Plan = {
      escalate: random() < 0.2,
      notFixedFirst: Math.floor(random() * 3),
      notFixedSoFar: 0,
      email: `u${session.user * 1000 + session.index}@contoso.com`,
    };
    const welcome = await session.send({ type: 'conversationUpdate', membersAdded: [{ id: session.userId }] });
    const shown = buttonsOf(welcome.filter((r) => r.type !== 'typing').at(-1));
    if (!welcome.some((r) => r.text === tree.index.welcome) || menu.some((label) => !shown.includes(label))) {
      throw unexpected('join did not get the welcome and the root menu', welcome);
    }
    // Most people type; some click a menu button.
    let text = random() < 0.2 ? pick(menu, random) : pick(phrases, random);
    for (let turn = 0; turn < MAX_TURNS; turn += 1) {
      const next = respond(await session.send({ type: 'message', text }), plan, random);
      if ('done' in next) return next.done;
      text = next.text;
    }
    throw new TurnError('unexpected', `no resolution or ticket after ${MAX_TURNS} turns`);
  };
}

/** The reference's conversation: join plus eight messages (the same kind of texts), each answered by one echo. */
export function echoScript(): Script {
  const phrases = [...OPENERS, FIXED, NOT_FIXED, 'talk to a person', '5', 'u123@contoso.com', 'skip', SUBMIT];
  return async (session: Session) => {
    const random = rng(session.user * 100_003 + session.index);
    const activities: { type: string; text?: string; membersAdded?: { id: string }[] }[] = [
      { type: 'conversationUpdate', membersAdded: [{ id: session.userId }] },
      ...Array.from({ length: 8 }, () => ({ type: 'message', text: pick(phrases, random) })),
    ];
    for (const activity of activities) {
      const replies = await session.send(activity);
      if (replies.length !== 1 || replies[0]!.text !== (activity.text ?? '')) throw unexpected('expected one echo', replies);
    }
    return 'echoed';
  };
}
