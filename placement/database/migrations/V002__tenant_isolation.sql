-- V002: tenant isolation enforced by PostgreSQL.
--
-- Why: children's data is confidential (OSL 26 kap. 1 §) and the service holds many
-- municipalities. Isolation must not rest on every query remembering its WHERE clause, so every
-- table holding a municipality's data gets row-level security, forced also on the table owner.
-- A transaction sees only the rows of the municipality it names with
-- set_config('placement.municipality_id', ..., true); with none named it sees nothing.
--
-- The service connects as a member of placement_service, which gets only the privileges the
-- service needs: no DELETE anywhere, and on the audit log only SELECT and INSERT.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'placement_service') THEN
        CREATE ROLE placement_service NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

CREATE FUNCTION current_municipality_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT NULLIF(current_setting('placement.municipality_id', true), '')::uuid
$$;
COMMENT ON FUNCTION current_municipality_id() IS
    'The municipality the current transaction acts for; NULL (so no rows) when none is set.';

GRANT USAGE ON SCHEMA public TO placement_service;
GRANT EXECUTE ON FUNCTION current_municipality_id() TO placement_service;
GRANT SELECT ON municipality TO placement_service;
GRANT SELECT ON schema_migration TO placement_service; -- /ready compares it with the shipped files
GRANT SELECT, INSERT, UPDATE ON staff, child, placement, decision, social_worker_assignment
    TO placement_service;
GRANT SELECT, INSERT ON audit_event TO placement_service;

ALTER TABLE staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE staff FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON staff
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE child ENABLE ROW LEVEL SECURITY;
ALTER TABLE child FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON child
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE placement ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON placement
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE decision FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON decision
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE social_worker_assignment ENABLE ROW LEVEL SECURITY;
ALTER TABLE social_worker_assignment FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON social_worker_assignment
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_event
    USING (municipality_id = current_municipality_id())
    WITH CHECK (municipality_id = current_municipality_id());
