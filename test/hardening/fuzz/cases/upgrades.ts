/** Stray WebSocket upgrades: only a stream with its one-shot ticket is taken; everything else answered and closed. */
import type { CaseBuilder } from './builder.js';

const UPGRADE_PATHS = [
  '/',
  '/api/messages',
  '/directline',
  '/directline/conversations/{own}/stream',
  '/directline/conversations/{own}/stream?t=forged',
  '/directline/conversations/{other}/stream?t=forged',
  '/directline/conversations/%E0%A4%A/stream?t=x',
  '/v3/conversations/{own}/activities',
  '/admin',
  '/healthz',
  `/${'a'.repeat(3000)}`,
  '/directline/conversations/{own}/stream/extra',
  '/webchat.js',
];

export function upgradeCases(b: CaseBuilder): void {
  const { rng } = b;
  for (let i = 0; i < 50; i += 1) {
    const target = rng.pick(UPGRADE_PATHS);
    const protocol = rng.pick(['websocket', 'WebSocket', 'h2c', 'garbage']);
    const version = rng.pick(['13', '8', '', 'x']);
    b.add({
      surface: 'upgrade',
      tags: [`upgrade:${target.split('?')[0]!.slice(0, 30)}:${protocol}`],
      method: 'GET',
      path: (ctx) => target.replace('{own}', ctx.dl[2]!.id).replace('{other}', ctx.dl[1]!.id),
      headers: { upgrade: protocol, 'sec-websocket-version': version },
      mayPass: false,
    });
  }
}
