-- Counts kept as people, cycles and obligations change, so `summary` (and the governors' figures
-- it is suppressed with) reads a few hundred tally rows instead of every obligation of the year
-- (issue 16: 600,000 rows at 100,000 staff).
--
-- Each row adds `n` (which may be negative) to one group: a person ('person': school,
-- department, active), a cycle ('cycle': the person's school, department and active, the cycle's
-- school, year and status) or an obligation ('obligation': all of those and the item's kind,
-- optional, due date, status and London day done). The triggers below only ever INSERT rows, never
-- update a shared one, so writers of the same school never wait on each other or deadlock on a
-- tally; readers sum the rows, and `PrismaReportReads` folds a school's rows into one a group when
-- they have grown (`compactTallies`).
--
-- The invariant: for every group, the sum of `n` equals the number of rows of that group you get
-- by joining obligations to their cycle (obligations.cycle_id) and their person
-- (obligations.person_id), and cycles to their person — whatever wrote them. Every write path
-- keeps it because the triggers are on the tables, not in the application:
--   - obligations: each INSERT / UPDATE / DELETE statement adds its rows' changes, joined to the
--     cycle and person as they are now;
--   - cycles and people: an INSERT adds the row; an UPDATE of what the groups are by moves the row
--     and everything joined to it from its old group to its new one;
--   - a DELETE of a cycle or person takes it and everything joined to it away BEFORE the row
--     goes (cascaded children then no longer join, so they add nothing).
-- test/storage/report-tallies.test.ts checks the sums against a fresh count after each kind of
-- write (planning, import, done, not applicable, reopen, leaver, deletion).

