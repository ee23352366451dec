// The bot's own modules the fuzz needs, imported here and nowhere else under test/hardening/fuzz*: when one of
// them moves in src/, this file is the one to change.
export { startApp, type App } from '../../../src/app.js';
export { loadConfig } from '../../../src/config.js';
export { createLogger } from '../../../src/logger.js';
export { redact } from '../../../src/privacy/redact.js';
