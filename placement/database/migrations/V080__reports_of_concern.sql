-- V080: reports of concern (orosanmälningar) and the steps that follow them (issue #20).
--
-- Why: IVO found that the municipality did not always decide within 14 days whether to open an
-- investigation, finish it within four months, or make sure it was finished when the child moved;
-- the auditors found skyddsbedömningar missing or undated and decisions taken by social workers
-- the delegation order did not allow. Nothing in the service held this stage.
--
-- A report (concern_report) belongs to one child and one municipality. What follows it is a list
-- of steps (concern_step), append-only: a step's details are JSON validated by the API's models
-- (placement/repositories/concerns.py), and a later step of the same kind corrects an earlier one.
-- The rules CH01-CH08 (followup/concern_rules/) read the steps; nothing is derived in SQL except
-- whether a decision's maker was authorised by the delegation order (CH05), which is a question
-- about the order as it stood when the step was recorded and is answered once, at that moment.

CREATE TABLE concern_report (
    municipality_id     uuid NOT NULL REFERENCES municipality (id),
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    child_id            uuid NOT NULL,
    received_at         timestamptz NOT NULL,
    received_on         date NOT NULL,  -- the Swedish calendar day of received_at; deadlines count from it
    kind                text NOT NULL CHECK (kind IN ('report', 'other_information')),
    reporter_kind       text NOT NULL CHECK (reporter_kind IN (
                            'school', 'preschool', 'health_care', 'police', 'social_services',
                            'other_authority', 'private_person', 'relative', 'child', 'anonymous')),
    feedback_requested  boolean NOT NULL DEFAULT false,
    reason              text NOT NULL CHECK (btrim(reason) <> ''),
    concerns_violence   boolean NOT NULL DEFAULT false,
    concerns_crime      boolean NOT NULL DEFAULT false,
    reception_unit      text,  -- the unit that received it (the mottagning); never changes
    org_unit            text,  -- the unit handling it (the mottagning, then an utredning unit)
    -- The day the case closed (a decision not to investigate, or the investigation's end); the
    -- watch list keeps a closed report for 30 days (feedback to the reporter may still be due).
    closed_on           date,
    registered_by       text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, child_id) REFERENCES child (municipality_id, id)
);
CREATE INDEX concern_report_child_idx ON concern_report (municipality_id, child_id, received_on);
CREATE INDEX concern_report_received_idx ON concern_report (municipality_id, received_on);
CREATE INDEX concern_report_watch_idx ON concern_report (municipality_id, org_unit, closed_on);
GRANT SELECT, INSERT, UPDATE ON concern_report TO placement_service;
SELECT enable_tenant_isolation('concern_report');

CREATE TABLE concern_step (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    report_id       uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN (
                        'protection', 'preliminary', 'preliminary_extension', 'investigation_start',
                        'investigation_progress', 'investigation_extension', 'investigation_end',
                        'moved', 'transfer', 'feedback', 'risk_assessment', 'police_report')),
    details         jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
    decided_by      uuid,
    -- For a decision: whether the delegation order authorised decided_by when it was recorded.
    authorised      boolean,
    recorded_by     text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, report_id) REFERENCES concern_report (municipality_id, id),
    FOREIGN KEY (municipality_id, decided_by) REFERENCES staff (municipality_id, id),
    CHECK (authorised IS NULL OR decided_by IS NOT NULL)
);
CREATE INDEX concern_step_report_idx ON concern_step (municipality_id, report_id, recorded_at);
GRANT SELECT, INSERT ON concern_step TO placement_service;
SELECT enable_tenant_isolation('concern_step');

-- The delegation order governs this stage's decisions too (CH05), and records whether a rule is a
-- sub-delegation (vidaredelegation): one counts only once it was reported to the nämnd.
ALTER TABLE delegation_rule DROP CONSTRAINT delegation_rule_decision_kind_check;
ALTER TABLE delegation_rule ADD CONSTRAINT delegation_rule_decision_kind_check CHECK (decision_kind IN (
    'placement_sol', 'placement_lvu', 'immediate_custody_lvu', 'lss_housing', 'overvagande', 'omprovning',
    'extension', 'termination', 'placement_foster_home_permanent', 'medgivande',
    'concern_preliminary', 'concern_preliminary_extension', 'concern_investigation_extension',
    'concern_investigation_outcome'));
ALTER TABLE delegation_rule ADD COLUMN sub_delegated boolean NOT NULL DEFAULT false;

-- Whether the delegation order lets a staff member take a decision of a kind: a rule naming them,
-- or their role (in the rule's unit, if it names one); a sub-delegation only once reported.
CREATE FUNCTION delegation_authorises(p_municipality uuid, p_kind text, p_staff uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM delegation_rule r JOIN staff s
          ON s.municipality_id = r.municipality_id AND s.id = p_staff
         WHERE r.municipality_id = p_municipality AND r.decision_kind = p_kind
           AND (r.staff_id = p_staff
                OR (r.role = ANY (s.roles) AND (r.org_unit IS NULL OR r.org_unit = s.org_unit)))
           AND (NOT r.sub_delegated OR r.reported_to_namnd))
$$;
GRANT EXECUTE ON FUNCTION delegation_authorises(uuid, text, uuid) TO placement_service;

-- A placement decision links back to the investigation that led to it (CH08).
ALTER TABLE decision ADD COLUMN concern_report_id uuid;
ALTER TABLE decision ADD CONSTRAINT decision_concern_report_fk
    FOREIGN KEY (municipality_id, concern_report_id) REFERENCES concern_report (municipality_id, id);
GRANT UPDATE (concern_report_id) ON decision TO placement_service;

INSERT INTO policy_default (key, value, description, source) VALUES
    ('concerns', '{"protection_days": 1, "due_soon_days": 3, "concerned_told_days": 7, "feedback_days": 7,
                   "transfer_answer_months": 1, "target_protection_percent": 100,
                   "target_preliminary_percent": 70, "target_investigation_percent": 75}',
     'Anmälningar om oro för barn: dagar till skyddsbedömning (0 samma dag, 1 senast nästa dag), '
     'fönster för snart förfallet, dagar att underrätta de berörda och att återkoppla till anmälaren, '
     'månader att vänta på svar om överflyttning, och nämndens mål i procent för skyddsbedömningar, '
     'förhandsbedömningar och utredningar i tid',
     'Kommunens policy; skyddsbedömning samma dag eller senast nästa är vägledning (lagen säger genast); '
     '14 dagar, fyra månader, en vecka och en månad är lag');
