/** Bot endpoint cases that vary the request around a good activity: content type, method, authorization. */
import { JSON_HEADERS } from '../case.js';
import type { CaseBuilder } from './builder.js';

/** Content types, each with the statuses it may get. */
const CONTENT_TYPES: [string, number[]][] = [
  ['text/plain', [415]],
  ['application/xml', [415]],
  ['text/html; charset=utf-8', [415]],
  ['image/png', [415]],
  ['application/octet-stream', [415]],
  ['application/x-www-form-urlencoded', [415]],
  ['multipart/form-data; boundary=xyz', [415]],
  ['application/ld+json', [400, 415]],
  ['application/json; charset=utf-16', [200, 400, 415]],
  ['application/json; charset=iso-8859-1', [200, 400, 415]],
  ['APPLICATION/JSON', [200]],
  ['application/json;;;', [200, 400, 415]],
  ['', [400, 415]],
  ['application/jsonx', [415, 400]],
  ['json', [400, 415]],
];

export function contentTypeCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 70; i += 1) {
    const [type, expected] = rng.pick(CONTENT_TYPES);
    const id = b.conv();
    const body = JSON.stringify(b.activity(id, { text: 'hello' }));
    const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
    b.add({
      surface: 'messages',
      tags: [`ctype:${type}`],
      method: 'POST',
      path: '/api/messages',
      headers,
      body,
      expect: expected,
      conversationId: id,
      wantsReply: expected.every((s) => s === 200),
    });
  }
}

export function methodCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 40; i += 1) {
    const method = rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
    b.add({
      surface: 'messages',
      tags: [`method:${method}`],
      method,
      path: '/api/messages',
      headers: method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? {} : JSON_HEADERS,
      body: method === 'GET' || method === 'DELETE' || method === 'OPTIONS' ? undefined : JSON.stringify(b.activity(b.conv())),
      expect: [405],
    });
  }
}

export function authHeaderCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 20; i += 1) {
    // With no app id the endpoint is anonymous; a token it cannot validate must still not crash it.
    const auth = rng.pick([
      'Bearer garbage',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.',
      `Bearer ${'x'.repeat(6000)}`,
      'Bearer a b c',
    ]);
    const id = b.conv();
    b.add({
      surface: 'messages',
      tags: ['auth-header'],
      method: 'POST',
      path: '/api/messages',
      headers: { ...JSON_HEADERS, authorization: auth },
      body: JSON.stringify(b.activity(id, { text: 'hello' })),
      conversationId: id,
    });
  }
}
