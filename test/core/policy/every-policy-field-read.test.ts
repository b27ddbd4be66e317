import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { schemaFieldPaths } from '../../../src/core/validation/unknown-fields.ts';

/**
 * Every setting of the policy format and the code that reads it, so a school copying a preset is
 * never told something is enforced when nothing reads it. A new field fails the first test until
 * it is listed here with its reader; `pending` names the work that will read it.
 */
const RULE_TABLES = 'scripts/policy-docs/rule-table.ts';
const DATE_RULES = 'src/core/timeline/resolve-date-rule.ts';
const TIMELINE = 'src/core/timeline/compute-timeline.ts';
const COVERAGE = 'src/core/timeline/decide-coverage.ts';
const REFLECTION = 'src/core/conversations/dialogs/self-reflection.dialog.ts';
const PLAN = 'src/core/conversations/dialogs/growth-plan.dialog.ts';
const SMART = 'src/core/conversations/dialogs/plan/smart-targets-shape.ts';
const CHECK_IN = 'src/core/conversations/dialogs/check-in.dialog.ts';
const APPEAL = 'src/core/conversations/dialogs/appeal.dialog.ts';
const DEADLINES = 'src/core/deadlines/event-deadlines.ts';
const REMINDERS = 'src/core/reminders/plan-reminders.ts';
const PAY = 'src/core/conversations/dialogs/pay-threshold.dialog.ts';
const ACCESS_REQUESTS = 'src/core/access/access-requests.ts';
const APPLIES_TO = 'src/core/conversations/dialogs/dialog-helpers.ts';
const REVIEWER_CHANGES = 'src/core/access/reviewer-changes.ts';

