import { edgesOf } from '../knowledge/graph.js';
import type { KnowledgeTree } from '../knowledge/loader.js';
import type { ChoiceNode, StepNode, TreeNode } from '../knowledge/schema.js';
import { ui } from './messages.js';
import type { Answer, ChoiceOption, Output, Step, WalkState } from './types.js';

export const FIXED = 'fixed';
export const NOT_FIXED = 'not fixed';
export const SHOW_MENU = 'show-menu';
export const SKIP = 'skip';
export const KEEP_TRYING = 'keep-trying';
export const ASK_PERSON = 'person';
const ASKED_FOR_PERSON = 'asked for a person';

/**
 * Walks the troubleshooting tree. Pure: it takes a state and an answer and returns the next state and what to
 * show, so any tree in `knowledge/` runs without code changes and the dialog layer only translates turns.
 */
export class TreeWalker {
  /** Branch (root option target) that first reaches each node, for reporting where a conversation was. */
  private readonly branchOf = new Map<string, string>();

  constructor(readonly tree: KnowledgeTree) {
    const root = this.node(tree.index.root) as ChoiceNode;
    const claims = new Map<string, Set<string>>();
    for (const option of root.options) this.claim(option.goto, option.goto, claims);
    // Nodes shared by several branches (the common "resolved" and "escalate" ends) belong to none.
    for (const [id, branches] of claims) if (branches.size === 1) this.branchOf.set(id, [...branches][0]!);
  }

  node(id: string): TreeNode {
    const node = this.tree.nodes.get(id);
    if (!node) throw new Error(`TreeWalker: unknown node "${id}"`);
    return node;
  }

  get rootId(): string {
    return this.tree.index.root;
  }

  /**
   * Starts a walk at the root, or at any node (free text that named a branch, "talk to a person"), knowing the
   * facts the user already told us in earlier walks of the conversation.
   */
  start(nodeId: string = this.rootId, now = new Date(), facts?: Record<string, string>): Step {
    const state: WalkState = { node: nodeId, awaiting: 'none', path: [], misses: 0, startedAt: now.toISOString() };
    if (facts && Object.keys(facts).length) state.facts = { ...facts };
    return this.enter(state, nodeId);
  }

  /** Moves an ongoing walk to another node, keeping its path (topic change, "talk to a person"). */
  jump(state: WalkState, nodeId: string, reason = 'jump'): Step {
    const path = [...state.path];
    const last = path.at(-1);
    if (last && last.answer === undefined) path[path.length - 1] = { ...last, answer: reason };
    return this.enter({ ...state, path, guesses: undefined }, nodeId);
  }

  /** The choices the current prompt accepts, for the dialog layer to match typed text against. */
  expected(state: WalkState): ChoiceOption[] {
    switch (state.awaiting) {
      case 'choice':
        return this.optionsOf(this.node(state.node) as ChoiceNode);
      case 'fixed':
        return ui.fixedChoices;
      case 'check':
        return this.checkChoices(this.node(state.node) as StepNode);
      case 'handover':
        return this.handoverChoices();
      case 'rating':
        return ui.ratingChoices;
      case 'guess':
        return this.guessChoices(state.guesses ?? []);
      default:
        return [];
    }
  }

  answer(state: WalkState, answer: Answer): Step {
    const settled = { ...state, misses: 0 };
    if (state.awaiting === 'choice' && answer.kind === 'choice') {
      const node = this.node(state.node) as ChoiceNode;
      const option = node.options.find((o) => o.label === answer.value);
      if (option) {
        const fromRoot = state.node === this.rootId ? { branch: option.goto } : {};
        const facts = Object.keys(option.remember).length ? { facts: { ...state.facts, ...option.remember } } : {};
        return this.enter({ ...this.settle(settled, option.label), ...fromRoot, ...facts }, option.goto);
      }
    }
    if (state.awaiting === 'check' && answer.kind === 'choice') {
      const node = this.node(state.node) as StepNode;
      const choice = node.check?.choices.find((c) => c.label === answer.value);
      if (choice) return this.afterStep(this.settle(settled, choice.label), choice.then === 'fixed');
    }
    if (state.awaiting === 'handover' && answer.kind === 'choice') {
      const next = state.pendingNext ?? this.tree.index.defaults.escalate;
      const resumed: WalkState = { ...settled, pendingNext: undefined, failedInRow: 0 };
      if (answer.value === KEEP_TRYING) return this.enter(resumed, next);
      if (answer.value === ASK_PERSON) return this.enter(resumed, this.tree.index.defaults.escalate);
    }
    if (state.awaiting === 'guess' && answer.kind === 'choice') {
      if (answer.value === SHOW_MENU) return this.enter(this.settle(settled, 'show menu'), this.rootId);
      if (state.guesses?.includes(answer.value)) return this.jump(settled, answer.value, 'guess');
    }
    if (state.awaiting === 'fixed' && answer.kind === 'fixed') {
      return this.afterStep(this.settle(settled, answer.fixed ? FIXED : NOT_FIXED), answer.fixed);
    }
    if (state.awaiting === 'rating' && answer.kind === 'rating') {
      const text = answer.rating === null ? ui.ratingSkipped : ui.ratingThanks(answer.rating);
      return {
        state: { ...settled, awaiting: 'none', rating: answer.rating ?? undefined },
        outputs: [{ kind: 'text', text }, ui.anythingElse(this.rootLabel())],
      };
    }
    throw new Error(`TreeWalker: answer ${answer.kind} does not fit a state awaiting ${state.awaiting}`);
  }

