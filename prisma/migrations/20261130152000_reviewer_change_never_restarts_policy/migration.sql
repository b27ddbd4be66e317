-- 002 §29: a cycle never begins again when the reviewer changes, and the policy format now accepts
-- only false for reviewers.changingReviewerRestartsCycle. Nothing ever read a stored true, so a
-- school policy saved with it is set to what Trellis has always done.
UPDATE "schools"
SET "policy" = jsonb_set("policy", '{reviewers,changingReviewerRestartsCycle}', 'false'::jsonb)
WHERE "policy" -> 'reviewers' ->> 'changingReviewerRestartsCycle' = 'true';
