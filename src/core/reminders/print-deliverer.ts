import type { Deliverer, DigestDelivery } from './reminder-ports.ts';

/**
 * Until the Slack and Teams channels exist, a digest is "delivered" by printing one line for it:
 * the sweep then marks it sent in the outbox exactly as a channel's success would.
 */
export function printingDeliverer(print: (line: string) => void): Deliverer {
  return {
    deliver(delivery: DigestDelivery) {
      const { recipient, message } = delivery;
      const count = message.items.length;
      print(`${message.date} ${recipient.email}: ${count} ${count === 1 ? 'item' : 'items'} — ${message.title}`);
      return Promise.resolve({ ok: true });
    },
  };
}
