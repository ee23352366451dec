import {
  ActivityHandler,
  ActivityTypes,
  TurnContext,
  type ConversationState,
  type InvokeResponse,
  type StatePropertyAccessor,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { DIALOG, setMemory, setTurnInfo, turnOf, type MainOptions } from '../../dialogs/contracts.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import type { DialogServices, MemoryRecord } from '../../dialogs/services.js';
import type { QueueSignal } from '../handoff/userChannel.js';
import { turnInfoOf } from './turnInfo.js';

/**
 * Where botbuilder-dialogs keeps its memory-scope configuration for a turn. It rebuilds it on every turn
 * (walking the component registry, with schema checks): a profile put that at ~5% of a turn. Our dialogs use
 * no memory scopes and register none, so the first turn's configuration serves every later one.
 */
const STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

/**
 * The activity handler: greets people who join, runs the main dialog on every message, and saves the
 * conversation state (where the user is in the tree) after each turn.
 */
export class HelpdeskBot extends ActivityHandler {
  private readonly dialogs: DialogSet;
  /** See STATE_CONFIGURATION. */
  private stateConfiguration: unknown;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  /** What the user told the bot, beside the dialog stack so it outlives any one dialog (see ConversationMemory). */
  private readonly memory: StatePropertyAccessor<MemoryRecord>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly services: DialogServices,
  ) {
    super();
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.memory = conversationState.createProperty<MemoryRecord>('memory');
    this.dialogs = new DialogSet(this.dialogState).add(new MainDialog(services));

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== botId);
      if (joined) await this.runDialog(context, { welcome: true });
      await next();
    });

    // Proactive signals from the help desk queue (resolved, nobody free) reach the waiting dialog; events a
    // client sends (Web Chat's own, or forged ones) carry no signal and are ignored.
    this.onEvent(async (context, next) => {
      if (turnOf(context).signal) await this.runDialog(context, {});
      await next();
    });

    this.onMessage(async (context, next) => {
      // In Teams group chats the message starts with an @mention of the bot; it is not part of the answer.
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      context.activity.text = text.trim();
      await this.runDialog(context, { text: context.activity.text });
      await next();
    });
  }

  /**
   * Every button is an imBack message, so no card of ours sends invokes. Teams may still send a Universal
   * Action from an old card: answer it with a message instead of botbuilder's 501; refuse the rest (400).
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action') {
      return {
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: 'Please type your answer or pick one of the buttons.',
        },
      };
    }
    return {
      status: 400,
      body: { code: 'UnsupportedInvoke', message: `This bot does not handle "${String(context.activity.name ?? '')}" invokes.` },
    };
  }

  override async run(context: TurnContext): Promise<void> {
    return this.runTurn(context);
  }

  /** A proactive turn of the help desk queue, carrying its signal to the waiting dialog. */
  runSignal(context: TurnContext, signal: QueueSignal): Promise<void> {
    return this.runTurn(context, signal);
  }

  private async runTurn(context: TurnContext, signal?: QueueSignal): Promise<void> {
    setTurnInfo(context, turnInfoOf(context, signal));
    setMemory(context, await this.memory.get(context, this.services.memory.empty()));
    if (this.stateConfiguration) context.turnState.set(STATE_CONFIGURATION, this.stateConfiguration);
    await super.run(context);
    this.stateConfiguration ??= context.turnState.get(STATE_CONFIGURATION);
    // A join only greets: nothing of it needs keeping (the first message starts from the menu either way), and
    // anyone can open thousands of conversations that never say a word.
    if (context.activity.type === ActivityTypes.ConversationUpdate) return;
    await this.conversationState.saveChanges(context, false);
  }

  private async runDialog(context: TurnContext, begin: MainOptions): Promise<void> {
    const dc = await this.dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status !== DialogTurnStatus.empty) return;
    // Nothing under way: a message or a join starts the main dialog; other activities have nothing to continue.
    if (context.activity.type === 'message' || begin.welcome) await dc.beginDialog(DIALOG.main, begin);
  }
}
