-- V020: the decision gate holds.
--
-- Why: a placement decision may rest only on a check that is still true when the decision is
-- recorded. A run now records a fingerprint of the facts it relied on (one hash per kind of fact:
-- register record, provider, foster home, child, conflicts, delegation, contracts, policy), a
-- decision names the run it relies on, and an override of a block records both the person who
-- overrode it and the person the finding concerns. A register change touching a planned
-- placement (decided, not yet started) concerns its municipality as much as an active one. The
-- periodic scan stores when it last succeeded, so readiness can say when it has gone stale.

ALTER TABLE placement_check ADD COLUMN fingerprint jsonb NOT NULL DEFAULT '{}';
COMMENT ON COLUMN placement_check.fingerprint IS
    'Per kind of fact, a SHA-256 of what the run relied on; recomputed when a decision cites the run.';

ALTER TABLE decision ADD COLUMN check_id uuid;
ALTER TABLE decision ADD CONSTRAINT decision_check_fkey
    FOREIGN KEY (municipality_id, check_id) REFERENCES placement_check (municipality_id, id);
CREATE INDEX decision_check_idx ON decision (municipality_id, check_id) WHERE check_id IS NOT NULL;

ALTER TABLE check_resolution ADD COLUMN by_staff_id uuid;
ALTER TABLE check_resolution ADD COLUMN concerns_staff_id uuid;
ALTER TABLE check_resolution ADD CONSTRAINT check_resolution_by_staff_fkey
    FOREIGN KEY (municipality_id, by_staff_id) REFERENCES staff (municipality_id, id);
ALTER TABLE check_resolution ADD CONSTRAINT check_resolution_concerns_staff_fkey
    FOREIGN KEY (municipality_id, concerns_staff_id) REFERENCES staff (municipality_id, id);
-- Nobody clears a finding about themselves.
ALTER TABLE check_resolution ADD CONSTRAINT check_resolution_not_own
    CHECK (by_staff_id IS NULL OR concerns_staff_id IS NULL OR by_staff_id <> concerns_staff_id);

-- Placements at units: the ones going on and the planned ones (not started, not ended).
CREATE OR REPLACE FUNCTION placements_at_units(p_unit_codes text[], p_on date)
RETURNS TABLE (municipality_id uuid, placement_id uuid, unit_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT p.municipality_id, p.id, p.unit_code
      FROM placement p
     WHERE p.unit_code = ANY (p_unit_codes)
       AND (p.end_date IS NULL OR p.end_date >= p_on)
$$;

-- The periodic scan's health: not any municipality's data, one row.
CREATE TABLE scan_status (
    singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_success_at  timestamptz,
    last_failure_at  timestamptz,
    failed_municipalities integer NOT NULL DEFAULT 0
);
INSERT INTO scan_status DEFAULT VALUES;
GRANT SELECT, INSERT, UPDATE ON scan_status TO placement_service;
