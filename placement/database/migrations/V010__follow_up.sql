-- V010: follow-up of placed children: events, computed obligation states, waivers.
--
-- Why: IVO found placed children not visited, without their social worker's contact details,
-- not told why they were placed, and six-monthly considerations not shown to have happened.
-- What was done is recorded as events (append-only: a correction is a new event naming the one
-- it corrects); what is owed is computed from the placement's facts and events (followup/) and
-- stored by a scan, so a social worker's watch list is instant.

CREATE TABLE placement_event (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    placement_id    uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN (
                        'overvagande', 'omprovning', 'custody_transfer_considered', 'visit',
                        'contact_details_given', 'grounds_explained', 'care_plan', 'implementation_plan',
                        'care_plan_revised', 'health_notification', 'complaint_received', 'complaint_answered',
                        'legal_basis_changed', 'investigation_ended', 'aftercare_follow_up')),
    occurred_on     date NOT NULL,
    staff_id        uuid,
    details         jsonb NOT NULL DEFAULT '{}',
    corrects        uuid,
    recorded_by     text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id),
    FOREIGN KEY (municipality_id, corrects) REFERENCES placement_event (municipality_id, id)
);
CREATE INDEX placement_event_placement_idx ON placement_event (municipality_id, placement_id, occurred_on);

CREATE TABLE obligation_waiver (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    placement_id    uuid NOT NULL,
    code            text NOT NULL CHECK (code ~ '^FU[0-9]{2}$'),
    item            text NOT NULL DEFAULT '',
    due_on          date NOT NULL,
    reason          text NOT NULL CHECK (btrim(reason) <> ''),
    waived_by       text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, placement_id, code, item, due_on),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id)
);

-- Derived: rewritten by every scan of the municipality; state_since says when the state began.
CREATE TABLE obligation_state (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    placement_id    uuid NOT NULL,
    code            text NOT NULL,
    item            text NOT NULL DEFAULT '',
    title           text NOT NULL,
    due_on          date NOT NULL,
    state           text NOT NULL CHECK (state IN ('open', 'due_soon', 'overdue', 'met', 'waived')),
    detail          text NOT NULL DEFAULT '',
    state_since     timestamptz NOT NULL DEFAULT now(),
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, placement_id, code, item),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id)
);
CREATE INDEX obligation_state_watch_idx ON obligation_state (municipality_id, state, due_on);

INSERT INTO policy_default (key, value, description, source) VALUES
    ('followup', '{"due_soon_days": 14, "contact_details_days": 14, "grounds_days": 14, "visits_per_year": 4,
                   "max_visit_gap_months": 6, "implementation_plan_days": 30, "health_notification_days": 30,
                   "complaint_answer_days": 30, "aftercare_days": 30}',
     'Uppföljning av placerade barn: fönster för snart förfallet, dagar för kontaktuppgifter, skäl, planer, '
     'hälsoundersökning och klagomål, besök per år och längsta tid mellan enskilda samtal',
     'Kommunens policy; fyra besök per år och sex månader mellan samtal är Socialstyrelsens vägledning');

GRANT SELECT, INSERT ON placement_event, obligation_waiver TO placement_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON obligation_state TO placement_service;

ALTER TABLE placement_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON placement_event
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE obligation_waiver ENABLE ROW LEVEL SECURITY;
ALTER TABLE obligation_waiver FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON obligation_waiver
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE obligation_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE obligation_state FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON obligation_state
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());
