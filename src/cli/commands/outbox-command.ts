import { parseArgs } from 'node:util';
import type { OutboxEntry } from '../../core/reminders/reminder-ports.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const OUTBOX_USAGE = `trellis outbox [--school SCHOOL] [--failed]
  trellis outbox resend ID... | --all-failed [--school SCHOOL]`;

/**
 * `trellis outbox`: the digests and notices queued, sent and failed (newest first); `--failed`
 * shows only the dead letters. `resend` puts failed ones back in the queue with a fresh delivery
 * job, by id (or key) or all of them; the server's worker, or the next `trellis sweep`, sends them.
 */
export async function runOutboxCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${OUTBOX_USAGE}`);
  }
  const [verb, ...ids] = parsed.positionals;
  const { school, failed } = parsed.values;
  const allFailed = parsed.values['all-failed'] === true;
  if (verb !== undefined && verb !== 'resend') throw new CliError(`Unknown outbox action "${verb}".\n\nUsage:\n${OUTBOX_USAGE}`);
  if (verb === 'resend' && ids.length === 0 && !allFailed) throw new CliError(`Say which to resend: one or more ids from trellis outbox --failed, or --all-failed.\n\nUsage:\n${OUTBOX_USAGE}`);
  if (verb === 'resend' && ids.length > 0 && allFailed) throw new CliError('Give ids or --all-failed, not both.');
  if (verb === undefined && (ids.length > 0 || allFailed)) throw new CliError(`--all-failed goes with resend.\n\nUsage:\n${OUTBOX_USAGE}`);
  await withServices(context, async (services) => {
    if (school !== undefined && (await services.schools.findSchool(school)) === undefined) throw new CliError(`There is no school "${school}".`);
    if (verb === 'resend') {
      const requeued = await services.outbox.resend(allFailed ? { allFailed: true, schoolSlug: school } : { ids });
      for (const entry of requeued) context.output.out(line(entry));
      const missing = ids.filter((id) => !requeued.some((entry) => entry.id === id || entry.key === id));
      if (missing.length > 0) context.output.out(`Not failed or not found, left alone: ${missing.join(', ')}`);
      context.output.out(`${requeued.length} re-queued for delivery.`);
      return;
    }
    const entries = await services.outbox.list({ schoolSlug: school, failedOnly: failed === true });
    if (entries.length === 0) context.output.out(failed ? 'Nothing has failed.' : 'The outbox is empty.');
    for (const entry of entries) context.output.out(line(entry));
  });
}

function line(entry: OutboxEntry): string {
  const error = entry.lastError === undefined ? '' : ` — ${entry.lastError}`;
  const attempts = entry.attempts > 0 ? ` (${entry.attempts} ${entry.attempts === 1 ? 'attempt' : 'attempts'})` : '';
  return `${entry.id} ${entry.status} ${entry.kind} ${entry.schoolSlug} ${entry.date} ${entry.recipientEmail}${attempts}${error}`;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { school: { type: 'string' }, failed: { type: 'boolean' }, 'all-failed': { type: 'boolean' } },
  });
}
