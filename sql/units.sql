-- Unit normalization: every distinct unit string of the sample messages and
-- the Synthea ma107 observations (test/data/units/sample_units.tsv) either
-- maps to valid UCUM, with the rule that did it, or is reported unmapped.
\set VERBOSITY default

CREATE TEMP TABLE sample_units (unit text, seen_in text);
\copy sample_units FROM 'test/data/units/sample_units.tsv'

SELECT unit, precmed.unit_normalize(unit) AS ucum, precmed.unit_normalize_rule(unit) AS rule
  FROM sample_units ORDER BY unit COLLATE "C";

-- whatever is mapped is valid UCUM
SELECT count(*) AS mapped, count(*) FILTER (WHERE precmed.ucum_valid(precmed.unit_normalize(unit))) AS valid,
       (SELECT count(*) FROM sample_units WHERE precmed.unit_normalize(unit) IS NULL) AS unmapped
  FROM sample_units WHERE precmed.unit_normalize(unit) IS NOT NULL;

-- the messy spellings the standardization notes list, and other lab habits
SELECT u AS unit, precmed.unit_normalize(u) AS ucum, precmed.unit_normalize_rule(u) AS rule
  FROM unnest(ARRAY['mg/dl', 'MG/DL', 'mg/DL', 'umol/l', 'µmol/L', 'μg/mL', '10^9/L', '10^3/ul',
                    'x10E3/uL', 'X10E3/UL', '10E9/L', 'x10^6/uL', 'K/uL', 'mEq/L', 'MEQ/L', 'mmol/l',
                    'mIU/L', 'uIU/mL', 'IU/L', 'mcg/dL', 'mcL', '/hpf', '/LPF', 'cells/uL',
                    'mg/g crea', 'g/l-1', '10*6/uL^million per microliter^UCUM', 'Torr', 'degF',
                    '°C', 'lbs', 'bpm', 'G/L', 'MG', 'Pa', 'h', '{Ratio}', 'ratio', 'mL/min/1.73m2',
                    'md/dL', 'ERU', '', '  ', 'x', 'M/uL', 'm/uL', 'µ', 'n']) AS u
 ORDER BY u COLLATE "C";

-- bad input: long strings and control characters are unmapped, not errors
SELECT precmed.unit_normalize(repeat('m', 10240)) IS NULL AS long_unmapped,
       precmed.unit_normalize_rule(repeat('m', 10240)) AS long_rule,
       precmed.unit_normalize(E'mg\x01/dL') IS NULL AS control_unmapped;

-- conversions in parallel workers (each worker loads the UCUM definitions and
-- reads precmed.analyte itself) give the serial result
CREATE TABLE units_par AS
  SELECT i, (i % 97) / 7.0 AS v, (ARRAY['mg/dL', 'g/L', 'umol/L', 'mmol/L'])[1 + i % 4] AS unit
    FROM generate_series(1, 20000) i;
ANALYZE units_par;
CREATE TEMP TABLE serial_result AS
  SELECT round(sum(precmed.ucum_convert(v, 'mg/dL', 'g/L'))::numeric, 6) AS ucum,
         round(sum(precmed.lab_convert(v, unit, 'umol/L', '2160-0'))::numeric, 4) AS lab,
         count(*) FILTER (WHERE precmed.lab_plausible('2160-0', v, unit)) AS plausible
    FROM units_par;
-- the same by hand: creatinine 113.12 g/mol, plausible 5 to 4000 umol/L
SELECT round(sum(v * 0.01)::numeric, 6) AS ucum_by_hand,
       round(sum(v * f)::numeric, 4) AS lab_by_hand,
       count(*) FILTER (WHERE v * f BETWEEN 5 AND 4000) AS plausible_by_hand,
       (SELECT ucum FROM serial_result) = round(sum(v * 0.01)::numeric, 6) AS ucum_ok,
       abs((SELECT lab FROM serial_result) - round(sum(v * f)::numeric, 4)) <= 1e-9 * sum(v * f) AS lab_ok,
       (SELECT plausible FROM serial_result) = count(*) FILTER (WHERE v * f BETWEEN 5 AND 4000) AS plausible_ok
  FROM (SELECT v, CASE unit WHEN 'mg/dL' THEN 1e4 / 113.12 WHEN 'g/L' THEN 1e6 / 113.12
                            WHEN 'umol/L' THEN 1 ELSE 1000 END AS f FROM units_par) t;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- force_parallel_mode is called debug_parallel_query since PostgreSQL 16
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = on;
EXPLAIN (COSTS OFF)
  SELECT sum(precmed.lab_convert(v, unit, 'umol/L', '2160-0')) FROM units_par;
SELECT p.*, s.* FROM
  (SELECT round(sum(precmed.ucum_convert(v, 'mg/dL', 'g/L'))::numeric, 6) AS ucum,
          round(sum(precmed.lab_convert(v, unit, 'umol/L', '2160-0'))::numeric, 4) AS lab,
          count(*) FILTER (WHERE precmed.lab_plausible('2160-0', v, unit)) AS plausible
     FROM units_par) p, serial_result s;
RESET :force_parallel;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE units_par;

-- a role with only USAGE on the schema can convert: the reference tables are
-- readable by PUBLIC (fresh connection, so the definitions load as that role)
SELECT current_user AS regress_su \gset
CREATE ROLE regress_units_reader LOGIN;
GRANT USAGE ON SCHEMA precmed TO regress_units_reader;
\c - regress_units_reader
SELECT precmed.ucum_convert(1, 'mg/dL', 'g/L') AS g_per_l,
       round(precmed.lab_convert(1, 'mg/dL', 'umol/L', '2160-0')::numeric, 4) AS creatinine_umol_l;
INSERT INTO precmed.analyte (loinc, analyte, property, conventional_unit, si_unit)
  VALUES ('X', 'x', 'x', 'g', 'g');
\echo :LAST_ERROR_SQLSTATE
\c - :regress_su
REVOKE USAGE ON SCHEMA precmed FROM regress_units_reader;
DROP ROLE regress_units_reader;
