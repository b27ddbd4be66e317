ALTER TABLE "people" ADD COLUMN "cycle_restarted_on" DATE;
