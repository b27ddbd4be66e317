import { describe, expect, it } from 'vitest';
import { obligationsOf } from './timeline-fixtures.ts';

describe('a cycle the head decided begins again (002 §35)', () => {
  it('002 §35, §34: a restart on 12 February 2027 plans the year as a new starter’s from that day, nothing due before it', () => {
    const restarted = obligationsOf('thomas-alleyne', { cycleRestartedOn: '2027-02-12' });
    const fresh = obligationsOf('thomas-alleyne', { startDate: '2027-02-12' });
    expect(restarted).toEqual(fresh);
    expect(restarted.map((o) => o.id)).toContain('new-starter-plan-agreed');
    expect(restarted.map((o) => o.id)).not.toContain('plan-agreed');
    expect(restarted.every((o) => o.due >= '2027-02-12')).toBe(true);
  });

  it('002 §35: a restart in another year, or before the person started, changes nothing', () => {
    const inPost = obligationsOf('thomas-alleyne', {});
    expect(obligationsOf('thomas-alleyne', { cycleRestartedOn: '2026-03-02' })).toEqual(inPost);
    expect(obligationsOf('thomas-alleyne', { cycleRestartedOn: '2027-09-14' })).toEqual(inPost);
    const starter = obligationsOf('thomas-alleyne', { startDate: '2027-01-11' });
    expect(obligationsOf('thomas-alleyne', { startDate: '2027-01-11', cycleRestartedOn: '2027-01-05' })).toEqual(starter);
  });
});
