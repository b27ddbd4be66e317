import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduledTask } from 'node-cron';
import { startCronScheduler } from '../../../src/scheduler/cron-scheduler.ts';

let task: ScheduledTask | undefined;
afterEach(async () => {
  await task?.destroy();
});

describe('the reminder scheduler', () => {
  it('runs every five minutes on London time', () => {
    task = startCronScheduler({ sweep: () => Promise.resolve() });
    expect(task.getPattern()).toBe('*/5 * * * *');
    // 16:00 BST on 15 Oct 2026 is 15:00 UTC; 16:02 is not a tick.
    expect(task.match(new Date('2026-10-15T15:00:00Z'))).toBe(true);
    expect(task.match(new Date('2026-10-15T15:02:00Z'))).toBe(false);
  });

  it('reports a failing sweep instead of dying', async () => {
    const errors: unknown[] = [];
    task = startCronScheduler({ sweep: () => Promise.reject(new Error('database gone')), onError: (e) => errors.push(e) });
    await task.execute();
    expect(errors).toHaveLength(1);
  });
});
