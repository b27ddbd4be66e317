// The export must carry every table that holds a person's data (002 §44; issue "my records"): this
// reads the Prisma schema and fails when a model gains a relation to Person that the export's list
// does not name, so a new kind of record cannot stay out of a subject access request.
import { beforeAll, describe, expect, it } from 'vitest';
import { NOT_EXPORTED_PERSON_COLUMNS, RECORD_TABLES } from '../../../src/core/records/record-tables.ts';
import { type DmmfDatamodel, readSchemaDmmf } from '../../support/read-schema-dmmf.ts';

let dmmf: DmmfDatamodel;
beforeAll(() => {
  dmmf = readSchemaDmmf();
}, 60_000);

/** Every (table, column) whose column is a foreign key to people, read from Prisma's own view of the schema. */
function personColumnsInSchema(): { table: string; column: string }[] {
  const found: { table: string; column: string }[] = [];
  for (const model of dmmf.models) {
    const table = model.dbName ?? model.name;
    for (const field of model.fields) {
      if (field.kind !== 'object' || field.type !== 'Person' || (field.relationFromFields ?? []).length === 0) continue;
      for (const from of field.relationFromFields ?? []) {
        const scalar = model.fields.find((f) => f.name === from);
        found.push({ table, column: scalar?.dbName ?? from });
      }
    }
  }
  return found;
}

describe('the export covers every table with a person column (002 §44)', () => {
  it('002 §44: every foreign key to people is exported, or listed with the reason it is not', () => {
    const columns = personColumnsInSchema();
    expect(columns.length).toBeGreaterThan(20);
    const missing = columns.filter(
      ({ table, column }) =>
        !RECORD_TABLES.some((t) => t.table === table && t.personColumns.includes(column)) &&
        !NOT_EXPORTED_PERSON_COLUMNS.some((x) => x.table === table && x.column === column),
    );
    expect(missing).toEqual([]);
  });

  it('002 §44: the people table itself and tables reached through a parent are exported', () => {
    const tables = new Set(dmmf.models.map((m) => m.dbName ?? m.name));
    for (const spec of RECORD_TABLES) expect(tables.has(spec.table), spec.table).toBe(true);
    expect(RECORD_TABLES.find((t) => t.table === 'people')?.personColumns).toEqual(['id']);
    expect(RECORD_TABLES.find((t) => t.table === 'plan_goals')?.parent?.table).toBe('growth_plans');
  });

  it('002 §44: every export column really is a column of its table', () => {
    for (const spec of RECORD_TABLES) {
      const model = dmmf.models.find((m) => (m.dbName ?? m.name) === spec.table);
      const columns = new Set(model?.fields.filter((f) => f.kind === 'scalar').map((f) => f.dbName ?? f.name));
      for (const column of spec.personColumns) expect(columns.has(column), `${spec.table}.${column}`).toBe(true);
    }
  });
});
