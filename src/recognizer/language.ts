import { detectAll } from 'tinyld';

/** A language other than English that a message is written in. */
export interface OtherLanguage {
  /** ISO 639-1 code, as tinyld names it ("es", "de"). */
  code: string;
  /** Its English name, for the reply ("Spanish"). */
  name: string;
}

/** Languages the bot names when it says it only speaks English; a message in any other stays "not understood". */
const NAMES: Record<string, string> = {
  es: 'Spanish',
  de: 'German',
  fr: 'French',
  pt: 'Portuguese',
  it: 'Italian',
  nl: 'Dutch',
  pl: 'Polish',
  sv: 'Swedish',
  da: 'Danish',
  no: 'Norwegian',
  fi: 'Finnish',
  cs: 'Czech',
  ro: 'Romanian',
  hu: 'Hungarian',
  tr: 'Turkish',
  el: 'Greek',
  ru: 'Russian',
  uk: 'Ukrainian',
  ar: 'Arabic',
  he: 'Hebrew',
  hi: 'Hindi',
  zh: 'Chinese',
  ja: 'Japanese',
  ko: 'Korean',
  vi: 'Vietnamese',
  id: 'Indonesian',
};

/** Chat words and abbreviations English speakers type that no troubleshooting text uses. */
const CHAT_ENGLISH = new Set(
  `hi hello hey thanks thx ty pls plz please ok okay k yes yeah yep nope no nah sorry idk dunno nvm asap
  tbh omg wtf lol ur u r im ive cant wont dont didnt doesnt isnt thats whats its hes shes theyre were hmm
  um uh huh oops blah meh ugh argh help bot guys mate dude today yesterday tomorrow morning night work job boss`
    .split(/\s+/)
    .filter(Boolean),
);

/** Addresses, links, ids and codes say nothing about the language around them. */
const NOT_WORDS = /\S+@\S+|https?:\/\/\S+|\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\S*\d\S*/gi;

/** Below this many words, the detector must be sure (tinyld's accuracy) before a message counts as foreign. */
const SHORT = 3;
const SURE_WHEN_SHORT = 0.5;
/** Up to this share of English words, a message of LONGER words or more is foreign when the detector is SURE. */
const MOSTLY_ENGLISH = 0.6;
const LONGER = 4;
const SURE = 0.9;

/**
 * The language of a message, when it is plainly not English. tinyld guesses a language for any text, and on
 * a few English words it often guesses wrong ("my phone was stolen" reads as Afrikaans to it), so it is asked
 * only when most of the message's words are not English words we know (`isEnglish`: our knowledge's own
 * vocabulary, stop words and chat words); "ok", "AADSTS50076" or an email address are never foreign.
 */
export function detectOtherLanguage(text: string, isEnglish: (word: string) => boolean): OtherLanguage | undefined {
  const plain = text.replace(NOT_WORDS, ' ');
  // Distinct words: "blah blah blah" is one word, however often it is said.
  const words = [
    ...new Set(
      plain
        .toLowerCase()
        .replace(/['’]/g, '')
        .split(/[^\p{L}]+/u)
        .filter((w) => w.length >= 2),
    ),
  ];
  if (words.length === 0) return undefined;
  const englishShare = words.filter((w) => CHAT_ENGLISH.has(w) || isEnglish(w)).length / words.length;
  // Words such as "no", "me" or "sms" are English too: a longer message the detector is sure about may hold some.
  if (englishShare > MOSTLY_ENGLISH) return undefined;
  const [best] = detectAll(plain);
  if (!best || best.lang === 'en') return undefined;
  const name = NAMES[best.lang];
  if (!name) return undefined;
  if (englishShare >= 0.5 && (words.length < LONGER || best.accuracy < SURE)) return undefined;
  if (words.length < SHORT && best.accuracy < SURE_WHEN_SHORT) return undefined;
  return { code: best.lang, name };
}
