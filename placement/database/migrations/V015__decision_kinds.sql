-- V015: the decision kinds of a delegation order, completed.
--
-- Why: the delegationsordning names decisions the first list lacked: placement in a foster home
-- for stadigvarande vård och fostran, and medgivande (consent to receive a child in a private
-- home). Check runs count as recent for a policy number of days.

ALTER TABLE decision DROP CONSTRAINT decision_kind_check;
ALTER TABLE decision ADD CONSTRAINT decision_kind_check CHECK (kind IN (
    'placement_sol', 'placement_lvu', 'immediate_custody_lvu', 'lss_housing', 'overvagande', 'omprovning',
    'extension', 'termination', 'placement_foster_home_permanent', 'medgivande'));

ALTER TABLE delegation_rule DROP CONSTRAINT delegation_rule_decision_kind_check;
ALTER TABLE delegation_rule ADD CONSTRAINT delegation_rule_decision_kind_check CHECK (decision_kind IN (
    'placement_sol', 'placement_lvu', 'immediate_custody_lvu', 'lss_housing', 'overvagande', 'omprovning',
    'extension', 'termination', 'placement_foster_home_permanent', 'medgivande'));

UPDATE policy_default SET value = value || '{"check_valid_days": 30}'::jsonb WHERE key = 'checks';
