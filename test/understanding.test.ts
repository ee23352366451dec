import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeError, loadKnowledge } from '../src/knowledge/loader.js';
import { projectRoot } from '../src/paths.js';
import { loadAmbiguousSet, loadLabelledSet } from '../src/recognizer/evaluate.js';
import { LocalRecognizer } from '../src/recognizer/localRecognizer.js';
import { ui } from '../src/tree/messages.js';
import { buttonsOf, createHarness, realKnowledge, tempDir, textsOf } from './helpers/botHarness.js';

// Issue 15: understanding real people. Each row of the issue that this file covers is a turn-by-turn test.
const tree = realKnowledge();
const node = (id: string) => tree.nodes.get(id)!;
const text = (id: string) => (node(id) as { text: string }).text;
const menuLabels = (node('main-menu') as { options: { label: string }[] }).options.map((o) => o.label);

describe('routing you can trust', () => {
  it.each(["I'm locked out", 'my account is locked'])(
    '"%s" as a first message: asks which problem with the menu, never jumps',
    async (first) => {
      const h = await createHarness();
      const replies = await h.say(first);
      expect(textsOf(replies)).toContain(ui.vagueIntro);
      expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
      expect(textsOf(replies)).not.toContain(node('changed-number-only-admin').title);
      expect(textsOf(replies)).not.toContain(text('changed-number-only-admin'));
      // The answer to the question goes on as usual: the first button is the lost-phone branch.
      expect(textsOf(await h.say('1'))).toContain(text('lost-phone'));
    },
  );

  it('"im locked out!!! need to get in for a meeting in 5 min": the urgency and the meeting do not make it a branch', async () => {
    const h = await createHarness();
    const replies = await h.say('im locked out!!! need to get in for a meeting in 5 min');
    expect(textsOf(replies)).toContain(ui.vagueIntro);
    expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
    expect(textsOf(replies)).not.toContain(text('personal-account'));
  });

  it('"I\'m locked out" mid-step keeps the step and says where the doors are, not "didn\'t catch that"', async () => {
    const h = await createHarness();
    await h.say('my code never comes');
    const replies = await h.say("I'm locked out");
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(`${ui.vagueAtStep}\n\n${ui.fixedQuestion}`);
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies[0])).toEqual(fixedButtons);
    // The walk did not move: "no" goes on to the step after the first one.
    expect(textsOf(await h.say('no'))).toContain(text('no-code-check-number'));
  });

  it('"my account is locked" at the menu asks again which problem instead of jumping', async () => {
    const h = await createHarness();
    await h.join();
    const replies = await h.say('my account is locked');
    expect(textsOf(replies)).toContain(ui.vagueIntro);
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
  });

  it('a number inside a sentence is not a button pick: "someone took my iphone two days ago" is not menu option 2', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('hello');
    const replies = await h.say('someone took my iphone two days ago');
    expect(textsOf(replies)).toContain(text('lost-phone'));
    expect(textsOf(replies)).not.toContain(text('no-code'));
    // A number alone still picks by position.
    expect(textsOf(await h.say('menu'))).toContain(text('main-menu'));
    expect(textsOf(await h.say('2'))).toContain(text('no-code'));
  });

  it('"approve sign in request never shows up on my phone" starts the no-code branch', async () => {
    const h = await createHarness();
    const replies = await h.say('approve sign in request never shows up on my phone');
    expect(textsOf(replies)).toContain(`**${node('no-code').title}**`);
    expect(textsOf(replies)).toContain(text('no-code'));
    expect(textsOf(replies)).not.toContain(text('not-prompted'));
  });

  it('"reset my mfa please" offers the branches that end in an admin reset, not a password reset or the whole menu', async () => {
    const h = await createHarness();
    const replies = await h.say('reset my mfa please');
    expect(textsOf(replies)).not.toContain(text('forgot-password'));
    expect(textsOf(replies)).toContain(ui.guessPrompt);
    expect(buttonsOf(replies.at(-1))).toEqual([node('changed-number').title, node('lost-phone').title, ui.showMenuLabel]);
    // From there, the changed-number branch leads to the admin reset.
    expect(textsOf(await h.say(node('changed-number').title))).toContain(text('changed-number'));
  });

  it('"reset my mfa" at the menu offers the same guesses', async () => {
    const h = await createHarness();
    await h.join();
    const replies = await h.say('can you reset my mfa');
    expect(buttonsOf(replies.at(-1))).toEqual([node('changed-number').title, node('lost-phone').title, ui.showMenuLabel]);
  });

  it('a vague hint naming a node that does not exist is refused at start-up, naming the file and the hint', () => {
    const dir = tempDir();
    cpSync(path.join(projectRoot(), 'knowledge'), dir, { recursive: true });
    const index = path.join(dir, 'index.yaml');
    writeFileSync(index, `${readFileSync(index, 'utf8')}\n  - words: [unlock]\n    guesses: [no-such-node]\n`);
    expect(() => loadKnowledge(dir)).toThrow(KnowledgeError);
    expect(() => loadKnowledge(dir)).toThrow(/index\.yaml: vagueHints\[1\] \(unlock\) guesses node "no-such-node"/);
  });
});

