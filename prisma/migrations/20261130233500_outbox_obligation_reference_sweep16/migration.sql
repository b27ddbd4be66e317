-- A reminder's obligation_id is a reference its digest reads, not a constraint: the reminder's key
-- names the obligation already, and the digest's read drops a reminder whose obligation is gone
-- (exactly as it did when the foreign key set it null). The check was a look-up and a row lock on
-- the obligation per reminder, about a quarter of a busy sweep's reminder insert. The index stays
-- (retention and look-ups by obligation use it).
ALTER TABLE "nudge_outbox" DROP CONSTRAINT "nudge_outbox_obligation_id_fkey";
