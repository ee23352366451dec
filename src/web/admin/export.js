// @ts-check
// Export of the filtered conversations: fetched with the token (a plain link could not carry it), then saved from
// a blob: URL under the name the server gave it.
import { el } from '../assets/dom.js';
import * as api from './api.js';
import { announce, report, showAlert, state } from './state.js';

/**
 * The file name from a Content-Disposition header (RFC 6266: filename* first, then filename), made safe to save
 * under; `transcripts.<format>` when there is none.
 * @param {string | null} disposition
 * @param {string} format
 */
function fileName(disposition, format) {
  const header = disposition || '';
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  let name = '';
  if (star?.[1]) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = '';
    }
  }
  if (!name) name = (/filename\s*=\s*"([^"]*)"/i.exec(header) || /filename\s*=\s*([^;\s]+)/i.exec(header) || [])[1] || '';
  // eslint-disable-next-line no-control-regex -- control characters are what a file name must not hold
  name = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  return name || `transcripts.${format}`;
}

/**
 * Downloads the conversations matching the applied filters; `button` stays disabled meanwhile.
 * @param {'csv' | 'jsonl'} format
 * @param {HTMLButtonElement} button
 */
export async function exportAs(format, button) {
  showAlert('');
  announce(`Preparing the ${format.toUpperCase()} export…`);
  button.disabled = true;
  try {
    const res = await api.exportFile(format, state.filters);
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
