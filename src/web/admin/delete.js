// @ts-check
// Deleting the open conversation, after an in-page confirm step.
import { byId } from '../assets/dom.js';
import * as api from './api.js';
import { refresh } from './filters.js';
import { announce, report, state } from './state.js';
import { hideConfirm, showList } from './transcript.js';

export function askDelete() {
  byId('confirm-delete').hidden = false;
  byId('delete').setAttribute('aria-expanded', 'true');
  byId('confirm-no').focus();
}

export function cancelDelete() {
  hideConfirm();
  byId('delete').focus();
}

export async function confirmDelete() {
  const id = state.openId;
  if (!id) return;
  const yes = byId('confirm-yes', HTMLButtonElement);
  yes.disabled = true;
  try {
    await api.deleteConversation(id);
    showList(false);
    await refresh();
    announce('Conversation deleted.');
    byId('list-title').focus();
  } catch (err) {
    report(err);
  } finally {
    yes.disabled = false;
  }
}
