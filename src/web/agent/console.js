// Agent console: a static page over the agent API (docs/agent-api.md). Everything that comes from the API is
// put on the page with textContent and DOM calls, never as HTML: user text can hold markup.
(function () {
  'use strict';

  const TOKEN_KEY = 'agent-console.token';
  const QUEUE_EVERY_MS = 2000;
  const CHAT_EVERY_MS = 1500;
  const SIGNED_OUT = 'Your agent token was not accepted. Sign in again.';
  const PRIORITY_BADGE = { urgent: 'Security', high: 'High', normal: 'Normal' };
  const AUTHOR = { user: 'User', bot: 'Bot', agent: 'Agent' };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: null, me: null, session: 0, queue: [], queueKey: '',
    openId: null, ticket: null, view: 0, lastSeq: 0, loops: 0, chatLoop: 0, seen: new Map(), alertKind: '',
  };

  // Sign-in form, saved token and API errors: /assets/console-auth.js, loaded before this script.
  const { apiError, tokenStore, signInSubmit, resume } = window.consoleAuth;
  const tokens = tokenStore(TOKEN_KEY);

  // ---- small helpers ----
  /** Creates an element; strings among the children become text nodes (Node#append), never markup. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  function age(iso) {
    const ms = Date.now() - Date.parse(iso);
    if (Number.isNaN(ms)) return '';
    const min = Math.max(0, Math.floor(ms / 60000));
    if (min < 60) return `${min} min`;
    return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
  }

  function clock(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function showAlert(text, kind = 'error') {
    $('alert').textContent = text;
    state.alertKind = text ? kind : '';
  }

  function announce(text) {
    $('status').textContent = text;
  }

  function report(err) {
    if (err.status === 401) return; // already back on the sign-in form
    showAlert(err.message || String(err), err.code === 'Network' ? 'network' : 'error');
  }

  // ---- the API ----

  async function api(path, options = {}) {
    const headers = { Authorization: `Bearer ${state.token}`, Accept: 'application/json' };
    const init = { method: options.method || 'GET', headers, cache: 'no-store' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(`/api/agent/${path}`, init);
    } catch {
      throw apiError(0, 'Network', 'Cannot reach the server. Check the connection; the console keeps trying.');
    }
    const data = await res.json().catch(() => ({}));
    if (res.status === 401) {
      signOut(SIGNED_OUT);
      throw apiError(401, 'Unauthorized', SIGNED_OUT);
    }
    if (!res.ok) throw apiError(res.status, data.code || 'Error', data.message || `The server answered ${res.status}.`);
    return data;
  }

  const ticketPath = (id, rest = '') => `tickets/${encodeURIComponent(id)}${rest}`;

  /** Runs fn now and every `ms` after it settles, while alive() holds. */
  function every(ms, fn, alive) {
    const tick = async () => {
      if (!alive()) return;
      await fn().catch(report);
      if (alive()) setTimeout(tick, ms);
    };
    tick();
  }

  // ---- signing in and out ----
  async function signIn(token) {
    state.token = token;
    const me = await api('me');
    state.me = me;
    tokens.save(token);
    showAlert('');
    $('agent-name').textContent = me.name;
    $('who').hidden = false;
    $('signin').hidden = true;
    $('console').hidden = false;
    $('token').value = '';
    const session = ++state.session;
    every(QUEUE_EVERY_MS, pollQueue, () => state.session === session);
  }

  function signOut(message) {
    tokens.clear();
    const wasSignedIn = state.token !== null;
    Object.assign(state, { token: null, me: null, queue: [], queueKey: '', openId: null, ticket: null });
    state.session++;
    state.view++;
    stopChat();
    $('who').hidden = true;
    $('console').hidden = true;
    $('signin').hidden = false;
    $('queue-list').replaceChildren();
    closeTicketView();
    showAlert(message || '');
    if (wasSignedIn || message) $('token').focus();
  }

  // ---- the queue ----
  function unreadCount(item) {
    const chatOnScreen = item.id === state.openId && !$('chat').hidden;
    if (chatOnScreen || !state.seen.has(item.id)) return 0;
    return Math.max(0, item.lastMessageSeq - state.seen.get(item.id));
  }

  function queueStatus(item) {
    if (item.status === 'queued') return item.position ? `Queued, #${item.position}` : 'Queued';
    const mine = state.me && item.assignedTo === state.me.name;
    return `Assigned to ${mine ? 'you' : item.assignedTo || 'an agent'}`;
  }

  function badge(priority) {
    return el('span', { className: `badge badge-${PRIORITY_BADGE[priority] ? priority : 'normal'}` },
      PRIORITY_BADGE[priority] || String(priority));
  }

  function queueItem(item) {
    const unread = unreadCount(item);
    const parts = [PRIORITY_BADGE[item.priority] || item.priority, item.categoryTitle, item.userId, age(item.createdAt),
      queueStatus(item), unread ? `${unread} new` : ''];
    const button = el('button', { type: 'button', className: `queue-item prio-${PRIORITY_BADGE[item.priority] ? item.priority : 'normal'}` },
      el('span', { className: 'line' }, badge(item.priority), el('span', { className: 'category' }, item.categoryTitle),
        el('span', { className: 'age' }, age(item.createdAt))),
      el('span', { className: 'user' }, item.userId),
      el('span', { className: 'headline' }, item.headline || ''),
      el('span', { className: 'line' }, el('span', { className: 'state' }, queueStatus(item)),
        unread ? el('span', { className: 'unread' }, `${unread} new`) : null));
    button.dataset.ticket = item.id;
    button.setAttribute('aria-label', parts.filter(Boolean).join(', '));
    if (item.id === state.openId) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => openTicket(item.id));
    return el('li', null, button);
  }

  function renderQueue() {
    const items = state.queue.map(queueItem);
    const key = items.map((li) => li.firstChild.getAttribute('aria-label') + li.firstChild.getAttribute('aria-current')).join('|');
    if (key === state.queueKey) return; // nothing changed: leave the DOM (and a half-done click) alone
    state.queueKey = key;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.ticket : undefined;
    $('queue-list').replaceChildren(...items);
    $('queue-empty').hidden = items.length > 0;
    $('queue-count').textContent = items.length ? `(${items.length})` : '';
    const again = focused && items.find((li) => li.firstChild.dataset.ticket === focused);
    if (again) again.firstChild.focus();
  }

  async function pollQueue() {
    const session = state.session;
    const data = await api('queue');
    if (session !== state.session) return;
    if (state.alertKind === 'network') showAlert('');
    state.queue = Array.isArray(data.tickets) ? data.tickets : [];
    renderQueue();
  }

  // ---- one ticket ----
  function facts(rows) {
    const list = el('dl', { className: 'facts' });
    for (const [label, value] of rows) {
      const missing = value === null || value === undefined || value === '';
      list.append(el('dt', null, label), el('dd', missing ? { className: 'missing' } : null, missing ? 'not given' : String(value)));
    }
    return list;
  }

  function block(title, ...content) {
    return el('section', { className: 'block' }, el('h3', null, title), ...content);
  }

  function stepsList(steps) {
    if (!steps || !steps.length) return el('p', { className: 'missing' }, 'No steps recorded.');
    return el('ol', { className: 'steps' }, ...steps.map((s) =>
      el('li', null, el('span', { className: 'step' }, s.title), ' ', el('span', { className: 'outcome' }, s.outcome))));
  }

  function renderSummary(s) {
    const extras = s.extras || [];
    $('ticket-title').textContent = s.headline || s.ticketId;
    $('ticket-meta').replaceChildren(badge(s.priority), ' ', el('strong', null, s.priorityLabel), ' · ',
      s.categoryTitle, ' · ', s.ticketId, ' · ', `waiting ${s.waitingMinutes} min`);
    const blocks = [
      // Written by a model (only when one is configured): labelled as such, above the facts it summarises.
      ...(s.modelSummary ? [block('Summary (written by AI from the fields below)', el('p', { className: 'model-summary' }, s.modelSummary))] : []),
      el('section', { className: 'block next-step' }, el('h3', null, 'Suggested next step'), el('p', null, s.suggestedNextStep)),
      block('Who', facts([['User ID', s.who.userId], ['Name', s.who.userName], ['Account type', s.who.accountType],
        ['Channel', s.who.channel]])),
      block('Problem', facts([['Error message', s.problem.errorMessage], ['Error code', s.problem.errorCode],
        ['Escalated because', s.problem.escalatedBecause]])),
      block('Steps tried', stepsList(s.stepsTried)),
      block('All fields', facts((s.fields || []).map((f) => [f.label, f.value]))),
    ];
    if (extras.length) blocks.push(block('Other details', facts(extras.map((x) => [x.label, x.value]))));
    $('summary').replaceChildren(...blocks);
  }

  function closeTicketView() {
    $('ticket').hidden = true;
    $('ticket-empty').hidden = false;
    $('ticket-title').textContent = 'Ticket';
    $('messages').replaceChildren();
    state.lastSeq = 0;
  }

  async function openTicket(id) {
    showAlert('');
    const view = ++state.view;
    stopChat();
    closeTicketView();
    state.openId = id;
    renderQueue();
    const data = await api(ticketPath(id)).catch(report);
    if (!data || view !== state.view) return;
    state.ticket = data.ticket;
    renderSummary(data.summary);
    $('ticket-empty').hidden = true;
    $('ticket').hidden = false;
    applyTicketState();
    $('ticket-title').focus();
  }

  function ticketStateText(t, mine) {
    if (t.status === 'queued') return 'Waiting in the queue. Claim it to chat with the user.';
    if (t.status === 'assigned') return mine ? 'Assigned to you.' : `Assigned to ${t.assignedTo || 'another agent'}.`;
    if (t.status === 'resolved') return `Resolved${t.resolutionNote ? `: ${t.resolutionNote}` : '.'}`;
    return 'Closed without an agent.';
  }

  /** Shows what the agent may do with the open ticket, and polls its chat while it is theirs. */
  function applyTicketState() {
    const t = state.ticket;
    const mine = t.status === 'assigned' && state.me && t.assignedTo === state.me.name;
    const closed = t.status === 'resolved' || t.status === 'closed-without-agent';
    $('ticket-state').textContent = ticketStateText(t, mine);
    $('ticket-state').className = `ticket-state state-${closed ? 'closed' : t.status}`;
    $('claim').hidden = t.status !== 'queued';
    $('user-left').hidden = t.userWaiting !== false || closed;
    $('chat').hidden = !mine && !closed;
    $('reply-form').hidden = !mine;
    $('resolve-form').hidden = !mine;
    if (mine && !state.chatLoop) startChat();
    if (!mine && state.chatLoop) stopChat();
    if (closed) pollMessages().catch(report); // the whole conversation, read-only
  }

  async function claim() {
    showAlert('');
    const id = state.openId;
    $('claim').disabled = true;
    try {
      const data = await api(ticketPath(id, '/claim'), { method: 'POST', body: {} });
      if (id !== state.openId) return;
      state.ticket = data.ticket;
      applyTicketState();
      announce('Ticket claimed.');
      $('reply').focus();
    } catch (err) {
      if (err.status === 409) {
        showAlert(err.code === 'Closed' ? 'This ticket is already closed.' : 'Already claimed by another agent');
      } else report(err);
    } finally {
      $('claim').disabled = false;
    }
  }

  // ---- the chat ----
  function messageNode(m) {
    const from = AUTHOR[m.from] ? m.from : 'bot';
    const author = from === 'agent' ? m.agent || AUTHOR.agent : AUTHOR[from];
    return el('div', { className: `msg from-${from}` },
      el('p', { className: 'msg-meta' }, el('span', { className: 'author' }, author), ' ',
        el('time', { dateTime: m.at }, clock(m.at))),
      el('p', { className: 'msg-text' }, m.text));
  }

  function startChat() {
    const loop = ++state.loops;
    state.chatLoop = loop;
    every(CHAT_EVERY_MS, pollMessages, () => state.chatLoop === loop);
  }

  function stopChat() {
    state.chatLoop = 0;
  }

  async function pollMessages() {
    const { view, openId: id } = state;
    const data = await api(ticketPath(id, `/messages?after=${state.lastSeq}`));
    if (view !== state.view || id !== state.openId) return;
    const log = $('messages');
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    for (const m of data.messages || []) {
      if (m.seq <= state.lastSeq) continue; // an overlapping poll already showed it
      log.append(messageNode(m));
      state.lastSeq = m.seq;
    }
    if (atBottom) log.scrollTop = log.scrollHeight;
    state.seen.set(id, state.lastSeq);
    const t = state.ticket;
    if (data.status !== t.status || data.userWaiting !== t.userWaiting) {
      Object.assign(t, { status: data.status, userWaiting: data.userWaiting });
      applyTicketState();
    }
  }

  async function sendReply(event) {
    event.preventDefault();
    const box = $('reply');
    const text = box.value.trim();
    if (!text) return;
    const button = $('reply-form').querySelector('button');
    button.disabled = true;
    try {
      await api(ticketPath(state.openId, '/messages'), { method: 'POST', body: { text } });
      box.value = '';
      showAlert('');
      await pollMessages();
    } catch (err) {
      report(err);
    } finally {
      button.disabled = false;
    }
  }

  function onReplyKey(event) {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    $('reply-form').requestSubmit();
  }

  async function resolve(event) {
    event.preventDefault();
    const note = $('resolve-note').value.trim();
    const id = state.openId;
    try {
      const data = await api(ticketPath(id, '/resolve'), { method: 'POST', body: note ? { note } : {} });
      if (id !== state.openId) return;
      $('resolve-note').value = '';
      state.ticket = data.ticket;
      applyTicketState();
      announce('Ticket resolved.');
      $('ticket-title').focus();
    } catch (err) {
      report(err);
    }
  }

  // ---- start ----
  function start() {
    $('signin-form').addEventListener('submit', signInSubmit({ emptyMessage: 'Enter your agent token.', signIn, showAlert, report }));
    $('sign-out').addEventListener('click', () => signOut(''));
    $('claim').addEventListener('click', claim);
    $('reply-form').addEventListener('submit', sendReply);
    $('reply').addEventListener('keydown', onReplyKey);
    $('resolve-form').addEventListener('submit', resolve);
    resume(tokens, signIn, report);
  }

  start();
})();
