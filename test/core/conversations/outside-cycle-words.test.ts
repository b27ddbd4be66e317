import { describe, expect, it } from 'vitest';
import type { PersonProfile } from '../../../src/core/people/person.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { exclusionInWords, outsideCycleText } from '../../../src/core/conversations/dialogs/dialog-helpers.ts';
import { timelineOf } from '../timeline/timeline-fixtures.ts';
import { internalIn } from './support/plain-words.ts';

/** Everyone a policy may leave outside the 2026/27 cycle, by the planner's own checks. */
const OUTSIDE: [string, Partial<PersonProfile>][] = [
  ['an agency worker', { contract: 'agency' }],
  ['an ECT in year 1', { flags: ['ect'] }],
  ['a teacher on the assessment only route', { flags: ['assessment-only'] }],
  ['a teacher under capability procedures', { flags: ['capability'] }],
  ['a teaching assistant', { role: 'teaching-assistant' }],
  ['someone on a six-week contract', { contract: 'fixed-term', startDate: '2026-09-02', contractEnd: '2026-10-14' }],
  ['someone who starts next September', { startDate: '2027-09-06' }],
  ['someone whose contract ended in the summer', { contract: 'fixed-term', contractEnd: '2026-07-20' }],
];

describe('why someone is outside the cycle, in plain words (001 introduction, 002 introduction, 003 §4.2, 004 §2.1)', () => {
  it('001 introduction, 002 introduction, 003 §4.2, 004 §2.1–2.2: every reason the planner stores, under every preset, reads without a paragraph or an ISO date in chat, and `why` still has the paragraph', () => {
    const found: string[] = [];
    const outside: string[] = [];
    for (const preset of ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']) {
      const policy = getPreset(preset);
      if (policy === undefined) throw new Error(preset);
      for (const [who, profile] of OUTSIDE) {
        const timeline = timelineOf(preset, profile);
        if (!timeline.excluded) continue;
        outside.push(`${preset}: ${who}`);
        const said = outsideCycleText(policy, exclusionInWords(timeline.reason, '2026-11-23'));
        found.push(...internalIn([said], `${preset}, ${who}`));
        // The paragraph is still there for `why` and the timeline: stored with the reason, and as its rule.
        expect(timeline.rule).toMatch(/^00[1-4] /);
      }
    }
    // The planner left people outside under every preset, the nested “001 introduction (…)” citation among them.
    expect(outside).toEqual(expect.arrayContaining(['kingsmead: a teaching assistant', 'thomas-alleyne: an agency worker', 'tpat: an ECT in year 1', 'whmat: a teacher on the assessment only route', 'whmat: someone who starts next September']));
    expect(found).toEqual([]);
  });

  it('004 §3.11: a date in the reason reads as people write it, with the year when it is not this year', () => {
    const timeline = timelineOf('whmat', { startDate: '2027-10-04' });
    if (!timeline.excluded) throw new Error('expected someone outside the cycle');
    expect(exclusionInWords(timeline.reason, '2026-11-23')).toMatch(/^Starts on Mon 4 Oct 2027, /);
  });
});
