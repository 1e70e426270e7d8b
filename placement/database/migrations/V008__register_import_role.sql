-- V008: who may write the provider register, and operator tokens for importing over the API.
--
-- Why: the register is national; no municipality's credentials may change it. Imports run as
-- placement_register, a login role with exactly what an import needs (write the register, find
-- the placements at affected units, file findings under each municipality's own tenant setting)
-- and no more: not a superuser, NOBYPASSRLS, owns nothing. The service keeps a small pool as
-- that role for the import endpoint, which accepts only operator tokens: credentials of whoever
-- runs the service, not of a municipality, stored as a hash like API tokens.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_register') THEN
        CREATE ROLE placement_register NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO placement_register;
GRANT SELECT ON municipality, schema_migration TO placement_register;
GRANT SELECT, INSERT, UPDATE ON register_snapshot, register_entity, register_change TO placement_register;
GRANT SELECT, INSERT ON register_finding TO placement_register;
GRANT EXECUTE ON FUNCTION current_municipality_id() TO placement_register;
GRANT EXECUTE ON FUNCTION placements_at_units(text[], date) TO placement_register;

CREATE TABLE operator_token (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (btrim(name) <> ''),
    secret_sha256 bytea NOT NULL CHECK (length(secret_sha256) = 32),
    scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['register_import']::text[]),
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CHECK (expires_at > created_at)
);
GRANT SELECT ON operator_token TO placement_service;
