-- V111: the aktgranskning (EK12): a stratified sample of case files drawn from a stored seed, and
-- the reviewer's findings per file.
--
-- Why: the sampling routine (20 files per unit, stratified by age band, sex and handläggare) must
-- be reproducible: the seed and what was drawn from are kept, so the same draw can be shown again
-- to an auditor. The review records per file what the routine checks (documentation, plans,
-- visits, information to the child); the results are EK12's figures.

CREATE TABLE file_review_sample (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    period_start    date NOT NULL,
    period_end      date NOT NULL,
    per_unit        integer NOT NULL CHECK (per_unit BETWEEN 1 AND 500),
    seed            bigint NOT NULL,
    drawn_by        text NOT NULL,
    drawn_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    CHECK (period_end >= period_start)
);

CREATE TABLE file_review (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    sample_id       uuid NOT NULL,
    placement_id    uuid NOT NULL,
    position        integer NOT NULL,
    unit            text NOT NULL,
    handlaggare     text NOT NULL,
    stratum         text NOT NULL,
    documentation   boolean,
    plans           boolean,
    visits          boolean,
    child_informed  boolean,
    note            text,
    reviewed_by     text,
    reviewed_at     timestamptz,
    PRIMARY KEY (municipality_id, sample_id, placement_id),
    FOREIGN KEY (municipality_id, sample_id) REFERENCES file_review_sample (municipality_id, id),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id),
    CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL)),
    CHECK (reviewed_at IS NULL OR (documentation IS NOT NULL AND plans IS NOT NULL AND visits IS NOT NULL
                                   AND child_informed IS NOT NULL))
);

GRANT SELECT, INSERT ON file_review_sample TO placement_service;
GRANT SELECT, INSERT, UPDATE ON file_review TO placement_service;
SELECT enable_tenant_isolation('file_review_sample');
SELECT enable_tenant_isolation('file_review');
