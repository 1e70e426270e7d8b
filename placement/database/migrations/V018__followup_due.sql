-- V018: which municipalities the scan needs to open at all; and policy_value, one definition of
-- a municipality's policy value with its documented default.
--
-- Why: the periodic scan works one municipality per transaction (row-level security scopes each
-- to one), and most municipalities have nothing to recompute on most runs. This function tells,
-- across municipalities, how many placements each has that need their obligations recomputed (the
-- same conditions as followup/store.py's scan: no review yet, facts changed, rules or policy
-- changed, review day come, which for an ended placement includes the day it leaves the scope).
-- Like the register's signals it is owned by placement_crosstenant and returns municipality ids and
-- counts only: no child, no placement.

-- A municipality's value for a policy key, or the documented default: one definition for the
-- service (under row-level security, as the caller) and for the function below.
CREATE FUNCTION policy_value(p_municipality uuid, p_key text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT value FROM municipality_policy WHERE municipality_id = p_municipality AND key = p_key),
        (SELECT value FROM policy_default WHERE key = p_key))
$$;

-- The placements the scan looks at: ongoing, ended within the last year, or ended without a
-- recorded reason (FU14 stays owed until it is recorded). Older endings owe nothing more. (Plain
-- SQL, so the planner inlines it.)
CREATE FUNCTION followup_in_scope(p_end date, p_reason text, p_today date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT p_end IS NULL OR p_end >= p_today - 365 OR p_reason IS NULL
$$;

GRANT SELECT ON followup_review, municipality_policy, policy_default, municipality TO placement_crosstenant;
GRANT CREATE ON SCHEMA public TO placement_crosstenant;

CREATE FUNCTION followup_due(p_rules text, p_today date)
RETURNS TABLE (municipality_id uuid, placements bigint, due bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH basis AS MATERIALIZED (  -- once per municipality, not per placement
        SELECT m.id AS municipality_id,
               p_rules || ' ' || md5(policy_value(m.id, 'followup')::text) AS basis
          FROM municipality m
    ),
    looked_at AS (
        SELECT p.municipality_id,
               followup_in_scope(p.end_date, p.end_reason, p_today) AS in_scope,
               r.placement_id IS NULL OR r.facts_version <> p.followup_version OR r.basis <> b.basis AS changed,
               r.review_on <= p_today AS review_day
          FROM placement p
          JOIN basis b ON b.municipality_id = p.municipality_id
          LEFT JOIN followup_review r ON r.municipality_id = p.municipality_id AND r.placement_id = p.id
    )
    -- In scope: due when changed or on its review day. Out of scope: due on its review day, the day
    -- it left the scope, when the scan forgets its states.
    SELECT municipality_id,
           count(*) FILTER (WHERE in_scope),
           count(*) FILTER (WHERE (in_scope AND changed) OR review_day)
      FROM looked_at
     GROUP BY municipality_id
$$;
ALTER FUNCTION followup_due(text, date) OWNER TO placement_crosstenant;
REVOKE ALL ON FUNCTION followup_due(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION followup_due(text, date) TO placement_service, placement_owner;

REVOKE CREATE ON SCHEMA public FROM placement_crosstenant;
