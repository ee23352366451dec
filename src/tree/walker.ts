import { edgesOf } from '../knowledge/graph.js';
import type { KnowledgeTree } from '../knowledge/loader.js';
import type { ChoiceNode, TreeNode } from '../knowledge/schema.js';
import { ui } from './messages.js';
import type { Answer, ChoiceOption, Output, Step, WalkState } from './types.js';

export const FIXED = 'fixed';
export const NOT_FIXED = 'not fixed';
export const SHOW_MENU = 'show-menu';
export const SKIP = 'skip';

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

  /** Starts a walk at the root, or at any node (free text that named a branch, "talk to a person"). */
  start(nodeId: string = this.rootId, now = new Date()): Step {
    const state: WalkState = { node: nodeId, awaiting: 'none', path: [], misses: 0, startedAt: now.toISOString() };
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
        return this.enter({ ...this.settle(settled, option.label), ...fromRoot }, option.goto);
      }
    }
    if (state.awaiting === 'guess' && answer.kind === 'choice') {
      if (answer.value === SHOW_MENU) return this.enter(this.settle(settled, 'show menu'), this.rootId);
      if (state.guesses?.includes(answer.value)) return this.jump(settled, answer.value, 'guess');
    }
    if (state.awaiting === 'fixed' && answer.kind === 'fixed') {
      const target = edgesOf(this.node(state.node), this.tree.index).find((e) => e.answer === (answer.fixed ? FIXED : NOT_FIXED));
      if (target) return this.enter(this.settle(settled, answer.fixed ? FIXED : NOT_FIXED), target.to);
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
      case 'step':
        return { state: { ...next, awaiting: 'fixed' }, outputs: this.present({ ...next, awaiting: 'fixed' }) };
      case 'resolved':
        return {
          state: { ...next, awaiting: 'rating', outcome: 'resolved' },
          outputs: [
            { kind: 'text', text: node.text },
            { kind: 'prompt', text: ui.ratingPrompt, choices: ui.ratingChoices },
          ],
        };
      case 'escalate':
        // The walk ends here; the dialog layer goes on to collect the ticket.
        return { state: { ...next, awaiting: 'none', outcome: 'escalated' }, outputs: [{ kind: 'text', text: node.text }] };
    }
  }

  private present(state: WalkState): Output[] {
    const node = this.node(state.node);
    if (state.awaiting === 'choice' && node.type === 'choice') {
      return [{ kind: 'prompt', text: node.text, choices: this.optionsOf(node) }];
    }
    if (state.awaiting === 'fixed' && node.type === 'step') {
      return [{ kind: 'prompt', text: `${node.text}\n\n${ui.fixedQuestion}`, choices: ui.fixedChoices }];
    }
    if (state.awaiting === 'rating') return [{ kind: 'prompt', text: ui.ratingPrompt, choices: ui.ratingChoices }];
    return [ui.anythingElse(this.rootLabel())];
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