const READERS: Record<string, readonly string[] | { pending: string }> = {
  format: ['src/core/policy/policy-schema.ts'],
  id: [RULE_TABLES],
  name: ['src/cli/commands/policy-command.ts'],
  organisation: ['src/cli/commands/policy-command.ts'],
  source: ['src/cli/commands/policy-command.ts'],
  'cycle.startMonthDay': [TIMELINE],
  'cycle.endMonthDay': [TIMELINE],
  'cycle.continuous': [PLAN],
  'cycle.rule': [COVERAGE, PLAN],
  'calendar.closuresAreNonWorkingDays': ['src/core/calendar/school-calendar.ts'],
  'coverage.roles': [COVERAGE],
  'coverage.rolesRule': [COVERAGE],
  'coverage.exclusions[].reason': [COVERAGE],
  'coverage.exclusions[].rule': [COVERAGE],
  'coverage.excludedStillGetCheckIns.value': [COVERAGE],
  'coverage.excludedStillGetCheckIns.rule': [COVERAGE],
  'coverage.fixedTermCycleEndsWithContract.value': [TIMELINE],
  'coverage.fixedTermCycleEndsWithContract.rule': [RULE_TABLES],
  'standards.byRole': ['src/core/standards/standards-for-role.ts'],
  'standards.rule': [REFLECTION],
  'reflection.scale.kind': [REFLECTION],
  'reflection.scale.levels[].value': [REFLECTION],
  'reflection.scale.levels[].label': [REFLECTION],
  'reflection.standardAnswerOptional.value': [REFLECTION],
  'reflection.standardAnswerOptional.rule': [REFLECTION],
  'reflection.nextStepsPerStandard': [REFLECTION],
  'reflection.rule': [REFLECTION],
  '<question>.id': [REFLECTION, PLAN, 'src/core/conversations/dialogs/plan/grow-plan-shape.ts'],
  '<question>.question': [REFLECTION, PLAN],
  '<question>.hint': [REFLECTION, PLAN],
  'plan.shape': [PLAN],
  'plan.rule': [PLAN],
  'plan.targets[].kind': [SMART],
  'plan.targets[].label': [SMART],
  'plan.targets[].mustBeQuantitative': [SMART],
  'plan.count': [SMART],
  'plan.mustCiteImprovementPlanArea': [SMART],
  'plan.cpdIdeas.question': ['src/core/conversations/dialogs/plan/expectations-shape.ts'],
  'plan.cpdIdeas.hint': ['src/core/conversations/dialogs/plan/expectations-shape.ts'],
  'plan.cpdIdeas.rule': ['src/core/conversations/dialogs/plan/expectations-shape.ts'],
  'plan.max': ['src/core/conversations/dialogs/plan/expectations-shape.ts', 'src/core/conversations/dialogs/plan/goals-shape.ts'],
  '<applies to>.roles': [APPLIES_TO, TIMELINE],
  '<applies to>.anyFlags': [APPLIES_TO, TIMELINE],
  '<applies to>.noFlags': [APPLIES_TO, TIMELINE],
  'planAgreement.requiredBeforeSubmission': [PLAN],
  'planAgreement.amendableByAgreement': [PLAN],
  'planAgreement.rule': ['src/core/conversations/dialogs/plan-agreement.dialog.ts'],
  'leadershipGoal.rule': [PLAN],
  'leadershipGoal.seniorLeaders.rule': [APPLIES_TO, RULE_TABLES],
  'checkIns.typicalMinutes': ['src/core/conversations/dialogs/schedule/meeting-steps.ts'],
  'checkIns.wellbeingCheck': [CHECK_IN],
  'checkIns.avoid': ['src/core/scheduling/time-warnings.ts'],
  'checkIns.arrangedBy': [CHECK_IN],
  'checkIns.rule': [CHECK_IN],
  'observation.capMinutesPerCycle': ['src/core/conversations/dialogs/observation.dialog.ts'],
  'observation.capExemptFlags': ['src/core/conversations/dialogs/observation-cap.ts'],
  'observation.oralFeedbackWithinWorkingDays': [DEADLINES],
  'observation.writtenFeedbackWithinWorkingDays': [DEADLINES],
  'observation.teacherMayAppendComments': ['src/core/conversations/dialogs/observation-comment.dialog.ts'],
  'observation.othersMayObserve.rule': ['src/core/conversations/dialogs/observation.dialog.ts'],
  'observation.arrangementsInPlan.rule': ['src/core/conversations/dialogs/plan/smart-targets-shape.ts'],
  'observation.arrangementsInPlan.usualTiming.text': [SMART, RULE_TABLES],
  'observation.arrangementsInPlan.usualTiming.rule': [SMART],
  'observation.rule': [DEADLINES],
  'partTime.observationCapProRata': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.planMaxProRata': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.planPrompt': ['src/core/people/part-time.ts'],
  'partTime.rule': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.interpretation': [RULE_TABLES],
  'partTime.lateStarters.planMaxProRata': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.lateStarters.prompt': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.lateStarters.rule': ['src/core/people/part-time.ts', RULE_TABLES],
  'partTime.lateStarters.interpretation': [RULE_TABLES],
  'finalReport.payRecommendation': ['src/core/conversations/dialogs/final-report.dialog.ts'],
  'finalReport.rule': ['src/core/conversations/dialogs/final-report.dialog.ts'],
  'appeals.windowWorkingDays': [DEADLINES],
  'appeals.meetingWithinWorkingDays': [DEADLINES],
  'appeals.outcomeWithinWorkingDays': [DEADLINES],
  'appeals.appealManager.default': ['src/core/conversations/dialogs/appeal.dialog.ts'],
  'appeals.appealManager.ifHeadTookPart': ['src/core/conversations/dialogs/appeal.dialog.ts'],
  'appeals.companionAllowed': [APPEAL],
  'appeals.rule': [DEADLINES],
  'payThreshold.window.kind': [PAY],
  'payThreshold.criteria': [PAY],
  'payThreshold.rule': [PAY],
  '<date rule>.from': [DATE_RULES],
  '<date rule>.monthDay': [DATE_RULES],
  '<date rule>.yearsAfter': [DATE_RULES],
  '<date rule>.offset.amount': [DATE_RULES],
  '<date rule>.offset.unit': [DATE_RULES],
  '<date rule>.adjust': [DATE_RULES],
  '<date rule>.term': [DATE_RULES],
  '<date rule>.point': [DATE_RULES],
  'reviewers.defaultReviewer': ['src/core/access/relationships.ts'],
  'reviewers.revieweeLimit.max': ['src/core/roster/review-load.ts', RULE_TABLES],
  'reviewers.revieweeLimit.exemptFlags': ['src/core/roster/review-load.ts', RULE_TABLES],
  'reviewers.revieweeLimit.rule': ['src/core/roster/review-load-exceptions.ts', RULE_TABLES],
  'reviewers.revieweeMayRequestChange': [REVIEWER_CHANGES, RULE_TABLES],
  'reviewers.changingReviewerRestartsCycle': [REVIEWER_CHANGES, RULE_TABLES],
  'reviewers.replacementStatusAtLeastLineManager.rule': [REVIEWER_CHANGES, RULE_TABLES],
  'reviewers.replacementStatusAtLeastLineManager.interpretation': [RULE_TABLES],
  'reviewers.rule': [RULE_TABLES],
  'roleTransfer.originalReviewerChecksIn': ['src/core/roster/role-transfer.ts', RULE_TABLES],
  'roleTransfer.headDecidesRestartAndReviewer': ['src/core/roster/role-transfer.ts', RULE_TABLES],
  'roleTransfer.rule': ['src/core/roster/role-transfer.ts', RULE_TABLES],
  'headReviewers.members': ['src/core/access/relationships.ts', RULE_TABLES],
  'headReviewers.chair': ['src/core/access/relationships.ts', RULE_TABLES],
  'headReviewers.rule': [RULE_TABLES],
  'confidentiality.lineManagerAccessOnRequest': [ACCESS_REQUESTS],
  'confidentiality.tellRevieweeWhoWasGrantedAccess': [ACCESS_REQUESTS],
  'confidentiality.retentionYears': ['src/core/retention/retention.ts'],
  'confidentiality.rule': [RULE_TABLES],
  'governance.annualGovernorsReport': ['src/core/reports/governors-report.ts', RULE_TABLES],
  'governance.rule': [RULE_TABLES],
  'reminders.whenOpens': [REMINDERS],
  'reminders.schoolDaysBefore': [REMINDERS],
  'reminders.onDueDay': [REMINDERS],
  'reminders.overdueEverySchoolDays': [REMINDERS],
  'reminders.escalateToReviewerAfterSchoolDays': [REMINDERS],
  'reminders.escalateToHeadAfterSchoolDays': [REMINDERS],
  'reminders.window.start': ['src/core/reminders/sending-window.ts'],
  'reminders.window.end': ['src/core/reminders/sending-window.ts'],
  'obligations[].id': [TIMELINE],
  'obligations[].kind': [TIMELINE],
  'obligations[].label': [TIMELINE],
  'obligations[].owner': [TIMELINE],
  'obligations[].audience': [TIMELINE],
  'obligations[].repeat': [TIMELINE],
  'obligations[].optional': [TIMELINE],
  'obligations[].whenOverdue': [REMINDERS],
  'obligations[].rule': [TIMELINE],
  'obligations[].interpretation': [RULE_TABLES],
  paragraphs: ['src/core/policy/policy-paragraphs.ts'],
};

