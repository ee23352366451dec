import type { Config } from '../config.js';
import type { KnowledgeTree } from '../knowledge/loader.js';
import type { Logger } from '../logger.js';
import type { IntentRecognizer } from '../recognizer/types.js';
import { LocalAssistant } from './localAssistant.js';
import { OpenAIAssistant } from './openaiAssistant.js';
import type { Assistant } from './types.js';

/** The local assistant, or, when a key or base URL is configured, the OpenAI one with the local one behind it. */
export function createAssistant(
  config: Pick<Config, 'openai' | 'recognizerThreshold'>,
  tree: KnowledgeTree,
  recognizer: IntentRecognizer,
  logger: Logger,
): Assistant {
  const local = new LocalAssistant(recognizer, config.recognizerThreshold);
  return config.openai ? new OpenAIAssistant({ config: config.openai, tree, local, logger }) : local;
}
