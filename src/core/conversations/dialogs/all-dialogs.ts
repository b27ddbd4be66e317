import type { DialogDefinition } from '../engine/define-dialog.ts';
import { checkInDialog } from './check-in.dialog.ts';
import { growthDiaryDialog } from './growth-diary.dialog.ts';
import { growthPlanDialog } from './growth-plan.dialog.ts';
import { planAgreementDialog } from './plan-agreement.dialog.ts';
import { selfReflectionDialog } from './self-reflection.dialog.ts';

/** Every dialog a thread can start, in the order the help menu lists them. */
export const ALL_DIALOGS: readonly DialogDefinition[] = [selfReflectionDialog, growthPlanDialog, checkInDialog, growthDiaryDialog, planAgreementDialog];
