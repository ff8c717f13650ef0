-- Loads PhysioNet 2012 set A into schema ml_seta: the patients, creatinine,
-- urine output and weights shipped for the aki module (test/data/aki/
-- physionet2012_seta) and the observations of hours 0-24 shipped here; maps
-- the variables to precmed's canonical names; stages AKI with
-- precmed.kdigo_stages and labels the creatinine task of docs/aki_risk.md.
-- Run by psql from the repo root.
DROP SCHEMA IF EXISTS ml_seta CASCADE;
CREATE SCHEMA ml_seta;
CREATE TABLE ml_seta.patients (record_id bigint PRIMARY KEY, age float8, gender int,
                               height_cm float8, icu_type int, weight_admit_kg float8);
\copy ml_seta.patients FROM 'test/data/aki/physionet2012_seta/patients.csv' CSV HEADER
CREATE TABLE ml_seta.raw_observations (record_id bigint, minutes int, charttime timestamp,
                                       variable text, value float8);
\copy ml_seta.raw_observations FROM PROGRAM 'gzip -dc test/data/ml/observations_0_24h.csv.gz' CSV HEADER
CREATE TABLE ml_seta.creatinine (record_id bigint, minutes int, charttime timestamp, value_mg_dl float8);
\copy ml_seta.creatinine FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/creatinine.csv.gz' CSV HEADER
CREATE TABLE ml_seta.urine_output (record_id bigint, minutes int, charttime timestamp, ml float8);
\copy ml_seta.urine_output FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/urine_output.csv.gz' CSV HEADER
CREATE TABLE ml_seta.weight (record_id bigint, minutes int, charttime timestamp, kg float8, weight_type text);
\copy ml_seta.weight FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/weight.csv.gz' CSV HEADER
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

-- KDIGO stages over hours 0-48 of every stay (precmed.kdigo_stages, docs/aki.md),
-- set up as the reference was: subject = stay, intime 00:00, outtime 48 h.
CREATE TABLE ml_seta.stages AS
  SELECT * FROM precmed.kdigo_stages(
    $$SELECT record_id AS stay_id, record_id AS subject_id, timestamp '2000-01-01 00:00' AS intime,
             timestamp '2000-01-03 00:00' AS outtime FROM ml_seta.patients$$,
    $$SELECT record_id AS subject_id, charttime, value_mg_dl FROM ml_seta.creatinine$$,
    $$SELECT record_id AS stay_id, charttime, ml FROM ml_seta.urine_output$$,
    $$SELECT record_id AS stay_id, charttime, kg, weight_type FROM ml_seta.weight$$);

-- The creatinine task: stays without creatinine AKI (stage 0) in hours 0-24,
-- labelled by creatinine AKI (stage >= 1) in (24 h, 48 h].
CREATE TABLE ml_seta.task AS
  SELECT p.record_id AS stay_id,
         coalesce(max(s.aki_stage_creat) FILTER (WHERE s.charttime > timestamp '2000-01-02 00:00'), 0) >= 1 AS aki
    FROM ml_seta.patients p
    LEFT JOIN ml_seta.stages s ON s.stay_id = p.record_id
   GROUP BY p.record_id
  HAVING coalesce(max(s.aki_stage_creat) FILTER (WHERE s.charttime <= timestamp '2000-01-02 00:00'), 0) = 0;
CREATE INDEX ON ml_seta.raw_observations (record_id);
ANALYZE ml_seta.raw_observations;
