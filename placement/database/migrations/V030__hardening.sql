-- V030: sign-in that trusts only what it should; audit and idempotency that keep their promises.
--
-- Why: (issue #13)
-- * A person signing in with the identity provider was linked to a staff member by e-mail alone,
--   even when the provider said the address was not verified. A staff member is now linked by the
--   provider's stable subject (issuer and sub), recorded at the first sign-in that could be linked
--   (by a verified e-mail); later sign-ins use the subject only.
-- * A replayed request (Idempotency-Key) was logged as a guess from the stored body. The first
--   request's audit accesses are now stored with its idempotency record, so a replay logs exactly
--   what it shows, and can re-check that the caller still reaches those children.
-- * A lookup by personnummer that finds a child (POST /children with a number already registered)
--   is logged as what it is: 'lookup'.

ALTER TABLE staff
    ADD COLUMN idp_issuer  text,
    ADD COLUMN idp_subject text,
    ADD CONSTRAINT staff_idp_subject_complete CHECK ((idp_issuer IS NULL) = (idp_subject IS NULL));
CREATE UNIQUE INDEX staff_idp_subject_idx ON staff (municipality_id, idp_issuer, idp_subject)
    WHERE idp_subject IS NOT NULL;

ALTER TABLE idempotency_key ADD COLUMN accesses jsonb NOT NULL DEFAULT '[]';
CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at);

ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_action_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_action_check
    CHECK (action IN ('read', 'create', 'update', 'lookup'));

-- Idempotency records are kept 24 hours, then purged, across every municipality, by the service
-- (periodically and whenever a key is claimed). Row-level security confines the service to one
-- municipality per transaction, so the purge is a function owned by placement_crosstenant (as in
-- V006) that does exactly one thing and returns only a count.
GRANT SELECT, DELETE ON idempotency_key TO placement_crosstenant;
GRANT CREATE ON SCHEMA public TO placement_crosstenant;
CREATE FUNCTION purge_idempotency_keys() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH purged AS (
        DELETE FROM idempotency_key WHERE created_at < now() - interval '24 hours' RETURNING 1
    )
    SELECT count(*) FROM purged
$$;
ALTER FUNCTION purge_idempotency_keys() OWNER TO placement_crosstenant;
REVOKE CREATE ON SCHEMA public FROM placement_crosstenant;
REVOKE ALL ON FUNCTION purge_idempotency_keys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_idempotency_keys() TO placement_service;
