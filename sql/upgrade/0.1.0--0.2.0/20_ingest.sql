-- precmed upgrade 0.1.0 -> 0.2.0, part 20: ingest.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- C-CDA: one row per value of an observation (observation/value is 0..*).
COMMENT ON FUNCTION precmed.ccda_observations(text, boolean) IS
  'One row per value (one for an observation without a value) of each Result, Vital Sign, Procedure Activity, Social History or Smoking Status observation of a C-CDA document or section fragment, parsed by libxml2 without DTDs, entities or network. strict => false turns unreadable parts into rows with status ''error''. See docs/ingest.md.';
