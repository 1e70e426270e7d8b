-- V055: the conditions several queries share, each defined once as a SQL function.
--
-- Why: some queries were spliced together from SQL fragments that shared positional placeholders
-- (a register entity "as of" a moment, the follow-up policy and the basis a computation is
-- remembered with), and the follow-up scan's staleness rule existed twice: in followup_due (V018)
-- and in the scan's own query, with a comment asking to change both together. Each is now one
-- function that every query needing it calls with named arguments. Plain SQL functions, so the
-- planner inlines them: the queries run as before.

-- The basis a municipality's follow-up computation is remembered with: the rules' fingerprint and
-- a digest of the municipality's follow-up policy. A different basis makes the scan recompute.
CREATE FUNCTION followup_basis(p_municipality uuid, p_rules text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT p_rules || ' ' || md5(policy_value(p_municipality, 'followup')::text)
$$;

-- Whether the scan must look at a placement today, given whether it is in scope
-- (followup_in_scope, V018), what its last review remembered (NULL: never reviewed), its facts'
-- version now and the basis now. In scope: never reviewed, its facts, the rules or the policy
-- changed since, or its review day has come. Out of scope: its review day has come (the day it
-- left the scope, when the scan forgets its states).
CREATE FUNCTION followup_stale(
    p_in_scope boolean, p_reviewed_version bigint, p_reviewed_basis text, p_review_on date,
    p_version bigint, p_basis text, p_today date
) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_review_on <= p_today, false)
        OR (p_in_scope AND (p_reviewed_version IS NULL OR p_reviewed_version <> p_version
                            OR p_reviewed_basis <> p_basis))
$$;

-- followup_due (V018) with the two functions above: the same counts.
CREATE OR REPLACE FUNCTION followup_due(p_rules text, p_today date)
RETURNS TABLE (municipality_id uuid, placements bigint, due bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH basis AS MATERIALIZED (  -- once per municipality, not per placement
        SELECT m.id AS municipality_id, followup_basis(m.id, p_rules) AS basis FROM municipality m
    ),
    looked_at AS (
        SELECT p.municipality_id,
               followup_in_scope(p.end_date, p.end_reason, p_today) AS in_scope,
               r.facts_version AS reviewed_version, r.basis AS reviewed_basis, r.review_on,
               p.followup_version AS version, b.basis
          FROM placement p
          JOIN basis b ON b.municipality_id = p.municipality_id
          LEFT JOIN followup_review r ON r.municipality_id = p.municipality_id AND r.placement_id = p.id
    )
    SELECT municipality_id,
           count(*) FILTER (WHERE in_scope),
           count(*) FILTER (WHERE followup_stale(in_scope, reviewed_version, reviewed_basis, review_on,
                                                 version, basis, p_today))
      FROM looked_at
     GROUP BY municipality_id
$$;

-- A register entity (a unit, a provider, an intervention) as of a moment, citing the snapshot it
-- came from: no row when the register did not hold it then.
CREATE FUNCTION register_as_of(p_kind text, p_key text, p_at timestamptz)
RETURNS TABLE (payload jsonb, snapshot_id bigint, imported_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT e.payload, f.id, f.imported_at
      FROM register_entity e
      JOIN register_snapshot f ON f.id = e.valid_from_snapshot
      LEFT JOIN register_snapshot t ON t.id = e.valid_to_snapshot
     WHERE e.kind = p_kind AND e.key = p_key
       AND f.imported_at <= p_at
       AND (t.id IS NULL OR t.imported_at > p_at)
$$;
