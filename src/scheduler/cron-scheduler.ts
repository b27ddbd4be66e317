import cron, { type ScheduledTask } from 'node-cron';
import { LONDON } from '../core/calendar/london-time.ts';

export interface CronSchedulerOptions {
  /** One sweep of every school; errors are reported, never allowed to stop the schedule. */
  sweep: () => Promise<void>;
  onError?: (error: unknown) => void;
  /** Every five minutes by default, in London time so the window means what the school says. */
  expression?: string;
}

/**
 * Runs the reminder sweep on a schedule. The sweep itself decides whether it is a school day
 * and inside the window, and the outbox makes a repeated or overlapping run harmless, so the
 * schedule only has to be frequent; `noOverlap` just saves a pointless second run.
 */
export function startCronScheduler(options: CronSchedulerOptions): ScheduledTask {
  return cron.schedule(
    options.expression ?? '*/5 * * * *',
    async () => {
      try {
        await options.sweep();
      } catch (error) {
        (options.onError ?? ((e: unknown) => console.error('Reminder sweep failed:', e)))(error);
      }
    },
    { timezone: LONDON, noOverlap: true, name: 'trellis-reminder-sweep' },
  );
}
