-- Inserting obligations can only bring a cycle's first due date forward (or give a cycle with
-- nothing left to do its first item), so a statement that inserts obligations now folds its own
-- rows into `cycle_first_dues` (the earlier of the kept date and the new rows' earliest) instead of
-- re-reading every item of each cycle it touched through `refresh_cycle_first_dues`. On a roster's
-- first load that re-read was each page's items read back a second time (issue 16). Updates and
-- deletes still recompute the cycles they touched: they can move the date either way.
-- test/storage/report-tallies.test.ts checks the table against a fresh computation after each kind
-- of write, inserts into cycles that already have items included.

-- What counts towards a cycle's first due date, named once for the refresh and the insert's fold:
-- an item still to do (open or snoozed), required, and of a kind that falls overdue rather than
-- lapses. (`recount_kept_counts` still spells the same test out; it is checked against this table.)
CREATE FUNCTION obligation_still_due(status text, optional boolean, kind text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT status IN ('open', 'snoozed') AND NOT optional AND NOT obligation_kind_lapses(kind)
$$;

-- As before (20261130233000_cycle_first_dues_reports16), with the test above named once.
CREATE OR REPLACE FUNCTION refresh_cycle_first_dues(cycle_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  WITH touched AS MATERIALIZED (
    SELECT DISTINCT id FROM unnest(cycle_ids) AS t(id)
  ), firsts AS MATERIALIZED (
    SELECT c.id AS cycle_id, c.academic_year, c.status, p.id AS person_id, p.school_id, p.active, p.department, p.full_name, f.first_due
    FROM touched t JOIN cycles c ON c.id = t.id JOIN people p ON p.id = c.person_id
    CROSS JOIN LATERAL (
      -- The cycle's own few items, found by cycle alone: the test of each is in the CASE, so no
      -- other index (the partial one on open items) can be combined with it — with statistics
      -- not yet updated during a large load, the planner did, reading 500,000 entries a cycle.
      SELECT min(CASE WHEN obligation_still_due(o.status, o.optional, o.kind) THEN o.due_on END) AS first_due
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

-- An insert: the earliest of the statement's own rows that count, per cycle, against what is kept
-- (the kept row's other columns are already the cycle's and person's: their own triggers keep them).
CREATE OR REPLACE FUNCTION cycle_first_dues_obligations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO cycle_first_dues (cycle_id, school_id, person_id, academic_year, cycle_status, active, department, full_name, first_due)
  SELECT c.id, p.school_id, p.id, c.academic_year, c.status, p.active, p.department, p.full_name, n.first_due
  FROM (
    SELECT cycle_id, min(due_on) AS first_due FROM new_rows
    WHERE obligation_still_due(status, optional, kind)
    GROUP BY cycle_id
  ) n JOIN cycles c ON c.id = n.cycle_id JOIN people p ON p.id = c.person_id
  ORDER BY c.id
  ON CONFLICT (cycle_id) DO UPDATE SET first_due = EXCLUDED.first_due
  WHERE EXCLUDED.first_due < cycle_first_dues.first_due;
  RETURN NULL;
END $$;
