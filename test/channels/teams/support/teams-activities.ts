import { readFileSync } from 'node:fs';

/** Microsoft's documented payloads (../shared/fixtures/teams), with ids and URLs swapped for the test's. */
const FIXTURES = '/work/shared/fixtures/teams';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES}/${name}.json`, 'utf8')) as Record<string, unknown>;
}

export interface TeamsUser {
  /** from.id (29:…), different per bot. */
  id: string;
  aadObjectId: string;
  name: string;
  conversationId: string;
}

export const BOT_ID = '28:trellis-bot';

export function teamsUser(key: string): TeamsUser {
  return { id: `29:${key}-id`, aadObjectId: `aad-${key}-0000`, name: key, conversationId: `a:personal-${key}` };
}

function place(base: Record<string, unknown>, user: TeamsUser, tenantId: string, serviceUrl: string, id: string): Record<string, unknown> {
  return {
    ...base,
    id,
    serviceUrl,
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    recipient: { id: BOT_ID, name: 'Trellis' },
    conversation: { conversationType: 'personal', tenantId, id: user.conversationId },
    channelData: { tenant: { id: tenantId } },
  };
}

/** teams_conversationupdate_install_personal.json: the bot added to the user's personal scope. */
export function installActivity(user: TeamsUser, tenantId: string, serviceUrl: string, id: string): Record<string, unknown> {
  const activity = place(fixture('teams_conversationupdate_install_personal'), user, tenantId, serviceUrl, id);
  return { ...activity, membersAdded: [{ id: BOT_ID }, { id: user.id, aadObjectId: user.aadObjectId }] };
}

/** teams_message_personal_with_conversation_tenantId.json with the user's text. */
export function messageActivity(user: TeamsUser, tenantId: string, serviceUrl: string, id: string, text: string): Record<string, unknown> {
  return { ...place(fixture('teams_message_personal_with_conversation_tenantId'), user, tenantId, serviceUrl, id), text };
}

/** An `adaptiveCard/action` invoke (Universal Actions), as Teams sends for Action.Execute. */
export function executeActivity(user: TeamsUser, tenantId: string, serviceUrl: string, id: string, action: { verb: string; data: unknown }, replyToId: string): Record<string, unknown> {
  const base = place(fixture('teams_message_personal_with_conversation_tenantId'), user, tenantId, serviceUrl, id);
  const { text: _text, textFormat: _format, ...rest } = base;
  return { ...rest, type: 'invoke', name: 'adaptiveCard/action', replyToId, value: { action: { type: 'Action.Execute', id: 'action', verb: action.verb, data: action.data }, trigger: 'manual' } };
}

/** An Action.Submit press from an older client: a message with `value` and no text. */
export function submitActivity(user: TeamsUser, tenantId: string, serviceUrl: string, id: string, data: unknown, replyToId: string): Record<string, unknown> {
  const base = place(fixture('teams_message_personal_with_conversation_tenantId'), user, tenantId, serviceUrl, id);
  const { text: _text, ...rest } = base;
  return { ...rest, replyToId, value: data };
}
