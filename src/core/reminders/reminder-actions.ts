import type { Actor, ReminderActionOutcome, ReminderActions } from '../bot/bot-ports.ts';
import { say } from '../conversations/engine/outgoing-message.ts';

/** Acting on a reminder's buttons. First cut: start only; done, snooze and not-applicable come next. */
export class ObligationReminderActions implements ReminderActions {
  async act(_actor: Actor, value: string): Promise<ReminderActionOutcome> {
    return { kind: 'reply', messages: [say(`I can’t do “${value}” from a reminder yet.`)] };
  }
}
