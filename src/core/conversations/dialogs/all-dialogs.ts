import type { DialogDefinition } from '../engine/define-dialog.ts';
import { appealDialog } from './appeal.dialog.ts';
import { appealOutcomeDialog } from './appeal-outcome.dialog.ts';
import { checkInDialog } from './check-in.dialog.ts';
import { endOfCycleReviewDialog } from './end-of-cycle-review.dialog.ts';
import { feedbackConversationDialog } from './feedback-conversation.dialog.ts';
import { finalReportDialog } from './final-report.dialog.ts';
import { growMeetingDialog } from './grow-meeting.dialog.ts';
import { growthDiaryDialog } from './growth-diary.dialog.ts';
import { growthPlanDialog } from './growth-plan.dialog.ts';
import { observationCommentDialog } from './observation-comment.dialog.ts';
import { observationDialog } from './observation.dialog.ts';
import { payThresholdDialog } from './pay-threshold.dialog.ts';
import { peerObservationDialog } from './peer-observation.dialog.ts';
import { planAgreementDialog } from './plan-agreement.dialog.ts';
import { cancelCheckInDialog } from './schedule/cancel-check-in.dialog.ts';
import { rescheduleCheckInDialog } from './schedule/reschedule-check-in.dialog.ts';
import { scheduleCheckInDialog } from './schedule-check-in.dialog.ts';
import { selfReflectionDialog } from './self-reflection.dialog.ts';

/** Every dialog a thread can start, in the order the help menu lists them. */
export const ALL_DIALOGS: readonly DialogDefinition[] = [
  selfReflectionDialog,
  growthPlanDialog,
  checkInDialog,
  scheduleCheckInDialog,
  rescheduleCheckInDialog,
  cancelCheckInDialog,
  growthDiaryDialog,
  planAgreementDialog,
  growMeetingDialog,
  feedbackConversationDialog,
  observationDialog,
  observationCommentDialog,
  peerObservationDialog,
  endOfCycleReviewDialog,
  finalReportDialog,
  appealDialog,
  appealOutcomeDialog,
  payThresholdDialog,
];