const fixedButtons = ui.fixedChoices.map((c) => c.label);
const glossaryText = (term: string) => tree.glossary.find((e) => e.term === term)!.text;

describe('small talk', () => {
  it('greets back a first "hi" with the menu, without "didn\'t catch that"', async () => {
    const h = await createHarness();
    const replies = await h.say('hi');
    expect(replies[0]!.text).toBe(ui.hiAgain);
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
  });

  it('answers "hello", "thanks", "ok" and "???" at the menu in a line, with the menu buttons but not the whole menu text', async () => {
    const h = await createHarness();
    await h.join();
    const hello = await h.say('hello');
    expect(hello[0]!.text).toBe(ui.hiAgain);
    expect(buttonsOf(hello.at(-1))).toEqual(menuLabels);
    for (const [said, line] of [
      ['hello', ui.hiAgain],
      ['thanks', ui.welcome],
      ['ok', ui.ok],
      ['???', ui.unclear],
    ] as const) {
      const replies = await h.say(said);
      expect(replies, said).toHaveLength(1);
      expect(replies[0]!.text).toBe(`${line}\n\n${ui.menuQuestion}`);
      expect(textsOf(replies)).not.toContain(ui.notUnderstood);
      expect(buttonsOf(replies[0])).toEqual(menuLabels);
    }
    // The menu still answers as before.
    expect(textsOf(await h.say('2'))).toContain(text('no-code'));
  });

  it('mid-step, acknowledges "thanks", "ok", "hi" and "???" briefly and keeps the step; "ok" is not "yes, fixed"', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('2');
    for (const [said, line] of [
      ['thanks', ui.welcome],
      ['ok', ui.okTryIt],
      ['hi', ui.hiAgainAt(node('no-code').title)],
      ['???', ui.unclearStep],
      ['huh?', ui.unclearStep],
      ['what??', ui.unclearStep],
    ] as const) {
      const replies = await h.say(said);
      expect(replies, said).toHaveLength(1);
      expect(replies[0]!.text).toBe(`${line}\n\n${ui.fixedQuestion}`);
      expect(textsOf(replies)).not.toContain(text('no-code'));
      expect(textsOf(replies)).not.toContain(text('resolved-fixed'));
      expect(buttonsOf(replies[0])).toEqual(fixedButtons);
    }
    // The walk did not move: "no" goes on to the step after the first one.
    expect(textsOf(await h.say('no'))).toContain(text('no-code-check-number'));
  });

  it('"thanks" and "ok" as a first message are acknowledged in a line, without the menu', async () => {
    const h = await createHarness();
    expect(textsOf(await h.say('thanks'))).toBe(ui.welcomeAnytime);
    const h2 = await createHarness();
    expect(textsOf(await h2.say('ok'))).toBe(ui.okAnytime);
  });
});

