/**
 * The layering, checked on every `npm test` (npm run lint:deps). Layers, top to bottom:
 *   src/app.ts (the composition root) and src/bot/createBot.ts
 *   channel edges: src/http, src/directline, src/admin, src/agent, src/web; src/bot (botbuilder) and dialogs/
 *   services: src/assistant, src/handoff, src/transcripts, src/tickets, src/tree, src/knowledge, src/recognizer, src/memory
 *   helpers everyone may use: src/privacy, src/cards, src/outbound, src/config.ts, src/logger.ts, src/paths.ts
 *   stores: src/stores/{embedded,postgres}, behind the interfaces their callers own
 * The rules name what must never happen; everything else may.
 */
const BOTBUILDER =
  '(^|/)node_modules/(botbuilder|botbuilder-core|botbuilder-dialogs|botbuilder-testing|botframework-connector|botframework-schema)/';
const SERVICES = '^src/(assistant|handoff|transcripts|tickets|tree|knowledge|recognizer|memory)/';
const EDGES = '^src/(http|directline|admin|agent|web|bot)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other cannot be read, tested or moved apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'botbuilder-only-in-the-bot-layer',
      severity: 'error',
      comment:
        'botbuilder is archived upstream: its types stay in src/bot, dialogs/ and the Storage implementations, so a port to its successor swaps only those.',
      from: { path: '^(src|dialogs)/', pathNot: '^(src/bot/|dialogs/|src/stores/(embedded|postgres)/stateStorage\\.ts$)' },
      to: { path: BOTBUILDER },
    },
    {
      name: 'dialogs-reach-src-through-their-services-contract',
      severity: 'error',
      comment: 'Dialogs use what DialogServices hands them; dialogs/services.ts is their one door into src/.',
      from: { path: '^dialogs/', pathNot: '^dialogs/services\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'the-dialogs-contract-imports-types-only',
      severity: 'error',
      comment: 'Everything the dialogs run comes in through the services object, never an import.',
      from: { path: '^dialogs/services\\.ts$' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-the-bot-layer-knows-the-dialogs',
      severity: 'error',
      comment: 'Only the bot that runs the dialogs, the turn info it builds for them, and createBot know dialogs/.',
      from: { path: '^src/', pathNot: '^src/bot/(helpdeskBot|createBot|turnInfo)\\.ts$' },
      to: { path: '^dialogs/' },
    },
    {
      name: 'services-know-no-channel-or-store',
      severity: 'error',
      comment: 'Services are free of HTTP, botbuilder, the consoles and the store implementations; they get interfaces.',
      from: { path: SERVICES },
      to: { path: `${EDGES}|^src/stores/|^dialogs/|^src/app\\.ts$` },
    },
    {
      name: 'stores-implement-interfaces-and-nothing-more',
      severity: 'error',
      comment: 'A store may import the interface it implements (its caller owns it) and plain types, never a channel or a service.',
      from: { path: '^src/stores/' },
      to: {
        path: `${EDGES}|^src/(assistant|handoff|tickets|transcripts|tree|memory)/|^dialogs/`,
        pathNot:
          '^src/(bot/turnLock|handoff/ticketStore|transcripts/(types|records|outcomeStore|analytics)|tickets/ticket|tree/types)\\.ts$',
      },
    },
    {
      name: 'http-is-infrastructure',
      severity: 'error',
      comment: 'The HTTP layer takes functions and interfaces (processActivity, a token check); it knows no bot, store or service.',
      from: { path: '^src/http/' },
      to: { path: `^src/(bot|stores|directline|admin|agent|web|${SERVICES.slice(6, -2)})/|^dialogs/` },
    },
    {
      name: 'outbound-calls-know-no-inbound-http',
      severity: 'error',
      comment: 'Requests the bot makes (replies, webhooks) have their own home; the inbound server is not it.',
      from: { path: '^src/outbound/|^src/bot/leanConnector\\.ts$' },
      to: { path: '^src/http/' },
    },
    {
      name: 'the-local-direct-line-is-a-channel',
      severity: 'error',
      comment: 'It speaks the wire protocol to the bot over HTTP, as a hosted channel would; it never reaches into the bot.',
      from: { path: '^src/directline/' },
      to: { path: `^src/(bot|stores|${SERVICES.slice(6, -2)})/|^dialogs/` },
    },
    {
      name: 'helpers-and-config-are-leaves',
      severity: 'error',
      comment: 'Everyone may import these, so they import nothing of ours (config and the privacy rule above all).',
      from: { path: '^src/(config|logger|paths)\\.ts$|^src/privacy/|^src/outbound/' },
      to: { path: '^src/|^dialogs/', pathNot: '^src/(paths|logger)\\.ts$|^src/cards/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
