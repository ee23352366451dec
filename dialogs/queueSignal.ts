import type { TurnContext } from 'botbuilder';
import type { QueueSignal } from '../src/handoff/userChannel.js';

export type { QueueSignal };

// Kept in turn state, never read from the activity: any channel client can send an event with any name and
// value, so an event on the wire must not be able to pass for the queue (and, say, close a ticket).
const SIGNAL = Symbol('queueSignal');

/** Marks a proactive turn as carrying a queue signal; only the queue's own turns call this. */
export function markQueueSignal(context: TurnContext, signal: QueueSignal): void {
  context.turnState.set(SIGNAL, signal);
}

export function queueSignalOf(context: TurnContext): QueueSignal | undefined {
  return context.turnState.get(SIGNAL) as QueueSignal | undefined;
}
