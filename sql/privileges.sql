-- A role that is not a superuser can use what CREATE EXTENSION installed:
-- functions, and the shipped reference tables behind them.
CREATE ROLE precmed_plain_user;
SET ROLE precmed_plain_user;
SELECT precmed.version() IS NOT NULL AS version_ok;
SELECT round(precmed.lab_convert(1.0, 'mg/dL', 'umol/L', '2160-0')::numeric, 2) AS creatinine_umol_l;
SELECT dotted, billable FROM precmed.icd10cm('e119');
SELECT icd10 FROM precmed.icd9_to_icd10('250.00') ORDER BY 1;
SELECT count(*) > 0 AS variable_map_readable FROM precmed.aki_variable_map;
-- users' own tables are not granted by the extension
SELECT count(*) FROM precmed.models;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
DROP ROLE precmed_plain_user;
