-- Reads made for a digest or while booking a check-in are logged with why they happened.
ALTER TABLE "access_logs" ADD COLUMN "purpose" TEXT;
