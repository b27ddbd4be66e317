import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type Parsed, type Problem, problemsFromZod } from '../validation/problems.ts';
import { type Policy, type PolicyInput, PolicySchema } from './policy-schema.ts';

/**
 * Validates a policy document: the zod schema first, then the rules that span fields (unique
 * obligation ids, period dates only in repeated rules, start-date only for new starters).
 */
export function parsePolicy(input: unknown): Parsed<Policy> {
  const result = PolicySchema.safeParse(input);
  if (!result.success) return { ok: false, problems: problemsFromZod(result.error, { schema: PolicySchema, input }) };
  const problems = crossFieldProblems(result.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: result.data };
}

/** Parses a policy from YAML or JSON text (JSON is YAML). */
export function parsePolicyText(text: string): Parsed<Policy> {
  let document: unknown;
  try {
    document = parseYaml(text, { schema: 'core' });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, problems: [{ path: '(file)', message: `is not valid YAML or JSON: ${reason}` }] };
  }
  if (document === null || typeof document !== 'object') {
    return { ok: false, problems: [{ path: '(file)', message: 'should be a policy document (a mapping of settings), but is empty or a single value' }] };
  }
  return parsePolicy(document);
}

export function policyToYaml(policy: Policy | PolicyInput): string {
  return stringifyYaml(policy, { lineWidth: 0 });
}

function crossFieldProblems(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  for (const role of policy.coverage.roles) {
    if (policy.standards.byRole[role] === undefined) {
      problems.push({ path: `standards.byRole.${role}`, message: `the policy covers ${role}s, so say which standards they reflect against` });
    }
  }
  const seen = new Set<string>();
  policy.obligations.forEach((rule, index) => {
    const at = `obligations[${index}]`;
    if (seen.has(rule.id)) problems.push({ path: `${at}.id`, message: `"${rule.id}" is used by another obligation; ids must be unique` });
    seen.add(rule.id);
    for (const field of ['opens', 'due'] as const) {
      const from = rule[field].from;
      if ((from === 'period-start' || from === 'period-end') && rule.repeat === 'once') {
        problems.push({ path: `${at}.${field}.from`, message: `"${from}" only makes sense when repeat is each-term or each-half-term` });
      }
      if (from === 'start-date' && rule.audience !== 'new-starters') {
        problems.push({ path: `${at}.${field}.from`, message: '"start-date" only makes sense when audience is new-starters' });
      }
    }
  });
  return problems;
}
