import { describe, expect, it } from 'vitest';
import { growthHelp, parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';

describe('parseGrowthCommand', () => {
  it.each([
    ['', { kind: 'help' }],
    ['/growth', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['?', { kind: 'help' }],
    ['status', { kind: 'status' }],
    ['restart-cycle Tara One', { kind: 'decide-cycle', decision: 'restart', name: 'Tara One' }],
    ['keep-cycle  Tara One', { kind: 'decide-cycle', decision: 'keep', name: 'Tara One' }],
    ['reassign-reviewer Tara One: Lee Leader', { kind: 'reassign-reviewer', name: 'Tara One', newReviewer: 'Lee Leader' }],
    ['reassign-reviewer Tara One', { kind: 'reassign-reviewer', name: 'Tara One', newReviewer: '' }],
    ['  /growth   ME ', { kind: 'status' }],
    ['summary', { kind: 'summary', department: undefined }],
    ['summary Science', { kind: 'summary', department: 'Science' }],
    ['summary  Modern Languages ', { kind: 'summary', department: 'Modern Languages' }],
    ['overdue', { kind: 'overdue', department: undefined }],
    ['Overdue maths', { kind: 'overdue', department: 'maths' }],
    ['overdue page 2', { kind: 'overdue', department: undefined, page: 2 }],
    ['overdue Modern Languages PAGE 3', { kind: 'overdue', department: 'Modern Languages', page: 3 }],
    ['overdue page 0', { kind: 'overdue', department: undefined, page: 1 }],
    ['overdue pages', { kind: 'overdue', department: 'pages' }],
    ['log Tried think-pair-share with 9X', { kind: 'log', text: 'Tried think-pair-share with 9X' }],
    ['diary', { kind: 'dialog', dialogId: 'growth-diary', trigger: 'log' }],
    ['reflect', { kind: 'dialog', dialogId: 'self-reflection', trigger: 'reflect', target: undefined }],
    ['Reflection', { kind: 'dialog', dialogId: 'self-reflection', trigger: 'reflect', target: undefined }],
    ['plan', { kind: 'dialog', dialogId: 'growth-plan', trigger: 'plan', target: undefined }],
    ['/growth checkin @sam', { kind: 'dialog', dialogId: 'check-in', trigger: 'check-in', target: '@sam' }],
    ['check-in <@U123|sam>', { kind: 'dialog', dialogId: 'check-in', trigger: 'check-in', target: '<@U123|sam>' }],
    ['feedback Sam Scholar', { kind: 'dialog', dialogId: 'feedback-conversation', trigger: 'feedback', target: 'Sam Scholar' }],
    ['observe', { kind: 'dialog', dialogId: 'observation', trigger: 'observe', target: undefined }],
    ['agree', { kind: 'dialog', dialogId: 'plan-agreement', trigger: 'review plans', target: undefined }],
    ['agree plans', { kind: 'dialog', dialogId: 'plan-agreement', trigger: 'review plans' }],
    ['grow @tia', { kind: 'dialog', dialogId: 'grow-meeting', trigger: 'grow', target: '@tia' }],
    ['comment', { kind: 'dialog', dialogId: 'observation-comment', trigger: 'observation comment', target: undefined }],
    ['review', { kind: 'dialog', dialogId: 'end-of-cycle-review', trigger: 'review', target: undefined }],
    ['appeal', { kind: 'dialog', dialogId: 'appeal', trigger: 'appeal', target: undefined }],
    ['ups', { kind: 'dialog', dialogId: 'pay-threshold', trigger: 'threshold', target: undefined }],
    // A colleague is only taken by subcommands about a colleague: `plan` ignores the rest.
    ['plan for next year', { kind: 'dialog', dialogId: 'growth-plan', trigger: 'plan', target: undefined }],
    ['dance wildly', { kind: 'help', unknown: 'dance wildly' }],
  ])('%j', (input, expected) => {
    expect(parseGrowthCommand(input)).toEqual(expected);
  });
});

describe('growthHelp', () => {
  it('002 §25: `allow-reviewees NAME[: REASON]` names the line manager before the colon and the head’s reason after it', () => {
    expect(parseGrowthCommand('allow-reviewees Mo Maths')).toEqual({ kind: 'allow-reviewees', name: 'Mo Maths' });
    expect(parseGrowthCommand('/growth allow-reviewees  Mo Maths : a large department this year ')).toEqual({ kind: 'allow-reviewees', name: 'Mo Maths', reason: 'a large department this year' });
    expect(parseGrowthCommand('allow-reviewees Mo Maths:')).toEqual({ kind: 'allow-reviewees', name: 'Mo Maths', reason: undefined });
    expect(growthHelp('/growth ', { leader: true })).toContain('`/growth allow-reviewees NAME[: REASON]` — confirm that a line manager may review more people than the policy’s limit (head; 002 §25)');
    expect(growthHelp('/growth ', { leader: false })).not.toContain('allow-reviewees');
  });

  it('shows summary and overdue to leaders only, with the channel’s prefix', () => {
    const staff = growthHelp('/growth ', { leader: false });
    const leader = growthHelp('/growth ', { leader: true, inThreadNote: 'Reply in the thread.' });
    expect(staff).toContain('• `/growth status` — where you are in the cycle and what is due next');
    expect(staff).not.toContain('summary');
    expect(leader).toContain('• `/growth summary [department]` — how many staff have completed each stage (counts only)');
    expect(leader).toContain('• `/growth overdue [department] [page N]` — who is overdue for what, a page at a time');
    expect(leader.split('\n').at(-1)).toBe('Reply in the thread.');
    expect(growthHelp('', { leader: false })).toContain('• `checkin [@person]` — record your check-in, or one with someone you review');
  });
});
