/**
 * All the fuzz cases of one run, in order. The generators draw from one PRNG in turn, so their order is part of
 * what a seed means: a new generator goes at the end, or every seed's cases change.
 */
import type { Case } from './case.js';
import { CaseBuilder } from './cases/builder.js';
import { adminCases, agentCases } from './cases/consoleApis.js';
import { directLineCases } from './cases/directLine.js';
import { badUtf8Cases, deepNestingCases, nonJsonCases, prototypePollutionCases, sizeCases } from './cases/messageBodies.js';
import { authHeaderCases, contentTypeCases, methodCases } from './cases/messageHeaders.js';
import {
  conversationIdCases,
  deletionCases,
  expectRepliesCases,
  fieldMutationCases,
  longTextCases,
  otherTypeCases,
  replayCases,
  textCases,
  textOverLimitCases,
} from './cases/messages.js';
import { nestingOnEveryRouteCases } from './cases/nesting.js';
import { serviceUrlSchemeCases, ssrfCases } from './cases/serviceUrls.js';
import { upgradeCases } from './cases/upgrades.js';
import type { Rng } from './rng.js';

const GENERATORS: readonly ((b: CaseBuilder) => void)[] = [
  // The bot endpoint: at least 1,000 requests.
  textCases,
  longTextCases,
  fieldMutationCases,
  deletionCases,
  otherTypeCases,
  prototypePollutionCases,
  deepNestingCases,
  sizeCases,
  textOverLimitCases,
  badUtf8Cases,
  contentTypeCases,
  nonJsonCases,
  replayCases,
  methodCases,
  authHeaderCases,
  serviceUrlSchemeCases,
  ssrfCases,
  expectRepliesCases,
  conversationIdCases,
  // Local Direct Line and its connector, the consoles' APIs: a few hundred each.
  directLineCases,
  agentCases,
  adminCases,
  nestingOnEveryRouteCases,
  upgradeCases,
];

/** captureUrl: where well-formed activities ask the bot to reply; closedPort: a loopback port nothing listens on. */
export function generateCases(rng: Rng, captureUrl: string, closedPort: number): Case[] {
  const b = new CaseBuilder(rng, captureUrl, closedPort);
  for (const generate of GENERATORS) generate(b);
  return b.cases;
}
