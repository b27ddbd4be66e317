import { parseArgs } from 'node:util';
import type { Deliverer, DigestDelivery, MessageSender, ReminderStore } from '../../core/reminders/reminder-ports.ts';
import { allDigestItems } from '../../core/reminders/compose-digest.ts';
import { type SweepResult, sweepSchools } from '../../core/reminders/run-sweep.ts';
import type { School } from '../../core/schools/school.ts';
import { type Clock, fixedClock } from '../../core/time/clock.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { loadCliConfig } from '../cli-config.ts';

export const SWEEP_USAGE = 'trellis sweep [--at ISO-DATETIME] [--school SCHOOL] [--dry-run]';

/** Deliveries run side by side, as the server's worker runs them. */
const DELIVERY_WORKERS = 4;

const ISO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * `trellis sweep`: one reminder sweep, as the scheduler runs every five minutes, optionally as if
 * it were another moment, then every delivery that is due, through the chat channels the server
 * would use (the same composition), printing each digest sent; with SMTP configured, the e-mails to
 * the head's own reviewers who are not on the roster (002 §22–24, 003 §6.3, 004 §9.1) go through
 * the same router and are printed too. With no chat channel configured the digests and e-mails stay
 * queued for the server; `--dry-run` prints what would be queued and writes nothing.
 */
export async function runSweepCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SWEEP_USAGE}`);
  }
  if (parsed.positionals.length > 0) throw new CliError(`Unexpected "${parsed.positionals.join(' ')}".\n\nUsage:\n${SWEEP_USAGE}`);
  const clock = clockFor(parsed.values.at, context.clock);
  const config = loadCliConfig(context);
  const out = (line: string) => context.output.out(line);
  const school = parsed.values.school;
  // With no chat channel nothing is delivered here, so the sweep runs on its storage alone: a `pg`
  // pool, without Prisma's client or its query compiler (as a dry run, which writes nothing).
  if (parsed.values['dry-run'] || (config.slack === undefined && config.teams === undefined)) {
    const { openSweepStorage } = await import('../../compose-sweep.ts');
    const storage = await openSweepStorage(config, clock);
    try {
      const slugs = await slugsToSweep(storage.reminders, storage.sweep, school);
      if (slugs.length === 0) {
        out('No schools yet: nothing to sweep.');
        return;
      }
      if (parsed.values['dry-run']) {
        for (const result of await sweepSchools(storage.sweep, slugs, { dryRun: true })) {
          for (const delivery of result.wouldSend ?? []) out(`${digestLine(delivery)} (would send)`);
          out(dryRunSummary(result));
        }
        return;
      }
      const results = await sweepSchools(storage.sweep, slugs);
      for (const result of results) out(summary(result));
      if (results.every((result) => result.skipped !== undefined)) return;
      out(`No chat channel is configured (Slack or Teams): the digests${config.smtp === undefined ? '' : ' and e-mails'} stay queued, and the server sends them once one is.`);
    } finally {
      await storage.close();
    }
    return;
  }
  const [{ withServices }, { composeDelivery }] = await Promise.all([import('../with-services.ts'), import('../../compose-app.ts')]);
  await withServices({ ...context, clock }, async (services) => {
    const findSchool = (slug: string) => services.schools.findSchool(slug);
    const slugs = await slugsToSweep(services.reminders, { findSchool }, school);
    if (slugs.length === 0) {
      out('No schools yet: nothing to sweep.');
      return;
    }
    const parts = await composeDelivery(config, services, clock, consoleLogger(config.logLevel, undefined, config.logFormat));
    const results = await sweepSchools(parts.jobs.sweep, slugs);
    for (const result of results) out(summary(result));
    if (results.every((result) => result.skipped !== undefined)) return;
    const email = parts.router.email;
    // Loaded only to deliver: a sweep with no chat channel needs neither the job engine nor e-mail's text.
    const [{ runDueJobs }, { emailContentOf }] = await Promise.all([import('../../scheduler/job-worker.ts'), import('../../channels/email/email-channel.ts')]);
    const sent = { ok: 0, notNow: 0, emails: 0, emailsNotNow: 0 };
    const printing: Deliverer = {
      async deliver(delivery) {
        const result = await parts.router.deliver(delivery);
        if (result.ok) {
          sent.ok++;
          out(digestLine(delivery));
        } else {
          sent.notNow++;
          out(`${delivery.message.date} ${delivery.recipient.email}: not sent (${result.error})`);
        }
        return result;
      },
    };
    // The same router the server's worker sends through; only e-mails are printed as they go.
    const router = parts.router;
    const messenger: MessageSender = {
      sendMessages: (recipient, messages, key) => router.sendMessages(recipient, messages, key),
      sendToAccount: (personId, account, messages, key, place) => router.sendToAccount(personId, account, messages, key, place),
      async sendEmail(to, messages, key) {
        const result = await router.sendEmail(to, messages, key);
        const line = `e-mail to ${to.name} <${to.address}>: ${emailContentOf(messages).subject}`;
        if (result.ok) {
          sent.emails++;
          out(line);
        } else {
          sent.emailsNotNow++;
          out(`${line}: not sent (${result.error})`);
        }
        return result;
      },
    };
    for (const channel of router.channels) await channel.start?.();
    try {
      const only = school === undefined ? undefined : { schools: slugs };
      await runDueJobs(services.database.url, { ...parts.jobs, delivery: { ...parts.jobs.delivery, deliverer: printing, messenger } }, DELIVERY_WORKERS, only);
    } finally {
      for (const channel of router.channels) await channel.stop?.();
      await email?.stop?.();
    }
    out(`${sent.ok} ${sent.ok === 1 ? 'digest' : 'digests'} sent${sent.notNow > 0 ? `, ${sent.notNow} not sent now (retried later; see trellis outbox)` : ''}.`);
    if (email !== undefined || sent.emails + sent.emailsNotNow > 0) {
      out(`${sent.emails} ${sent.emails === 1 ? 'e-mail' : 'e-mails'} sent to the head's reviewers${sent.emailsNotNow > 0 ? `, ${sent.emailsNotNow} not sent now (retried later; see trellis outbox)` : ''}${email === undefined ? ' (SMTP_URL and SMTP_FROM are not set)' : ''}.`);
    }
  });
}

