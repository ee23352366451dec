// @ts-check
// The open ticket's conversation log (#messages): messages are appended as they arrive, and the log keeps to
// the bottom unless the agent scrolled up to read. Message text goes in as text: users can type markup.
import { byId, el } from '../assets/dom.js';
import { clock } from './format.js';
import { state } from './state.js';

/** @import { TicketMessage } from './types.js' */

/** @type {Record<TicketMessage['from'], string>} */
const AUTHOR = { user: 'User', bot: 'Bot', agent: 'Agent' };

/** @param {TicketMessage} m */
function messageNode(m) {
  const from = Object.prototype.hasOwnProperty.call(AUTHOR, m.from) ? m.from : 'bot';
  const author = from === 'agent' ? m.agent || AUTHOR.agent : AUTHOR[from];
  return el(
    'div',
    { className: `msg from-${from}` },
    el(
      'p',
      { className: 'msg-meta' },
      el('span', { className: 'author' }, author),
      ' ',
      el('time', { dateTime: m.at }, clock(m.at)),
      m.delivered === false ? el('span', { className: 'undelivered' }, ' · not delivered: the user gets it with their next message') : '',
    ),
    el('p', { className: 'msg-text' }, m.text),
  );
}

/**
 * Appends the messages after state.lastSeq (an overlapping poll may bring some twice) and marks them seen.
 * @param {string} id the open ticket
 * @param {TicketMessage[]} messages
 */
export function showMessages(id, messages) {
  const log = byId('messages');
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  for (const m of messages) {
    if (m.seq <= state.lastSeq) continue;
    log.append(messageNode(m));
    state.lastSeq = m.seq;
  }
  if (atBottom) log.scrollTop = log.scrollHeight;
  state.seen.set(id, state.lastSeq);
}

export function clearMessages() {
  byId('messages').replaceChildren();
  state.lastSeq = 0;
}
