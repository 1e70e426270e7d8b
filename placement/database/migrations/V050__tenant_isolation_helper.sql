-- V050: enable_tenant_isolation(table), one statement that isolates a new table by municipality.
--
-- Why: ten migrations repeat the same block (ENABLE and FORCE row-level security and the
-- tenant_isolation policy on municipality_id) for each table holding a municipality's data; a
-- table that misses one line of it is readable across municipalities. A migration that adds such
-- a table from now on calls
--
--     SELECT enable_tenant_isolation('the_new_table');
--
-- right after CREATE TABLE (and its GRANTs to placement_service). The tables that exist already
-- keep the policies their own migrations created: applied migrations are never edited, and the
-- policy this function creates is the same one (tests/database/test_isolation.py compares them).
--
-- The table must have a municipality_id uuid column. The function is not SECURITY DEFINER: it
-- runs with the rights of the caller, which must own the table (the migrations run as
-- placement_owner); nobody else may execute it.

CREATE FUNCTION enable_tenant_isolation(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_attribute
         WHERE attrelid = p_table AND attname = 'municipality_id' AND NOT attisdropped
           AND atttypid = 'uuid'::regtype
    ) THEN
        RAISE EXCEPTION 'table % has no municipality_id uuid column to isolate by', p_table;
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    EXECUTE format(
        'CREATE POLICY tenant_isolation ON %s'
        ' USING (municipality_id = current_municipality_id())'
        ' WITH CHECK (municipality_id = current_municipality_id())',
        p_table);
END
$$;
COMMENT ON FUNCTION enable_tenant_isolation(regclass) IS
    'Enables and forces row-level security on a table and creates the standard tenant_isolation '
    'policy (municipality_id = current_municipality_id()). Call it in the migration that creates '
    'a table holding a municipality''s data.';
REVOKE EXECUTE ON FUNCTION enable_tenant_isolation(regclass) FROM PUBLIC;
