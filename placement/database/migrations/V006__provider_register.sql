-- V006: the provider register: IVO units and permits, interventions, companies and officers.
--
-- Why: pre-placement checks and follow-up stand on what the registers said, on a known date. The
-- registers are national data shared by every municipality. Each import is a dated snapshot; every
-- register entity is kept as versions, each valid from the snapshot that introduced it until the
-- snapshot that replaced or removed it, so for any unit and date the service can say what the
-- register said then, and a check run can cite the snapshot it used.
--
-- Entities are stored generically (kind, key, payload) because the merge, the history and the
-- diff are the same for all of them; the payload's shape is the pydantic record of its kind
-- (suppliers/records.py). Readable by the service; written only by the register import, which
-- runs as the owner.
--
-- Changes between snapshots are kept as events, and turned into findings (SV01-SV03, SV08,
-- SV09) for exactly the municipalities with children placed at the unit now. Finding which
-- municipalities those are needs a look across municipalities; that is done by two SECURITY
-- DEFINER functions owned by placement_crosstenant (a BYPASSRLS role without login) that return
-- ids and counts only.

CREATE TABLE register_snapshot (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('ivo', 'companies')),
    origin        text NOT NULL,
    imported_at   timestamptz NOT NULL DEFAULT now(),
    etag          text,
    last_modified text,
    content_sha256 bytea NOT NULL,
    record_count  integer NOT NULL,
    change_count  integer NOT NULL DEFAULT 0
);
CREATE INDEX register_snapshot_source_idx ON register_snapshot (source, imported_at);

CREATE TABLE register_entity (
    kind            text NOT NULL CHECK (kind IN ('unit', 'provider', 'intervention')),
    key             text NOT NULL,
    payload         jsonb NOT NULL,
    content_sha256  bytea NOT NULL,
    valid_from_snapshot bigint NOT NULL REFERENCES register_snapshot (id),
    valid_to_snapshot   bigint REFERENCES register_snapshot (id),
    PRIMARY KEY (kind, key, valid_from_snapshot)
);
CREATE UNIQUE INDEX register_entity_current_idx ON register_entity (kind, key) WHERE valid_to_snapshot IS NULL;
CREATE INDEX register_entity_unit_provider_idx
    ON register_entity ((payload ->> 'provider_orgnr')) WHERE kind = 'unit' AND valid_to_snapshot IS NULL;

CREATE TABLE register_change (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    snapshot_id  bigint NOT NULL REFERENCES register_snapshot (id),
    kind         text NOT NULL,
    entity_kind  text NOT NULL,
    entity_key   text NOT NULL,
    unit_codes   text[] NOT NULL DEFAULT '{}',
    summary      text NOT NULL,
    before       jsonb,
    after        jsonb
);
CREATE INDEX register_change_snapshot_idx ON register_change (snapshot_id);

-- Placements name their unit by the register's unit code.
ALTER TABLE placement ADD COLUMN unit_code text;
CREATE INDEX placement_unit_idx ON placement (unit_code, municipality_id) WHERE unit_code IS NOT NULL;

-- Findings from register changes, per municipality, naming the affected placements.
CREATE TABLE register_finding (
    municipality_id uuid NOT NULL REFERENCES municipality (id),
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    code            text NOT NULL CHECK (code IN ('SV01', 'SV02', 'SV03', 'SV08', 'SV09')),
    change_id       bigint NOT NULL REFERENCES register_change (id),
    unit_code       text NOT NULL,
    placement_ids   uuid[] NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (municipality_id, id),
    UNIQUE (municipality_id, change_id, unit_code)
);
CREATE INDEX register_finding_list_idx ON register_finding (municipality_id, created_at, id);

ALTER TABLE register_finding ENABLE ROW LEVEL SECURITY;
ALTER TABLE register_finding FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON register_finding
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

GRANT SELECT ON register_snapshot, register_entity, register_change TO placement_service;
GRANT SELECT ON register_finding TO placement_service;

-- The look across municipalities: ids and counts, nothing else. (A function's new owner needs
-- CREATE on its schema for the hand-over; it is taken back right after.)
GRANT SELECT ON placement TO placement_crosstenant;
GRANT CREATE ON SCHEMA public TO placement_crosstenant;

CREATE FUNCTION placements_at_units(p_unit_codes text[], p_on date)
RETURNS TABLE (municipality_id uuid, placement_id uuid, unit_code text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT p.municipality_id, p.id, p.unit_code
      FROM placement p
     WHERE p.unit_code = ANY (p_unit_codes)
       AND p.start_date <= p_on AND (p.end_date IS NULL OR p.end_date >= p_on)
$$;
ALTER FUNCTION placements_at_units(text[], date) OWNER TO placement_crosstenant;
REVOKE ALL ON FUNCTION placements_at_units(text[], date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION placements_at_units(text[], date) TO placement_owner;

CREATE FUNCTION unit_signals(p_unit_codes text[], p_on date)
RETURNS TABLE (unit_code text, active_placements bigint, moves_12m bigint, unplanned_endings_12m bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.code,
           count(*) FILTER (WHERE p.start_date <= p_on AND (p.end_date IS NULL OR p.end_date >= p_on)),
           count(*) FILTER (WHERE p.end_reason = 'move' AND p.end_date > p_on - 365 AND p.end_date <= p_on),
           count(*) FILTER (WHERE p.end_reason = 'unplanned' AND p.end_date > p_on - 365 AND p.end_date <= p_on)
      FROM unnest(p_unit_codes) AS u(code)
      LEFT JOIN placement p ON p.unit_code = u.code
     GROUP BY u.code
$$;
ALTER FUNCTION unit_signals(text[], date) OWNER TO placement_crosstenant;
REVOKE ALL ON FUNCTION unit_signals(text[], date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unit_signals(text[], date) TO placement_service, placement_owner;

REVOKE CREATE ON SCHEMA public FROM placement_crosstenant;
