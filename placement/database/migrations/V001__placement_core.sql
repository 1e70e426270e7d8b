-- V001: the placement core.
--
-- Why: every later part (checks, follow-up, suppliers) hangs off municipalities, their staff, the
-- children they are responsible for, the children's placements and the decisions behind them.
--
-- Tenancy: a municipality (kommun) is a tenant. Every table holding a municipality's data carries
-- municipality_id first in its primary key and in every foreign key, so a row can never point to
-- another municipality's row, and row-level security can key on that one column.
--
-- Vocabulary columns are text with CHECK constraints; the Python enums in placement/vocabulary.py
-- hold the same values (a test compares them).

CREATE TABLE municipality (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kommunkod   char(4) NOT NULL UNIQUE CHECK (kommunkod ~ '^[0-9]{4}$'),
    name        text NOT NULL CHECK (btrim(name) <> ''),
    is_demo     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE municipality IS 'A tenant. is_demo marks the synthetic demo municipality.';

CREATE TABLE staff (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    email           text,
    org_unit        text,
    roles           text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY[
                        'placeringsstod', 'socialsekreterare', 'teamledare',
                        'upphandlare', 'granskare', 'administrator']::text[]),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, email)
);
CREATE INDEX staff_list_idx ON staff (municipality_id, created_at, id);

CREATE TABLE child (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    personnummer    char(12) CHECK (personnummer ~ '^[0-9]{12}$'),
    name            text NOT NULL CHECK (btrim(name) <> ''),
    birth_date      date NOT NULL,
    sex             text NOT NULL CHECK (sex IN ('female', 'male', 'unspecified')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, personnummer)
);
COMMENT ON COLUMN child.personnummer IS 'Twelve digits, no separator. NULL when the child has none yet.';
CREATE INDEX child_list_idx ON child (municipality_id, created_at, id);

CREATE TABLE placement (
    municipality_id   uuid NOT NULL REFERENCES municipality (id),
    id                uuid NOT NULL DEFAULT gen_random_uuid(),
    child_id          uuid NOT NULL,
    form              text NOT NULL CHECK (form IN
                          ('familjehem', 'jourhem', 'hvb', 'stodboende', 'lss_boende', 'sis')),
    legal_basis       text NOT NULL CHECK (legal_basis IN ('sol', 'lvu_2', 'lvu_3', 'lss')),
    home_name         text NOT NULL CHECK (btrim(home_name) <> ''),
    home_kommunkod    char(4) CHECK (home_kommunkod ~ '^[0-9]{4}$'),
    -- The unit (national register) or the foster home (the municipality's own); their tables and
    -- foreign keys arrive with the provider register and the foster-home record.
    unit_id           uuid,
    foster_home_id    uuid,
    start_date        date NOT NULL,
    planned_end_date  date,
    end_date          date,
    end_reason        text CHECK (end_reason IN ('planned', 'move', 'unplanned')),
    end_reason_note   text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, child_id) REFERENCES child (municipality_id, id),
    CHECK (planned_end_date IS NULL OR planned_end_date >= start_date),
    CHECK (end_date IS NULL OR end_date >= start_date),
    -- A reason belongs to an ending; an ending without a reason is allowed (and is finding FU14).
    CHECK (end_reason IS NULL OR end_date IS NOT NULL),
    CHECK (unit_id IS NULL OR foster_home_id IS NULL)
);
COMMENT ON COLUMN placement.home_kommunkod IS 'Municipality where the home lies; differs from the tenant for placements in another municipality.';
CREATE INDEX placement_child_idx ON placement (municipality_id, child_id, start_date);
CREATE INDEX placement_list_idx ON placement (municipality_id, created_at, id);

-- A child is in at most one placement on any day. The embedded server ships without btree_gist,
-- so the rule is a trigger that locks the child's row (serialising concurrent writers) and looks
-- for an overlapping placement.
CREATE FUNCTION placement_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM child
     WHERE municipality_id = NEW.municipality_id AND id = NEW.child_id
       FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM placement p
         WHERE p.municipality_id = NEW.municipality_id
           AND p.child_id = NEW.child_id
           AND p.id <> NEW.id
           AND daterange(p.start_date, p.end_date, '[]')
               && daterange(NEW.start_date, NEW.end_date, '[]')
    ) THEN
        RAISE EXCEPTION 'placement overlaps another placement of the same child'
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'placement_no_overlap';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER placement_no_overlap
    BEFORE INSERT OR UPDATE OF child_id, start_date, end_date ON placement
    FOR EACH ROW EXECUTE FUNCTION placement_no_overlap();

CREATE TABLE decision (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    placement_id    uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN (
                        'placement_sol', 'placement_lvu', 'immediate_custody_lvu', 'lss_housing',
                        'overvagande', 'omprovning', 'extension', 'termination')),
    decided_on      date NOT NULL,
    decided_by      uuid NOT NULL,
    valid_from      date NOT NULL,
    valid_to        date,
    urgent          boolean NOT NULL DEFAULT false,
    urgent_reason   text,
    note            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, placement_id) REFERENCES placement (municipality_id, id),
    FOREIGN KEY (municipality_id, decided_by) REFERENCES staff (municipality_id, id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (NOT urgent OR btrim(coalesce(urgent_reason, '')) <> '')
);
CREATE INDEX decision_placement_idx ON decision (municipality_id, placement_id, decided_on);
CREATE INDEX decision_decided_by_idx ON decision (municipality_id, decided_by);

-- The child's responsible social worker (ansvarig socialsekreterare) over time. At most one open
-- assignment per child; assigning a new one closes the previous.
CREATE TABLE social_worker_assignment (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    child_id        uuid NOT NULL,
    staff_id        uuid NOT NULL,
    assigned_from   date NOT NULL,
    assigned_to     date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    FOREIGN KEY (municipality_id, child_id) REFERENCES child (municipality_id, id),
    FOREIGN KEY (municipality_id, staff_id) REFERENCES staff (municipality_id, id),
    CHECK (assigned_to IS NULL OR assigned_to >= assigned_from)
);
CREATE UNIQUE INDEX social_worker_assignment_open_idx
    ON social_worker_assignment (municipality_id, child_id) WHERE assigned_to IS NULL;
CREATE INDEX social_worker_assignment_staff_idx ON social_worker_assignment (municipality_id, staff_id);

-- Every read and write of a child's data leaves a row here, in the same transaction as the access.
CREATE TABLE audit_event (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    actor_role      text,
    action          text NOT NULL CHECK (action IN ('read', 'create', 'update')),
    object_type     text NOT NULL,
    object_id       uuid,
    child_id        uuid,
    request_id      text,
    PRIMARY KEY (municipality_id, id)
);
CREATE INDEX audit_event_child_idx ON audit_event (municipality_id, child_id, occurred_at);
CREATE INDEX audit_event_actor_idx ON audit_event (municipality_id, actor, occurred_at);
