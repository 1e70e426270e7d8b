-- V017: the scan recomputes only the placements that need it.
--
-- Why: a placement's obligations change only when its facts change or when a date it depends on
-- arrives. Each placement carries a version of its follow-up facts, raised by the database itself
-- whenever any of them changes (the placement, its decisions, events and waivers, the child's
-- birth date and social workers), so no code path can forget it. The scan remembers, per placement,
-- the version and the basis (rules and policy) it computed from and the first day on which time
-- alone may change the result; it recomputes a placement when any of the three no longer holds.

ALTER TABLE placement ADD COLUMN followup_version bigint NOT NULL DEFAULT 0;

CREATE TABLE followup_review (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    placement_id    uuid NOT NULL,
    facts_version   bigint NOT NULL,
    basis           text NOT NULL,
    review_on       date,  -- NULL: nothing changes with time alone
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, placement_id),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id)
);
COMMENT ON TABLE followup_review IS
    'Derived: what the last computation of a placement''s obligations was based on, and when to redo it.';

-- Any update of a placement raises its version (unless the update is itself the raise).
CREATE FUNCTION followup_placement_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.followup_version = OLD.followup_version THEN
        NEW.followup_version := OLD.followup_version + 1;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER placement_followup_version BEFORE UPDATE ON placement
    FOR EACH ROW EXECUTE FUNCTION followup_placement_changed();

-- Rows naming a placement (events, waivers, decisions): raise those placements, once per statement.
CREATE FUNCTION followup_placements_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placement p SET followup_version = p.followup_version + 1
      FROM (SELECT DISTINCT municipality_id, placement_id FROM touched) t
     WHERE p.municipality_id = t.municipality_id AND p.id = t.placement_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER placement_event_followup AFTER INSERT ON placement_event
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_placements_touched();
CREATE TRIGGER obligation_waiver_followup AFTER INSERT ON obligation_waiver
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_placements_touched();
CREATE TRIGGER decision_insert_followup AFTER INSERT ON decision
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_placements_touched();
CREATE TRIGGER decision_update_followup AFTER UPDATE ON decision
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_placements_touched();

-- Rows naming a child (social worker appointments, the child's own birth date): raise all the
-- child's placements.
CREATE FUNCTION followup_children_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placement p SET followup_version = p.followup_version + 1
      FROM (SELECT DISTINCT municipality_id, child_id FROM touched) t
     WHERE p.municipality_id = t.municipality_id AND p.child_id = t.child_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER assignment_insert_followup AFTER INSERT ON social_worker_assignment
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_children_touched();
CREATE TRIGGER assignment_update_followup AFTER UPDATE ON social_worker_assignment
    REFERENCING NEW TABLE AS touched FOR EACH STATEMENT EXECUTE FUNCTION followup_children_touched();

CREATE FUNCTION followup_child_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placement SET followup_version = followup_version + 1
     WHERE municipality_id = NEW.municipality_id AND child_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER child_followup AFTER UPDATE OF birth_date ON child
    FOR EACH ROW WHEN (OLD.birth_date IS DISTINCT FROM NEW.birth_date)
    EXECUTE FUNCTION followup_child_changed();

GRANT SELECT, INSERT, UPDATE, DELETE ON followup_review TO placement_service;

ALTER TABLE followup_review ENABLE ROW LEVEL SECURITY;
ALTER TABLE followup_review FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON followup_review
    USING (municipality_id = current_municipality_id()) WITH CHECK (municipality_id = current_municipality_id());
