/**
 * What people say that is not an answer and not a problem: greetings, thanks, "ok", "???", "give me a minute",
 * "I don't know". Recognised as whole messages only, so "thanks but it still fails" stays free text.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'ack' | 'confused' | 'wait' | 'dont-know';

const PATTERNS: [SmallTalk, RegExp][] = [
  ['greeting', /^(?:hi|hello|hey|hiya|heya|yo|howdy|greetings|hallo|good (?:morning|afternoon|evening|day))(?: there| bot| again| all)?$/],
  [
    'thanks',
    /^(?:(?:ok(?:ay)?|great|cool|perfect|brilliant) )?(?:thanks|thank you|thx|thanx|ty|tysm|cheers|many thanks)(?: (?:so|very) much| a lot| again| bot| for (?:the|your) help)?$/,
  ],
  [
    'ack',
    /^(?:ok(?:ay)?|k|kk|okey|alright|all right|right|got it|gotcha|understood|will do|sure thing|noted|fine|cool|great|perfect|ok(?:ay)? (?:i(?:'| wi)ll|let me|will) (?:try|do) (?:it|that|this)(?: now)?|ok(?:ay)?,? (?:trying|doing it|on it)(?: now)?|on it|trying(?: it)? now)$/,
  ],
  [
    'confused',
    // "huh?", "what??", "sorry?": the question marks are how they are typed.
    /^(?:[?!.¿ ]*\?[?!.¿ ]*|(?:huh|eh|what|wat|sorry|i don'?t understand|i do not understand|what do you mean|confused|i'?m confused)\?*)$/,
  ],
  [
    'wait',
    /^(?:(?:please )?(?:give|gimme) (?:me )?(?:a|one|1|two|2|a few|some) (?:min(?:ute)?s?|sec(?:ond)?s?|moment|mo|tick)|(?:hold on|hang on|wait)(?: a (?:sec(?:ond)?|min(?:ute)?|moment))?|one (?:sec(?:ond)?|min(?:ute)?|moment)|just a (?:sec(?:ond)?|min(?:ute)?|moment)|brb|be right back|let me (?:try|check|look)(?: that| it| now)*)$/,
  ],
  [
    'dont-know',
    /^(?:(?:i )?(?:don'?t|do not) know(?: how(?: to(?: do (?:that|this|it))?)?| what to do| what (?:that|this) means)?|dunno|idk|no idea|no clue|not sure|i'?m not sure|i am not sure|i have no idea|how do i do that|how)$/,
  ],
];

/** The small talk a whole message is, if any. */
export function detectSmallTalk(text: string): SmallTalk | undefined {
  const normalized = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:um+|uh+|hmm+|well|oh)[,.]? /, '')
    .replace(/[\s!.,:;)(*-]+$/g, '')
    .replace(/\s*[\u{1F300}-\u{1FAFF}\u2600-\u27BF]+/gu, '')
    .trim();
  if (normalized === '' && /\?/.test(text)) return 'confused';
  return PATTERNS.find(([, re]) => re.test(normalized))?.[0];
}
