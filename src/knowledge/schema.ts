import { z } from 'zod';

/** Node ids are kebab-case so they read well in transcripts, URLs and `npm run classify` output. */
export const nodeId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'node ids are lower-case words joined by hyphens, e.g. "lost-phone"');

const text = z.string().trim().min(1, 'must not be empty');

/**
 * A fact the walk remembers about the user ("accountType", "otherMethod"): set by the options they pick, read
 * by node variants; camelCase so a fact can share its name with a ticket field ("accountType").
 */
export const factName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, 'fact names are camelCase words, e.g. "otherMethod"');

/** Facts the walker works out by itself rather than from an option: whether any step was tried yet. */
export const BUILT_IN_FACTS: Record<string, readonly string[]> = { stepsTried: ['none', 'some'] };

/**
 * Another wording of a node's text, used when every fact in `when` holds, so the bot never contradicts what
 * the user said (no "since you can't verify any other way" after "I have another method").
 */
export const variantSchema = z.object({
  when: z.record(factName, text).refine((w) => Object.keys(w).length > 0, { message: 'name at least one fact in "when"' }),
  text,
});

/** Fields every node has: what it is called, which source article it rests on, how free text finds it. */
const common = {
  id: nodeId,
  /** Short label used on buttons and in menus (Teams truncates long button titles, so keep it short). */
  title: text.max(60, 'titles are button labels: keep them under 60 characters'),
  /** Source article ids (from index.yaml `sources`) this node's facts come from. */
  source: z.array(z.string()).min(1, 'name at least one source article this node rests on'),
  /** Phrases a user might type to reach this node; they make the node a free-text target. */
  examples: z.array(text).default([]),
  keywords: z.array(text).default([]),
  /** Ticket priority for escalations from this branch (set on a branch's first node); a lost phone is urgent. */
  priority: z.enum(['urgent', 'high', 'normal']).optional(),
  /** Other wordings of `text`, the first whose facts all hold wins (see variantSchema). */
  variants: z.array(variantSchema).default([]),
};

export const optionSchema = z.object({
  label: text.max(60, 'option labels are buttons: keep them under 60 characters'),
  goto: nodeId,
  /** Other words a user may type for this option ("yes", "work account"). */
  synonyms: z.array(text).default([]),
  /** Facts picking this option tells us, e.g. `{ accountType: work-or-school }`: later nodes and the ticket use them. */
  remember: z.record(factName, text).default({}),
});

/** One answer to a step's own check question, and where it leads: the step's `fixed` or its `next`. */
export const checkChoiceSchema = z.object({
  label: text.max(60, 'check answers are buttons: keep them under 60 characters'),
  then: z.enum(['fixed', 'next']),
  synonyms: z.array(text).default([]),
});

/**
 * The question asked after a step instead of "Did that fix it?", for steps that fix nothing by themselves
 * ("tell your admin", "did both come through?").
 */
export const checkSchema = z.object({
  question: text,
  choices: z
    .array(checkChoiceSchema)
    .min(2, 'a check question needs at least two answers')
    .refine((cs) => new Set(cs.map((c) => c.label.toLowerCase())).size === cs.length, {
      message: 'two check answers share a label, so a typed answer could not tell them apart',
    }),
});

export const choiceNodeSchema = z.object({
  ...common,
  type: z.literal('choice'),
  text,
  options: z
    .array(optionSchema)
    .min(1, 'a choice needs at least one option, or the user is stuck (dead end)')
    .refine((opts) => new Set(opts.map((o) => o.label.toLowerCase())).size === opts.length, {
      message: 'two options share a label, so a typed answer could not tell them apart',
    }),
});

export const stepNodeSchema = z.object({
  ...common,
  type: z.literal('step'),
  /** The instruction. The walker asks "did that fix it?" after it. */
  text,
  next: nodeId.optional(),
  /** Where "yes, that fixed it" goes; index.yaml `defaults.resolved` when omitted. */
  fixed: nodeId.optional(),
  /** Asked instead of "Did that fix it?" when that question does not fit the step. */
  check: checkSchema.optional(),
});