/** Date rules, `appliesTo` and questions have the same fields wherever they appear: each is listed once. */
function shared(path: string): string {
  return path
    .replace(/^(obligations\[\]\.(opens|due)|payThreshold\.window\.due)\./, '<date rule>.')
    .replace(/^.*\.appliesTo\.|^plan\.widerImpactRequiredFor\./, '<applies to>.')
    .replace(/^(reflection\.closingPrompts|plan\.fields|leadershipGoal\.fields|leadershipGoal\.seniorLeaders\.fields)\[\]\./, '<question>.');
}

/** The settings themselves, not the groups they sit in. */
function settings(): string[] {
  const paths = schemaFieldPaths(PolicySchema);
  const leaves = paths.filter((path) => !paths.some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[].`)));
  return [...new Set(leaves.map(shared))].sort();
}

describe('every policy setting is read by some code', () => {
  it('lists every setting of the format with its reader or the work that will read it', () => {
    expect(settings()).toEqual(Object.keys(READERS).sort());
  });

  it('each named reader mentions the setting it is said to read', () => {
    const missing: string[] = [];
    for (const [path, readers] of Object.entries(READERS)) {
      if (!Array.isArray(readers)) continue;
      const name = path.split('.').at(-1)!.replace('[]', '');
      for (const file of readers) if (!new RegExp(`\\b${name}\\b`).test(readFileSync(file, 'utf8'))) missing.push(`${path} in ${file}`);
    }
    expect(missing).toEqual([]);
  });

  it('leaves no setting unread: the reviewer-change settings (002 §27, §29, 004 §3.10) are read too', () => {
    const pending = Object.entries(READERS).filter(([, readers]) => !Array.isArray(readers)).map(([path]) => path);
    expect(pending).toEqual([]);
  });
});