/** Every school's slug, or the one named (which must exist). */
async function slugsToSweep(reminders: Pick<ReminderStore, 'listSchoolSlugs'>, schools: { findSchool(slug: string): Promise<School | undefined> }, school: string | undefined): Promise<string[]> {
  if (school === undefined) return reminders.listSchoolSlugs();
  if ((await schools.findSchool(school)) === undefined) {
    throw new CliError(`There is no school "${school}" yet: create it first with trellis school set ${school} --policy … --terms …`);
  }
  return [school];
}

function digestLine(delivery: DigestDelivery): string {
  const { recipient, message } = delivery;
  const count = allDigestItems(message).length;
  return `${message.date} ${recipient.email}: ${count} ${count === 1 ? 'item' : 'items'} — ${message.title}`;
}

function clockFor(at: string | undefined, fallback: Clock): Clock {
  if (at === undefined) return fallback;
  if (!ISO_DATETIME.test(at) || Number.isNaN(new Date(at).getTime())) {
    throw new CliError(`--at must be a moment written like 2026-10-14T16:00:00+01:00 or 2026-10-14T15:00Z, not "${at}".`);
  }
  return fixedClock(at);
}

function skippedLine(result: SweepResult): string | undefined {
  if (result.skipped === 'not-a-school-day') return `${result.school}: not a school day, nothing sent.`;
  if (result.skipped === 'outside-window') return `${result.school}: outside the reminder window, nothing sent.`;
  return undefined;
}

function summary(result: SweepResult): string {
  const skipped = skippedLine(result);
  if (skipped !== undefined) return skipped;
  const followUps = result.followUps > 0 ? `, ${result.followUps} ${result.followUps === 1 ? 'deadline' : 'deadlines'} added (appeal outcome, 002 §17)` : '';
  const emails = (result.queuedEmails ?? 0) > 0 ? `, ${result.queuedEmails} ${result.queuedEmails === 1 ? 'e-mail' : 'e-mails'} queued to the head's reviewers` : '';
  return `${result.school}: ${result.queuedReminders} reminders queued, ${result.queuedDigests} ${result.queuedDigests === 1 ? 'digest' : 'digests'} queued${emails}${followUps}.`;
}

function dryRunSummary(result: SweepResult): string {
  const skipped = skippedLine(result);
  if (skipped !== undefined) return skipped;
  const count = result.wouldSend?.length ?? 0;
  return `${result.school}: ${count} ${count === 1 ? 'digest' : 'digests'} would be queued (dry run: nothing written or sent).`;
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { at: { type: 'string' }, school: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
}
