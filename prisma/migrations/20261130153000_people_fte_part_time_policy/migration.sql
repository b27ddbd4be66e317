-- Part-time staff (002 Annex 1 §3, 003 §7.3, 004 §5.9): the roster's full-time equivalent, so the
-- observation cap and the number of expectations can be pro-rated where the policy says so.
ALTER TABLE "people" ADD COLUMN "fte" DOUBLE PRECISION;