  /**
   * Leaves a step by its fixed or not-fixed edge. After `handover.offerAfterFailedSteps` steps in a row that did
   * not fix it, with more steps still to come, the user is offered a person instead of the next step.
   */
  private afterStep(state: WalkState, fixed: boolean): Step {
    const target = edgesOf(this.node(state.node), this.tree.index).find((e) => e.answer === (fixed ? FIXED : NOT_FIXED))!;
    if (fixed) return this.enter({ ...state, failedInRow: 0 }, target.to);
    const failed = (state.failedInRow ?? 0) + 1;
    const { offerAfterFailedSteps } = this.tree.index.handover;
    if (offerAfterFailedSteps > 0 && failed >= offerAfterFailedSteps && this.node(target.to).type === 'step') {
      const offering: WalkState = { ...state, awaiting: 'handover', pendingNext: target.to, failedInRow: 0, misses: 0 };
      return { state: offering, outputs: this.present(offering) };
    }
    return this.enter({ ...state, failedInRow: failed }, target.to);
  }

  /** Offers the best guesses for free text that was not understood with confidence. */
  offerGuesses(state: WalkState, nodeIds: string[]): Step {
    const guesses = nodeIds.filter((id) => this.tree.nodes.has(id)).slice(0, 3);
    return {
      state: { ...state, awaiting: 'guess', guesses, misses: 0 },
      outputs: [{ kind: 'prompt', text: ui.guessPrompt, choices: this.guessChoices(guesses) }],
    };
  }

  /** The current prompt again, after help or an answer that matched nothing. */
  reprompt(state: WalkState, prefix?: string): Step {
    const missed = prefix ? { ...state, misses: state.misses + 1 } : state;
    const outputs = state.awaiting === 'guess' ? this.offerGuesses(state, state.guesses ?? []).outputs : this.present(state);
    if (prefix) outputs.unshift({ kind: 'text', text: missed.misses >= 2 ? `${prefix} ${ui.stuckHint}` : prefix });
    return { state: missed, outputs };
  }

  branchFor(nodeId: string): string | undefined {
    return this.branchOf.get(nodeId);
  }

  /** The branch's ticket priority: set on the branch's first node, normal otherwise. */
  priorityOf(branch: string | undefined): 'urgent' | 'high' | 'normal' {
    return (branch && this.tree.nodes.get(branch)?.priority) || 'normal';
  }

  private enter(state: WalkState, nodeId: string): Step {
    const node = this.node(nodeId);
    const branch = state.branch ?? this.branchOf.get(nodeId);
    const next: WalkState = { ...state, node: nodeId, branch, path: [...state.path, { node: nodeId }], misses: 0 };
    switch (node.type) {
      case 'choice':
        return { state: { ...next, awaiting: 'choice' }, outputs: this.present({ ...next, awaiting: 'choice' }) };
      case 'step': {
        const awaiting = node.check ? 'check' : 'fixed';
        return { state: { ...next, awaiting }, outputs: this.present({ ...next, awaiting }) };
      }
      case 'resolved':
        return {
          state: { ...next, awaiting: 'rating', outcome: 'resolved' },
          outputs: [
            { kind: 'text', text: this.textOf(node, next) },
            { kind: 'prompt', text: ui.ratingPrompt, choices: ui.ratingChoices },
          ],
        };
      case 'escalate':
        // The walk ends here; the dialog layer goes on to collect the ticket.
        return { state: { ...next, awaiting: 'none', outcome: 'escalated' }, outputs: [{ kind: 'text', text: this.textOf(node, next) }] };
    }
  }

