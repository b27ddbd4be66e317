-- An obligation's references (its cycle with its person, and its owner) are checked once per
-- statement over the statement's rows, instead of by two foreign keys whose checks ran once per
-- row (issue 16). On a roster's first load (409,000 obligations at 50,000 staff, in pages of
-- ~8,000 by `COPY`) the two keys' per-row checks, a look-up and a KEY SHARE lock of the cycle and
-- of the owner for every row, were about a third of the server's CPU for the obligations' write;
-- a statement's check looks each distinct cycle and owner it names up once, in one join.
--
-- What the keys did, the triggers below do, whatever writes the tables:
--   - an INSERT, or an UPDATE that changes an obligation's cycle, person or owner, is refused
--     (SQLSTATE 23503, foreign_key_violation) unless every (cycle_id, person_id) is a cycle's id
--     and person, and every owner is a person. Each cycle and owner named is locked FOR KEY SHARE,
--     as a foreign key's check locks it, so neither can be deleted (nor its key changed) until the
--     writer's transaction ends; one deleted before the check is not found (the lock skips a row
--     deleted under it), and the statement is refused;
--   - deleting cycles deletes their obligations (was ON DELETE CASCADE); deleting people deletes
--     theirs through their cycles as before (cycles_person_id_fkey) and clears them as the owner
--     of anyone else's (was ON DELETE SET NULL);
--   - a change of a cycle's id or person, or of a person's id, is carried to the obligations (was
--     ON UPDATE CASCADE; nothing in Trellis changes them).
-- test/storage/obligation-cycle-person-key.test.ts checks each of these.
ALTER TABLE "obligations" DROP CONSTRAINT "obligations_cycle_id_person_id_fkey";
ALTER TABLE "obligations" DROP CONSTRAINT "obligations_owner_person_id_fkey";

-- The check: `cycle_ids` with `person_ids` (distinct pairs) and `owner_ids` (distinct, no NULL)
-- must all be there; what is found is locked FOR KEY SHARE and counted.
CREATE FUNCTION check_obligation_references(cycle_ids uuid[], person_ids uuid[], owner_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  found int;
BEGIN
  IF cardinality(cycle_ids) > 0 THEN
    SELECT count(*) INTO found FROM (
      SELECT 1 FROM cycles c WHERE (c.id, c.person_id) IN (SELECT * FROM unnest(cycle_ids, person_ids)) FOR KEY SHARE OF c
    ) l;
    IF found < cardinality(cycle_ids) THEN
      RAISE EXCEPTION 'insert or update on table "obligations" violates its reference to cycles: % of % (cycle_id, person_id) pairs are not a cycle and its person',
        cardinality(cycle_ids) - found, cardinality(cycle_ids) USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  IF cardinality(owner_ids) > 0 THEN
    SELECT count(*) INTO found FROM (
      SELECT 1 FROM people p WHERE p.id IN (SELECT * FROM unnest(owner_ids)) FOR KEY SHARE OF p
    ) l;
    IF found < cardinality(owner_ids) THEN
      RAISE EXCEPTION 'insert or update on table "obligations" violates its reference to people: % of % owner_person_id are not a person',
        cardinality(owner_ids) - found, cardinality(owner_ids) USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
END $$;

CREATE FUNCTION obligations_references_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM check_obligation_references(
    (SELECT array_agg(cycle_id) FROM (SELECT DISTINCT cycle_id, person_id FROM new_rows) t),
    (SELECT array_agg(person_id) FROM (SELECT DISTINCT cycle_id, person_id FROM new_rows) t),
    (SELECT array_agg(DISTINCT owner_person_id) FILTER (WHERE owner_person_id IS NOT NULL) FROM new_rows));
  RETURN NULL;
END $$;

-- An update: only the rows whose references it changed (a status, a date or a label changes none).
CREATE FUNCTION obligations_references_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cycle_ids uuid[];
  person_ids uuid[];
BEGIN
  SELECT array_agg(cycle_id), array_agg(person_id) INTO cycle_ids, person_ids FROM (
    SELECT DISTINCT n.cycle_id, n.person_id FROM new_rows n
    WHERE NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id AND o.cycle_id = n.cycle_id AND o.person_id = n.person_id)
  ) t;
  PERFORM check_obligation_references(cycle_ids, person_ids,
    (SELECT array_agg(DISTINCT n.owner_person_id) FROM new_rows n
     WHERE n.owner_person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id AND o.owner_person_id = n.owner_person_id)));
  RETURN NULL;
END $$;

CREATE TRIGGER obligations_references_inserted AFTER INSERT ON "obligations" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION obligations_references_inserted();
CREATE TRIGGER obligations_references_updated AFTER UPDATE ON "obligations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION obligations_references_updated();

-- Deleted cycles take their obligations (after the rows go, so the kept counts' triggers, which
-- took the cycle's obligations away with the cycle, count nothing twice).
CREATE FUNCTION obligations_of_deleted_cycles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM obligations o USING gone c WHERE o.cycle_id = c.id;
  RETURN NULL;
END $$;

CREATE TRIGGER cycles_deleted_obligations AFTER DELETE ON "cycles" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION obligations_of_deleted_cycles();

-- Deleted people are no longer anyone's owner.
CREATE FUNCTION obligations_of_deleted_owners() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE obligations o SET owner_person_id = NULL FROM gone p WHERE o.owner_person_id = p.id;
  RETURN NULL;
END $$;

CREATE TRIGGER people_deleted_obligation_owners AFTER DELETE ON "people" REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION obligations_of_deleted_owners();

-- A cycle's new id or person, or a person's new id, carried to the obligations.
CREATE FUNCTION obligations_follow_cycle_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE obligations SET cycle_id = NEW.id, person_id = NEW.person_id WHERE cycle_id = OLD.id;
  RETURN NULL;
END $$;

CREATE TRIGGER cycles_key_changed_obligations AFTER UPDATE OF id, person_id ON "cycles"
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.person_id IS DISTINCT FROM NEW.person_id)
  EXECUTE FUNCTION obligations_follow_cycle_key();

CREATE FUNCTION obligations_follow_owner_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE obligations SET owner_person_id = NEW.id WHERE owner_person_id = OLD.id;
  RETURN NULL;
END $$;

CREATE TRIGGER people_id_changed_obligation_owners AFTER UPDATE OF id ON "people"
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION obligations_follow_owner_id();
