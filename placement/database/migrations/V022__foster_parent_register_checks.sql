-- V022: register extracts per person in a foster home.
--
-- Why: SoF (2025:468) 3 kap. 3 § asks for extracts from belastningsregistret and
-- misstankeregistret for each person in the home, not for the home as a whole. Each foster
-- parent now has their own dates; a home's check counts from the oldest of them (and as missing
-- while any person lacks one). A home without per-person dates keeps its home-level dates.

ALTER TABLE foster_parent ADD COLUMN belastningsregister_on date;
ALTER TABLE foster_parent ADD COLUMN misstankeregister_on date;

-- The service corrects a person's register dates, nothing else of them.
GRANT UPDATE (belastningsregister_on, misstankeregister_on) ON foster_parent TO placement_service;