CREATE TABLE "report_tallies" (
    "id" UUID NOT NULL,
    "what" TEXT NOT NULL,
    "school_id" UUID NOT NULL,
    "cycle_school_id" UUID,
    "academic_year" INTEGER,
    "department" TEXT,
    "active" BOOLEAN NOT NULL,
    "cycle_status" TEXT,
    "kind" TEXT,
    "optional" BOOLEAN,
    "due_on" DATE,
    "status" TEXT,
    "done_on" DATE,
    "n" INTEGER NOT NULL,

    CONSTRAINT "report_tallies_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "report_tallies_school_id_academic_year_idx" ON "report_tallies"("school_id", "academic_year");
CREATE INDEX "report_tallies_cycle_school_id_academic_year_idx" ON "report_tallies"("cycle_school_id", "academic_year");

-- Obligations: the rows a statement inserted, deleted or changed, joined to their cycle and person.
CREATE FUNCTION report_tallies_obligations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'obligation', p.school_id, c.school_id AS cycle_school_id, c.academic_year, p.department, p.active, c.status AS cycle_status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date AS done_on, count(*)::int
    FROM new_rows o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_obligations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'obligation', p.school_id, c.school_id AS cycle_school_id, c.academic_year, p.department, p.active, c.status AS cycle_status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date AS done_on, -count(*)::int
    FROM old_rows o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_obligations_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each changed row counted again under its new values and taken away under its old (columns
  -- named one by one: a transition table's whole row has no registered type).
  WITH pairs AS (
    SELECT o.cycle_id AS old_cycle, o.person_id AS old_person, o.kind AS old_kind, o.optional AS old_optional, o.due_on AS old_due,
      o.status AS old_status, (o.completed_at AT TIME ZONE 'Europe/London')::date AS old_done,
      n.cycle_id AS new_cycle, n.person_id AS new_person, n.kind AS new_kind, n.optional AS new_optional, n.due_on AS new_due,
      n.status AS new_status, (n.completed_at AT TIME ZONE 'Europe/London')::date AS new_done
    FROM old_rows o JOIN new_rows n ON n.id = o.id
  ), sides AS (
    SELECT 1 AS sign, new_cycle AS cycle_id, new_person AS person_id, new_kind AS kind, new_optional AS optional, new_due AS due_on, new_status AS status, new_done AS done_on
    FROM pairs WHERE (old_cycle, old_person, old_kind, old_optional, old_due, old_status, old_done) IS DISTINCT FROM (new_cycle, new_person, new_kind, new_optional, new_due, new_status, new_done)
    UNION ALL
    SELECT -1, old_cycle, old_person, old_kind, old_optional, old_due, old_status, old_done
    FROM pairs WHERE (old_cycle, old_person, old_kind, old_optional, old_due, old_status, old_done) IS DISTINCT FROM (new_cycle, new_person, new_kind, new_optional, new_due, new_status, new_done)
  )
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'obligation', p.school_id, c.school_id AS cycle_school_id, c.academic_year, p.department, p.active, c.status AS cycle_status,
      d.kind, d.optional, d.due_on, d.status, d.done_on, sum(d.sign)::int
    FROM sides d JOIN cycles c ON c.id = d.cycle_id JOIN people p ON p.id = d.person_id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
    HAVING sum(d.sign) <> 0
  ) t;
  RETURN NULL;
END $$;

CREATE TRIGGER report_tallies_obligations_inserted AFTER INSERT ON "obligations" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_obligations_inserted();
CREATE TRIGGER report_tallies_obligations_updated AFTER UPDATE ON "obligations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_obligations_updated();
CREATE TRIGGER report_tallies_obligations_deleted AFTER DELETE ON "obligations" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_obligations_deleted();

-- Cycles: a new cycle is counted with its person; a cycle whose school, person, year or status
-- changes moves, with its obligations, from its old groups to its new ones.
CREATE FUNCTION report_tallies_cycles_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'cycle', p.school_id, c.school_id AS cycle_school_id, c.academic_year, p.department, p.active, c.status, count(*)::int
    FROM new_rows c JOIN people p ON p.id = c.person_id
    GROUP BY 2, 3, 4, 5, 6, 7
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_cycles_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id, o.school_id AS old_school, o.person_id AS old_person, o.academic_year AS old_year, o.status AS old_status,
      n.school_id AS new_school, n.person_id AS new_person, n.academic_year AS new_year, n.status AS new_status
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.school_id, o.person_id, o.academic_year, o.status) IS DISTINCT FROM (n.school_id, n.person_id, n.academic_year, n.status)
  ), sides AS (
    SELECT 1 AS sign, id, new_school AS school_id, new_person AS person_id, new_year AS academic_year, new_status AS status FROM moved
    UNION ALL
    SELECT -1, id, old_school, old_person, old_year, old_status FROM moved
  )
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'cycle', p.school_id, c.school_id AS cycle_school_id, c.academic_year, p.department, p.active, c.status AS cycle_status,
      NULL::text AS kind, NULL::boolean AS optional, NULL::date AS due_on, NULL::text AS status, NULL::date AS done_on, sum(c.sign)::int AS n
    FROM sides c JOIN people p ON p.id = c.person_id
    GROUP BY 2, 3, 4, 5, 6, 7 HAVING sum(c.sign) <> 0
    UNION ALL
    SELECT 'obligation', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, sum(c.sign)::int
    FROM sides c JOIN obligations o ON o.cycle_id = c.id JOIN people p ON p.id = o.person_id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(c.sign) <> 0
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_cycle_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'cycle', p.school_id, OLD.school_id AS cycle_school_id, OLD.academic_year, p.department, p.active, OLD.status AS cycle_status,
      NULL::text AS kind, NULL::boolean AS optional, NULL::date AS due_on, NULL::text AS status, NULL::date AS done_on, -1 AS n
    FROM people p WHERE p.id = OLD.person_id
    UNION ALL
    SELECT 'obligation', p.school_id, OLD.school_id, OLD.academic_year, p.department, p.active, OLD.status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, -count(*)::int
    FROM obligations o JOIN people p ON p.id = o.person_id WHERE o.cycle_id = OLD.id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
  ) t;
  RETURN OLD;
END $$;

CREATE TRIGGER report_tallies_cycles_inserted AFTER INSERT ON "cycles" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_cycles_inserted();
CREATE TRIGGER report_tallies_cycles_updated AFTER UPDATE ON "cycles" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_cycles_updated();
CREATE TRIGGER report_tallies_cycle_deleting BEFORE DELETE ON "cycles"
  FOR EACH ROW EXECUTE FUNCTION report_tallies_cycle_deleting();

