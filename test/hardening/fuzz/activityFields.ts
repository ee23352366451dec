/** The inbound activity's fields: which ones the fuzz touches, what the bot endpoint's schema demands of them. */
import type { Kind } from './hostile.js';

/** Fields of an inbound activity the mutations touch. */
export const ACTIVITY_PATHS = [
  'type',
  'id',
  'timestamp',
  'localTimestamp',
  'localTimezone',
  'channelId',
  'serviceUrl',
  'conversation',
  'conversation.id',
  'conversation.isGroup',
  'conversation.name',
  'conversation.conversationType',
  'conversation.tenantId',
  'from',
  'from.id',
  'from.name',
  'from.role',
  'from.aadObjectId',
  'recipient',
  'recipient.id',
  'recipient.name',
  'text',
  'textFormat',
  'locale',
  'entities',
  'attachments',
  'attachmentLayout',
  'channelData',
  'value',
  'valueType',
  'name',
  'replyToId',
  'deliveryMode',
  'suggestedActions',
  'inputHint',
  'speak',
  'summary',
  'label',
  'code',
  'importance',
  'expiration',
  'callerId',
  'relatesTo',
  'semanticAction',
  'listenFor',
  'textHighlights',
  'membersAdded',
  'membersRemoved',
  'reactionsAdded',
  'action',
  'topicName',
  'historyDisclosed',
] as const;
/** What the bot endpoint's own schema requires; a wrong value there is a 400. */
export const REQUIRED = new Set(['type', 'channelId', 'serviceUrl', 'conversation', 'conversation.id']);

const NOT_STRING: readonly Kind[] = ['number', 'bool', 'null', 'array', 'object', 'nested'];

/** Whether the bot endpoint's schema (the brief's contract: type, channelId, serviceUrl, conversation.id, from.id, text) must refuse the value. */
export function schemaRejects(path: string, kind: Kind): boolean {
  switch (path) {
    case 'type':
    case 'channelId':
      return NOT_STRING.includes(kind) || kind === 'empty';
    case 'serviceUrl':
      return kind !== 'string';
    case 'conversation':
      return kind !== 'object';
    case 'conversation.id':
      return NOT_STRING.includes(kind) || kind === 'empty';
    case 'from':
      return kind !== 'object';
    case 'from.id':
      return NOT_STRING.includes(kind);
    case 'text':
      return NOT_STRING.includes(kind) || kind === 'huge';
    default:
      return false;
  }
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

export function deletePath(target: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
  if (node && typeof node === 'object') delete (node as Record<string, unknown>)[keys.at(-1)!];
}
