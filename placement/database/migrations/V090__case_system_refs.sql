-- V090: the case system's own ids of imported rows (onboarding import, issue #18).
--
-- Why: a municipality that starts using the service brings its children, placements, decisions,
-- responsible social workers, past events and staff from its case system (Viva, Lifecare,
-- Treserva, Procapita). Each row carries the case system's id; importing the same file again must
-- change nothing, and a changed row must change its object, not add a second one. This table maps
-- (kind, case system id) to our object and keeps a fingerprint of the row as last imported, so a
-- dry run can say created / changed / unchanged without comparing every column.
--
-- One table for every kind keeps the core tables as they are. A municipality's data: isolated.

CREATE TABLE case_system_ref (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    kind            text NOT NULL CHECK (kind IN
                        ('staff', 'child', 'placement', 'decision', 'assignment', 'event')),
    case_id         text NOT NULL CHECK (btrim(case_id) <> '' AND length(case_id) <= 100),
    object_id       uuid NOT NULL,
    fingerprint     text NOT NULL,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, kind, case_id),
    UNIQUE (municipality_id, kind, object_id)
);
COMMENT ON TABLE case_system_ref IS
    'The case system''s id of an imported row, the object it became, and a SHA-256 of the row as last imported.';

GRANT SELECT, INSERT, UPDATE ON case_system_ref TO placement_service;
SELECT enable_tenant_isolation('case_system_ref');
