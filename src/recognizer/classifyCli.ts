import { loadConfig } from '../config.js';
import { loadKnowledge } from '../knowledge/loader.js';
import { LocalRecognizer } from './localRecognizer.js';

/** `npm run classify -- "text"`: what the offline recognizer makes of a phrase, as JSON, for content authors. */
const text = process.argv.slice(2).join(' ').trim();
if (!text) {
  console.error('usage: npm run classify -- "my phone was stolen"');
  process.exit(2);
}
const recognizer = new LocalRecognizer(loadKnowledge(loadConfig().knowledgeDir));
console.log(JSON.stringify(await recognizer.classify(text), null, 2));
