-- Leavers and reused e-mails: the day a leaver left (retention counts from it) and, for a person
-- whose e-mail was given to a new person, the address they had.
ALTER TABLE "people" ADD COLUMN "left_on" DATE,
ADD COLUMN "released_email" TEXT;
