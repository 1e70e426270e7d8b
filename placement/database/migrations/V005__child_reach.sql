-- V005: need-to-know within a municipality.
--
-- Why: a social worker writes to their own caseload and a unit lead reads their unit; only
-- placement support, auditors and integrations reach every child of the municipality. The
-- rule is one SQL function so every repository query applies it the same way (placement/reach.py
-- explains the reaches). A child with no responsible social worker is within every reach.

CREATE FUNCTION child_in_reach(p_municipality uuid, p_child uuid, p_reach text, p_staff uuid, p_unit text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_reach = 'all' OR NOT EXISTS (
        SELECT 1
          FROM social_worker_assignment a
          JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
         WHERE a.municipality_id = p_municipality
           AND a.child_id = p_child
           AND a.assigned_to IS NULL
           AND a.staff_id IS DISTINCT FROM p_staff
           AND NOT (p_reach = 'unit' AND p_unit IS NOT NULL AND s.org_unit = p_unit)
    )
$$;
COMMENT ON FUNCTION child_in_reach(uuid, uuid, text, uuid, text) IS
    'Whether a child is within a person''s reach: all, their unit''s or their own caseload.';
GRANT EXECUTE ON FUNCTION child_in_reach(uuid, uuid, text, uuid, text) TO placement_service;
