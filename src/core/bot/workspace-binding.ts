import type { PlatformAccount } from './bot-ports.ts';

/**
 * Whether a chat account may speak for a roster person: only from a Slack workspace or Teams
 * tenant recorded for the person's school or trust (`trellis school set --slack-team/--teams-tenant`).
 * A school with nothing recorded is a single-school install as before: its people may link from
 * the workspace or tenant the install itself is configured for (the Slack bot token's own team,
 * `TEAMS_TENANT_ID`), and from anywhere only when that is not known. So an account in someone
 * else's workspace (a Slack Connect guest, another tenant) never borrows a staff member's records
 * by claiming their e-mail. The playground's local accounts are not bound to a workspace.
 */
export function mayActFor(account: PlatformAccount, recorded: readonly string[], homeTenant: string | undefined): boolean {
  if (account.platform === 'local') return true;
  if (recorded.length > 0) return recorded.includes(account.tenant);
  return homeTenant === undefined || account.tenant === homeTenant;
}
