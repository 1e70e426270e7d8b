-- V041: register extracts per person in a foster home, where the home lies, and all of a unit's
-- endings in the last 12 months.
--
-- Why: SoF (2025:468) 3 kap. 3 § requires extracts from belastningsregistret and
-- misstankeregistret for each person the nämnd means to engage for the care, before the child is
-- placed (PP13); the dates per foster parent replace the home-level dates for that check. A home
-- in another municipality means informing and consulting it (SoL (2025:400) 22 kap. 6 §, PP23),
-- so the home's kommunkod is kept. PP09 compares a unit's unplanned endings and moves with all its
-- endings (a rate, with the count behind it): unit_endings_12m gives that denominator across
-- municipalities, a count only, like unit_signals (V006).
ALTER TABLE foster_parent
    ADD COLUMN belastningsregister_on date,
    ADD COLUMN misstankeregister_on date;

ALTER TABLE foster_home ADD COLUMN kommunkod char(4) CHECK (kommunkod ~ '^[0-9]{4}$');

GRANT CREATE ON SCHEMA public TO placement_crosstenant;
CREATE FUNCTION unit_endings_12m(p_unit_codes text[], p_on date)
RETURNS TABLE (unit_code text, endings_12m bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT u.code, count(p.unit_code) FILTER (WHERE p.end_date > p_on - 365 AND p.end_date <= p_on)
      FROM unnest(p_unit_codes) AS u(code)
      LEFT JOIN placement p ON p.unit_code = u.code
     GROUP BY u.code
$$;
ALTER FUNCTION unit_endings_12m(text[], date) OWNER TO placement_crosstenant;
REVOKE ALL ON FUNCTION unit_endings_12m(text[], date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION unit_endings_12m(text[], date) TO placement_service, placement_owner;
REVOKE CREATE ON SCHEMA public FROM placement_crosstenant;
