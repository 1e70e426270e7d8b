-- V004: safe retries, and the acting person's unit in the audit log.
--
-- Why: an integration that retries a POST after a timeout must not create a placement twice.
-- A request with an Idempotency-Key is remembered for 24 hours with a hash of what was asked and
-- the response given, in the same transaction as the work itself; the same key and request
-- returns that response again, the same key with another request is refused.
--
-- The audit log gains the actor's organisational unit, so log review (loggkontroll) can sample
-- per unit and month.

CREATE TABLE idempotency_key (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    subject         text NOT NULL,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_sha256  bytea NOT NULL CHECK (length(request_sha256) = 32),
    response_status integer,
    response_body   jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, subject, key)
);
CREATE INDEX idempotency_key_age_idx ON idempotency_key (municipality_id, created_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO placement_service;

ALTER TABLE idempotency_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_key FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_key
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE audit_event ADD COLUMN actor_unit text;
CREATE INDEX audit_event_unit_idx ON audit_event (municipality_id, actor_unit, occurred_at);
CREATE INDEX audit_event_time_idx ON audit_event (municipality_id, occurred_at, id);
