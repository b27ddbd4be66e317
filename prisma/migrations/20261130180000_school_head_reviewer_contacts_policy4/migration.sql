-- The head's reviewers who are not on the roster (002 §22–24: governors; 003 §6.3: the Chair of
-- the LGB; 004 §9.1: an external school improvement partner), named by the school so Trellis can
-- show who they are: a JSON list of { member, fullName, email }.
ALTER TABLE "schools" ADD COLUMN "head_reviewer_contacts" JSONB NOT NULL DEFAULT '[]';
