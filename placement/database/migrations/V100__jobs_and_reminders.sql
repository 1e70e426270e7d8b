-- V100: a job queue in PostgreSQL, and what reminders need: each person's choice, the reminders sent.
--
-- Why: obligations are only met if someone is reminded (issue #19). Mail leaves the service's
-- process and may fail, so it is work for a queue: retried with backoff, visible when it fails,
-- never lost when an instance dies, never done twice by two instances.
--
-- The queue (job) is the service's own, not a municipality's: a job names what to do and, at
-- most, a municipality's id; never a child. Workers claim a job with FOR UPDATE SKIP LOCKED and
-- hold it by a lease (locked_until): a worker that dies leaves its job to be claimed again when
-- the lease runs out. dedupe_key makes enqueueing the same work twice a no-op while it waits.
--
-- reminder_preference is each person's choice (weekly, daily, off) and the hash of their calendar
-- feed's secret; reminder_sent records a reminder before it is sent, in the transaction that
-- sends it, so a second instance waits on the row and then skips it, and a failed send leaves no
-- record and is tried again.

CREATE TABLE job (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
    payload       jsonb NOT NULL DEFAULT '{}',
    dedupe_key    text,
    state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    run_after     timestamptz NOT NULL DEFAULT now(),
    locked_by     text,
    locked_until  timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- One waiting or running job per key; a done or failed one does not block the next.
CREATE UNIQUE INDEX job_dedupe_idx ON job (dedupe_key) WHERE state IN ('queued', 'running');
CREATE INDEX job_key_idx ON job (dedupe_key);
CREATE INDEX job_ready_idx ON job (run_after) WHERE state IN ('queued', 'running');
CREATE INDEX job_failed_idx ON job (finished_at) WHERE state = 'failed';

GRANT SELECT, INSERT, UPDATE, DELETE ON job TO placement_service;

CREATE TABLE reminder_preference (
    municipality_id       uuid NOT NULL REFERENCES municipality (id),
    staff_id              uuid NOT NULL,
    frequency             text NOT NULL DEFAULT 'weekly' CHECK (frequency IN ('weekly', 'daily', 'off')),
    calendar_secret_hash  bytea,
    updated_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, staff_id),
    UNIQUE (municipality_id, calendar_secret_hash),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id)
);
GRANT SELECT, INSERT, UPDATE ON reminder_preference TO placement_service;
SELECT enable_tenant_isolation('reminder_preference');

CREATE TABLE reminder_sent (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    staff_id        uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('digest', 'escalation', 'register_finding')),
    period          text NOT NULL,
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, staff_id, kind, period),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id)
);
GRANT SELECT, INSERT ON reminder_sent TO placement_service;
SELECT enable_tenant_isolation('reminder_sent');

INSERT INTO policy_default (key, value, description, source) VALUES
    ('reminders', '{"escalation_days": 7}',
     'Påminnelser: dagar en skyldighet får vara försenad innan teamledaren får den i sitt utskick',
     'Kommunens policy');
