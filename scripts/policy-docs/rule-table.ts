import { HEAD_REVIEWER_NAMES } from '../../src/core/access/relationships.ts';
import { kindInfo } from '../../src/core/obligations/obligation-kinds.ts';
import type { DateRule } from '../../src/core/policy/date-rule.ts';
import type { AppliesTo, ObligationRule, Owner, Policy } from '../../src/core/policy/policy-schema.ts';
import { citationsIn, type NamedTest, testsCiting } from './citations.ts';
import { TRANSFER_CHECK_IN_SCHOOL_DAYS } from '../../src/core/roster/role-transfer.ts';

/**
 * One preset as a Markdown table of its rules: the seed paragraph each cites, what Trellis does
 * (said from the rule's data, so the table cannot drift from the preset), and the tests whose
 * names cite the same paragraph. `scripts/policy-docs.ts` writes one per preset.
 */
export function renderPolicyDoc(policy: Policy, presetFile: string, tests: readonly NamedTest[]): string {
  const lines = [
    `# ${policy.organisation}: “${policy.name}” (\`${policy.id}\`)`,
    '',
    `Generated from [\`${presetFile}\`](../../${presetFile}) by \`npm run docs:policies\`; do not edit by hand. Source: ${policy.source}.`,
    'A test is listed when its name cites the same seed paragraph as the rule.',
    '',
    '## Obligations',
    '',
    '| rule | seed paragraph | what Trellis does | tests |',
    '|---|---|---|---|',
    ...policy.obligations.map((rule) => row(`\`${rule.id}\`: ${rule.label}`, rule.rule, obligationText(policy, rule), tests)),
    '',
    '## Other rules',
    '',
    '| rule | seed paragraph | what Trellis does | tests |',
    '|---|---|---|---|',
    ...otherRules(policy).map(([name, rule, text]) => row(name, rule, text, tests)),
    '',
  ];
  return lines.join('\n');
}

function row(name: string, rule: string | undefined, text: string, tests: readonly NamedTest[]): string {
  // Tests citing fewer paragraphs are about this rule more than tests citing many, so they come first.
  const citing = rule === undefined ? [] : [...testsCiting(tests, citationsIn(rule))].sort((a, b) => a.citations.length - b.citations.length);
  return `| ${cell(name)} | ${rule === undefined ? 'none (a Trellis setting)' : cell(rule)} | ${cell(text)} | ${cell(testList(citing))} |`;
}

const LISTED_TESTS = 5;

