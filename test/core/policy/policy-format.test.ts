import { describe, expect, it } from 'vitest';
import { parsePolicy, parsePolicyText, policyToYaml } from '../../../src/core/policy/load-policy.ts';
import { PRESET_INPUTS, PRESET_NAMES, getPreset } from '../../../src/core/policy/presets/index.ts';

describe('policy presets', () => {
  it('ships one valid preset per seed', () => {
    expect(PRESET_NAMES.sort()).toEqual(['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']);
    for (const name of PRESET_NAMES) {
      const parsed = parsePolicy(PRESET_INPUTS[name]);
      expect(parsed.ok ? [] : parsed.problems, name).toEqual([]);
    }
  });

  it('cites a seed paragraph on every obligation rule', () => {
    const seeds: Record<string, string> = { kingsmead: '001', 'thomas-alleyne': '002', tpat: '003', whmat: '004' };
    for (const name of PRESET_NAMES) {
      for (const rule of getPreset(name)!.obligations) expect(rule.rule, `${name}/${rule.id}`).toMatch(new RegExp(`^${seeds[name]}\\b`));
    }
  });

  it('uses each seed’s own plan shape and reflection scale (001 Appendix A/B, 002 §10–12, 003 §8.9, 004 §4.2, §5)', () => {
    expect(getPreset('kingsmead')!.plan.shape).toBe('grow-plan');
    expect(getPreset('thomas-alleyne')!.plan).toMatchObject({ shape: 'smart-targets', count: 3, mustCiteImprovementPlanArea: true });
    expect(getPreset('tpat')!.plan.shape).toBe('goals');
    expect(getPreset('whmat')!.plan).toMatchObject({ shape: 'expectations', max: 3 });
    expect(getPreset('whmat')!.reflection.scale.kind).toBe('none');
    const kingsmeadScale = getPreset('kingsmead')!.reflection.scale;
    expect(kingsmeadScale.kind === 'levels' ? kingsmeadScale.levels.map((l) => l.value) : []).toEqual(['fully', 'mostly', 'not-always']);
  });

  it('carries 002’s appeal windows and observation limits (002 §16–17, §47, Annex 1)', () => {
    const policy = getPreset('thomas-alleyne')!;
    expect(policy.appeals).toMatchObject({ windowWorkingDays: 10, meetingWithinWorkingDays: 20, outcomeWithinWorkingDays: 5 });
    expect(policy.observation).toMatchObject({ capMinutesPerCycle: 180, oralFeedbackWithinWorkingDays: 1, writtenFeedbackWithinWorkingDays: 5 });
    expect(policy.reviewers.revieweeLimit).toMatchObject({ max: 5, exemptFlags: ['leadership-scale'] });
    expect(policy.reviewers.revieweeLimit?.rule).toMatch(/^002 §25\b/);
  });

  it('round-trips a preset through YAML, as a school copying it would', () => {
    for (const name of PRESET_NAMES) {
      const reparsed = parsePolicyText(policyToYaml(PRESET_INPUTS[name]!));
      expect(reparsed.ok ? reparsed.value : reparsed.problems).toEqual(getPreset(name));
    }
  });
});

describe('validating a school’s own policy file', () => {
  const whmatYaml = policyToYaml(PRESET_INPUTS.whmat!);

  it('names the path and reason of every problem at once', () => {
    const broken = whmatYaml.replace('monthDay: 10-15', 'monthDay: 15-10').replace('max: 3', 'max: many');
    const parsed = parsePolicyText(broken);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        { path: 'plan.max', message: expect.stringMatching(/number/i) },
        { path: 'obligations[0].due.monthDay', message: 'must be MM-DD, e.g. 10-31 for 31 October' },
      ]),
    );
  });

  it('refuses duplicate obligation ids and rules that count from a start date for everyone', () => {
    const policy = structuredClone(PRESET_INPUTS.whmat!);
    policy.obligations = [...policy.obligations, { ...policy.obligations[0]!, due: { from: 'start-date' } }];
    const parsed = parsePolicy(policy);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual([`obligations[${policy.obligations.length - 1}].id`, `obligations[${policy.obligations.length - 1}].due.from`]);
  });

  it('requires standards for every role the policy covers', () => {
    const policy = structuredClone(PRESET_INPUTS.whmat!);
    policy.standards = { byRole: { teacher: 'teachers-standards' }, rule: '004 §4.1' };
    const parsed = parsePolicy(policy);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toContain('standards.byRole.support');
  });

  it('explains text that is not YAML at all, or is empty', () => {
    expect(parsePolicyText('id: [unclosed')).toMatchObject({ ok: false, problems: [{ path: '(file)', message: expect.stringContaining('not valid YAML') }] });
    expect(parsePolicyText('')).toMatchObject({ ok: false, problems: [{ path: '(file)' }] });
  });
});
