-- V016: conflict screening against foster parents as well as provider officers.
--
-- Why: a staff member related to a foster parent must not handle or decide that home's
-- placements (FL 16–18 §§). A screening match now names either a provider (organisationsnummer)
-- or one of the municipality's foster homes.

ALTER TABLE screening_match ALTER COLUMN provider_orgnr DROP NOT NULL;
ALTER TABLE screening_match ADD COLUMN foster_home_id uuid;
ALTER TABLE screening_match ADD CONSTRAINT screening_match_counterparty
    CHECK ((provider_orgnr IS NULL) <> (foster_home_id IS NULL));
ALTER TABLE screening_match ADD CONSTRAINT screening_match_foster_home_fkey
    FOREIGN KEY (municipality_id, foster_home_id) REFERENCES foster_home (municipality_id, id);

DO $$
DECLARE
    name text;
BEGIN
    SELECT conname INTO name FROM pg_constraint
     WHERE conrelid = 'screening_match'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE screening_match DROP CONSTRAINT %I', name);
END
$$;
CREATE UNIQUE INDEX screening_match_pair_idx ON screening_match (
    municipality_id, staff_id, subject, (coalesce(provider_orgnr, '')), (coalesce(foster_home_id::text, '')),
    officer_key);
