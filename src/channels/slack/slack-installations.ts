import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { SlackConfig, SlackOAuthConfig } from '../../config/load-config.ts';
import type { WorkspaceInstallation, WorkspaceInstallations } from '../../core/bot/installation-ports.ts';
import type { Logger } from '../../logging/logger.ts';
import { createClients } from './slack-client.ts';
import { requiredScopes } from './slack-scopes.ts';

export const SLACK_INSTALL_PATH = '/slack/install';
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';

/** Bolt's installation store over Trellis's own (`slack_installations`, tokens encrypted at rest). */
export function installationStoreOver(installations: WorkspaceInstallations): InstallationStore {
  return {
    async storeInstallation(installation) {
      await installations.save(toStored(installation));
    },
    async fetchInstallation(query) {
      const key = keyOf(query);
      const found = key === undefined ? undefined : await installations.find(key);
      // Bolt's authorize turns this into a 401: Slack's request is from a workspace Trellis is not installed in.
      if (found === undefined) throw new Error(`Trellis is not installed in Slack workspace ${key ?? '(none named)'}`);
      return installationOf(found);
    },
    async deleteInstallation(query) {
      const key = keyOf(query);
      if (key !== undefined) await installations.remove(key);
    },
  };
}

/** An org-wide (Enterprise Grid) install is kept under its enterprise id, any other under its team id. */
export function installKeyOf(isEnterpriseInstall: boolean, teamId: string | undefined | null, enterpriseId: string | undefined | null): string | undefined {
  return (isEnterpriseInstall ? enterpriseId : teamId) ?? undefined;
}

function keyOf(query: InstallationQuery<boolean>): string | undefined {
  return installKeyOf(query.isEnterpriseInstall, query.teamId, query.enterpriseId);
}

function toStored(installation: Installation): WorkspaceInstallation {
  const orgWide = installation.isEnterpriseInstall === true;
  const key = installKeyOf(orgWide, installation.team?.id, installation.enterprise?.id);
  if (key === undefined) throw new Error('Slack returned an installation with neither a team nor an enterprise id');
  return { key, teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, orgWide, secret: JSON.stringify(installation), installedBy: installation.user?.id };
}

const StoredInstallationSchema = z.looseObject({ bot: z.looseObject({ token: z.string() }).optional() });

function installationOf(stored: WorkspaceInstallation): Installation {
  return JSON.parse(stored.secret) as Installation;
}

/** The bot token of an install; undefined if it has none (Trellis asks only for a bot, so it always should). */
export function botTokenOf(stored: WorkspaceInstallation): string | undefined {
  return StoredInstallationSchema.safeParse(JSON.parse(stored.secret)).data?.bot?.token;
}

/** Bolt's HTTPReceiver options for "Add to Slack": the app's credentials, Trellis's scopes, the store and the pages. */
export function oauthInstaller(config: SlackConfig, oauth: SlackOAuthConfig, installations: WorkspaceInstallations, slackApiUrl: string | undefined) {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: requiredScopes(),
    installationStore: installationStoreOver(installations),
    installerOptions: {
      installPath: SLACK_INSTALL_PATH,
      redirectUriPath: SLACK_REDIRECT_PATH,
      // Straight to Slack's consent page: the install page is the link itself.
      directInstall: true,
      clientOptions: slackApiUrl === undefined ? {} : { slackApiUrl },
      ...(config.oauthUrl === undefined ? {} : { authorizationUrl: config.oauthUrl }),
      callbackOptions: { success: installedPage, failure: installFailedPage },
    },
  };
}

export interface SlackClients {
  /** Replies to someone who just spoke: patient. */
  replies: WebClient;
  /** Digests: a 429 goes back to the outbox, nothing is retried in process. */
  digests: WebClient;
}

/**
 * The Web API clients for a workspace. One bot token (`SLACK_BOT_TOKEN`) serves whichever
 * workspace is asked for; installed through "Add to Slack", each workspace's stored install gives
 * its own token, and a workspace with no install (never installed, or uninstalled) gets none.
 */
export interface SlackWorkspaces {
  /** True when installed through "Add to Slack" (many workspaces, no fallback workspace). */
  readonly installed: boolean;
  clientsFor(tenant: string): Promise<SlackClients | undefined>;
}

export function singleWorkspace(config: SlackConfig, token: string, log: Logger): SlackWorkspaces & { clients: SlackClients } {
  const clients = createClients(config, token, log);
  return { installed: false, clients, clientsFor: async () => clients };
}

export function installedWorkspaces(config: SlackConfig, installations: WorkspaceInstallations, log: Logger): SlackWorkspaces {
  // Clients by token: a reinstall's new token gets new clients, an uninstalled workspace's token is never asked for again.
  const byToken = new Map<string, SlackClients>();
  return {
    installed: true,
    async clientsFor(tenant) {
      const installation = await installations.forTenant(tenant);
      const token = installation === undefined ? undefined : botTokenOf(installation);
      if (token === undefined) return undefined;
      let clients = byToken.get(token);
      if (clients === undefined) {
        clients = createClients(config, token, log);
        byToken.set(token, clients);
      }
      return clients;
    },
  };
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>${html(title)}</h1>${body}</main></body></html>`;

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** After "Allow": which workspace Trellis is now in, and the one command that binds it to a school. */
export function installedPage(installation: Installation, _options: unknown, _request: IncomingMessage, response: ServerResponse): void {
  const orgWide = installation.isEnterpriseInstall === true;
  const id = installKeyOf(orgWide, installation.team?.id, installation.enterprise?.id) ?? '';
  const name = (orgWide ? installation.enterprise?.name : installation.team?.name) ?? id;
  const body = [
    `<p>Trellis is installed in ${orgWide ? 'the Enterprise Grid organisation' : 'the Slack workspace'} <strong>${html(name)}</strong> (<code>${html(id)}</code>).</p>`,
    '<p>Staff can’t use it until your Trellis administrator records this workspace for your school or trust:</p>',
    `<pre><code>trellis school set YOUR-SCHOOL --slack-team ${html(id)}</code></pre>`,
    '<p>Until then, anyone who writes to Trellis here is told the workspace is not set up yet.</p>',
  ].join('');
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Trellis is installed', body));
}

/** A refused or broken install: a plain page, never a stack trace. */
export function installFailedPage(error: { code?: string; message?: string }, _options: unknown, _request: IncomingMessage, response: ServerResponse): void {
  const body = `<p>Trellis was not installed (${html(error.code ?? 'unknown error')}). Please go back to <a href="${SLACK_INSTALL_PATH}">${SLACK_INSTALL_PATH}</a> and try again; if it keeps failing, ask whoever runs your Trellis server to check its log.</p>`;
  response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(page('Trellis was not installed', body));
}
