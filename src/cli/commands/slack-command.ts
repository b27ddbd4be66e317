import { parseArgs } from 'node:util';
import type { InstallationSummary } from '../../core/bot/installation-ports.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const SLACK_USAGE = 'trellis slack installs [--remove TEAM_OR_ORG_ID] [--json]';

/**
 * `trellis slack installs`: the workspaces (and Enterprise Grid orgs) Trellis was added to through
 * "Add to Slack", since when, and which schools record them — an install no school records is
 * served only with "not set up". `--remove` forgets one: Trellis stops answering it and sending to
 * it. Tokens are never shown, and removing one does not revoke it at Slack (uninstalling the app
 * in the workspace does, and Trellis then forgets it by itself).
 */
export async function runSlackCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SLACK_USAGE}`);
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'installs') throw new CliError(`Usage:\n${SLACK_USAGE}`);
  await withServices(context, async (services) => {
    const remove = parsed.values.remove;
    if (remove !== undefined) {
      if (!(await services.slackInstalls.remove(remove.trim()))) throw new CliError(`There is no Slack install "${remove}". Run trellis slack installs to see them.`);
      context.output.out(`Removed the Slack install ${remove.trim()}: Trellis no longer answers that workspace or sends to it. To revoke its token, uninstall the app in Slack too.`);
      return;
    }
    const installs = await services.slackInstalls.list();
    if (parsed.values.json === true) {
      context.output.out(JSON.stringify(installs.map((i) => ({ ...i, installedAt: i.installedAt.toISOString() })), null, 2));
      return;
    }
    if (installs.length === 0) {
      context.output.out('Trellis has not been added to any Slack workspace through "Add to Slack" (with SLACK_BOT_TOKEN it serves that one workspace instead).');
      return;
    }
    context.output.out(`Slack installs (${installs.length}):`);
    for (const install of installs) context.output.out(`  ${describe(install)}`);
  });
}

function describe(install: InstallationSummary): string {
  const where = install.orgWide ? `Enterprise Grid org ${install.key} (org-wide)` : `workspace ${install.key}${install.enterpriseId === undefined ? '' : ` in org ${install.enterpriseId}`}`;
  const serves = install.schools.length === 0 ? `not set up: no school records it (trellis school set SCHOOL --slack-team ${install.key})` : `serves ${install.schools.join(', ')}`;
  return `${where}, installed ${install.installedAt.toISOString().slice(0, 10)}; ${serves}`;
}

function parse(args: string[]) {
  return parseArgs({ args, allowPositionals: true, options: { remove: { type: 'string' }, json: { type: 'boolean' } } });
}
