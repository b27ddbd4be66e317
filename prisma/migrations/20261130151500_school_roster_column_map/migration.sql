-- The roster column mapping a school gave with its last mapped import, remembered for the next
-- file of the same shape (`trellis import roster --map`).
ALTER TABLE "schools" ADD COLUMN "roster_column_map" JSONB;