describe('questions mid-step', () => {
  /** The "never asked for the second step" branch: its first step talks about the security info page. */
  async function atNotPrompted() {
    const h = await createHarness();
    await h.join();
    const first = await h.say("I'm never asked for the second step");
    expect(textsOf(first)).toContain(text('not-prompted'));
    return h;
  }

  it('"what do you mean by security info?" is answered from the glossary, then the step\'s question again', async () => {
    const h = await atNotPrompted();
    const replies = await h.say('what do you mean by security info?');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain(glossaryText('security info'));
    expect(replies[0]!.text).toMatch(new RegExp(`${ui.fixedQuestion.replace(/\*/g, '\\*').replace('?', '\\?')}$`));
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies[0])).toEqual(fixedButtons);
    // Other ways of asking.
    expect(textsOf(await h.say('whats an app password'))).toContain(glossaryText('app password'));
    expect(textsOf(await h.say('MFA?'))).toContain(glossaryText('two-step verification'));
    // Still at the same step.
    expect(textsOf(await h.say('no'))).toContain(text('not-prompted-set-up'));
  });

  it('"give me a minute" waits without repeating the step, and the answer after it counts', async () => {
    const h = await atNotPrompted();
    const replies = await h.say('give me a minute');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toBe(ui.takeYourTime);
    expect(buttonsOf(replies[0])).toEqual(fixedButtons);
    expect(textsOf(await h.say('yes'))).toContain(text('resolved-fixed'));
  });

  it('"I don\'t know" explains the step\'s words another way and says what to do if it cannot be done', async () => {
    const h = await atNotPrompted();
    const replies = await h.say("I don't know");
    expect(replies).toHaveLength(1);
    const reply = replies[0]!.text ?? '';
    expect(reply).toContain(ui.otherWords);
    expect(reply).toContain(glossaryText('security info'));
    expect(reply).toContain(ui.cannotDoStep);
    expect(reply).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies[0])).toEqual(fixedButtons);
    expect(textsOf(await h.say('No, still stuck'))).toContain(text('not-prompted-set-up'));
  });
});

describe('small talk as a first message, and "I don\'t know" at a question', () => {
  it('"???" and "I don\'t know" first: a line to get started and the menu; "give me a minute": a line only', async () => {
    for (const said of ['???', "I don't know"]) {
      const h = await createHarness();
      const replies = await h.say(said);
      expect(replies[0]!.text, said).toBe(ui.notSureWhere);
      expect(buttonsOf(replies.at(-1))).toEqual(menuLabels);
    }
    const h = await createHarness();
    expect(textsOf(await h.say('give me a minute'))).toBe(ui.takeYourTime);
  });

  it('"I don\'t know" at "which kind of account?" explains both kinds from the glossary and asks again', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('I have a new phone or a new number');
    const replies = await h.say("I don't know");
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain(ui.notSureChoice);
    expect(replies[0]!.text).toContain(glossaryText('work or school account'));
    expect(replies[0]!.text).toContain(glossaryText('personal microsoft account'));
    expect(replies[0]!.text).toMatch(/which kind of account is it\?$/);
    expect(buttonsOf(replies[0])).toEqual(['Work or school account', 'Personal Microsoft account']);
  });
});

describe('the glossary (knowledge/glossary.yaml)', () => {
  it('is loaded and validated with the tree; a bad entry names the file and the term', () => {
    expect(tree.glossary.map((e) => e.term)).toContain('security info');
    const dir = tempDir('glossary-');
    cpSync(path.join(projectRoot(), 'knowledge'), dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'glossary.yaml'),
      [
        '- { term: security info, aliases: [mfa], text: "x", source: [troubleshoot-2016] }',
        '- { term: mfa, text: "", source: [troubleshoot-2016] }',
        '- { term: app password, text: "y", source: [no-such-article] }',
      ].join('\n'),
    );
    let problems: string[] = [];
    try {
      loadKnowledge(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(KnowledgeError);
      problems = (err as KnowledgeError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/glossary\.yaml: term "mfa": text: must not be empty/),
      expect.stringMatching(/glossary\.yaml: term "app password": source "no-such-article" is not listed/),
    ]);
  });
});

