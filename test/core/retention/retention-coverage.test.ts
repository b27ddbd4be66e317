// Retention must never let PostgreSQL delete a row it has not logged (003 §14.3: destroyed, with a
// deletion log). Read from the Prisma schema: every foreign key to people that cascades is either
// a cycle's record (gone, logged, before a leaver's row can go) or listed among the rows logged
// with a leaver; and every kind of record the export knows is one retention destroys.
import { beforeAll, describe, expect, it } from 'vitest';
import { RECORD_TABLES } from '../../../src/core/records/record-tables.ts';
import { CYCLE_CHILDREN, LEAVER_ROWS } from '../../../src/storage/prisma/prisma-retention-store.ts';
import { type DmmfDatamodel, readSchemaDmmf } from '../../support/read-schema-dmmf.ts';

let dmmf: DmmfDatamodel;
beforeAll(() => {
  dmmf = readSchemaDmmf();
}, 60_000);

describe('retention logs everything it destroys (003 §14.3)', () => {
  it('003 §14.3: every cascading foreign key to people is a cycle record or a row logged with a leaver', () => {
    const cycleTables = new Map<string, string>([['cycles', 'person_id'], ...CYCLE_CHILDREN.map((c) => [c.table, c.subject] as const)]);
    const unlogged: string[] = [];
    for (const model of dmmf.models) {
      const table = model.dbName ?? model.name;
      for (const field of model.fields) {
        if (field.kind !== 'object' || field.type !== 'Person' || field.relationOnDelete !== 'Cascade') continue;
        for (const from of field.relationFromFields ?? []) {
          const column = model.fields.find((f) => f.name === from)?.dbName ?? from;
          const handled = cycleTables.get(table) === column || LEAVER_ROWS.some((r) => r.table === table && r.columns.includes(column));
          if (!handled) unlogged.push(`${table}.${column}`);
        }
      }
    }
    expect(unlogged).toEqual([]);
  });

  it('003 §14.3: every table the export reads is one retention destroys from (the deletion log itself is kept)', () => {
    const destroyed = new Set<string>(['cycles', 'plan_goals', 'people', 'audit_events', ...CYCLE_CHILDREN.map((c) => c.table), ...LEAVER_ROWS.map((r) => r.table)]);
    const kept = RECORD_TABLES.map((t) => t.table).filter((t) => !destroyed.has(t));
    expect(kept).toEqual(['deletion_log']);
  });
});
