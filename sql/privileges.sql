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

-- The shipped reference tables cannot be changed, not even by a superuser:
-- functions cache them and pg_dump leaves them out.
DELETE FROM precmed.analyte WHERE loinc = '2160-0';
\echo :LAST_ERROR_SQLSTATE
UPDATE precmed.ucum_essence SET notice = '';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO precmed.aki_variable_map SELECT * FROM precmed.aki_variable_map LIMIT 1;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE precmed.icd10cm CASCADE;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM precmed.gem_icd9_to_icd10;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM precmed.gem_icd10_to_icd9;
\echo :LAST_ERROR_SQLSTATE
SELECT (SELECT count(*) FROM precmed.analyte WHERE loinc = '2160-0') AS creatinine_rows,
       (SELECT count(*) FROM precmed.ucum_essence WHERE notice <> '') AS essence_rows,
       (SELECT count(*) FROM precmed.icd10cm) AS icd10cm_rows;
-- precmed's own function is a trigger function, nothing else
SELECT precmed_internal.refuse_reference_change();
\echo :LAST_ERROR_SQLSTATE
-- precmed.analyte takes users' own rows; only the shipped ones are guarded
INSERT INTO precmed.analyte (loinc, analyte, property, conventional_unit, si_unit)
  VALUES ('LOCAL-1', 'local test', 'mass concentration', 'mg/dL', 'mg/L');
UPDATE precmed.analyte SET note = 'mine' WHERE loinc = 'LOCAL-1';
UPDATE precmed.analyte SET shipped = true WHERE loinc = 'LOCAL-1';
\echo :LAST_ERROR_SQLSTATE
UPDATE precmed.analyte SET note = 'changed' WHERE loinc = '2160-0';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM precmed.analyte WHERE loinc = 'LOCAL-1';
SELECT count(*) AS shipped_rows FROM precmed.analyte WHERE shipped;
