/**
 * Every Slack Web API method Trellis calls and the bot scope it needs (none for auth.test and
 * views.*). The manifest asks for exactly these plus what the subscriptions need; a test checks
 * the table against the calls the app really makes and against the manifest.
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
  'conversations.open': ['im:write'],
  // The retry after a crash mid-send looks for a digest's key in the DM (SlackChannel.wasDelivered).
  'conversations.history': ['im:history'],
  // … and a turn's reply in its DM thread, before the job engine sends it (a part already there is not sent again).
  'conversations.replies': ['im:history'],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'files.uploadV2': ['files:write'],
  'views.open': [],
  'views.update': [],
  'views.publish': [],
};

/** Scopes the subscriptions need: `/growth` and direct messages (message.im). */
export const FEATURE_SCOPES = ['commands', 'im:history'] as const;

export function requiredScopes(): string[] {
  return [...new Set([...Object.values(METHOD_SCOPES).flat(), ...FEATURE_SCOPES])].sort();
}
