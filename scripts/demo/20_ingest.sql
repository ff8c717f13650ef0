-- precmed demo, part 20: HL7 v2, C-CDA and FHIR in one observation table.
-- Reads every shipped sample message (test/data/ingest) with \copy FROM PROGRAM
-- (client side: no superuser, no server file access), keeps bad messages as
-- error rows, and summarizes per source and per LOINC code.
\set ON_ERROR_STOP 1
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

CREATE TEMP TABLE inbox (path text, b64 text);
-- one line per file: its path and its bytes in base64 (so CR, LF and BOMs arrive untouched)
\copy inbox FROM PROGRAM 'for f in test/data/ingest/hl7v2/*/*.hl7 test/data/ingest/ccda/hl7-c-cda-examples/*.xml test/data/ingest/ccda/ms-fhir-converter/*.ccda test/data/ingest/fhir/us-core/*.json test/data/ingest/fhir/synthea-r4/*.json; do printf "%s\t%s\n" "$f" "$(base64 -w0 "$f")"; done'

TRUNCATE precmed.observation;
INSERT INTO precmed.observation (source_name, source_format, message_id, patient_id, observation_code,
       observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit,
       ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system)
SELECT i.path, o.* FROM inbox i,
       precmed.hl7v2_observations(convert_from(decode(i.b64, 'base64'), 'UTF8'), strict => false) o
 WHERE i.path LIKE '%.hl7';
INSERT INTO precmed.observation (source_name, source_format, message_id, patient_id, observation_code,
       observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit,
       ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system)
SELECT i.path, o.* FROM inbox i,
       precmed.ccda_observations(convert_from(decode(i.b64, 'base64'), 'UTF8'), strict => false) o
 WHERE i.path LIKE '%.xml' OR i.path LIKE '%.ccda';
INSERT INTO precmed.observation (source_name, source_format, message_id, patient_id, observation_code,
       observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit,
       ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system)
SELECT i.path, o.* FROM inbox i,
       precmed.fhir_observations(convert_from(decode(i.b64, 'base64'), 'UTF8'), strict => false) o
 WHERE i.path LIKE '%.json';

\echo
\echo '== ingest: what was read, per format (files without a single observation read count as 0 rows)'
SELECT CASE WHEN path LIKE '%.hl7' THEN 'hl7v2' WHEN path LIKE '%.json' THEN 'fhir' ELSE 'ccda' END AS format,
       count(*) AS files,
       sum(r.rows) AS rows, sum(r.errors) AS error_rows, sum(r.loinc) AS loinc_rows,
       sum(r.with_value) AS rows_with_a_number, sum(r.ucum) AS rows_with_ucum_unit
  FROM inbox i,
       LATERAL (SELECT count(*) AS rows, count(*) FILTER (WHERE status = 'error') AS errors,
                       count(*) FILTER (WHERE observation_system = 'LOINC') AS loinc,
                       count(value_num) AS with_value, count(ucum_unit) AS ucum
                  FROM precmed.observation o WHERE o.source_name = i.path) r
 GROUP BY 1 ORDER BY 1;

\echo
\echo '== ingest: the bad messages found (kept as rows with status = ''error'', raw input in raw)'
SELECT regexp_replace(source_name, '^.*/', '') AS file, message_id, value_text AS problem,
       left(replace(replace(raw, E'\r', ' '), E'\n', ' '), 50) AS raw
  FROM precmed.observation WHERE status = 'error' ORDER BY 1, 3;

\echo
\echo '== ingest: per source and LOINC code (the 25 most frequent; n = rows, values in the UCUM unit)'
SELECT source_format AS source, observation_code AS loinc, min(observation_display) AS display,
       count(*) AS n, round(min(value_num)::numeric, 2) AS min, round(avg(value_num)::numeric, 2) AS mean,
       round(max(value_num)::numeric, 2) AS max, string_agg(DISTINCT ucum_unit, ', ') AS ucum_units
  FROM precmed.observation
 WHERE observation_system = 'LOINC' AND status IS DISTINCT FROM 'error'
 GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 25;

\echo
\echo '== ingest: the same LOINC code from different formats (one row shape, comparable values)'
SELECT observation_code AS loinc, string_agg(DISTINCT source_format, ', ') AS formats, count(*) AS n,
       string_agg(DISTINCT ucum_unit, ', ') AS ucum_units, round(avg(value_num)::numeric, 2) AS mean
  FROM precmed.observation
 WHERE observation_system = 'LOINC' AND value_num IS NOT NULL
 GROUP BY 1 HAVING count(DISTINCT source_format) > 1 ORDER BY 1;

\echo
\echo '== ingest: source units the normalizer could not map to UCUM (ucum_unit NULL, never guessed)'
SELECT unit, source_format, count(*) FROM precmed.observation
 WHERE unit IS NOT NULL AND ucum_unit IS NULL GROUP BY 1, 2 ORDER BY 1, 2;

\echo
\echo '== ingest: OMOP CDM v5.4 MEASUREMENT shape (precmed.omop_measurement), results with a comparator'
SELECT measurement_id, measurement_date, measurement_source_value, operator_concept_id, value_as_number,
       unit_source_value, range_low, range_high, value_source_value
  FROM precmed.omop_measurement WHERE operator_concept_id IS NOT NULL ORDER BY measurement_id LIMIT 10;

\echo
\echo '== ingest + units: glucose from each file in mg/dL (lab_convert) and its plausibility (lab_plausible)'
SELECT DISTINCT ON (plausible, source_format, file) *
  FROM (SELECT source_format, regexp_replace(source_name, '^.*/', '') AS file, observation_code AS loinc,
               value_num, ucum_unit,
               round(precmed.lab_convert(value_num, ucum_unit, 'mg/dL', observation_code)::numeric, 1) AS mg_dl,
               precmed.lab_plausible(observation_code, value_num, ucum_unit) AS plausible
          FROM precmed.observation
         WHERE observation_system = 'LOINC' AND observation_code IN ('2339-0', '2345-7')
           AND value_num IS NOT NULL AND ucum_unit IS NOT NULL) g
 ORDER BY plausible, source_format, file;
