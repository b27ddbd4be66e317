/**
 * What a Slack workspace / Enterprise Grid org id and a Microsoft Entra tenant id look like: the one
 * check `trellis school set --slack-team/--teams-tenant`, `trellis teams tenants` and the admin
 * console's chat workspaces page all use before recording one for a school.
 */

/** A Slack workspace (team) id `T…` or Enterprise Grid org id `E…`. */
export const SLACK_WORKSPACE_ID = /^[TE][A-Z0-9]{2,}$/;

/** A Microsoft Entra tenant id, and the id an app gets in a tenant's app catalogue: both GUIDs. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Slack id as typed, trimmed (Slack's ids are upper case). */
export const normaliseSlackWorkspaceId = (typed: string): string => typed.trim();

/** A tenant id as typed, trimmed and lower-cased, as Teams sends it. */
export const normaliseTenantId = (typed: string): string => typed.trim().toLowerCase();

export const SLACK_WORKSPACE_ID_RULE = "a Slack workspace id (T…) or Enterprise Grid org id (E…), as in the workspace's URL or auth.test";
export const TENANT_ID_RULE = 'a Microsoft Entra tenant id (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47)';
