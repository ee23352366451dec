// Admin page: a static page over the admin API (docs/admin-api.md): conversations and their transcripts,
// outcomes, branch analytics and export. Everything that comes from the API is put on the page with textContent
// and DOM calls, never as HTML: transcripts hold whatever users typed.
(function () {
  'use strict';

  const TOKEN_KEY = 'admin-console.token';
  const PAGE_SIZE = 25;
  const SIGNED_OUT = 'Your admin token was not accepted. Sign in again.';
  const NOT_ADMIN = 'This token is not an admin token. Sign in with an admin token.';
  const OUTCOMES = {
    resolved: 'Resolved', escalated: 'Escalated', abandoned: 'Abandoned', cancelled: 'Cancelled', 'in-progress': 'In progress',
  };
  const ROLES = { user: 'User', bot: 'Bot', agent: 'Agent' };
  /** Query parameters of the conversation list and export, and the ones analytics honours. */
  const FILTERS = ['from', 'to', 'outcome', 'branch', 'rating', 'q'];
  const ANALYTICS_FILTERS = ['from', 'to', 'outcome', 'rating'];
  const FILTER_INPUTS = { from: 'f-from', to: 'f-to', outcome: 'f-outcome', branch: 'f-branch', rating: 'f-rating', q: 'f-q' };

  const $ = (id) => document.getElementById(id);
  const state = {
    token: null, session: 0, filters: {}, offset: 0, total: 0, items: [], titles: {}, branches: [],
    listView: 0, analyticsView: 0, transcriptView: 0, openId: null,
  };

  // Sign-in form, saved token and API errors: /assets/console-auth.js, loaded before this script.
  const { apiError, tokenStore, signInSubmit, resume } = window.consoleAuth;
  const tokens = tokenStore(TOKEN_KEY);

  // ---- small helpers ----
  /** Creates an element; strings among the children become text nodes (Node#append), never markup. Arrays are flattened. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  }

  /** A dash for sighted readers and words for screen readers, where a table cell has no value. */
  function none(words) {
    const dash = el('span', { className: 'none' }, '—');
    dash.setAttribute('aria-hidden', 'true');
    return [dash, el('span', { className: 'visually-hidden' }, words)];
  }

  function validDate(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  function dateTime(iso) {
    const date = validDate(iso);
    return date ? date.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : String(iso || '');
  }

  function clock(iso) {
    const date = validDate(iso);
    return date ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
  }

  function day(iso) {
    const date = validDate(iso);
    return date ? date.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }) : '';
  }

  function timeNode(iso, text) {
    return el('time', { dateTime: String(iso || ''), title: dateTime(iso) }, text);
  }

  const percent = (rate) => `${Math.round((Number(rate) || 0) * 100)}%`;
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  /** A node's or branch's title, or its id when the API gave no title. */
  const title = (id) => (id && Object.prototype.hasOwnProperty.call(state.titles, id) ? state.titles[id] : id);
  const outcomeLabel = (outcome) => (Object.prototype.hasOwnProperty.call(OUTCOMES, outcome) ? OUTCOMES[outcome] : String(outcome));

  function outcomeBadge(outcome) {
    const known = Object.prototype.hasOwnProperty.call(OUTCOMES, outcome);
    return el('span', { className: `badge outcome-${known ? outcome : 'other'}` }, outcomeLabel(outcome));
  }

  function showAlert(text) {
    $('alert').textContent = text;
  }

  function announce(text) {
    $('status').textContent = text;
  }

  function report(err) {
    if (err.status === 401 || err.status === 403) return; // already back on the sign-in form, with the reason
    showAlert(err.message || String(err));
  }

  // ---- the API ----
  function withQuery(path, params) {
    const query = params.toString();
    return query ? `${path}?${query}` : path;
  }

  /** The applied filters named in `names`, in that order, after `first` and before `last` (offset, limit...). */
  function filterParams(names, first = {}, last = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(first)) params.set(key, String(value));
    for (const name of names) if (state.filters[name]) params.set(name, state.filters[name]);
    for (const [key, value] of Object.entries(last)) params.set(key, String(value));
    return params;
  }

  /** fetch() with the admin token; 401 and 403 sign out with the reason, other errors throw { status, code, message }. */
  async function request(path, { method = 'GET', accept = 'application/json' } = {}) {
    let res;
    try {
      res = await fetch(`/api/admin/${path}`, {
        method, cache: 'no-store', headers: { Authorization: `Bearer ${state.token}`, Accept: accept },
      });
    } catch {
      throw apiError(0, 'Network', 'Cannot reach the server. Check the connection and try again.');
    }
    if (res.status === 401 || res.status === 403) {
      const message = res.status === 401 ? SIGNED_OUT : NOT_ADMIN;
      signOut(message);
      throw apiError(res.status, res.status === 401 ? 'Unauthorized' : 'Forbidden', message);
    }
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      throw apiError(res.status, data.code || 'Error', data.message || `The server answered ${res.status}.`);
    }
    return res;
  }

  async function api(path, options) {
    const res = await request(path, options);
    return res.status === 204 ? {} : res.json().catch(() => ({}));
  }

  const conversationPath = (id) => `conversations/${encodeURIComponent(id)}`;

  // ---- signing in and out ----
  async function signIn(token) {
    state.token = token;
    const me = await api('me');
    tokens.save(token);
    showAlert('');
    $('admin-name').textContent = me.name;
    $('who').hidden = false;
    $('signin').hidden = true;
    $('console').hidden = false;
    $('token').value = '';
    state.session++;
    showList(false);
    await Promise.all([loadBranches().catch(report), refresh()]);
  }

  function signOut(message) {
    tokens.clear();
    const wasSignedIn = state.token !== null;
    Object.assign(state, { token: null, filters: {}, offset: 0, total: 0, items: [], openId: null });
    state.session++;
    state.listView++;
    state.analyticsView++;
    state.transcriptView++;
    $('who').hidden = true;
    $('console').hidden = true;
    $('signin').hidden = false;
    $('filters').reset();
    for (const id of ['list-body', 'analytics-body', 'analytics-foot', 'entries', 'path-list', 'transcript-facts']) $(id).replaceChildren();
    $('list-count').textContent = '';
    $('range').textContent = '';
    announce('');
    hideConfirm();
    showAlert(message || '');
    if (wasSignedIn || message) $('token').focus();
  }

  // ---- filters ----
  function readFilters() {
    const filters = {};
    for (const [name, id] of Object.entries(FILTER_INPUTS)) {
      const value = $(id).value.trim();
      if (value) filters[name] = value;
    }
    return filters;
  }

  function onApply(event) {
    event.preventDefault();
    const filters = readFilters();
    const backwards = filters.from && filters.to && filters.from > filters.to;
    $('f-from').setAttribute('aria-invalid', backwards ? 'true' : 'false');
    if (backwards) {
      showAlert('The "From" date is after the "To" date.');
      $('f-from').focus();
      return;
    }
    showAlert('');
    announce('');
    state.filters = filters;
    state.offset = 0;
    refresh();
  }

  function onReset() {
    $('filters').reset();
    $('f-from').setAttribute('aria-invalid', 'false');
    showAlert('');
    announce('');
    state.filters = {};
    state.offset = 0;
    refresh();
  }

  async function loadBranches() {
    const session = state.session;
    const data = await api('branches');
    if (session !== state.session) return;
    state.branches = Array.isArray(data.branches) ? data.branches : [];
    for (const b of state.branches) state.titles[b.id] = b.title;
    const select = $('f-branch');
    const chosen = select.value;
    select.replaceChildren(el('option', { value: '' }, 'Any branch'),
      ...state.branches.map((b) => el('option', { value: String(b.id) }, String(b.title || b.id))));
    select.value = chosen;
    if (state.items.length) renderList(); // branch titles may have arrived after the list
  }

  /** The list and the analytics for the applied filters. */
  function refresh() {
    return Promise.all([loadList().catch(report), loadAnalytics().catch(report)]);
  }

  // ---- the conversation list ----
  async function loadList() {
    const view = ++state.listView;
    const session = state.session;
    $('list-wrap').setAttribute('aria-busy', 'true');
    try {
      const data = await api(withQuery('conversations', filterParams(FILTERS, {}, { offset: state.offset, limit: PAGE_SIZE })));
      if (view !== state.listView || session !== state.session) return;
      state.total = Number(data.total) || 0;
      state.items = Array.isArray(data.items) ? data.items : [];
      if (!state.items.length && state.offset > 0 && state.total > 0) {
        // The page ran out (conversations were deleted meanwhile): show the last one that has any.
        state.offset = Math.floor((state.total - 1) / PAGE_SIZE) * PAGE_SIZE;
        await loadList();
        return;
      }
      renderList();
    } finally {
      if (view === state.listView) $('list-wrap').setAttribute('aria-busy', 'false');
    }
  }

  function who(c) {
    return c.userName ? `${c.userName} (${c.userId})` : String(c.userId);
  }

  function listRow(c) {
    const when = dateTime(c.lastActivityAt);
    const open = el('button', { type: 'button', className: 'link-button' }, when);
    open.setAttribute('aria-label', `${when}: open the conversation with ${who(c)}`);
    open.addEventListener('click', () => openConversation(c.conversationId));
    const row = el('tr', { className: 'clickable' },
      el('td', { className: 'when' }, open),
      el('td', { className: 'user' }, c.userName ? [el('span', null, c.userName), el('span', { className: 'sub' }, c.userId)] : c.userId),
      el('td', { className: 'branch' }, c.branch ? title(c.branch) : none('no branch')),
      el('td', null, outcomeBadge(c.outcome)),
      el('td', { className: 'num' }, c.rating ? `${c.rating}/5` : none('not rated')),
      el('td', { className: 'ticket' }, c.ticketId || none('no ticket')),
      el('td', { className: 'preview', title: c.preview || '' }, c.preview ? el('span', { className: 'clip' }, c.preview) : none('no text')));
    row.dataset.id = c.conversationId;
    // The time is the keyboard's way in; a click anywhere else on the row does the same (unless selecting text).
    row.addEventListener('click', (event) => {
      if (event.target.closest('button') || String(window.getSelection() || '')) return;
      open.click();
    });
    return row;
  }

  function renderList() {
    const { total, offset, items } = state;
    $('list-body').replaceChildren(...items.map(listRow));
    $('list-count').textContent = `(${total})`;
    $('list-empty').hidden = total > 0;
    $('list-wrap').hidden = total === 0;
    const last = Math.min(offset + items.length, total);
    $('range').textContent = total ? `${offset + 1}-${last} of ${total}` : '';
    $('prev').disabled = offset <= 0;
    $('next').disabled = offset + PAGE_SIZE >= total;
  }

  function page(direction) {
    const offset = Math.max(0, state.offset + direction * PAGE_SIZE);
    if (offset === state.offset || (direction > 0 && offset >= state.total)) return;
    showAlert('');
    state.offset = offset;
    loadList().catch(report);
  }

  // ---- analytics ----
  async function loadAnalytics() {
    const view = ++state.analyticsView;
    const session = state.session;
    $('analytics-wrap').setAttribute('aria-busy', 'true');
    try {
      const data = await api(withQuery('analytics', filterParams(ANALYTICS_FILTERS)));
      if (view !== state.analyticsView || session !== state.session) return;
      if (data.titles && typeof data.titles === 'object') Object.assign(state.titles, data.titles);
      renderAnalytics(Array.isArray(data.branches) ? data.branches : []);
      if (state.items.length) renderList();
    } finally {
      if (view === state.analyticsView) $('analytics-wrap').setAttribute('aria-busy', 'false');
    }
  }

  function averageCell(average, ratings) {
    if (average === null || average === undefined || !ratings) return el('td', { className: 'num' }, none('no ratings'));
    return el('td', { className: 'num' }, Number(average).toFixed(1), ' ', el('span', { className: 'sub-inline' }, `(${plural(ratings, 'rating', 'ratings')})`));
  }

  function analyticsRow(s) {
    const drop = s.topDropOff;
    return el('tr', null,
      el('th', { scope: 'row' }, s.branch ? title(s.branch) : 'No branch chosen'),
      el('td', { className: 'num' }, String(s.conversations)),
      el('td', { className: 'num' }, percent(s.resolutionRate)),
      el('td', { className: 'num' }, percent(s.escalationRate)),
      el('td', { className: 'num' }, String(s.abandoned)),
      averageCell(s.averageRating, s.ratings),
      el('td', { className: 'drop-off' }, drop ? [title(drop.node), ' ', el('span', { className: 'sub-inline' }, `(${drop.count})`)] : none('none')));
  }

  function renderAnalytics(stats) {
    const sum = (key) => stats.reduce((n, s) => n + (Number(s[key]) || 0), 0);
    const conversations = sum('conversations');
    const ratings = sum('ratings');
    const ratingTotal = stats.reduce((n, s) => n + (s.averageRating ? s.averageRating * (s.ratings || 0) : 0), 0);
    $('analytics-body').replaceChildren(...stats.map((s) => {
      const row = analyticsRow(s);
      row.dataset.branch = s.branch || '';
      return row;
    }));
    $('analytics-foot').replaceChildren(stats.length > 1
      ? el('tr', null,
        el('th', { scope: 'row' }, 'All branches'),
        el('td', { className: 'num' }, String(conversations)),
        el('td', { className: 'num' }, percent(conversations ? sum('resolved') / conversations : 0)),
        el('td', { className: 'num' }, percent(conversations ? sum('escalated') / conversations : 0)),
        el('td', { className: 'num' }, String(sum('abandoned'))),
        averageCell(ratings ? ratingTotal / ratings : null, ratings),
        el('td', null, none('not summed')))
      : '');
    $('analytics-empty').hidden = stats.length > 0;
    $('analytics-wrap').hidden = stats.length === 0;
  }

  // ---- one transcript ----
  function facts(rows) {
    return rows.map(([label, value]) => {
      const missing = value === null || value === undefined || value === '';
      return [el('dt', null, label), el('dd', missing ? { className: 'missing' } : null, missing ? 'none' : value)];
    });
  }

  function pathItem(step, index, steps) {
    const item = el('li', null, el('span', { className: 'node' }, title(step.node)),
      step.answer ? el('span', { className: 'answer' }, ` (${step.answer})`) : null);
    item.dataset.node = step.node;
    if (index === steps.length - 1) item.setAttribute('aria-current', 'step');
    return item;
  }

  function sessionItem(s) {
    const parts = [s.branch ? title(s.branch) : 'No branch', outcomeLabel(s.outcome)];
    if (s.rating) parts.push(`rated ${s.rating}/5`);
    if (s.ticketId) parts.push(`ticket ${s.ticketId}`);
    return el('li', null, timeNode(s.endedAt, dateTime(s.endedAt)), `: ${parts.join(' · ')}`);
  }

  function eventLabel(e) {
    if (e.type === 'event') return `Event: ${e.name || 'unnamed'}`;
    if (e.type === 'conversationUpdate') return 'Conversation update';
    return e.name ? `${e.type}: ${e.name}` : String(e.type);
  }

  const unescapeMarkdown = (text) => text.replace(/\\([\\`*_[\]~+\-.#!|(){}<>])/g, '$1');

  /**
   * The bold and italics of a bot or agent text, which the chat showed as markdown, as DOM nodes (never HTML):
   * `**bold**`, `_italic_` and backslash escapes. Users' texts are not markdown and stay as typed.
   */
  function inlineMarkdown(text) {
    const nodes = [];
    const pattern = /\*\*(?=\S)([\s\S]*?\S)\*\*|(^|[^\w\\])_(?=\S)([^_]*?\S)_(?!\w)/g;
    let last = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const start = m.index + (m[2] || '').length;
      nodes.push(unescapeMarkdown(text.slice(last, start)));
      nodes.push(m[1] !== undefined ? el('strong', null, unescapeMarkdown(m[1])) : el('em', null, unescapeMarkdown(m[3])));
      last = m.index + m[0].length;
    }
    nodes.push(unescapeMarkdown(text.slice(last)));
    return nodes.filter((n) => n !== '');
  }

  /** A message as a chat bubble; anything else (events, updates) as a small centred line. */
  function entryNode(e) {
    if (e.type !== 'message') {
      const node = el('li', { className: 'entry system' },
        el('span', null, eventLabel(e), e.text ? `: ${e.text}` : ''), ' · ', timeNode(e.at, clock(e.at)));
      node.dataset.seq = String(e.seq);
      return node;
    }
    const role = Object.prototype.hasOwnProperty.call(ROLES, e.role) ? e.role : 'bot';
    const author = role === 'agent'
      ? [el('span', { className: 'author' }, e.name || 'Agent'), ' ', el('span', { className: 'role-tag' }, 'agent')]
      : el('span', { className: 'author' }, ROLES[role]);
    const buttons = Array.isArray(e.buttons) ? e.buttons : [];
    let chips = null;
    if (buttons.length) {
      chips = el('ul', { className: 'chips' }, ...buttons.map((b) => el('li', { className: 'chip' }, String(b))));
      chips.setAttribute('aria-label', 'Buttons offered');
    }
    const node = el('li', { className: `entry msg from-${role}` },
      el('p', { className: 'msg-meta' }, author, ' ', timeNode(e.at, clock(e.at))),
      e.text ? el('p', { className: 'msg-text' }, role === 'user' ? e.text : inlineMarkdown(String(e.text))) : null,
      e.card ? el('div', { className: 'card' }, el('p', { className: 'card-label' }, 'Card'), el('p', { className: 'card-text' }, e.card)) : null,
      chips);
    node.dataset.seq = String(e.seq);
    return node;
  }

  function renderEntries(entries) {
    const nodes = [];
    let lastDay = '';
    for (const e of entries) {
      const thisDay = day(e.at);
      if (thisDay && thisDay !== lastDay) {
        nodes.push(el('li', { className: 'entry day' }, thisDay));
        lastDay = thisDay;
      }
      nodes.push(entryNode(e));
    }
    if (!entries.length) nodes.push(el('li', { className: 'entry system' }, 'Nothing was logged in this conversation.'));
    $('entries').replaceChildren(...nodes);
  }

  function renderTranscript(c, entries) {
    $('transcript-title').textContent = `Conversation with ${c.userName || c.userId}`;
    $('transcript-meta').replaceChildren(outcomeBadge(c.outcome), ' ',
      el('span', null, c.branch ? title(c.branch) : 'No branch'), ' · ',
      el('span', null, c.rating ? `Rated ${c.rating}/5` : 'Not rated'), ' · ',
      el('span', null, c.ticketId ? `Ticket ${c.ticketId}` : 'No ticket'));
    $('transcript-facts').replaceChildren(...facts([
      ['User ID', c.userId], ['Name', c.userName], ['Channel', c.channelId],
      ['Started', c.startedAt ? timeNode(c.startedAt, dateTime(c.startedAt)) : ''],
      ['Last activity', c.lastActivityAt ? timeNode(c.lastActivityAt, dateTime(c.lastActivityAt)) : ''],
      ['Messages', String(c.messageCount ?? entries.length)], ['Conversation ID', c.conversationId],
    ]).flat());
    const steps = Array.isArray(c.path) ? c.path : [];
    $('path-list').replaceChildren(...steps.map(pathItem));
    $('path-list').hidden = steps.length === 0;
    $('path-empty').hidden = steps.length > 0;
    const sessions = Array.isArray(c.sessions) ? c.sessions : [];
    $('sessions-list').replaceChildren(...sessions.map(sessionItem));
    $('sessions').hidden = sessions.length < 2;
    renderEntries(entries);
  }

  async function openConversation(id) {
    showAlert('');
    announce('');
    const view = ++state.transcriptView;
    const data = await api(conversationPath(id)).catch(report);
    if (!data || view !== state.transcriptView || !data.conversation) return;
    state.openId = id;
    hideConfirm();
    renderTranscript(data.conversation, Array.isArray(data.entries) ? data.entries : []);
    $('list-view').hidden = true;
    $('transcript-view').hidden = false;
    $('transcript-title').focus();
  }

  /** Back to the list; focus returns to the row that was opened, if it is still there. */
  function showList(restoreFocus = true) {
    const opened = state.openId;
    state.transcriptView++;
    state.openId = null;
    hideConfirm();
    $('transcript-view').hidden = true;
    $('list-view').hidden = false;
    if (!restoreFocus) return;
    const row = opened && [...$('list-body').rows].find((r) => r.dataset.id === opened);
    if (row) row.querySelector('button').focus();
    else $('list-title').focus();
  }

  // ---- deleting, with an in-page confirm step ----
  function askDelete() {
    $('confirm-delete').hidden = false;
    $('delete').setAttribute('aria-expanded', 'true');
    $('confirm-no').focus();
  }

  function hideConfirm() {
    $('confirm-delete').hidden = true;
    $('delete').setAttribute('aria-expanded', 'false');
    $('confirm-yes').disabled = false;
  }

  function cancelDelete() {
    hideConfirm();
    $('delete').focus();
  }

  async function confirmDelete() {
    const id = state.openId;
    if (!id) return;
    $('confirm-yes').disabled = true;
    try {
      await api(conversationPath(id), { method: 'DELETE' });
      showList(false);
      await refresh();
      announce('Conversation deleted.');
      $('list-title').focus();
    } catch (err) {
      report(err);
    } finally {
      $('confirm-yes').disabled = false;
    }
  }

  // ---- export: fetched with the token, saved from a blob ----
  function fileName(disposition, format) {
    const header = disposition || '';
    const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
    let name = '';
    if (star) {
      try {
        name = decodeURIComponent(star[1].trim());
      } catch {
        name = '';
      }
    }
    if (!name) name = (/filename\s*=\s*"([^"]*)"/i.exec(header) || /filename\s*=\s*([^;\s]+)/i.exec(header) || [])[1] || '';
    name = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
    return name || `transcripts.${format}`;
  }

  async function exportAs(format, button) {
    showAlert('');
    announce(`Preparing the ${format.toUpperCase()} export…`);
    button.disabled = true;
    try {
      const res = await request(withQuery('export', filterParams(FILTERS, { format })), { accept: '*/*' });
      const blob = await res.blob();
      const name = fileName(res.headers.get('Content-Disposition'), format);
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      announce(`Downloaded ${name}.`);
    } catch (err) {
      announce('');
      report(err);
    } finally {
      button.disabled = false;
    }
  }

  // ---- start ----
  function start() {
    $('signin-form').addEventListener('submit', signInSubmit({ emptyMessage: 'Enter your admin token.', signIn, showAlert, report }));
    $('sign-out').addEventListener('click', () => signOut(''));
    $('filters').addEventListener('submit', onApply);
    $('reset-filters').addEventListener('click', onReset);
    $('prev').addEventListener('click', () => page(-1));
    $('next').addEventListener('click', () => page(1));
    $('export-csv').addEventListener('click', (event) => exportAs('csv', event.currentTarget));
    $('export-jsonl').addEventListener('click', (event) => exportAs('jsonl', event.currentTarget));
    $('back').addEventListener('click', () => showList(true));
    $('delete').addEventListener('click', askDelete);
    $('confirm-yes').addEventListener('click', confirmDelete);
    $('confirm-no').addEventListener('click', cancelDelete);
    $('confirm-delete').addEventListener('keydown', (event) => {
      if (event.key === 'Escape') cancelDelete();
    });
    resume(tokens, signIn, report);
  }

  start();
})();
