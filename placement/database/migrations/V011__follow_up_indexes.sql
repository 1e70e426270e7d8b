-- V011: what makes the obligation scan fast.
--
-- Why: the scan gathers each municipality's facts in a few set-based queries; without these
-- indexes it read every assignment and every correction of the municipality once per query. And
-- obligation_state is derived data rewritten by every scan: checking its foreign key on every
-- row cost more than the rest of the write, and a placement is never deleted.

CREATE INDEX social_worker_assignment_child_idx ON social_worker_assignment (municipality_id, child_id);
CREATE INDEX placement_event_corrects_idx ON placement_event (municipality_id, corrects) WHERE corrects IS NOT NULL;

ALTER TABLE obligation_state DROP CONSTRAINT obligation_state_municipality_id_placement_id_fkey;
