-- V014: foster parents, and the one thing shared about them across municipalities.
--
-- Why: a foster home that takes children from several municipalities may be run as a business
-- (PP12), but no municipality may learn another's placements or foster parents. Each municipality
-- publishes only a keyed hash (HMAC with the service's identity key) of each foster parent's
-- identity, a keyed hash of itself, and a count of its active placements there. Counting the
-- distinct municipality hashes for a parent answers "how many municipalities place here" and
-- nothing else: without the key the hashes cannot be linked to a person or a municipality.

CREATE TABLE foster_parent (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    foster_home_id  uuid NOT NULL,
    name            text NOT NULL CHECK (btrim(name) <> ''),
    birth_date      date,
    personnummer    char(12) CHECK (personnummer ~ '^[0-9]{12}$'),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, foster_home_id) REFERENCES foster_home (municipality_id, id)
);
CREATE INDEX foster_parent_home_idx ON foster_parent (municipality_id, foster_home_id);

CREATE TABLE foster_identity_use (
    identity_hash     bytea NOT NULL CHECK (length(identity_hash) = 32),
    municipality_hash bytea NOT NULL CHECK (length(municipality_hash) = 32),
    active_placements integer NOT NULL CHECK (active_placements >= 0),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (identity_hash, municipality_hash)
);

GRANT SELECT, INSERT ON foster_parent TO placement_service;
GRANT SELECT, INSERT, UPDATE ON foster_identity_use TO placement_service;

ALTER TABLE foster_parent ENABLE ROW LEVEL SECURITY;
ALTER TABLE foster_parent FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON foster_parent
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());
