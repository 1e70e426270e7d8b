-- V042: the event that records the nämnd's notice to IVO of a placement making more than three
-- children placed in one foster home.
--
-- Why: SoF (2025:468) 16 kap. 2 § requires the nämnd to notify IVO of such a decision; FU17
-- tracks the notice as an obligation until this event is recorded.
ALTER TABLE placement_event DROP CONSTRAINT placement_event_kind_check;
ALTER TABLE placement_event ADD CONSTRAINT placement_event_kind_check CHECK (kind IN (
    'overvagande', 'omprovning', 'custody_transfer_considered', 'visit',
    'contact_details_given', 'grounds_explained', 'care_plan', 'implementation_plan',
    'care_plan_revised', 'health_notification', 'complaint_received', 'complaint_answered',
    'legal_basis_changed', 'investigation_ended', 'aftercare_follow_up', 'ivo_notified_child_count'));
