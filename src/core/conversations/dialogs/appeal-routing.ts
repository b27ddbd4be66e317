import type { Policy } from '../../policy/policy-schema.ts';
import type { PersonRef } from '../conversation-ports.ts';

type Appeals = NonNullable<Policy['appeals']>;

export type AppealRoute =
  | { routedTo: 'head'; manager: PersonRef }
  | { routedTo: Appeals['appealManager']['ifHeadTookPart']; manager: undefined; because: 'head-appeals' | 'head-took-part' }
  | { routedTo: 'head'; manager: undefined; because: 'no-head' };

/**
 * Who hears an appeal (002 §16): the Appeal Manager is the headteacher unless the head took part
 * in the review being appealed — and a head's own appeal never goes to the head — in which case it
 * goes beyond the school (the trust's CEO under 002). The one place this is decided; when the
 * relationships model names the trust's CEO as a person, `manager` can be them.
 */
export function appealRoute(input: { appellantId: string; head: PersonRef | undefined; reviewerId: string | undefined; appeals: Appeals }): AppealRoute {
  const { head, appeals } = input;
  if (head === undefined) return { routedTo: appeals.appealManager.default, manager: undefined, because: 'no-head' };
  if (head.id === input.appellantId) return { routedTo: appeals.appealManager.ifHeadTookPart, manager: undefined, because: 'head-appeals' };
  if (input.reviewerId === head.id) return { routedTo: appeals.appealManager.ifHeadTookPart, manager: undefined, because: 'head-took-part' };
  return { routedTo: appeals.appealManager.default, manager: head };
}
