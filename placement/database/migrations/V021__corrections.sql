-- V021: corrections with history.
--
-- Why: nothing could be corrected except by adding a new record. Children, placements, foster
-- homes, contracts, staff and the municipality's policy values are now corrected in place, and
-- each correction keeps what the record said before and after (only the fields that changed),
-- who changed it and when, in the municipality's own history. Events stay append-only: a
-- retraction is a new event naming the one it withdraws, with the reason.

CREATE TABLE correction (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    object_type     text NOT NULL,
    object_id       text NOT NULL,
    child_id        uuid,
    before          jsonb NOT NULL,
    after           jsonb NOT NULL,
    changed_by      text NOT NULL,
    changed_by_role text,
    request_id      text,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id)
);
CREATE INDEX correction_object_idx ON correction (municipality_id, object_type, object_id, changed_at);
COMMENT ON TABLE correction IS 'What a corrected record said before and after, who changed it and when.';

-- A correction history is never changed.
GRANT SELECT, INSERT ON correction TO placement_service;
ALTER TABLE correction ENABLE ROW LEVEL SECURITY;
ALTER TABLE correction FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON correction
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());

-- A retraction: the event that withdraws the one it names (corrects), and why.
ALTER TABLE placement_event ADD COLUMN retraction_reason text
    CHECK (retraction_reason IS NULL OR btrim(retraction_reason) <> '');
ALTER TABLE placement_event ADD CONSTRAINT placement_event_retraction_names_one
    CHECK (retraction_reason IS NULL OR corrects IS NOT NULL);
-- An event is corrected or retracted once; a later correction names the latest version.
CREATE UNIQUE INDEX placement_event_corrected_once ON placement_event (municipality_id, corrects)
    WHERE corrects IS NOT NULL;

-- A policy value set back to its default is removed from the municipality's own values.
GRANT DELETE ON municipality_policy TO placement_service;
