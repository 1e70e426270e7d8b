-- V121: when an obligation became due soon or overdue is the day time made it so, not the scan row.
--
-- Why: the digest ("what became due soon or overdue since D") read obligation_state.state_since,
-- which a first scan, a rules change or a policy change set to the moment of the scan: every
-- obligation then showed as newly overdue, even ones overdue since 2024. A state reached by time
-- alone began on its onset: the day after the due date (overdue), or the first day of the
-- due-soon window (due soon), at midnight Swedish time. Only a state that the placement's own
-- facts changed (an event retracted, a decision recorded), under the same rules and policy as
-- the previous computation, begins when the change was computed.
CREATE FUNCTION obligation_onset(p_state text, p_due date, p_due_soon_days integer) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_state
               WHEN 'overdue' THEN (p_due + 1)::timestamp AT TIME ZONE 'Europe/Stockholm'
               WHEN 'due_soon' THEN (p_due - p_due_soon_days)::timestamp AT TIME ZONE 'Europe/Stockholm'
           END
$$;
COMMENT ON FUNCTION obligation_onset(text, date, integer) IS
    'When time alone puts an obligation due on p_due in p_state (NULL for the other states).';

-- The states stored so far: none began before its onset could have made it so (a one-off repair of
-- derived rows; the owner lifts the forced row-level security for this statement only, and reads
-- each municipality's own due-soon window).
ALTER TABLE obligation_state NO FORCE ROW LEVEL SECURITY;
ALTER TABLE municipality_policy NO FORCE ROW LEVEL SECURITY;
UPDATE obligation_state o
   SET state_since = least(o.state_since, obligation_onset(
           o.state, o.due_on, (policy_value(o.municipality_id, 'followup') ->> 'due_soon_days')::integer))
 WHERE o.state IN ('overdue', 'due_soon');
ALTER TABLE obligation_state FORCE ROW LEVEL SECURITY;
ALTER TABLE municipality_policy FORCE ROW LEVEL SECURITY;
