-- V009: integrity in procurement and placement: declarations of interest, conflict screening,
-- and the municipality's policy values.
--
-- Why: IVO found that municipalities did not check compliance with their own rules on conflicts
-- of interest (jäv) and corruption. Staff declare their interests at least yearly (versioned:
-- every declaration is kept); screening matches staff and their declared relatives against
-- provider officers; a reviewer confirms or dismisses each match, and a dismissed pair stays
-- dismissed until the data behind it changes. Policy values (thresholds, yearly direct-award
-- limits) are the municipality's own, with documented defaults in policy_default: never
-- constants in code.

ALTER TABLE staff ADD COLUMN birth_date date;
ALTER TABLE staff ADD COLUMN personnummer char(12) CHECK (personnummer ~ '^[0-9]{12}$');
CREATE UNIQUE INDEX staff_personnummer_idx ON staff (municipality_id, personnummer) WHERE personnummer IS NOT NULL;

CREATE TABLE declaration (
    municipality_id    uuid NOT NULL REFERENCES municipality (id),
    id                 uuid NOT NULL DEFAULT gen_random_uuid(),
    staff_id           uuid NOT NULL,
    declared_on        date NOT NULL,
    nothing_to_declare boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id)
);
CREATE INDEX declaration_staff_idx ON declaration (municipality_id, staff_id, declared_on);

CREATE TABLE declared_interest (
    municipality_id     uuid NOT NULL REFERENCES municipality (id),
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    declaration_id      uuid NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('ownership', 'board_seat', 'employment', 'assignment',
                                                      'relative_engagement')),
    orgnr               char(10) CHECK (orgnr ~ '^[0-9]{10}$'),
    organisation_name   text,
    person_name         text,
    person_birth_date   date,
    person_personnummer char(12) CHECK (person_personnummer ~ '^[0-9]{12}$'),
    relation            text,
    description         text,
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, declaration_id) REFERENCES declaration (municipality_id, id),
    CHECK (orgnr IS NOT NULL OR organisation_name IS NOT NULL),
    CHECK (kind <> 'relative_engagement' OR person_name IS NOT NULL)
);
CREATE INDEX declared_interest_declaration_idx ON declared_interest (municipality_id, declaration_id);

CREATE TABLE screening_match (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    staff_id        uuid NOT NULL,
    subject         text NOT NULL,      -- 'self', or 'relative:<declared_interest id>'
    subject_name    text NOT NULL,
    provider_orgnr  char(10) NOT NULL,
    officer_key     text NOT NULL,      -- role|name|birth date of the provider officer
    officer_name    text NOT NULL,
    officer_role    text NOT NULL,
    score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    basis           text NOT NULL CHECK (basis IN ('personnummer', 'orgnr', 'name')),
    evidence_sha256 bytea NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
    review_reason   text,
    reviewed_by     uuid,
    reviewed_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, staff_id, subject, provider_orgnr, officer_key),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id),
    FOREIGN KEY (municipality_id, reviewed_by) REFERENCES staff (municipality_id, id),
    CHECK (status = 'open' OR (review_reason IS NOT NULL AND reviewed_at IS NOT NULL))
);
CREATE INDEX screening_match_queue_idx ON screening_match (municipality_id, status, score DESC);

-- Policy: national defaults (documented, with their source) and each municipality's own values.
CREATE TABLE policy_default (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    description text NOT NULL,
    source      text NOT NULL
);
INSERT INTO policy_default (key, value, description, source) VALUES
    ('declaration_max_age_months', '12',
     'Hur gammal en jävs- och bisysslodeklaration får vara för personal i placerings-, besluts- och upphandlingsroller',
     'Kommunens policy; regeringens handlingsplan mot korruption (juli 2024) (vägledning)'),
    ('screening_flag_score', '90',
     'Matchningspoäng från vilken en obekräftad träff ändå flaggas (SV06)', 'Kommunens policy'),
    ('contract_follow_up_months', '12',
     'Standardintervall för avtalsuppföljning när avtalet inte anger annat', 'Kommunens policy; KL 10 kap. 8 §'),
    ('direct_award_limit_sek', '{"2024": 700000, "2025": 700000, "2026": 700000}',
     'Direktupphandlingsgräns per år (kronor). Kontrollera beloppet varje år och ange kommunens egna värden.',
     'LOU 19 a kap.; beloppen är vägledning och ska bekräftas av kommunen');
GRANT SELECT ON policy_default TO placement_service;

CREATE TABLE municipality_policy (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    key             text NOT NULL REFERENCES policy_default (key),
    value           jsonb NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, key)
);

-- Purchases: what a placement costs per day, when known (for purchases without contract, SV05).
ALTER TABLE placement ADD COLUMN daily_cost numeric(12, 2) CHECK (daily_cost IS NULL OR daily_cost >= 0);

GRANT SELECT, INSERT ON declaration, declared_interest TO placement_service;
GRANT SELECT, INSERT, UPDATE ON screening_match, municipality_policy TO placement_service;

ALTER TABLE declaration ENABLE ROW LEVEL SECURITY;
ALTER TABLE declaration FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON declaration
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE declared_interest ENABLE ROW LEVEL SECURITY;
ALTER TABLE declared_interest FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON declared_interest
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE screening_match ENABLE ROW LEVEL SECURITY;
ALTER TABLE screening_match FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON screening_match
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE municipality_policy ENABLE ROW LEVEL SECURITY;
ALTER TABLE municipality_policy FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON municipality_policy
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());
