import type { Role } from '../people/person.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { StandardsFramework } from './framework.ts';
import { HEADTEACHERS_STANDARDS } from './headteachers-standards.ts';
import { TA_STANDARDS } from './ta-standards.ts';
import { TEACHERS_STANDARDS } from './teachers-standards.ts';

/**
 * What a person reflects against under their school's policy: a published framework, or their
 * own job description (003, 004 §4.1), whose points the person lists themselves because Trellis
 * holds no job descriptions.
 */
export type ReflectionBasis = { kind: 'framework'; framework: StandardsFramework } | { kind: 'job-description' };

export function standardsForRole(policy: Policy, role: Role): ReflectionBasis {
  const set = policy.standards.byRole[role] ?? 'job-description';
  switch (set) {
    case 'teachers-standards':
      return { kind: 'framework', framework: TEACHERS_STANDARDS };
    case 'ta-standards':
      return { kind: 'framework', framework: TA_STANDARDS };
    case 'headteachers-standards':
      return { kind: 'framework', framework: HEADTEACHERS_STANDARDS };
    case 'job-description':
      return { kind: 'job-description' };
  }
}
