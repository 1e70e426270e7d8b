-- V110: what the egenkontroll reports (EK02 onwards) count, in one definition each.
--
-- Why: the nämnd's figures are counted per unit, provider and handläggare, split by sex, over a
-- period; several indicators count the same placements and read the same events. These functions
-- are plain SQL run as the caller, so row-level security scopes them to the caller's municipality
-- and the planner inlines them.

-- The events that stand: a corrected event gives way to its correction, a retraction to nothing
-- (the same condition as the follow-up scan's facts, followup/store.py).
CREATE FUNCTION standing_events() RETURNS SETOF placement_event
LANGUAGE sql STABLE AS $$
    SELECT e.* FROM placement_event e
     WHERE e.retraction_reason IS NULL
       AND NOT EXISTS (SELECT 1 FROM placement_event f
                        WHERE f.municipality_id = e.municipality_id AND f.corrects = e.id)
$$;

-- The placements active on any day of [p_from, p_to], each with the groups a figure is broken down
-- by and the day it is measured on (the period's last day, or the day it ended if earlier): the
-- home (the register unit's name or the placement's home), the provider (the register's name for a
-- unit; the municipality's own for a foster home) and the handläggare responsible on that day (or
-- the last one before it).
CREATE FUNCTION egenkontroll_placements(p_from date, p_to date)
RETURNS TABLE (
    placement_id uuid, child_id uuid, sex text, unit text, provider text, provider_orgnr text,
    handlaggare text, measured_on date, start_date date, end_date date, end_reason text,
    end_reason_note text, legal_basis text, form text, unit_code text, foster_home_id uuid
)
LANGUAGE sql STABLE AS $$
    SELECT p.id, p.child_id, c.sex, p.home_name,
           CASE WHEN p.foster_home_id IS NOT NULL OR p.form IN ('familjehem', 'jourhem')
                THEN 'Kommunens familjehem'
                ELSE (SELECT pr.payload ->> 'name' FROM register_entity pr
                       WHERE pr.kind = 'provider' AND pr.valid_to_snapshot IS NULL
                         AND pr.key = u.payload ->> 'provider_orgnr') END,
           u.payload ->> 'provider_orgnr',
           (SELECT s.name FROM social_worker_assignment a
              JOIN staff s ON s.municipality_id = a.municipality_id AND s.id = a.staff_id
             WHERE a.municipality_id = p.municipality_id AND a.child_id = p.child_id
               AND a.assigned_from <= least(p.end_date, p_to)
             ORDER BY a.assigned_from DESC, a.created_at DESC LIMIT 1),
           least(p.end_date, p_to), p.start_date, p.end_date, p.end_reason, p.end_reason_note,
           p.legal_basis, p.form, p.unit_code, p.foster_home_id
      FROM placement p
      JOIN child c ON c.municipality_id = p.municipality_id AND c.id = p.child_id
      LEFT JOIN register_entity u
        ON u.kind = 'unit' AND u.valid_to_snapshot IS NULL AND u.key = p.unit_code
     WHERE p.start_date <= p_to AND (p.end_date IS NULL OR p.end_date >= p_from)
$$;
