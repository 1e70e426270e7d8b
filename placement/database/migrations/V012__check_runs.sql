-- V012: pre-placement check runs, foster homes and the delegation order.
--
-- Why: IVO found placements made without checking the home's permit, target group, the foster
-- home's investigation, or who may decide. A check run records what was checked, what the
-- registers said (snapshot ids), what was found and the verdict, and is never changed afterwards;
-- acknowledging a warning or overriding a block is a separate record (who, role, why). A placement
-- decision needs a recent run with nothing left open. Foster homes are the municipality's own
-- record; the delegation order says who may take which decision.

CREATE TABLE foster_home (
    municipality_id         uuid NOT NULL REFERENCES municipality (id),
    id                      uuid NOT NULL DEFAULT gen_random_uuid(),
    name                    text NOT NULL CHECK (btrim(name) <> ''),
    kind                    text NOT NULL CHECK (kind IN ('familjehem', 'jourhem')),
    investigated_on         date,
    approved_on             date,
    approved_by             text,
    belastningsregister_on  date,
    misstankeregister_on    date,
    socialregister_on       date,
    company_orgnr           char(10) CHECK (company_orgnr ~ '^[0-9]{10}$'),
    created_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id)
);
CREATE INDEX foster_home_list_idx ON foster_home (municipality_id, created_at, id);

CREATE TABLE delegation_rule (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    decision_kind   text NOT NULL CHECK (decision_kind IN (
                        'placement_sol', 'placement_lvu', 'immediate_custody_lvu', 'lss_housing',
                        'overvagande', 'omprovning', 'extension', 'termination')),
    role            text CHECK (role IN ('placeringsstod', 'socialsekreterare', 'teamledare', 'upphandlare',
                                         'granskare', 'administrator')),
    staff_id        uuid,
    org_unit        text,
    granted_by      text NOT NULL,
    reported_to_namnd boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id),
    CHECK ((role IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX delegation_rule_kind_idx ON delegation_rule (municipality_id, decision_kind);

CREATE TABLE placement_check (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    child_id        uuid NOT NULL,
    form            text NOT NULL,
    unit_code       text,
    foster_home_id  uuid,
    request         jsonb NOT NULL,
    facts           jsonb NOT NULL,
    findings        jsonb NOT NULL,
    verdict         text NOT NULL CHECK (verdict IN ('block', 'warn', 'pass')),
    run_by          text NOT NULL,
    run_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, child_id) REFERENCES child (municipality_id, id)
);
CREATE INDEX placement_check_child_idx ON placement_check (municipality_id, child_id, run_at);

CREATE TABLE check_resolution (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    check_id        uuid NOT NULL,
    finding_index   integer NOT NULL CHECK (finding_index >= 0),
    action          text NOT NULL CHECK (action IN ('acknowledge', 'override')),
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    by_name         text NOT NULL,
    by_role         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, check_id, finding_index),
    FOREIGN KEY (municipality_id, check_id) REFERENCES placement_check (municipality_id, id)
);

ALTER TABLE placement ADD CONSTRAINT placement_foster_home_fkey
    FOREIGN KEY (municipality_id, foster_home_id) REFERENCES foster_home (municipality_id, id);

-- Checks are immutable: the service may add runs and resolutions, never change or remove them.
GRANT SELECT, INSERT ON placement_check, check_resolution TO placement_service;
GRANT SELECT, INSERT, UPDATE ON foster_home, delegation_rule TO placement_service;

ALTER TABLE foster_home ENABLE ROW LEVEL SECURITY;
ALTER TABLE foster_home FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON foster_home
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE delegation_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE delegation_rule FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delegation_rule
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE placement_check ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_check FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON placement_check
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE check_resolution ENABLE ROW LEVEL SECURITY;
ALTER TABLE check_resolution FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON check_resolution
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());