-- People: a new person is counted; a person whose school, department or active flag changes (a
-- leaver, a move of department) moves, with their cycles and obligations, to their new groups.
CREATE FUNCTION report_tallies_people_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, department, active, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'person', p.school_id, p.department, p.active, count(*)::int FROM new_rows p GROUP BY 2, 3, 4
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_people_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH moved AS (
    SELECT n.id, o.school_id AS old_school, o.department AS old_department, o.active AS old_active,
      n.school_id AS new_school, n.department AS new_department, n.active AS new_active
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.school_id, o.department, o.active) IS DISTINCT FROM (n.school_id, n.department, n.active)
  ), sides AS (
    SELECT 1 AS sign, id, new_school AS school_id, new_department AS department, new_active AS active FROM moved
    UNION ALL
    SELECT -1, id, old_school, old_department, old_active FROM moved
  )
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'person', p.school_id, NULL::uuid AS cycle_school_id, NULL::int AS academic_year, p.department, p.active, NULL::text AS cycle_status,
      NULL::text AS kind, NULL::boolean AS optional, NULL::date AS due_on, NULL::text AS status, NULL::date AS done_on, sum(p.sign)::int AS n
    FROM sides p GROUP BY 2, 5, 6 HAVING sum(p.sign) <> 0
    UNION ALL
    SELECT 'cycle', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status,
      NULL, NULL, NULL, NULL, NULL, sum(p.sign)::int
    FROM sides p JOIN cycles c ON c.person_id = p.id
    GROUP BY 2, 3, 4, 5, 6, 7 HAVING sum(p.sign) <> 0
    UNION ALL
    SELECT 'obligation', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, sum(p.sign)::int
    FROM sides p JOIN obligations o ON o.person_id = p.id JOIN cycles c ON c.id = o.cycle_id
    GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 HAVING sum(p.sign) <> 0
  ) t;
  RETURN NULL;
END $$;

CREATE FUNCTION report_tallies_person_deleting() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
  SELECT gen_random_uuid(), t.* FROM (
    SELECT 'person', OLD.school_id, NULL::uuid AS cycle_school_id, NULL::int AS academic_year, OLD.department, OLD.active, NULL::text AS cycle_status,
      NULL::text AS kind, NULL::boolean AS optional, NULL::date AS due_on, NULL::text AS status, NULL::date AS done_on, -1 AS n
    UNION ALL
    SELECT 'cycle', OLD.school_id, c.school_id, c.academic_year, OLD.department, OLD.active, c.status, NULL, NULL, NULL, NULL, NULL, -count(*)::int
    FROM cycles c WHERE c.person_id = OLD.id GROUP BY 3, 4, 7
    UNION ALL
    SELECT 'obligation', OLD.school_id, c.school_id, c.academic_year, OLD.department, OLD.active, c.status,
      o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, -count(*)::int
    FROM obligations o JOIN cycles c ON c.id = o.cycle_id WHERE o.person_id = OLD.id
    GROUP BY 3, 4, 7, 8, 9, 10, 11, 12
  ) t;
  RETURN OLD;
END $$;

CREATE TRIGGER report_tallies_people_inserted AFTER INSERT ON "people" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_people_inserted();
CREATE TRIGGER report_tallies_people_updated AFTER UPDATE ON "people" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tallies_people_updated();
CREATE TRIGGER report_tallies_person_deleting BEFORE DELETE ON "people"
  FOR EACH ROW EXECUTE FUNCTION report_tallies_person_deleting();

-- What is already there.
INSERT INTO report_tallies (id, what, school_id, department, active, n)
SELECT gen_random_uuid(), t.* FROM (SELECT 'person', school_id, department, active, count(*)::int FROM people GROUP BY 2, 3, 4) t;
INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, n)
SELECT gen_random_uuid(), t.* FROM (
  SELECT 'cycle', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status, count(*)::int
  FROM cycles c JOIN people p ON p.id = c.person_id GROUP BY 2, 3, 4, 5, 6, 7
) t;
INSERT INTO report_tallies (id, what, school_id, cycle_school_id, academic_year, department, active, cycle_status, kind, optional, due_on, status, done_on, n)
SELECT gen_random_uuid(), t.* FROM (
  SELECT 'obligation', p.school_id, c.school_id, c.academic_year, p.department, p.active, c.status,
    o.kind, o.optional, o.due_on, o.status, (o.completed_at AT TIME ZONE 'Europe/London')::date, count(*)::int
  FROM obligations o JOIN cycles c ON c.id = o.cycle_id JOIN people p ON p.id = o.person_id
  GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
) t;
