-- observation.graded and observation.peerObservationsPerYear left the policy format: no code read
-- them (the peer-observation obligation rule is what asks for a peer observation). Stored policies
-- drop them so they still validate against the strict format.
UPDATE "schools"
SET "policy" = "policy" #- '{observation,graded}' #- '{observation,peerObservationsPerYear}'
WHERE "policy" -> 'observation' ?| ARRAY['graded', 'peerObservationsPerYear'];