  private present(state: WalkState): Output[] {
    const node = this.node(state.node);
    if (state.awaiting === 'choice' && node.type === 'choice') {
      return [{ kind: 'prompt', text: this.textOf(node, state), choices: this.optionsOf(node) }];
    }
    if (state.awaiting === 'fixed' && node.type === 'step') {
      return [{ kind: 'prompt', text: `${this.textOf(node, state)}\n\n${ui.fixedQuestion}`, choices: ui.fixedChoices }];
    }
    if (state.awaiting === 'check' && node.type === 'step' && node.check) {
      return [{ kind: 'prompt', text: `${this.textOf(node, state)}\n\n**${node.check.question}**`, choices: this.checkChoices(node) }];
    }
    if (state.awaiting === 'handover') {
      const { offerText } = this.tree.index.handover;
      const tried = state.path.filter((p) => this.tree.nodes.get(p.node)?.type === 'step' && p.answer !== undefined).length;
      return [{ kind: 'prompt', text: offerText.replaceAll('{count}', String(tried)), choices: this.handoverChoices() }];
    }
    if (state.awaiting === 'rating') return [{ kind: 'prompt', text: ui.ratingPrompt, choices: ui.ratingChoices }];
    return [ui.anythingElse(this.rootLabel())];
  }

  /** The facts a node's variants can read: what the user told us, and whether any step was tried yet. */
  factsOf(state: WalkState): Record<string, string> {
    const tried = state.path.some(
      (p) => p.answer !== undefined && p.answer !== ASKED_FOR_PERSON && this.tree.nodes.get(p.node)?.type === 'step',
    );
    return { ...state.facts, stepsTried: tried ? 'some' : 'none' };
  }

  /** The node's text, or the first variant whose facts all hold, so the bot never contradicts the user. */
  textOf(node: TreeNode, state: WalkState): string {
    const facts = this.factsOf(state);
    const variant = node.variants.find((v) => Object.entries(v.when).every(([fact, value]) => facts[fact] === value));
    return variant?.text ?? node.text;
  }

  private checkChoices(node: StepNode): ChoiceOption[] {
    return (node.check?.choices ?? []).map((c) => ({ value: c.label, label: c.label, synonyms: c.synonyms }));
  }

  private handoverChoices(): ChoiceOption[] {
    const { keepTryingLabel, personLabel } = this.tree.index.handover;
    return [
      // "Keep going?" answered yes, or the step's "No, still stuck" clicked again out of habit: both say what they want.
      {
        value: KEEP_TRYING,
        label: keepTryingLabel,
        synonyms: ['keep going', 'continue', 'carry on', 'go on', 'next', 'yes', 'yes please'],
      },
      {
        value: ASK_PERSON,
        label: personLabel,
        synonyms: ['person', 'human', 'help desk', 'agent', 'no', 'still stuck', ui.fixedChoices[1]!.label],
      },
    ];
  }

  private settle(state: WalkState, answer: string): WalkState {
    const path = [...state.path];
    const last = path.at(-1);
    if (last) path[path.length - 1] = { ...last, answer };
    return { ...state, path, guesses: undefined };
  }

  private optionsOf(node: ChoiceNode): ChoiceOption[] {
    return node.options.map((o) => ({ value: o.label, label: o.label, synonyms: o.synonyms }));
  }

  private guessChoices(guesses: string[]): ChoiceOption[] {
    return [
      ...guesses.map((id) => ({ value: id, label: this.node(id).title, synonyms: [] })),
      { value: SHOW_MENU, label: ui.showMenuLabel, synonyms: ['menu', 'none of these', 'something else', 'all options'] },
    ];
  }

  private rootLabel(): string {
    return ui.startOverLabel;
  }

  private claim(id: string, branch: string, claims: Map<string, Set<string>>): void {
    const owners = claims.get(id) ?? new Set<string>();
    if (owners.has(branch) || id === this.rootId) return;
    claims.set(id, owners.add(branch));
    const node = this.tree.nodes.get(id);
    if (node) for (const e of edgesOf(node, this.tree.index)) this.claim(e.to, branch, claims);
  }
}
