/** Commands honoured at any turn, whatever the walker is waiting for. */
export type Interrupt = 'start-over' | 'help' | 'cancel' | 'person';

const PATTERNS: [Interrupt, RegExp][] = [
  [
    'start-over',
    /^(?:start(?:\s+(?:over|again))?|restart|reset|(?:main\s+)?menu|back to (?:the )?(?:main )?menu|home|begin again|show (?:me )?(?:the )?menu)$/,
  ],
  ['help', /^(?:help|\?|what can you do|what can i (?:say|do)|how does this work)$/],
  ['cancel', /^(?:cancel|quit|exit|stop|bye|goodbye|never ?mind|forget it)$/],
  [
    'person',
    /\b(?:(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|the|some)?\s*(?:real\s+|live\s+)?(?:person|human|agent|someone|somebody|help ?desk|support|technician)|(?:real|live)\s+(?:person|human|agent)|human(?:\s+agent)?|operator|escalate|contact (?:the )?help ?desk)\b/,
  ],
];

/** Recognises an interrupt; whole-message commands only, except "talk to a person" which may sit in a sentence. */
export function detectInterrupt(text: string): Interrupt | undefined {
  if (text.trim() === '?') return 'help';
  const normalized = text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?,]+$/g, '')
    .replace(/^please\s+/, '');
  return PATTERNS.find(([, re]) => re.test(normalized))?.[0];
}
