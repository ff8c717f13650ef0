-- Loads the PhysioNet 2012 set A extract shipped in test/data/ml into schema
-- ml_seta, maps its variables to precmed's canonical names, and labels the
-- creatinine AKI task of docs/aki_risk.md.  Run by psql from the repo root.
DROP SCHEMA IF EXISTS ml_seta CASCADE;
CREATE SCHEMA ml_seta;
CREATE TABLE ml_seta.patients (record_id bigint PRIMARY KEY, age float8, gender int,
                               height_cm float8, icu_type int, weight_admit_kg float8);
\copy ml_seta.patients FROM 'test/data/ml/patients.csv' CSV HEADER
CREATE TABLE ml_seta.raw_observations (record_id bigint, minutes int, charttime timestamp,
                                       variable text, value float8);
\copy ml_seta.raw_observations FROM PROGRAM 'gzip -dc test/data/ml/observations_0_24h.csv.gz' CSV HEADER
CREATE TABLE ml_seta.creatinine (record_id bigint, minutes int, charttime timestamp, value_mg_dl float8);
\copy ml_seta.creatinine FROM PROGRAM 'gzip -dc test/data/ml/creatinine.csv.gz' CSV HEADER
CREATE TABLE ml_seta.stay_summary (record_id bigint PRIMARY KEY, max_stage_0_48h int,
  max_stage_creat_0_48h int, max_stage_uo_0_48h int, max_stage_0_24h int, max_stage_24_48h int,
  max_stage_creat_0_24h int, max_stage_creat_24_48h int, first_stage1_minutes int,
  first_stage2_minutes int, first_creat_stage1_minutes int);
\copy ml_seta.stay_summary FROM 'test/data/ml/stay_summary.csv' CSV HEADER

-- the inputs of precmed.aki_features
CREATE VIEW ml_seta.stays AS
  SELECT record_id AS stay_id, timestamp '2000-01-01 00:00' AS intime, age,
         gender = 0 AS female, height_cm AS height, weight_admit_kg AS weight, icu_type
    FROM ml_seta.patients;
CREATE VIEW ml_seta.observations AS
  SELECT o.record_id AS stay_id, o.charttime, m.variable, o.value
    FROM ml_seta.raw_observations o
    JOIN precmed.aki_variable_map m ON m.source = 'PhysioNet2012' AND m.source_code = o.variable;

-- KDIGO creatinine stage of every creatinine measurement (KDIGO 2012 as the
-- MIMIC code repository's kdigo_creatinine/kdigo_stages concepts apply it:
-- baselines are the lowest value in the previous 48 h and 7 days).
CREATE TABLE ml_seta.creat_stage AS
  SELECT c.record_id, c.minutes, c.value_mg_dl,
         CASE WHEN c.value_mg_dl >= b.low7 * 3.0 THEN 3
              WHEN c.value_mg_dl >= 4 AND (b.low48 <= 3.7 OR c.value_mg_dl >= 1.5 * b.low7) THEN 3
              WHEN c.value_mg_dl >= b.low7 * 2.0 THEN 2
              WHEN c.value_mg_dl >= b.low48 + 0.3 THEN 1
              WHEN c.value_mg_dl >= b.low7 * 1.5 THEN 1
              ELSE 0 END AS stage
    FROM ml_seta.creatinine c
    CROSS JOIN LATERAL (
      SELECT min(p.value_mg_dl) FILTER (WHERE p.charttime >= c.charttime - interval '48 hours') AS low48,
             min(p.value_mg_dl) AS low7
        FROM ml_seta.creatinine p
       WHERE p.record_id = c.record_id AND p.charttime < c.charttime
         AND p.charttime >= c.charttime - interval '7 days') b;

-- The creatinine task: stays without creatinine AKI in hours 0-24, labelled
-- by creatinine AKI (stage >= 1) in (24 h, 48 h].
CREATE TABLE ml_seta.task AS
  SELECT p.record_id AS stay_id,
         coalesce(max(s.stage) FILTER (WHERE s.minutes > 1440), 0) >= 1 AS aki
    FROM ml_seta.patients p
    LEFT JOIN ml_seta.creat_stage s ON s.record_id = p.record_id
   GROUP BY p.record_id
  HAVING coalesce(max(s.stage) FILTER (WHERE s.minutes <= 1440), 0) = 0;
CREATE INDEX ON ml_seta.raw_observations (record_id);
ANALYZE ml_seta.raw_observations;
