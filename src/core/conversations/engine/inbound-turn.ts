import { z } from 'zod';

/**
 * One message from a person, as every channel hands it to the core: who, where, what, and the
 * platform's own message id (Slack event_id, Teams activity id) so a retried delivery is
 * recognised and applied once.
 */
export const TurnInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('text'), text: z.string() }),
  /** A button or menu choice: the `value` of one of the `choices` the bot offered. */
  z.strictObject({ kind: z.literal('choice'), value: z.string().min(1) }),
  /** A submitted form (Slack modal, Teams card): field id → value. */
  z.strictObject({ kind: z.literal('form'), values: z.record(z.string(), z.string()) }),
]);
export type TurnInput = z.infer<typeof TurnInputSchema>;

/** A platform as people call it: "Slack", "Microsoft Teams", "the Trellis playground". */
export function platformName(platform: string): string {
  return ({ slack: 'Slack', teams: 'Microsoft Teams', local: 'the Trellis playground' } as Record<string, string>)[platform] ?? platform;
}

export const InboundTurnSchema = z.strictObject({
  /** Slack team / enterprise id, Teams tenant id, or "local" for the playground. */
  tenant: z.string().min(1),
  platform: z.enum(['slack', 'teams', 'local']),
  /** The thread (or 1:1 conversation) the message belongs to, unique within the tenant. */
  threadKey: z.string().min(1),
  /** The Trellis person the channel resolved the sender to. */
  personId: z.uuid(),
  messageId: z.string().min(1),
  input: TurnInputSchema,
  /**
   * The colleague named when starting a dialog (`checkin @chloe`): their person id, or the name
   * or e-mail typed. It answers the dialog's "whose…?" question in the same turn.
   */
  target: z.string().trim().min(1).optional(),
  /**
   * Where the channel posts the turn's reply (the person's chat account, and the conversation and
   * thread): given, the reply is queued durably in the turn's transaction (`TurnResult.replyKey`),
   * so a process that dies between the commit and the send still delivers it, once.
   */
  replyTo: z.strictObject({ userId: z.string().min(1), conversation: z.string().min(1), thread: z.string().min(1).optional() }).optional(),
});
export type InboundTurn = z.infer<typeof InboundTurnSchema>;
