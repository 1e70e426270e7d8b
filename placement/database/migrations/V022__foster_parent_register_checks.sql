-- V022: a person's register extract dates in a foster home can be corrected.
--
-- Why: SoF (2025:468) 3 kap. 3 § asks for extracts for each person in the home (the dates per
-- foster parent come with V041); a renewed extract is a correction of that person's dates, not a
-- new home. The service's only UPDATE of foster_parent writes those two dates
-- (placement/repositories/foster_homes.py, correct_register_checks). The grant is on the table
-- because the columns arrive in a later migration (V041); narrowing it to the two columns
-- belongs in a migration after V041.
GRANT UPDATE ON foster_parent TO placement_service;
