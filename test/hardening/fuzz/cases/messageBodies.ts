/** Bot endpoint cases built as raw bytes: what no serialiser would write (pollution keys, nesting, sizes, bad UTF-8, not JSON). */
import { JSON_HEADERS } from '../case.js';
import { NON_JSON, deepJson } from '../hostile.js';
import { MAX_BODY } from '../settings.js';
import type { CaseBuilder } from './builder.js';

const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf0, 0x9f, 0x98],
];

export function prototypePollutionCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 40; i += 1) {
    const id = b.conv();
    const where = rng.pick(['top', 'conversation', 'from', 'channelData', 'value'] as const);
    const key = rng.pick(['__proto__', 'constructor', 'prototype']);
    const poison =
      key === 'constructor' ? '{"prototype":{"polluted":"yes","toString":1}}' : '{"polluted":"yes","isAdmin":true,"toString":1}';
    const base = b.activity(id);
    const json = JSON.stringify(base);
    const injected =
      where === 'top'
        ? `{"${key}":${poison},${json.slice(1)}`
        : where === 'channelData' || where === 'value'
          ? `${json.slice(0, -1)},"${where}":{"${key}":${poison}}}`
          : json.replace(`"${where}":{`, `"${where}":{"${key}":${poison},`);
    b.add({
      surface: 'messages',
      tags: [`proto:${where}:${key}`],
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body: injected,
      conversationId: id,
      wantsReply: true,
    });
  }
}

export function deepNestingCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 20; i += 1) {
    const id = b.conv();
    const where = rng.pick(['channelData', 'value', 'conversation.deep', 'top', 'toparray'] as const);
    const levels = rng.range(9_000, 10_000);
    if (where === 'top' || where === 'toparray') {
      b.add({
        surface: 'messages',
        tags: [`deep:${where}`],
        method: 'POST',
        path: '/api/messages',
        headers: JSON_HEADERS,
        body: deepJson(levels, where === 'top' ? 'object' : 'array'),
        expect: [400],
      });
      continue;
    }
    const json = JSON.stringify(b.activity(id, { text: 'hi' }));
    const deep = deepJson(levels, rng.chance(0.5) ? 'object' : 'array');
    const body =
      where === 'conversation.deep'
        ? json.replace(`"conversation":{`, `"conversation":{"deep":${deep},`)
        : `${json.slice(0, -1)},"${where}":${deep}}`;
    // Past MAX_JSON_DEPTH: refused before parsing, wherever the nesting sits.
    b.add({
      surface: 'messages',
      tags: [`deep:${where}`],
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body,
      conversationId: id,
      expect: [400],
    });
  }
}

/** Bodies just under and just over the body limit, alternately. */
export function sizeCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 60; i += 1) {
    const id = b.conv();
    const over = i % 2 === 1;
    const base = JSON.stringify(b.activity(id, { text: 'My code, text or call never arrives', channelData: { pad: '' } }));
    const target = over ? MAX_BODY + 1 + rng.int(4_000) : MAX_BODY - rng.int(64);
    const padded = base.replace('"pad":""', `"pad":"${'p'.repeat(target - Buffer.byteLength(base))}"`);
    b.add({
      surface: 'messages',
      tags: [over ? 'size:over' : 'size:under'],
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body: padded,
      conversationId: id,
      wantsReply: !over,
      expect: over ? [413] : [200],
    });
  }
}

/** Invalid UTF-8 inside the text (if taken, it must be answered) or in the JSON structure (a 400). */
export function badUtf8Cases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 50; i += 1) {
    const id = b.conv();
    const bad = Buffer.from(rng.pick(BAD_UTF8));
    const inString = i % 3 !== 2;
    const json = JSON.stringify(b.activity(id, { text: 'MARK' }));
    const [before, after] = json.split(inString ? 'MARK' : '"text":"MARK"') as [string, string];
    const body = Buffer.concat([Buffer.from(before), bad, Buffer.from(after)]);
    b.add({
      surface: 'messages',
      tags: [inString ? 'utf8:in-string' : 'utf8:structure'],
      method: 'POST',
      path: '/api/messages',
      headers: JSON_HEADERS,
      body,
      conversationId: id,
      wantsReply: inString,
      expect: inString ? undefined : [400],
    });
  }
}

export function nonJsonCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 110; i += 1) {
    const body = rng.pick(NON_JSON);
    b.add({ surface: 'messages', tags: ['nonjson'], method: 'POST', path: '/api/messages', headers: JSON_HEADERS, body, expect: [400] });
  }
}
