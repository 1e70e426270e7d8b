-- V013: the municipality's policy values for pre-placement checks, with documented defaults.
--
-- Why: thresholds such as how many unplanned endings make a unit a concern, or how old a
-- foster home's register checks may be, are the municipality's policy (guidance), never
-- constants in code.

INSERT INTO policy_default (key, value, description, source) VALUES
    ('checks', '{"unplanned_endings_threshold": 3, "concurrent_foster_placements_threshold": 3,
                 "placing_municipalities_threshold": 2, "register_check_max_age_months": 12,
                 "occupancy_stale_days": 30, "contract_missing_blocks": false, "conflict_score_threshold": 90}',
     'Kontroll före placering: gränser för oplanerade avslut, samtidiga familjehemsplaceringar, antal placerande '
     'kommuner, registerkontrollers ålder, aktuell beläggning, om saknat avtal ska spärra, och jävsträffars poäng',
     'Kommunens policy (vägledning)');
