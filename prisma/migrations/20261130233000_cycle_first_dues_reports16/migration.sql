-- For each cycle with something still to do, the earliest due date among its open or snoozed,
-- required items that can be overdue, with the person's name, department and whether they are
-- active: `overdue` counts the people overdue and finds the first people of its page (by earliest
-- overdue date, then name) from this table's index, instead of joining every overdue item to its
-- cycle and person and folding them per person (issue 16: 233,000 items at 100,000 staff).
--
-- Kept by triggers whatever writes the tables: a statement that writes obligations recomputes the
-- rows of the cycles it touched; a change to a cycle's school, person, year or status, or to a
-- person's school, department, active flag or name, recomputes that cycle's or person's rows; a
-- cycle's row goes with it (ON DELETE CASCADE). test/storage/report-tallies.test.ts checks the
-- table against a fresh computation after each kind of write.

CREATE TABLE "cycle_first_dues" (
    "cycle_id" UUID NOT NULL,
    "school_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "academic_year" INTEGER NOT NULL,
    "cycle_status" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "department" TEXT,
    "full_name" TEXT NOT NULL,
    "first_due" DATE NOT NULL,

    CONSTRAINT "cycle_first_dues_pkey" PRIMARY KEY ("cycle_id")
);

CREATE INDEX "cycle_first_dues_person_id_idx" ON "cycle_first_dues"("person_id");

ALTER TABLE "cycle_first_dues" ADD CONSTRAINT "cycle_first_dues_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- `overdue`'s order: a school's year by earliest due date, then name, with what it filters on
-- carried in the index, so its counts and its first page are index-only scans. Made here only
-- (schema.prisma cannot express INCLUDE) and named in schema-matches-migrations.test.ts.
CREATE INDEX "cycle_first_dues_by_school_idx" ON "cycle_first_dues"("school_id", "academic_year", "first_due", "full_name") INCLUDE ("person_id", "active", "cycle_status", "department");

-- The kinds that lapse rather than fall overdue (an unused appeal window): LAPSING_KINDS in
-- src/core/obligations/obligation-kinds.ts, which report-tallies.test.ts checks this against.
CREATE FUNCTION obligation_kind_lapses(kind text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT kind = ANY (ARRAY['appeal-window'])
$$;

-- The cycles are joined as a set (unnest), never searched with `= ANY`: a first load passes
-- 100,000 of them at once.
CREATE FUNCTION refresh_cycle_first_dues(cycle_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH touched AS MATERIALIZED (
    SELECT DISTINCT id FROM unnest(cycle_ids) AS t(id)
  ), firsts AS MATERIALIZED (
    SELECT c.id AS cycle_id, c.academic_year, c.status, p.id AS person_id, p.school_id, p.active, p.department, p.full_name, f.first_due
    FROM touched t JOIN cycles c ON c.id = t.id JOIN people p ON p.id = c.person_id
    CROSS JOIN LATERAL (
      -- The cycle's own few items, found by cycle alone: the test of each is in the CASE, so no
      -- other index (the partial one on open items) can be combined with it — with statistics
      -- not yet updated during a large load, the planner did, reading 500,000 entries a cycle.
      SELECT min(CASE WHEN o.status IN ('open', 'snoozed') AND NOT o.optional AND NOT obligation_kind_lapses(o.kind) THEN o.due_on END) AS first_due
      FROM obligations o WHERE o.cycle_id = c.id
    ) f
  ), gone AS (
    DELETE FROM cycle_first_dues d USING touched t
    WHERE d.cycle_id = t.id AND NOT EXISTS (SELECT 1 FROM firsts f WHERE f.cycle_id = t.id AND f.first_due IS NOT NULL)
  )
  INSERT INTO cycle_first_dues (cycle_id, school_id, person_id, academic_year, cycle_status, active, department, full_name, first_due)
  SELECT cycle_id, school_id, person_id, academic_year, status, active, department, full_name, first_due FROM firsts WHERE first_due IS NOT NULL
  ORDER BY cycle_id
  ON CONFLICT (cycle_id) DO UPDATE SET school_id = EXCLUDED.school_id, person_id = EXCLUDED.person_id, academic_year = EXCLUDED.academic_year,
    cycle_status = EXCLUDED.cycle_status, active = EXCLUDED.active, department = EXCLUDED.department, full_name = EXCLUDED.full_name, first_due = EXCLUDED.first_due
  WHERE (cycle_first_dues.school_id, cycle_first_dues.person_id, cycle_first_dues.academic_year, cycle_first_dues.cycle_status, cycle_first_dues.active,
      cycle_first_dues.department, cycle_first_dues.full_name, cycle_first_dues.first_due)
    IS DISTINCT FROM (EXCLUDED.school_id, EXCLUDED.person_id, EXCLUDED.academic_year, EXCLUDED.cycle_status, EXCLUDED.active,
      EXCLUDED.department, EXCLUDED.full_name, EXCLUDED.first_due)
$$;

CREATE FUNCTION cycle_first_dues_obligations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_cycle_first_dues(ARRAY(SELECT DISTINCT cycle_id FROM new_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION cycle_first_dues_obligations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_cycle_first_dues(ARRAY(SELECT DISTINCT cycle_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION cycle_first_dues_obligations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_cycle_first_dues(ARRAY(
    SELECT DISTINCT unnest(ARRAY[o.cycle_id, n.cycle_id]) FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.cycle_id, o.kind, o.optional, o.due_on, o.status) IS DISTINCT FROM (n.cycle_id, n.kind, n.optional, n.due_on, n.status)));
  RETURN NULL;
END $$;

CREATE FUNCTION cycle_first_dues_cycles_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_cycle_first_dues(ARRAY(
    SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.school_id, o.person_id, o.academic_year, o.status) IS DISTINCT FROM (n.school_id, n.person_id, n.academic_year, n.status)));
  RETURN NULL;
END $$;

CREATE FUNCTION cycle_first_dues_people_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_cycle_first_dues(ARRAY(
    SELECT c.id FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN cycles c ON c.person_id = n.id
    WHERE (o.school_id, o.department, o.active, o.full_name) IS DISTINCT FROM (n.school_id, n.department, n.active, n.full_name)));
  RETURN NULL;
END $$;

CREATE TRIGGER cycle_first_dues_obligations_inserted AFTER INSERT ON "obligations" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_obligations_inserted();
CREATE TRIGGER cycle_first_dues_obligations_updated AFTER UPDATE ON "obligations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_obligations_updated();
CREATE TRIGGER cycle_first_dues_obligations_deleted AFTER DELETE ON "obligations" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_obligations_deleted();
CREATE TRIGGER cycle_first_dues_cycles_updated AFTER UPDATE ON "cycles" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_cycles_updated();
CREATE TRIGGER cycle_first_dues_people_updated AFTER UPDATE ON "people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cycle_first_dues_people_updated();

-- What is already there.
SELECT refresh_cycle_first_dues(ARRAY(SELECT id FROM cycles));
