import { z } from 'zod';
import type { PlatformAccount } from '../../core/bot/bot-ports.ts';
import type { TeamsConversationRef } from './bot-connector.ts';

/**
 * The fields of a Bot Framework activity Trellis reads. Activities carry far more; unknown fields
 * pass through untouched, and one missing what we need is ignored rather than crashing a turn.
 */
export const InboundActivitySchema = z.looseObject({
  type: z.string(),
  id: z.string().min(1),
  name: z.string().optional(),
  action: z.string().optional(),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  from: z.looseObject({ id: z.string().min(1), aadObjectId: z.string().optional(), name: z.string().optional() }),
  recipient: z.looseObject({ id: z.string() }).optional(),
  conversation: z.looseObject({ id: z.string().min(1), conversationType: z.string().optional(), tenantId: z.string().optional() }),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
  membersAdded: z.array(z.looseObject({ id: z.string() })).optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
  replyToId: z.string().optional(),
});
export type InboundActivity = z.infer<typeof InboundActivitySchema>;

/** The tenant: `conversation.tenantId` where Teams sends it, else `channelData.tenant.id` (older payloads). */
export function tenantOf(activity: InboundActivity): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
}

/**
 * The Trellis account: the user's Entra object id in the tenant. `from.id` (29:…) is different
 * for every bot, so it would break the day the app is re-registered.
 */
export function accountOf(activity: InboundActivity): PlatformAccount | undefined {
  const tenant = tenantOf(activity);
  const userId = activity.from.aadObjectId;
  if (tenant === undefined || userId === undefined || userId === '') return undefined;
  return { platform: 'teams', tenant, userId };
}

export function referenceOf(activity: InboundActivity): TeamsConversationRef {
  return { serviceUrl: activity.serviceUrl, conversationId: activity.conversation.id, tenantId: tenantOf(activity) ?? '', userId: activity.from.id, botId: activity.recipient?.id };
}

const StoredRefSchema = z.object({ serviceUrl: z.string().min(1), conversationId: z.string().min(1), tenantId: z.string(), userId: z.string().optional(), botId: z.string().optional() });

export function parseStoredRef(value: unknown): TeamsConversationRef | undefined {
  const parsed = StoredRefSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The card data a press sends back: from an Action.Execute invoke, or an Action.Submit message's `value`. */
export function cardDataOf(activity: InboundActivity): Record<string, unknown> | undefined {
  const value = activity.value as { action?: { data?: unknown } } | undefined;
  const data = activity.type === 'invoke' ? value?.action?.data : activity.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return typeof (data as { trellis?: unknown }).trellis === 'string' ? (data as Record<string, unknown>) : undefined;
}

/** Typed text without the bot's @mention (Teams keeps `<at>Trellis</at>` in the text) or HTML leftovers. */
export function typedText(activity: InboundActivity): string {
  return (activity.text ?? '')
    .replace(/<at>[^<]*<\/at>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .trim();
}
