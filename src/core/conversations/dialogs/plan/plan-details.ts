import { z } from 'zod';
import type { JsonValue, Values } from '../../engine/json-value.ts';

/**
 * The `details` JSON of a growth plan as the plan dialog writes it: readable sections for the
 * reviewer, the raw answers so the plan can be reopened, and the reviewer's last decision.
 */
export const PlanDetailsSchema = z.object({
  shape: z.string(),
  sections: z.array(z.object({ label: z.string(), value: z.string() })),
  answers: z.record(z.string(), z.json()),
  review: z.object({ decision: z.string(), comment: z.string().optional(), at: z.string() }).optional(),
});

export interface PlanDetails {
  shape: string;
  sections: { label: string; value: string }[];
  answers: Values;
  review?: { decision: string; comment?: string | undefined; at: string } | undefined;
}

export function readPlanDetails(details: unknown): PlanDetails | undefined {
  const parsed = PlanDetailsSchema.safeParse(details);
  if (!parsed.success) return undefined;
  return { ...parsed.data, answers: parsed.data.answers as Record<string, JsonValue> };
}
