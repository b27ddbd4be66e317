import type { PlatformAccount } from './bot-ports.ts';

/**
 * Whether a chat account may speak for a roster person: only from a Slack workspace or Teams
 * tenant recorded for the person's school or trust (`trellis school set --slack-team/--teams-tenant`).
 * A school with nothing recorded is a single-school install as before: its people may link from
 * the workspace or tenant the install itself is configured for (the Slack bot token's own team,
 * `TEAMS_TENANT_ID`), and from anywhere only when that is not known. So an account in someone
 * else's workspace (a Slack Connect guest, another tenant) never borrows a staff member's records
 * by claiming their e-mail. The playground's local accounts are not bound to a workspace.
 * `homeTenant` null means the install has no workspace of its own (Slack installed in many
 * workspaces through "Add to Slack"): only recorded workspaces count.
 */
export function mayActFor(account: PlatformAccount, recorded: readonly string[], homeTenant: string | undefined | null): boolean {
  if (account.platform === 'local') return true;
  if (recorded.length > 0) return recorded.includes(account.tenant);
  if (homeTenant === null) return false;
  return homeTenant === undefined || account.tenant === homeTenant;
}

/**
 * Whether a workspace an app was installed in serves anyone: it is recorded for some school or
 * trust. An install nobody has bound links no one and gets `NOT_SET_UP`.
 */
export function workspaceIsSetUp(tenant: string, recordedAnywhere: readonly string[]): boolean {
  return recordedAnywhere.includes(tenant);
}

/** Told to someone writing from a workspace Trellis was installed in but no school has recorded. */
export const NOT_SET_UP =
  'Hello! This workspace is not set up for Trellis yet, so I can’t help here. Please ask your school’s Trellis administrator to record it for your school (trellis school set SCHOOL --slack-team …).';
