-- An obligation's person is always its cycle's person (every writer takes both from the one cycle:
-- the plan, deadlines, meeting reminders). One composite foreign key, obligations (cycle_id,
-- person_id) -> cycles (id, person_id), now guards both: the cycle exists and the person is its
-- person (so the person exists too, through cycles_person_id_fkey). It replaces two single-column
-- checks per inserted row, about a third of an obligations page's insert on a first roster load.
-- ON DELETE CASCADE as before: deleting a cycle deletes its obligations; deleting a person deletes
-- their cycles and so their obligations, as the direct key did.
-- If an existing obligation's person were not its cycle's, adding the key fails here rather than
-- dropping or changing anyone's records.
CREATE UNIQUE INDEX "cycles_id_person_id_key" ON "cycles"("id", "person_id");

ALTER TABLE "obligations" DROP CONSTRAINT "obligations_cycle_id_fkey";
ALTER TABLE "obligations" DROP CONSTRAINT "obligations_person_id_fkey";
ALTER TABLE "obligations" ADD CONSTRAINT "obligations_cycle_id_person_id_fkey" FOREIGN KEY ("cycle_id", "person_id") REFERENCES "cycles"("id", "person_id") ON DELETE CASCADE ON UPDATE CASCADE;
