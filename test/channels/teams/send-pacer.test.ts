import { describe, expect, it } from 'vitest';
import { SendPacer } from '../../../src/channels/teams/send-pacer.ts';

/** Time that only moves when the pacer waits, so the schedule it keeps is exact. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    at: () => now,
    time: {
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    },
  };
}

describe('pacing sends under Teams’ limits (platforms.md §2.4)', () => {
  it('lets 7 messages a second into one conversation, then spaces the rest', async () => {
    const clock = fakeTime();
    const pacer = new SendPacer(clock.time);
    for (let i = 0; i < 7; i++) expect(await pacer.take('t1', 'c1')).toBe(0);
    await pacer.take('t1', 'c1');
    expect(clock.waits).toHaveLength(1);
    // 14 messages can't leave in under a second at 7 a second.
    for (let i = 0; i < 6; i++) await pacer.take('t1', 'c1');
    expect(clock.at()).toBeGreaterThanOrEqual(1000 - 1);
  });

  it('holds a tenant to 50 requests a second across many conversations', async () => {
    const clock = fakeTime();
    const pacer = new SendPacer(clock.time);
    for (let i = 0; i < 50; i++) await pacer.take('t1', `c${i}`);
    expect(clock.at()).toBe(0);
    for (let i = 50; i < 100; i++) await pacer.take('t1', `c${i}`);
    expect(clock.at()).toBeGreaterThanOrEqual(980);
    expect(clock.at()).toBeLessThanOrEqual(1020);
    // Another tenant is not held up by this one.
    const before = clock.waits.length;
    await pacer.take('t2', 'x');
    expect(clock.waits.length).toBe(before);
  });
});
