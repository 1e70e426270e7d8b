-- V120: a decision is taken by an official with delegation or by the nämnd (or its utskott).
--
-- Why: under SoL (2025:400) 30 kap. 6 § and 30 kap. 7 § some decisions (övervägande, omprövning,
-- care in a familjehem or jourhem, LVU care) may not be delegated to an official. Until now a
-- decision always named a staff member as its decision-maker, so nothing could be recorded as the
-- nämnd's, and any official could be named. A nämnd's decision names the meeting (date and
-- paragraph) as its evidence and the person who recorded it; `decided_by` is then empty.
ALTER TABLE decision ALTER COLUMN decided_by DROP NOT NULL;
ALTER TABLE decision
    ADD COLUMN decided_by_namnd boolean NOT NULL DEFAULT false,
    ADD COLUMN namnd_meeting_on date,
    ADD COLUMN namnd_paragraph text,
    ADD COLUMN recorded_by text,
    ADD COLUMN recorded_by_staff_id uuid;
ALTER TABLE decision ADD CONSTRAINT decision_decided_by_someone CHECK (
    (decided_by_namnd AND decided_by IS NULL AND namnd_meeting_on IS NOT NULL
         AND btrim(coalesce(namnd_paragraph, '')) <> '')
    OR (NOT decided_by_namnd AND decided_by IS NOT NULL AND namnd_meeting_on IS NULL
         AND namnd_paragraph IS NULL));
COMMENT ON COLUMN decision.decided_by_namnd IS
    'The nämnd or its utskott took the decision (at namnd_meeting_on, paragraph namnd_paragraph); '
    'recorded_by is who entered it.';

-- A close relative's engagement may be a person (a foster parent) rather than an organisation:
-- the organisation is then not required, the relative's name is.
ALTER TABLE declared_interest DROP CONSTRAINT declared_interest_check;
ALTER TABLE declared_interest ADD CONSTRAINT declared_interest_organisation_named CHECK (
    kind = 'relative_engagement' OR orgnr IS NOT NULL OR organisation_name IS NOT NULL);
