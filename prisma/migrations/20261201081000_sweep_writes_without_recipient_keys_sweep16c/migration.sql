-- A busy sweep writes four reminders and one digest per person (40,000 and 10,000 rows at 10,000
-- staff). Three things each row paid for on insert were measured to cost a large part of it
-- (issue 16): a reminder's random id (`gen_random_uuid()` a row), and the check of the
-- recipient's foreign key on both tables (a look-up and a KEY SHARE lock on `people` a row). The
-- server's CPU for 40,000 reminders in two pages: 760 ms with both, ~590 ms without either one,
-- ~380 ms without both; for 10,000 digests 280 ms, 230 ms without the key. (A digest keeps its
-- random id: its delivery job carries it, and the job's payload must be an RFC 4122 uuid.)
--
-- A reminder's id is used only as its record id in the deletion log (nothing looks a reminder up
-- by it): it becomes a virtual column derived from the key (unique, as the key is), computed when
-- read, never stored or written.
ALTER TABLE "reminders" DROP COLUMN "id";
ALTER TABLE "reminders" ADD COLUMN "id" UUID NOT NULL GENERATED ALWAYS AS (md5("key")::uuid) VIRTUAL;

-- The recipients' foreign keys go; what their ON DELETE CASCADE did is done by a statement
-- trigger on `people`: whatever deletes people (retention's leavers, whose rows are deleted and
-- logged first; a school's deletion, through its cascade to its people; a demo reset) deletes
-- their reminders and outbox rows in the same statement, once for all the people it deleted.
-- What the keys also did, refuse a row for a person deleted in the instant between a sweep
-- page's read and its insert, nothing needs: people are deleted only as leavers (inactive, no
-- cycle left, so the sweep plans nothing they own) or with their whole school, and such a row
-- would be read by nothing: digest assembly and every read of the outbox join the recipient.
ALTER TABLE "reminders" DROP CONSTRAINT "reminders_recipient_id_fkey";
ALTER TABLE "nudge_outbox" DROP CONSTRAINT "nudge_outbox_recipient_id_fkey";

CREATE FUNCTION sweep_rows_of_deleted_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reminders r USING gone g WHERE r.recipient_id = g.id;
  DELETE FROM nudge_outbox d USING gone g WHERE d.recipient_id = g.id;
  RETURN NULL;
END $$;

CREATE TRIGGER people_deleted_sweep_rows AFTER DELETE ON "people"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sweep_rows_of_deleted_people();
