-- V043: policy defaults for screening through legal persons and for PP09's rate.
--
-- Why: a company can own or sit on the board of a provider (a holding company); screening follows
-- such legal persons to their own officers, to a depth the municipality sets (default three links).
-- PP09 compares a unit's unplanned endings and moves with all its endings: the rate that warns
-- (default 30 %) and the fewest endings a rate is computed from (default 3; below it, the count
-- threshold applies). Both are guidance, not law.
INSERT INTO policy_default (key, value, description, source) VALUES
    ('screening_ownership_depth', '3',
     'Hur många led av juridiska personer (t.ex. holdingbolag bland ägare och styrelse) jävsscreeningen följer',
     'Kommunens policy');

UPDATE policy_default
   SET value = value || '{"unplanned_rate_threshold_percent": 30, "unplanned_rate_min_endings": 3}'
 WHERE key = 'checks';
