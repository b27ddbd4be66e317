import { z } from 'zod';

/**
 * What Trellis reads from Slack's payloads, checked at the edge. Only the fields used are named;
 * anything else Slack adds passes through untouched, and a payload without them is logged and ignored.
 */
export const MessageEnvelopeSchema = z.object({
  event_id: z.string().min(1),
  team_id: z.string().min(1),
  enterprise_id: z.string().nullish(),
  event: z.object({
    type: z.literal('message'),
    channel: z.string().min(1),
    channel_type: z.literal('im'),
    user: z.string().min(1),
    text: z.string().default(''),
    ts: z.string().min(1),
    thread_ts: z.string().optional(),
    // Edits, deletions, joins and bot posts carry a subtype or a bot_id: they are not answers.
    subtype: z.never().optional(),
    bot_id: z.never().optional(),
  }),
});
export type MessageEnvelope = z.infer<typeof MessageEnvelopeSchema>;

export const HomeOpenedSchema = z.object({
  team_id: z.string().min(1),
  enterprise_id: z.string().nullish(),
  event: z.object({ type: z.literal('app_home_opened'), user: z.string().min(1), tab: z.string() }),
});

export const CommandSchema = z.object({
  team_id: z.string().min(1),
  enterprise_id: z.string().nullish(),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  text: z.string().default(''),
  trigger_id: z.string().min(1),
  response_url: z.string().min(1),
});
export type CommandPayload = z.infer<typeof CommandSchema>;

const ActionSchema = z.object({ action_id: z.string(), value: z.string().default(''), action_ts: z.string(), text: z.object({ text: z.string() }).optional() });

export const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullish(),
  enterprise: z.object({ id: z.string().min(1) }).nullish(),
  trigger_id: z.string().min(1),
  channel: z.object({ id: z.string().min(1) }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional(), blocks: z.array(z.record(z.string(), z.unknown())).default([]) }).optional(),
  actions: z.array(ActionSchema).min(1),
});
export type BlockActionsPayload = z.infer<typeof BlockActionsSchema>;

export const ViewSubmissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.object({ id: z.string().min(1) }).nullish(),
  enterprise: z.object({ id: z.string().min(1) }).nullish(),
  view: z.object({
    id: z.string().min(1),
    callback_id: z.string(),
    private_metadata: z.string().default(''),
    blocks: z.array(z.object({ block_id: z.string().optional(), optional: z.boolean().optional(), type: z.string() })).default([]),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.unknown())) }),
  }),
});
export type ViewSubmissionPayload = z.infer<typeof ViewSubmissionSchema>;

/** The value a modal's input holds, whatever its kind (text, date, select). */
export function inputValue(raw: unknown): string {
  const state = z
    .object({ value: z.string().nullish(), selected_date: z.string().nullish(), selected_option: z.object({ value: z.string() }).nullish() })
    .safeParse(raw);
  if (!state.success) return '';
  return (state.data.value ?? state.data.selected_date ?? state.data.selected_option?.value ?? '').trim();
}

/** `<@U123|sam>` as Slack escapes a mention in a command: the user id, else undefined. */
export function mentionedUser(text: string | undefined): string | undefined {
  return text?.match(/^<@([A-Z0-9]+)(?:\|[^>]*)?>$/)?.[1];
}