describe('languages', () => {
  const english = (name: string) => ui.otherLanguage(name);

  it('"no recibo el código": says in Spanish and in English that it helps in English only, with a person one click away', async () => {
    const h = await createHarness();
    const replies = await h.say('no recibo el código');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain(tree.index.otherLanguages.es!);
    expect(replies[0]!.text).toContain(english('Spanish'));
    expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    expect(buttonsOf(replies[0])).toEqual([ui.personLabel, ui.showMenu]);
    // Nothing tried yet: the neutral hand-over line (issue 15), then the ticket.
    const person = await h.say(ui.personLabel);
    expect(textsOf(person)).toContain("Sure, let's get a person on it.");
    expect(textsOf(person)).toContain(tree.index.escalation.intro);
  });

  it('"Ich habe mein Handy verloren" at the menu: German, then the menu buttons after the person', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('hello');
    const replies = await h.say('Ich habe mein Handy verloren');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain(tree.index.otherLanguages.de!);
    expect(replies[0]!.text).toContain(english('German'));
    expect(buttonsOf(replies[0])).toEqual([ui.personLabel, ...menuLabels]);
    // "Show the menu" from the first-message reply, and English afterwards, work as usual.
    expect(textsOf(await h.say('I lost my phone'))).toContain(text('lost-phone'));
  });

  it('offers the menu from the first-message reply', async () => {
    const h = await createHarness();
    await h.say('Ich habe mein Handy verloren');
    expect(buttonsOf((await h.say(ui.showMenu)).at(-1))).toEqual(menuLabels);
  });

  it.each(['ok', 'AADSTS50076', 'lost phone', 'reset pw pls', 'blah blah blah', "I'm alex@contoso.com, AADSTS50076 when signing in"])(
    'does not take the English "%s" for another language',
    async (said) => {
      const h = await createHarness();
      const replies = await h.say(said);
      expect(textsOf(replies)).not.toMatch(/It looks like you wrote in/);
    },
  );

  it('takes none of the 400-odd English labelled phrases for another language, and knows the usual ones', async () => {
    const recognizer = new LocalRecognizer(tree);
    const fixture = (name: string) => path.join(projectRoot(), 'test/fixtures', name);
    const phrases = [
      ...loadLabelledSet(fixture('recognizer-phrases.yaml')),
      ...loadLabelledSet(fixture('recognizer-heldout.yaml')),
      ...loadAmbiguousSet(fixture('recognizer-ambiguous.yaml')),
    ].map((p) => p.text);
    expect(phrases.filter((p) => recognizer.classifySync(p).language)).toEqual([]);
    const foreign = {
      'no me llega el sms': 'es',
      'je ne reçois pas le code': 'fr',
      'ho perso il telefono': 'it',
      'mijn telefoon is gestolen': 'nl',
      'não recebo o código': 'pt',
    };
    for (const [said, code] of Object.entries(foreign)) expect(recognizer.classifySync(said).language?.code, said).toBe(code);
  });

  it('does not take "ok" mid-step for another language either', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('2');
    expect(textsOf(await h.say('ok'))).not.toMatch(/It looks like you wrote in/);
  });
});

describe('a personal Microsoft account', () => {
  const personOptions = (node('personal-account-person') as { options: { label: string }[] }).options.map((o) => o.label);

  it("is sent to Microsoft account recovery, not the organisation's help desk, with a person if they insist", async () => {
    const h = await createHarness();
    const replies = await h.say('my hotmail account is locked and wants a code');
    expect(textsOf(replies)).toContain(`**${node('personal-account').title}**`);
    expect(textsOf(replies)).toContain(text('personal-account'));
    expect(textsOf(replies)).not.toContain(tree.index.escalation.intro);
    const notFixed = await h.say('No, still stuck');
    expect(textsOf(notFixed)).toContain(text('personal-account-person'));
    expect(buttonsOf(notFixed.at(-1))).toEqual(personOptions);
    // They insist: the help desk, with its ticket questions.
    const insist = await h.say("Yes, I'd still like a person");
    expect(textsOf(insist)).toContain(text('escalate-help-desk'));
    expect(textsOf(insist)).toContain(tree.index.escalation.intro);
  });

  it('ends with the recovery reminder when they take the recovery route', async () => {
    const h = await createHarness();
    await h.say("it's my own outlook.com account, not a work one");
    await h.say('no');
    const replies = await h.say("No, I'll use account recovery");
    expect(textsOf(replies)).toContain(text('personal-account-recovery'));
    expect(textsOf(replies)).not.toContain(tree.index.escalation.intro);
    expect(textsOf(replies)).toContain(ui.ratingPrompt);
  });

  it('the personal changed-number path ends in account recovery instead of an organisation ticket', async () => {
    const h = await createHarness();
    await h.join();
    await h.say('I have a new phone or a new number');
    expect(textsOf(await h.say('Personal Microsoft account'))).toContain(text('changed-number-personal'));
    expect(textsOf(await h.say('no'))).toContain(text('changed-number-personal-no-access'));
    const replies = await h.say('no');
    expect(textsOf(replies)).toContain(text('personal-account'));
    expect(textsOf(replies)).not.toContain(tree.index.escalation.intro);
  });
});