function testList(tests: readonly NamedTest[]): string {
  if (tests.length === 0) return 'none yet';
  const shown = tests.slice(0, LISTED_TESTS).map((test) => `\`${test.file.replace(/^test\//, '')}\`: “${test.name}”`);
  return [...shown, ...(tests.length > LISTED_TESTS ? [`and ${tests.length - LISTED_TESTS} more`] : [])].join('<br>');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

const OWNERS: Record<Owner, string> = { reviewee: 'the person reviewed', reviewer: 'their reviewer', coach: 'their coach', head: 'the head', governors: 'the governors' };
const REPEATS: Record<ObligationRule['repeat'], string> = { once: 'Once a cycle', 'each-term': 'Every term', 'each-half-term': 'Every half term' };
const AUDIENCES: Record<ObligationRule['audience'], string> = { everyone: '', 'in-post': ', in post at the start of the cycle', 'new-starters': ', joining during the year', excluded: ', among those the policy excludes from the cycle' };

function obligationText(policy: Policy, rule: ObligationRule): string {
  const kind = kindInfo(rule.kind);
  const dialog = rule.owner === 'reviewee' ? (kind.dialogs.reviewee ?? kind.dialogs.reviewer) : (kind.dialogs.reviewer ?? kind.dialogs.reviewee);
  const parts = [
    `${REPEATS[rule.repeat]}, ${OWNERS[rule.owner]} ${rule.optional ? 'may' : 'must'}: “${rule.label}” (${kind.label.toLowerCase()}).`,
    `For ${appliesToText(rule.appliesTo, policy.coverage.roles)}${AUDIENCES[rule.audience]}.`,
    `Opens ${dateText(rule.opens, policy)}; due ${dateText(rule.due, policy)}.`,
    dialog === undefined ? 'Marked done from a reminder once it has happened.' : `Recorded with \`${dialog.word}\`${kind.done.honest ? ', or marked done from a reminder' : ''}.`,
    rule.optional ? 'Optional: reminded before it is due, never chased.' : '',
    !rule.optional && rule.whenOverdue === 'let-pass' ? 'Reminded up to the day it is due; never chased or escalated once overdue.' : '',
    rule.interpretation === undefined ? '' : `**Interpretation:** ${rule.interpretation}`,
  ];
  return parts.filter((part) => part !== '').join(' ');
}

function appliesToText(appliesTo: AppliesTo, covered: readonly string[]): string {
  const roles = plural(appliesTo.roles ?? covered);
  const any = appliesTo.anyFlags === undefined ? '' : ` flagged ${appliesTo.anyFlags.join(' or ')}`;
  const none = appliesTo.noFlags === undefined ? '' : ` not flagged ${appliesTo.noFlags.join(' or ')}`;
  return `${appliesTo.roles === undefined ? 'everyone covered' : roles}${any}${none}`;
}

const ROLES: Record<string, string> = { teacher: 'teachers', 'teaching-assistant': 'teaching assistants', support: 'support staff', leader: 'leaders', headteacher: 'headteachers', 'trust-leader': 'trust leaders' };

function plural(roles: readonly string[]): string {
  return roles.map((role) => ROLES[role] ?? role).join(', ');
}

const STANDARDS: Record<string, string> = {
  'teachers-standards': 'the Teachers’ Standards',
  'ta-standards': 'the Teaching Assistant Standards',
  'headteachers-standards': 'the Headteachers’ Standards',
  'job-description': 'their job description',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthDayText(monthDay: string): string {
  return `${Number(monthDay.slice(3))} ${MONTHS[Number(monthDay.slice(0, 2)) - 1]}`;
}

const POINTS: Record<Extract<DateRule, { from: 'term' }>['point'], (term: string) => string> = {
  start: (term) => `the first school day of the ${term} term`,
  end: (term) => `the last school day of the ${term} term`,
  'half-term-start': (term) => `the first day of the ${term} half term`,
  'half-term-end': (term) => `the last day of the ${term} half term`,
  'first-half-end': (term) => `the last school day before the ${term} half term`,
  'second-half-start': (term) => `the first school day after the ${term} half term`,
};

const ADJUSTS: Record<DateRule['adjust'], string> = {
  none: '',
  'working-day-on-or-before': ', or the working day before if it is not a working day',
  'working-day-on-or-after': ', or the next working day if it is not a working day',
  'school-day-on-or-before': ', or the school day before if the school is closed',
  'school-day-on-or-after': ', or the next school day if the school is closed',
};

/** A date rule in the words a policy would use, e.g. "1 working day before the first day of the spring half term". */
export function dateText(rule: DateRule, policy: Policy): string {
  const base = ((): string => {
    switch (rule.from) {
      case 'month-day':
        return `${monthDayText(rule.monthDay)}${rule.yearsAfter > 0 ? ' of the next academic year' : ''}`;
      case 'term':
        return POINTS[rule.point](rule.term);
      case 'cycle-start':
        return `the start of the cycle (${monthDayText(policy.cycle.startMonthDay)})`;
      case 'cycle-end':
        return `the end of the cycle (${monthDayText(policy.cycle.endMonthDay)})`;
      case 'start-date':
        return 'their first day';
      case 'period-start':
        return 'the first day of the term or half term';
      case 'period-end':
        return 'the last day of the term or half term';
    }
  })();
  const offset = rule.offset === undefined || rule.offset.amount === 0 ? base : `${Math.abs(rule.offset.amount)} ${rule.offset.unit.replace('-days', Math.abs(rule.offset.amount) === 1 ? ' day' : ' days')} ${rule.offset.amount < 0 ? 'before' : 'after'} ${base}`;
  return `${offset}${ADJUSTS[rule.adjust]}`;
}

type OtherRule = [name: string, rule: string | undefined, text: string];

function otherRules(policy: Policy): OtherRule[] {
  const { coverage, observation, appeals, payThreshold, reviewers, reminders, checkIns, plan } = policy;
  const rules: OtherRule[] = [
    ['Cycle', policy.cycle.rule, `Runs from ${monthDayText(policy.cycle.startMonthDay)} to ${monthDayText(policy.cycle.endMonthDay)}.${policy.cycle.continuous ? ' Continuous: once a goal is achieved, a new one may be set within the year.' : ''}`],
    ['Who is covered', coverage.rolesRule, `Covers ${plural(coverage.roles)}; other roles have no obligations.`],
    ...coverage.exclusions.map((exclusion): OtherRule => [`Exclusion: ${exclusion.reason}`, exclusion.rule, `${EXCLUSIONS[exclusion.reason]} are not in the cycle and owe nothing this year.`]),
  ];
  if (coverage.excludedStillGetCheckIns?.value) rules.push(['Excluded staff still get check-ins', coverage.excludedStillGetCheckIns.rule, 'Excluded colleagues are told they still get regular check-ins and feedback.']);
  if (coverage.fixedTermCycleEndsWithContract?.value) rules.push(['Fixed-term contracts', coverage.fixedTermCycleEndsWithContract.rule, 'For someone on a fixed-term contract the end-of-cycle review opens by the day the contract ends.']);
  rules.push(
    ['Standards', policy.standards.rule, `${Object.entries(policy.standards.byRole).map(([role, set]) => `${plural([role])} reflect against ${STANDARDS[set] ?? set}`).join('; ')}.`],
    ['Self-reflection', policy.reflection.rule, `${policy.reflection.scale.kind === 'levels' ? `A ${policy.reflection.scale.levels.length}-level scale per standard` : policy.reflection.standardAnswerOptional?.value === true ? 'No rating, an optional note per standard' : 'No rating, a written reflection per standard'}${policy.reflection.nextStepsPerStandard ? ' with an optional next step for each' : ''}, then ${policy.reflection.closingPrompts.length} closing questions (required).`],
    ...(policy.reflection.standardAnswerOptional === undefined
      ? []
      : [
          [
            'Self-reflection: a note per standard',
            policy.reflection.standardAnswerOptional.rule,
            policy.reflection.standardAnswerOptional.value
              ? 'Optional: the teacher reflects with the standards and may leave each heading’s note empty; the closing summary is what is required.'
              : 'Required for each standard heading (no rating is asked).',
          ] as OtherRule,
        ]),
    ['Plan', plan.rule, planText(plan)],
    ['Plan agreement', policy.planAgreement.rule, `${policy.planAgreement.requiredBeforeSubmission ? 'The reviewer agrees the plan before it counts' : 'The plan counts once saved'}${policy.planAgreement.amendableByAgreement ? '; an agreed plan can be changed, and goes back for agreement' : '; an agreed plan cannot be changed'}.`],
  );
  if (policy.leadershipGoal !== undefined) rules.push(['Leadership goal', policy.leadershipGoal.rule, `Added to the plan, ${policy.leadershipGoal.fields.length} questions, for ${appliesToText(policy.leadershipGoal.appliesTo, policy.coverage.roles)}.`]);
  const senior = policy.leadershipGoal?.seniorLeaders;
  if (senior !== undefined) {
    rules.push([
      'Senior leaders’ leadership goal',
      senior.rule,
      `Added to the plan instead, ${senior.fields.length} questions linked to the whole-school strategic priorities, for ${appliesToText(senior.appliesTo, policy.coverage.roles)}: ${senior.fields.map((f) => `“${f.question}”`).join(' ')}`,
    ]);
  }
  rules.push([
    'Check-ins',
    checkIns.rule,
    `About ${checkIns.typicalMinutes} minutes, arranged by ${OWNERS[checkIns.arrangedBy]}${checkIns.wellbeingCheck ? ', with a wellbeing question' : ''}${checkIns.avoid.length > 0 ? `; booking one in ${checkIns.avoid.map((time) => (time === 'ppa' ? 'PPA' : time)).join(' or ')} time is warned against` : ''}.`,
  ]);
  rules.push(['Observation', observation.rule, observationText(observation)]);
  if (appeals !== undefined) {
    rules.push([
      'Appeals',
      appeals.rule,
      `Appeal within ${appeals.windowWorkingDays} working days of the final review (never snoozed; the window lapses unused); meeting within ${appeals.meetingWithinWorkingDays} working days; outcome in writing within ${appeals.outcomeWithinWorkingDays} working days. Heard by the ${appeals.appealManager.default}, or the ${appeals.appealManager.ifHeadTookPart.replace(/-/g, ' ')} if the head took part${appeals.companionAllowed ? '; a companion may attend' : ''}.`,
    ]);
  }
  if (payThreshold !== undefined) {
    rules.push(['Pay threshold', payThreshold.rule, `${payThreshold.window.kind === 'deadline' ? `Apply by ${dateText(payThreshold.window.due, policy)}` : 'Apply at any time, once a year'}, answering ${payThreshold.criteria.length} criteria.`]);
  }
  rules.push(
    [
      'Reviewers',
      reviewers.rule,
      `Default reviewer: the ${reviewers.defaultReviewer.replace(/-/g, ' ')}; ${reviewers.revieweeMayRequestChange ? 'a reviewee may ask in writing, with reasons, for another reviewer (`change-reviewer`); the head or the PM deputy names a replacement (`replace-reviewer`) or declines with a reason the reviewee is told (`keep-reviewer`)' : 'the policy provides no request for another reviewer'}; ${reviewers.changingReviewerRestartsCycle ? 'a new reviewer restarts the cycle' : 'a change of reviewer never restarts the cycle: what is open passes to the new reviewer and what is done stays'}.`,
    ],
    ...revieweeLimitRows(policy),
    ...replacementStatusRows(policy),
    ...headReviewerRows(policy),
    roleTransferRow(policy),
    ...partTimeRows(policy),
    ['Confidentiality', policy.confidentiality.rule, `Records kept ${policy.confidentiality.retentionYears} years after the end of their academic year, then destroyed by the daily retention run; the deletion log keeps no content.`],
    ['Governance', policy.governance.rule, policy.governance.annualGovernorsReport ? 'An annual report to governors: `report governors` (head, PM deputy) and `trellis report governors` give it as PDF, HTML and CSV, nobody named.' : 'No report to governors is named; the same report is available for the governing body or trust board to use.'],
    [
      'Reminders',
      undefined,
      `Between ${reminders.window.start} and ${reminders.window.end} on school days: ${reminders.whenOpens ? 'when an item opens, ' : ''}${reminders.schoolDaysBefore.join(' and ')} school days before it is due${reminders.onDueDay ? ', on the day' : ''}, then every ${reminders.overdueEverySchoolDays} school days while overdue; the reviewer after ${reminders.escalateToReviewerAfterSchoolDays} and the head after ${reminders.escalateToHeadAfterSchoolDays} school days overdue.`,
    ],
  );
  return rules;
}

const EXCLUSIONS: Record<Policy['coverage']['exclusions'][number]['reason'], string> = {
  agency: 'Agency staff',
  'short-contract': 'Staff on contracts shorter than a term',
  induction: 'Staff on induction',
  capability: 'Staff in capability procedures',
  'role-not-covered': 'Roles the policy does not cover',
  'assessment-only': 'Teachers on the “assessment only” route to QTS',
  'induction-year-1': 'Staff in the first year of induction',
};

function planText(plan: Policy['plan']): string {
  switch (plan.shape) {
    case 'grow-plan':
      return `A GROW plan of ${plan.fields.length} questions.`;
    case 'smart-targets':
      return `${plan.count} SMART targets (${plan.targets.map((t) => t.kind.replace(/-/g, ' ')).join(', ')})${plan.mustCiteImprovementPlanArea ? ', each naming its improvement-plan area' : ''}.`;
    case 'expectations':
      return `Up to ${plan.max} expectations, each with detail, success and a date.`;
    case 'goals':
      return `Up to ${plan.max} goals with success, how I’ll learn, a timescale and check-in dates.`;
  }
}

function observationText(observation: Policy['observation']): string {
  const parts = [
    observation.capMinutesPerCycle === undefined ? 'No cap on performance-management observation' : `At most ${observation.capMinutesPerCycle} minutes of performance-management observation a cycle${observation.capExemptFlags.length > 0 ? ` (not for ${observation.capExemptFlags.join(', ')})` : ''}; going over needs a confirmation or a reason`,
    observation.oralFeedbackWithinWorkingDays === undefined ? '' : `oral feedback within ${observation.oralFeedbackWithinWorkingDays} working day(s)`,
    observation.writtenFeedbackWithinWorkingDays === undefined ? '' : `written feedback within ${observation.writtenFeedbackWithinWorkingDays} working days`,
    observation.teacherMayAppendComments ? 'the teacher may append comments' : '',
    observation.arrangementsInPlan === undefined
      ? ''
      : `the plan records the arrangements — amount, purpose, aspects assessed, duration, when and who (the amount, duration${observation.arrangementsInPlan.usualTiming === undefined ? '' : `, when (“${observation.arrangementsInPlan.usualTiming.text}” first)`} and who are choices with anything else typed)`,
  ];
  return `${parts.filter((part) => part !== '').join('; ')}.`;
}

/** 002 §35, 003 §7.4, 004 §4.4: a move to a new post part-way through a cycle, as the roster import applies it (`src/core/roster/role-transfer.ts`). */
function roleTransferRow(policy: Policy): OtherRule {
  const transfer = policy.roleTransfer;
  const seen =
    'A roster import that changes someone’s line manager or role after their cycle has begun names the move; the new reviewer takes over what is open and what is done stays. The person and their reviewers before and after the move (and the head, where the head decides) are messaged through the durable queue, in the import’s transaction, once.';
  if (transfer === undefined) return ['Moving post mid-cycle', undefined, `${seen} The policy says nothing more, so the cycle carries on.`];
  const parts = [seen];
  if (transfer.originalReviewerChecksIn) parts.push(`The reviewer before the move owes a check-in with them within ${TRANSFER_CHECK_IN_SCHOOL_DAYS} school days of the import (the roster carries no date for the move), reminded like any deadline, so feedback is up to date before the new post.`);
  if (transfer.headDecidesRestartAndReviewer) parts.push('The import tells whoever ran it that the head (the governing body, for the head) decides whether the cycle begins again and whether to change the reviewer; the head answers with `restart-cycle NAME` or `keep-cycle NAME`, and changes the reviewer with `reassign-reviewer NAME: NEW REVIEWER` (the same 002 §28 status check as a request; the old assignment ended, audited, the person and both reviewers told). Until the head decides, the cycle carries on.');
  return ['Moving post mid-cycle', transfer.rule, parts.join(' ')];
}

/** 002 Annex 1 §2–3, 003 §7.3, 004 §5.9: part-time staff, pro-rated by the roster's `fte` (`src/core/people/part-time.ts`). */
function partTimeRows(policy: Policy): OtherRule[] {
  const partTime = policy.partTime;
  if (partTime === undefined) return [];
  const parts = [`Someone flagged \`part-time\` or with an \`fte\` under 1 in the roster is told, when writing their plan: “${partTime.planPrompt}”.`];
  if (partTime.observationCapProRata) parts.push('The observation cap is pro-rated by their FTE, rounded up (the plan’s agreed amount and the observation dialog both use it).');
  if (partTime.planMaxProRata) parts.push('The most expectations their plan holds is pro-rated by their FTE, rounded up, never below one.');
  if (partTime.interpretation !== undefined) parts.push(`**Interpretation:** ${partTime.interpretation}`);
  const rows: OtherRule[] = [['Part-time staff', partTime.rule, parts.join(' ')]];
  const late = partTime.lateStarters;
  if (late !== undefined) {
    const lateParts = [`Someone whose roster \`start_date\` falls after the cycle began is told, when writing their plan: “${late.prompt}”.`];
    if (late.planMaxProRata) lateParts.push('The most expectations their plan holds is pro-rated by the share of the cycle left from their first day (times any FTE), rounded up, never below one.');
    if (late.interpretation !== undefined) lateParts.push(`**Interpretation:** ${late.interpretation}`);
    rows.push(['Starting part-way through the year', late.rule, lateParts.join(' ')]);
  }
  return rows;
}

/** 002 §25: the limit on reviewees, and the head's confirmation of an exception. */
function revieweeLimitRows(policy: Policy): OtherRule[] {
  const limit = policy.reviewers.revieweeLimit;
  if (limit === undefined) return [];
  const exempt = limit.exemptFlags.length > 0 ? ` (not those flagged ${limit.exemptFlags.join(' or ')})` : '';
  return [
    [
      'Reviewees per reviewer',
      limit.rule,
      `\`import roster\` and the admin console's preview name anyone reviewing more than ${limit.max} people${exempt}, with their reviewees. The head of their school (not the PM deputy) may confirm an exception with \`allow-reviewees NAME[: REASON]\`, recorded in the audit trail with who, when, for whom and the number at the time; for the rest of that academic year (the limit is per cycle) the warning says who confirmed it and when, and asks again once the number grows past it.`,
    ],
  ];
}

/** 002 §28: a replacement reviewer's status in the staffing structure (`src/core/people/staffing-status.ts`). */
function replacementStatusRows(policy: Policy): OtherRule[] {
  const status = policy.reviewers.replacementStatusAtLeastLineManager;
  if (status === undefined) return [];
  const text = `\`replace-reviewer\` refuses, plainly and storing nothing, a replacement who is not the reviewee’s line manager and whose status in the staffing structure is below the line manager’s.${status.interpretation === undefined ? '' : ` **Interpretation:** ${status.interpretation}`}`;
  return [['Replacement reviewer’s status', status.rule, text]];
}

/** 002 §22–24, 003 §6.3, 004 §9.1: who reviews the head (`headReviewersOf` in `src/core/access/relationships.ts`). */
function headReviewerRows(policy: Policy): OtherRule[] {
  const panel = policy.headReviewers;
  if (panel === undefined) return [];
  const who = panel.members.map((member) => `${HEAD_REVIEWER_NAMES[member]}${panel.chair === member ? ' (chairing)' : ''}`).join(' and ');
  return [
    [
      'Who reviews the head',
      panel.rule,
      `The head is reviewed by ${who}. The trust’s CEO is the roster’s trust leader; governors and an external adviser are the school’s named contacts (\`trellis school contact\`), or the body itself when none is named. \`trellis timeline --school … --email …\` shows them for the head’s items; what they owe with the head is reminded to the head’s reviewer on the roster, or to the head when the roster puts no one over them, and reaches them too: the CEO on the roster in their chat digest, a named contact with an address by e-mail when SMTP is configured (what is due and when, nothing from any record); \`trellis reach\` says how each is reached or why not.`,
    ],
  ];
}
