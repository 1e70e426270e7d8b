-- V007: contracts (avtal) with providers, and their follow-ups.
--
-- Why: IVO found that municipalities did not follow up their contracts with private providers of
-- HVB, stödboende and LSS homes (KL 10 kap. 8 §). Each municipality keeps its own contracts: the
-- provider (by organisationsnummer) and the units covered, the kind, validity, price terms and
-- the planned follow-up interval; and each follow-up done: when, by whom, with what result.

CREATE TABLE contract (
    municipality_id          uuid NOT NULL REFERENCES municipality (id),
    id                       uuid NOT NULL DEFAULT gen_random_uuid(),
    provider_orgnr           char(10) NOT NULL CHECK (provider_orgnr ~ '^[0-9]{10}$'),
    unit_codes               text[] NOT NULL DEFAULT '{}',
    kind                     text NOT NULL CHECK (kind IN ('ramavtal', 'direktupphandling', 'individavtal')),
    reference                text,
    valid_from               date NOT NULL,
    valid_to                 date,
    daily_price              numeric(12, 2) CHECK (daily_price IS NULL OR daily_price >= 0),
    price_terms              text,
    follow_up_interval_months integer NOT NULL DEFAULT 12 CHECK (follow_up_interval_months BETWEEN 1 AND 60),
    created_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX contract_provider_idx ON contract (municipality_id, provider_orgnr, valid_from);
CREATE INDEX contract_list_idx ON contract (municipality_id, created_at, id);

CREATE TABLE contract_follow_up (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    contract_id     uuid NOT NULL,
    followed_up_on  date NOT NULL,
    by_staff        uuid NOT NULL,
    result          text NOT NULL CHECK (result IN ('ok', 'deviations', 'terminated')),
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, contract_id) REFERENCES contract (municipality_id, id),
    FOREIGN KEY (municipality_id, by_staff) REFERENCES staff (municipality_id, id)
);
CREATE INDEX contract_follow_up_idx ON contract_follow_up (municipality_id, contract_id, followed_up_on);

GRANT SELECT, INSERT, UPDATE ON contract, contract_follow_up TO placement_service;

ALTER TABLE contract ENABLE ROW LEVEL SECURITY;
ALTER TABLE contract FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contract
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE contract_follow_up ENABLE ROW LEVEL SECURITY;
ALTER TABLE contract_follow_up FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON contract_follow_up
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());
