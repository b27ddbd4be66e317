import type { ObligationFacts } from '../../core/obligations/obligation-facts.ts';
import { type Sql, sql } from './sql.ts';

/**
 * An obligation's facts as every reader selects them from `obligations o` (dates as ISO text,
 * uuids as text), with its status: written once, for the sweep on the `pg` pool and for the
 * Prisma read side (through `prismaSql`), so the columns and their mapping cannot drift apart.
 */
export const obligationColumns: Sql = sql`o.key, o.kind, o.label, o.optional, to_char(o.opens_on, 'YYYY-MM-DD') AS opens_on,
  to_char(o.due_on, 'YYYY-MM-DD') AS due_on, o.owner_role, o.owner_person_id::text AS owner_person_id,
  o.person_id::text AS person_id, o.rule, o.status`;

/** A row selected with `obligationColumns`. */
export interface ObligationColumnsRow {
  key: string;
  kind: string;
  label: string;
  optional: boolean;
  opens_on: string;
  due_on: string;
  owner_role: string;
  owner_person_id: string | null;
  person_id: string;
  rule: string;
  status: string;
}

/** The facts of a row selected with `obligationColumns`. */
export function obligationFactsOf(row: ObligationColumnsRow): ObligationFacts {
  return {
    key: row.key,
    kind: row.kind,
    label: row.label,
    optional: row.optional,
    opensOn: row.opens_on,
    dueOn: row.due_on,
    ownerRole: row.owner_role,
    ownerPersonId: row.owner_person_id ?? undefined,
    personId: row.person_id,
    rule: row.rule,
  };
}
