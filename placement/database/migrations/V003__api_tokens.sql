-- V003: API tokens for integrations (a case system pushing placements).
--
-- Why: an integration signs in without a person's identity provider. A token is random, shown
-- once, and stored only as a SHA-256 hash; it belongs to one municipality and carries roles and
-- an expiry; it can be revoked. The token itself names its municipality (pk_<kommunkod>_...), so
-- sign-in can set the tenant first and read the token under row-level security like any other
-- municipality data.

CREATE TABLE api_token (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    secret_sha256   bytea NOT NULL CHECK (length(secret_sha256) = 32),
    roles           text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[
                        'placeringsstod', 'socialsekreterare', 'teamledare',
                        'upphandlare', 'granskare', 'administrator']::text[]),
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    PRIMARY KEY (municipality_id, id),
    CHECK (expires_at > created_at)
);

GRANT SELECT ON api_token TO placement_service;

ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_token FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_token
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());
