-- The repair of the counts the database keeps (`report_tallies`, `cycle_first_dues`): one school's
-- rows recounted from the tables, run nightly (`recount-kept-counts` job) and by `trellis recount`.
--
-- Why it is needed: the triggers that keep both tables take no locks, so two transactions writing
-- the same person at the same instant (an import moving a department while the person presses
-- Done) can each compute their change from a state without the other's, leaving a tally group off
-- by one for good and a first-due row stale until that cycle's next write. The function returns
-- how many groups and rows were off: anything but zero is the sign that race happened.
--
-- Why no concurrent write can be lost or counted twice (READ COMMITTED):
--   - Every trigger that keeps these tables writes into them, so every writer of people, cycles or
--     obligations holds ROW EXCLUSIVE on `cycle_first_dues` and/or `report_tallies` from its first
--     such statement until it commits. SHARE ROW EXCLUSIVE conflicts with ROW EXCLUSIVE: once this
--     function holds both, every writer that had run a trigger has committed (or rolled back), and
--     every writer still to run one waits for this transaction to commit.
--   - Each statement below takes its snapshot after the locks are held (READ COMMITTED, a volatile
--     function: a new snapshot per statement), so it sees every committed write with the tally
--     rows and first-due rows those writes made — the fresh count replaces them, nothing is added
--     on top.
--   - A writer whose statement has changed rows but whose trigger is waiting for us is invisible
--     to our snapshot (not committed): the fresh count leaves its change out, and its trigger,
--     once we commit, adds exactly that change (a delta from its own old and new rows) or
--     recomputes its cycles' first dues from the tables as they then are. Counted once. (A
--     statement takes its table locks when it is planned and its snapshot after, so the waiting
--     trigger's statements see the rows this recount wrote.)
--   - Locks are taken one table at a time and never waited for while the other is held (the
--     second is tried with NOWAIT; on failure the first is let go and both are tried again), so
--     the recount cannot deadlock with a writer that takes the two in the other order (the
--     triggers of an obligation take `cycle_first_dues` first, a cycle's or person's deletion
--     `report_tallies` first). A first-due row the recount must write for a cycle a writer has
--     locked to delete is left (FOR KEY SHARE SKIP LOCKED): the deletion removes it, and waiting
--     there on the row while that writer waits on our table lock would be a deadlock.
--
-- Writers wait while the locks are held: one school's recount is one grouped read of its items
-- and a rewrite of its few hundred tally rows (see docs/benchmarks.md for its time at scale).
CREATE FUNCTION recount_kept_counts(only_school uuid) RETURNS TABLE (tally_groups_off int, first_dues_off int)
LANGUAGE plpgsql VOLATILE
-- The planner, counting every item its own group, would otherwise sort 600,000 items at 100,000
-- staff on disk to group them (measured: most of a 9.7 s recount); the groups are a few hundred, so
-- hashing them needs little of this allowance.
SET work_mem = '128MB'
AS $$
DECLARE
  tallies_off int;
  dues_off int;
  off_cycles uuid[];
  free_cycles uuid[];
BEGIN
  IF only_school IS NULL THEN
    RAISE EXCEPTION 'recount_kept_counts needs a school';
  END IF;
  LOOP
    BEGIN
      LOCK TABLE cycle_first_dues IN SHARE ROW EXCLUSIVE MODE;
      LOCK TABLE report_tallies IN SHARE ROW EXCLUSIVE MODE NOWAIT;
      EXIT;
    EXCEPTION WHEN lock_not_available THEN
      -- The block's rollback lets go of `cycle_first_dues` too; give the writer holding
      -- `report_tallies` a moment to finish, then take both again.
      PERFORM pg_sleep(0.02);
    END;
  END LOOP;

  -- The tallies: the school's rows replaced by the fresh grouped count (the same groups the
  -- triggers add to, by the person's school), which also folds them into one row a group.
  WITH fresh AS MATERIALIZED (
    SELECT 'person'::text AS what, p.school_id, NULL::uuid AS cycle_school_id, NULL::int AS academic_year, p.department, p.active, NULL::text AS cycle_status,
      NULL::text AS kind, NULL::boolean AS optional, NULL::date AS due_on, NULL::text AS status, NULL::date AS done_on, count(*)::int AS n
    FROM people p WHERE p.school_id = only_school
    GROUP BY 2, 5, 6
    UNION ALL
    SELECT 'cycle', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status, NULL, NULL, NULL, NULL, NULL, count(*)::int
    FROM cycles c JOIN people p ON p.id = c.person_id WHERE p.school_id = only_school
    GROUP BY 2, 3, 4, 5, 6, 7
    UNION ALL
    SELECT 'obligation', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, count(*)::int
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id WHERE p.school_id = only_school
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ), kept AS MATERIALIZED (
    SELECT what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, sum(n)::int AS n
    FROM report_tallies WHERE school_id = only_school
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(n) <> 0
  ), gone AS (
    DELETE FROM report_tallies WHERE school_id = only_school
  ), added AS (
    INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
    SELECT gen_random_uuid(), f.* FROM fresh f
  ), differing AS (
    (SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept)
    UNION ALL
    (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh)
  )
  SELECT count(*)::int INTO tallies_off FROM (
    SELECT 1 FROM differing GROUP BY what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on
  ) g;

  -- The first dues: every cycle of the school's people whose row differs from a fresh computation
  -- (missing, stale or no longer due) is recomputed by the same function the triggers call.
  WITH fresh AS MATERIALIZED (
    SELECT c.id AS cycle_id, p.school_id, p.id AS person_id, c.academic_year, c.status AS cycle_status, p.active, p.department, p.full_name, min(o.due_on) AS first_due
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = c.person_id
    WHERE p.school_id = only_school AND o.status IN ('open', 'snoozed') AND NOT o.optional AND NOT obligation_kind_lapses(o.kind)
    GROUP BY c.id, p.id
  ), kept AS MATERIALIZED (
    SELECT d.cycle_id, d.school_id, d.person_id, d.academic_year, d.cycle_status, d.active, d.department, d.full_name, d.first_due
    FROM cycle_first_dues d WHERE d.school_id = only_school
  ), differing AS (
    (SELECT * FROM fresh EXCEPT SELECT * FROM kept)
    UNION
    (SELECT * FROM kept EXCEPT SELECT * FROM fresh)
  )
  SELECT coalesce(array_agg(DISTINCT cycle_id), '{}') INTO off_cycles FROM differing;
  dues_off := cardinality(off_cycles);
  IF dues_off > 0 THEN
    SELECT coalesce(array_agg(c.id), '{}') INTO free_cycles
    FROM (SELECT id FROM cycles WHERE id = ANY(off_cycles) ORDER BY id FOR KEY SHARE SKIP LOCKED) c;
    PERFORM refresh_cycle_first_dues(free_cycles);
  END IF;

  RETURN QUERY SELECT tallies_off, dues_off;
END $$;
