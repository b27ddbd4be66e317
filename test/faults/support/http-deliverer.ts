import type { Deliverer, DeliveryResult, DigestRecipient, MessageSender } from '../../../src/core/reminders/reminder-ports.ts';

/**
 * A channel at its HTTP edge, as Slack's and Teams' are: posts each digest and notice to the
 * fake platform and reads its answer the way the real channels do (429 + Retry-After, 5xx to
 * retry, 404 nobody to deliver to). `lookup` turns on the "was it delivered?" check a retry
 * makes after a crash mid-send.
 */
export function httpDeliverer(edgeUrl: string, worker: string, options: { lookup: boolean }): Deliverer & MessageSender {
  const post = async (kind: 'digest' | 'notice' | 'notification', key: string, recipient: DigestRecipient): Promise<DeliveryResult> => {
    const response = await fetch(`${edgeUrl}/deliver`, { method: 'POST', body: JSON.stringify({ kind, key, email: recipient.email, worker }) });
    const body = (await response.json()) as { ok: boolean; error?: string };
    if (response.ok) return { ok: true };
    const error = body.error ?? `http_${response.status}`;
    if (response.status === 429) return { ok: false, error, retryAfterSeconds: Number(response.headers.get('retry-after') ?? '1') };
    if (response.status === 404) return { ok: false, error, permanent: true };
    return { ok: false, error };
  };
  const deliverer: Deliverer & MessageSender = {
    deliver: (delivery) => post('digest', delivery.key, delivery.recipient),
    sendMessages: (recipient, _messages, key) => post(key.startsWith('notify:') ? 'notification' : 'notice', key, recipient),
    sendToAccount: (personId, _account, _messages, key) => post('notification', key, { id: personId, email: personId, fullName: personId }),
  };
  if (options.lookup) {
    deliverer.wasDelivered = async (delivery) => {
      const response = await fetch(`${edgeUrl}/delivered?key=${encodeURIComponent(delivery.key)}`);
      return ((await response.json()) as { delivered: boolean }).delivered;
    };
  }
  return deliverer;
}
