import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { londonDateOf } from '../../../../src/core/calendar/london-time.ts';
import { allDigestItems, type DigestItem, type DigestMessage } from '../../../../src/core/reminders/compose-digest.ts';
import type { Deliverer, DeliveryResult, DigestDelivery } from '../../../../src/core/reminders/reminder-ports.ts';
import type { Clock } from '../../../../src/core/time/clock.ts';
import { runTrellisWith } from '../../../support/run-cli.ts';

export const TERMS = join(import.meta.dirname, '../../../../config/terms/england-2026-28.yaml');

/**
 * A school of 32: a head, a deputy, two heads of department, teachers (some UPR, TLR, part-time),
 * teaching assistants, support staff, a January new starter, an ECT and an agency teacher (both
 * outside the cycle, 004 §2.1, 002 intro).
 */
export function schoolYearRosterCsv(domain: string): string {
  const rows = [
    'email,full_name,role,line_manager_email,department,coach_email,start_date,contract,contract_end,flags',
    `head@${domain},Helen Head,headteacher,,,,2015-09-01,permanent,,`,
    `deputy@${domain},Dev Deputy,leader,head@${domain},SLT,,2018-09-01,permanent,,leadership-scale`,
    `hod.maths@${domain},Mo Maths,teacher,deputy@${domain},Maths,,2019-09-01,permanent,,tlr;ups`,
    `hod.english@${domain},Em English,teacher,deputy@${domain},English,,2017-09-01,permanent,,tlr`,
  ];
  for (let i = 1; i <= 16; i++) {
    const manager = i <= 8 ? 'hod.maths' : 'hod.english';
    const flags = i % 5 === 0 ? 'upr' : i % 4 === 0 ? 'part-time' : '';
    const coach = i === 3 ? `deputy@${domain}` : '';
    rows.push(`t${i}@${domain},Teacher ${i},teacher,${manager}@${domain},${i <= 8 ? 'Maths' : 'English'},${coach},2020-09-01,permanent,,${flags}`);
  }
  for (let i = 1; i <= 5; i++) rows.push(`ta${i}@${domain},Assistant ${i},teaching-assistant,hod.english@${domain},English,,2021-09-01,permanent,,`);
  for (let i = 1; i <= 4; i++) rows.push(`support${i}@${domain},Support ${i},support,deputy@${domain},Office,,2016-09-01,permanent,,${i === 1 ? 'grade6plus' : ''}`);
  rows.push(`jan@${domain},Jan Newstart,teacher,hod.maths@${domain},Maths,,2027-01-11,permanent,,`);
  rows.push(`ect@${domain},Ed Early,teacher,hod.maths@${domain},Maths,,2026-09-01,permanent,,ect`);
  rows.push(`agency@${domain},Ada Agency,teacher,hod.english@${domain},English,,2026-09-02,agency,,`);
  return `${rows.join('\n')}\n`;
}

/** Creates a school under a preset and loads the roster through the CLI, as an administrator would. */
export async function setUpSchool(databaseUrl: string, dir: string, slug: string, preset: string): Promise<void> {
  const at = '2026-09-01T08:00:00Z';
  const set = await runTrellisWith({ databaseUrl, at }, 'school', 'set', slug, '--policy', preset, '--terms', TERMS);
  if (set.code !== 0) throw new Error(set.stderr);
  const file = join(dir, `${slug}.csv`);
  await writeFile(file, schoolYearRosterCsv(`${slug}.example`));
  const loaded = await runTrellisWith({ databaseUrl, at }, 'import', 'roster', file, '--school', slug);
  if (loaded.code !== 0) throw new Error(loaded.stderr);
}

export interface RecordedDelivery {
  key: string;
  email: string;
  /** The London date the delivery happened on (the sweep's clock). */
  deliveredOn: string;
  date: string;
  /** Every item the digest speaks of: shown with buttons, counted, and inside escalation summaries. */
  items: DigestItem[];
  /** The digest as composed, for what the person actually sees. */
  message: DigestMessage;
}

/** A deliverer that keeps what it was given; `fail` may make an attempt fail first. */
export function recordingDeliverer(clock: { current: Clock }, fail?: (delivery: DigestDelivery) => DeliveryResult | undefined): { deliverer: Deliverer; deliveries: RecordedDelivery[] } {
  const deliveries: RecordedDelivery[] = [];
  return {
    deliveries,
    deliverer: {
      deliver(delivery) {
        const failure = fail?.(delivery);
        if (failure !== undefined) return Promise.resolve(failure);
        deliveries.push({ key: delivery.key, email: delivery.recipient.email, deliveredOn: londonDateOf(clock.current.now()), date: delivery.message.date, items: allDigestItems(delivery.message), message: delivery.message });
        return Promise.resolve({ ok: true });
      },
    },
  };
}

/**
 * What the outbox lets through of a day's plan: a reminder whose key was queued on an earlier
 * day is not queued again (so a coming-up nudge brought forward into an earlier digest stays
 * quiet on its own day). Adds today's keys to `queued`.
 */
export function notYetQueued<R extends { key: string }>(planned: readonly R[], queued: Set<string>): R[] {
  const fresh = planned.filter((reminder) => !queued.has(reminder.key));
  for (const reminder of fresh) queued.add(reminder.key);
  return fresh;
}