export const resolvedNodeSchema = z.object({ ...common, type: z.literal('resolved'), text });
export const escalateNodeSchema = z.object({ ...common, type: z.literal('escalate'), text });

export const treeNodeSchema = z.discriminatedUnion('type', [
  choiceNodeSchema,
  stepNodeSchema,
  resolvedNodeSchema,
  escalateNodeSchema,
]);

export const nodeFileSchema = z.array(z.unknown()).min(1, 'a node file holds a YAML list of nodes');

export const sourceSchema = z.object({
  id: z.string().min(1),
  title: text,
  /** The article's file in shared/seeds, kept for provenance. */
  seed: z.string().min(1),
});

export const indexSchema = z.object({
  root: nodeId,
  defaults: z.object({
    /** Where a step's "yes, that fixed it" leads unless the step says otherwise. */
    resolved: nodeId,
    /** Where "talk to a person" leads from anywhere. */
    escalate: nodeId,
  }),
  sources: z.array(sourceSchema).min(1),
  escalation: z.object({
    /** Said before the ticket questions: what we need and where the user finds it. */
    intro: text,
  }),
  /** Said when a user first joins, before the menu. */
  welcome: text,
  help: text,
  /** Offering a person before the tree runs out of steps to try. */
  handover: z
    .object({
      /** After this many steps in a row that did not fix it, offer "keep trying" or "talk to a person"; 0 never offers. */
      offerAfterFailedSteps: z.number().int().min(0).max(50).default(3),
      /** The offer's wording; {count} is the number of steps tried. */
      offerText: text.default("We've tried {count} things and it's still not working. Do you want to keep going, or talk to a person?"),
      keepTryingLabel: text.max(60).default('Keep trying'),
      personLabel: text.max(60).default('Talk to a person'),
    })
    .prefault({}),
  /** Free-text understanding: words users type mapped to the words our content uses ("sms" -> "text"). */
  synonyms: z.record(z.string(), z.string()).default({}),
  /**
   * Words that say something is wrong without saying what ("locked", "not working", "mfa"): a message made only
   * of these is never routed with confidence; the bot asks which problem it is.
   */
  vague: z.array(text).default([]),
  /**
   * A vague message that still names the kind of request ("reset my mfa please": a reset, of what is not
   * said): when every word of a hint is in it, these branches are offered as guesses instead of the whole menu.
   */
  vagueHints: z
    .array(
      z.object({
        words: z.array(text).min(1, 'a hint needs at least one word'),
        guesses: z.array(text).min(1, 'a hint offers at least one branch').max(3, 'at most three guesses fit on the buttons'),
      }),
    )
    .default([]),
  /**
   * Our guides are in English only. For a message in another language the bot says so in English, after one
   * line in that language when there is one here (ISO 639-1 code -> the line).
   */
  otherLanguages: z.record(z.string().regex(/^[a-z]{2}$/, 'keys are two-letter language codes, e.g. "es"'), text).default({}),
});

/** A word the bot's instructions use, explained in plain words for "what do you mean by ...?" at any step. */
export const glossaryEntrySchema = z.object({
  term: text.max(60, 'a term is a short name, e.g. "security info"'),
  /** Other ways people write it ("mfa", "2fa"); matched as whole words, case-insensitive. */
  aliases: z.array(text).default([]),
  text,
  /** Source article ids (index.yaml `sources`) the explanation rests on. */
  source: z.array(z.string()).min(1, 'name at least one source article this explanation rests on'),
});
export const glossaryFileSchema = z.array(z.unknown());

export type GlossaryEntry = z.infer<typeof glossaryEntrySchema>;
export type ChoiceNode = z.infer<typeof choiceNodeSchema>;
export type StepNode = z.infer<typeof stepNodeSchema>;
export type ResolvedNode = z.infer<typeof resolvedNodeSchema>;
export type EscalateNode = z.infer<typeof escalateNodeSchema>;
export type TreeNode = z.infer<typeof treeNodeSchema>;
export type CheckChoice = z.infer<typeof checkChoiceSchema>;
export type KnowledgeIndex = z.infer<typeof indexSchema>;
export type Source = z.infer<typeof sourceSchema>;
