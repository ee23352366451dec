/** Hostile values: strings that trip parsers, renderers and dialogs, values of the wrong type, deep nesting. */
import type { Rng } from './rng.js';

const SAMPLES = [
  '👩‍💻🔐🙈 my 2FA 📱 is broken 💥',
  'مرحبا، لا أستطيع تسجيل الدخول إلى حسابي',
  'שלום, הקוד לא מגיע',
  '\u202emoc.osotnoc@xela\u202c',
  '验证码收不到',
  'Z̸̢̛̗͎a̶̟̓l̷̰̈g̸̱͝o̵͉̔ text',
  '\u0000\u0001\u0002\u0007\b\u001b[31mred\u001b[0m\u007f',
  'line\u2028sep\u2029para\ufeffbom',
  'lone \ud800 surrogate \udfff',
  'nul\u0000inside',
  '<script>alert(1)</script><img src=x onerror=alert(1)>',
  '{{7*7}} ${process.exit(1)} #{7*7} %s%s%s%n',
  "'; DROP TABLE tickets; --",
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '**bold** [click](javascript:alert(1)) ![x](http://127.0.0.1:1/x.png)',
  'talk to a person',
  'menu',
  'cancel',
  'help',
  '?',
  'skip',
  'Send to the help desk',
  'My code, text or call never arrives',
  'No, still stuck',
  '   ',
  '',
  '__proto__',
  'constructor',
  'Error Code: 50076\nRequest Id: zzz\nCorrelation Id: \u0000\nTimestamp: 9999-99-99T99:99:99Z',
  'alex@contoso.com',
  '5',
  'NaN',
  'undefined',
  'null',
];

/** Bodies a JSON parser must refuse (or that parse to something that is not an object). */
export const NON_JSON = [
  '',
  ' ',
  '\n',
  'null',
  'true',
  '123',
  '"string"',
  '[]',
  '[{}]',
  '{',
  '{"type":',
  '{"type":"message",}',
  "{'type':'message'}",
  '{"a":1}garbage',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '/* c */{}',
  '<xml/>',
  '\u0000',
  '{"type":"message"}{"type":"message"}',
  '\ufeff{"type":"message"}',
  '{"text":"\\ud800"}',
  '{"a":"\\x41"}',
  '{"a":"\\u00"}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":1e99999}',
];

function randomCodePoints(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) {
    const bucket = rng.int(5);
    const cp =
      bucket === 0
        ? rng.int(0x20)
        : bucket === 1
          ? rng.range(0x20, 0x7e)
          : bucket === 2
            ? rng.range(0x80, 0xd7ff)
            : bucket === 3
              ? rng.range(0xe000, 0xfffd)
              : rng.range(0x10000, 0x10ffff);
    s += String.fromCodePoint(cp);
  }
  return s;
}

export function hostileString(rng: Rng, max = 600): string {
  const parts = Array.from({ length: rng.range(1, 3) }, () => {
    const k = rng.int(4);
    if (k === 0) return randomCodePoints(rng, rng.range(1, 40));
    if (k === 1) return 'A'.repeat(rng.range(1, max));
    return rng.pick(SAMPLES);
  });
  return parts.join(rng.pick(['', ' ', '\n', '\t'])).slice(0, max);
}

export type Kind = 'number' | 'bool' | 'null' | 'string' | 'empty' | 'array' | 'object' | 'huge' | 'nested';
export const KINDS: readonly Kind[] = ['number', 'bool', 'null', 'string', 'empty', 'array', 'object', 'huge', 'nested'];

export function valueOfKind(rng: Rng, kind: Kind): unknown {
  switch (kind) {
    case 'number':
      return rng.pick([0, -1, 1, 1e308, -1e308, 2 ** 53 + 1, 0.5, -0]);
    case 'bool':
      return rng.chance(0.5);
    case 'null':
      return null;
    case 'string':
      return hostileString(rng, 300);
    case 'empty':
      return '';
    case 'array':
      return Array.from({ length: rng.int(4) }, () => valueOfKind(rng, rng.pick(['number', 'string', 'null', 'object'] as const)));
    case 'object':
      return {
        [rng.pick(['id', 'x', 'type', 'text', 'toString', 'valueOf'])]: valueOfKind(rng, rng.pick(['number', 'string', 'null'] as const)),
      };
    case 'huge':
      return 'H'.repeat(rng.range(10_001, 30_000));
    case 'nested': {
      let v: unknown = 'leaf';
      for (let i = rng.range(2, 60); i > 0; i -= 1) v = rng.chance(0.5) ? [v] : { n: v };
      return v;
    }
  }
}

export function deepJson(levels: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `${'['.repeat(levels)}${']'.repeat(levels)}`;
}
