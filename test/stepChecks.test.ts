import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { KnowledgeError, loadKnowledge } from '../src/knowledge/loader.js';
import { projectRoot } from '../src/paths.js';
import { ui } from '../src/tree/messages.js';
import { buttonsOf, createHarness, realKnowledge, tempDir, textsOf } from './helpers/botHarness.js';

const tree = realKnowledge();
const [YES, NO] = ui.fixedChoices.map((c) => c.label) as [string, string];
const { keepTryingLabel: KEEP, personLabel: PERSON } = tree.index.handover;

describe('never contradicting the user', () => {
  it('"I have another method", then a step fails: no "since you can\'t verify any other way"', async () => {
    const h = await createHarness();
    await h.say('I have a new phone or a new number');
    await h.say('Work or school account');
    await h.say('Yes, I have another method');
    const text = textsOf(await h.say(NO)); // removing the old number did not work
    expect(text).not.toContain("Since you can't verify any other way");
    expect(text).toContain("Since swapping the number with your other method didn't work out");
  });

  it('"the old number was all I had": the plain wording still applies', async () => {
    const h = await createHarness();
    await h.say('I have a new phone or a new number');
    await h.say('Work or school account');
    expect(textsOf(await h.say('No, the old number was all I had'))).toContain("Since you can't verify any other way");
  });
});

describe('asking what fits the step', () => {
  it('"did both come through?" is asked as such, not "Did that fix it?", and either answer moves on', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    await h.say(NO);
    await h.say(NO);
    let replies = await h.say(NO); // notifications: the third step that did not fix it
    if (buttonsOf(replies.at(-1)).includes(KEEP)) replies = await h.say(KEEP);
    expect(textsOf(replies)).toContain('Did both the call and the text come through?');
    expect(textsOf(replies)).not.toContain(ui.fixedQuestion);
    expect(buttonsOf(replies.at(-1))).toEqual(['Yes, both came through', 'No, not both', 'My sign-in code arrives now']);
    replies = await h.say('yes'); // typed: a synonym of the first answer
    expect(textsOf(replies)).toContain('Do not disturb');
  });

  it('small talk at a check question repeats that question, not "Did that fix it?"', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    for (let i = 0; i < 3; i += 1) await h.say(NO);
    let replies = await h.say(KEEP);
    expect(textsOf(replies)).toContain('Did both the call and the text come through?');
    replies = await h.say('give me a minute'); // waits, with the check's own answers still to hand
    expect(buttonsOf(replies.at(-1))).toContain('No, not both');
    expect(textsOf(replies)).not.toContain(ui.fixedQuestion);
    replies = await h.say('???');
    expect(textsOf(replies)).toContain('Did both the call and the text come through?');
    expect(buttonsOf(replies.at(-1))).toContain('No, not both');
  });

  it('"tell your admin" asks whether they can reach their admin; "no" goes to the help desk', async () => {
    const h = await createHarness();
    await h.say('My phone is lost or stolen');
    let replies = await h.say('Yes, I have another method');
    for (let i = 0; i < 4 && !textsOf(replies).includes('Can you get hold of your admin?'); i += 1) replies = await h.say(YES);
    expect(textsOf(replies)).toContain('Can you get hold of your admin?');
    expect(textsOf(replies)).not.toContain(ui.fixedQuestion);
    replies = await h.say("No, I can't reach them");
    expect(textsOf(replies)).toContain(tree.index.escalation.intro);
  });
});

describe('offering a person after a few failed steps', () => {
  it('at the offer, "No, still stuck" clicked again means a person, and "yes" means keep going', async () => {
    for (const [answer, expected] of [
      [NO, tree.index.escalation.intro],
      ['yes', 'Did both the call and the text come through?'],
    ] as const) {
      const h = await createHarness();
      await h.say('My code, text or call never arrives');
      for (let i = 0; i < 2; i += 1) await h.say(NO);
      expect(buttonsOf((await h.say(NO)).at(-1))).toEqual([KEEP, PERSON]);
      const replies = await h.say(answer);
      expect(textsOf(replies)).toContain(expected);
      expect(textsOf(replies)).not.toContain(ui.notUnderstood);
    }
  });

  it('no-code branch: after three steps that did not help, offers "keep trying" or a person', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    expect(buttonsOf((await h.say(NO)).at(-1))).toEqual([YES, NO]);
    expect(buttonsOf((await h.say(NO)).at(-1))).toEqual([YES, NO]);
    let replies = await h.say(NO);
    expect(textsOf(replies)).toContain("We've tried 3 things and it's still not working.");
    expect(buttonsOf(replies.at(-1))).toEqual([KEEP, PERSON]);
    replies = await h.say(PERSON);
    expect(textsOf(replies)).toContain(tree.index.escalation.intro);
  });

  it('"keep trying" goes on to the next step, and the offer comes back three steps later', async () => {
    const h = await createHarness();
    await h.say('My code, text or call never arrives');
    for (let i = 0; i < 3; i += 1) await h.say(NO);
    let replies = await h.say(KEEP);
    expect(textsOf(replies)).toContain('Did both the call and the text come through?');
    await h.say('No, not both');
    await h.say(NO);
    replies = await h.say(NO);
    expect(textsOf(replies)).toContain("We've tried 6 things");
  });

  it('is configured in index.yaml: 0 never offers', async () => {
    const dir = tempDir('knowledge-');
    cpSync(path.join(projectRoot(), 'knowledge'), dir, { recursive: true });
    const file = path.join(dir, 'index.yaml');
    const index = parse(readFileSync(file, 'utf8')) as { handover: { offerAfterFailedSteps: number } };
    index.handover.offerAfterFailedSteps = 0;
    writeFileSync(file, stringify(index));
    const h = await createHarness({ tree: loadKnowledge(dir) });
    await h.say('My code, text or call never arrives');
    for (let i = 0; i < 2; i += 1) await h.say(NO);
    expect(buttonsOf((await h.say(NO)).at(-1))).not.toContain(PERSON);
  });
});

describe('knowledge validation of variants and checks', () => {
  function problemsWith(file: string, change: (nodes: Record<string, unknown>[]) => void): string[] {
    const dir = tempDir('knowledge-');
    cpSync(path.join(projectRoot(), 'knowledge'), dir, { recursive: true });
    const target = path.join(dir, 'nodes', file);
    const nodes = parse(readFileSync(target, 'utf8')) as Record<string, unknown>[];
    change(nodes);
    writeFileSync(target, stringify(nodes));
    try {
      loadKnowledge(dir);
    } catch (err) {
      return (err as KnowledgeError).problems;
    }
    return [];
  }

  it('names file and node for a variant waiting on a fact no option remembers', () => {
    const problems = problemsWith('no-code.yaml', (nodes) => {
      nodes[0]!.variants = [{ when: { hasPager: 'yes' }, text: 'Try your pager.' }];
    });
    expect(problems).toEqual([
      expect.stringMatching(/no-code\.yaml: node "no-code": variant reads fact "hasPager", which no option remembers/),
    ]);
  });

  it('names file and node for a check question with one answer', () => {
    const problems = problemsWith('no-code.yaml', (nodes) => {
      nodes[0]!.check = { question: 'Did it?', choices: [{ label: 'Yes', then: 'next' }] };
    });
    expect(problems).toEqual([
      expect.stringMatching(/no-code\.yaml: node "no-code": check\.choices: a check question needs at least two answers/),
    ]);
  });
});
