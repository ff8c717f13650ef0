-- One hospital of the shard suite, run by test/shards/shards.sh on each shard
-- server with @DIR@ replaced by the folder of its share of PhysioNet 2012 set
-- A (split by record_id) and @HOSPITAL@ by its number.  The same tables as
-- test/data/ml/load_seta.sql, each with a hospital column (the coordinator's
-- partition key), then what a hospital prepares locally: KDIGO stages, the
-- creatinine task's labels and the AKI features of its own stays.
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS precmed;
DROP SCHEMA IF EXISTS h CASCADE;
CREATE SCHEMA h;
CREATE TABLE h.patients (hospital int NOT NULL DEFAULT @HOSPITAL@, record_id bigint PRIMARY KEY, age float8,
                         gender int, height_cm float8, icu_type int, weight_admit_kg float8);
\copy h.patients (record_id, age, gender, height_cm, icu_type, weight_admit_kg) FROM '@DIR@/patients.csv' CSV HEADER
CREATE TABLE h.raw_observations (hospital int NOT NULL DEFAULT @HOSPITAL@, record_id bigint, minutes int,
                                 charttime timestamp, variable text, value float8);
\copy h.raw_observations (record_id, minutes, charttime, variable, value) FROM '@DIR@/observations.csv' CSV HEADER
CREATE TABLE h.creatinine (hospital int NOT NULL DEFAULT @HOSPITAL@, record_id bigint, minutes int,
                           charttime timestamp, value_mg_dl float8, unit text NOT NULL DEFAULT 'mg/dL');
\copy h.creatinine (record_id, minutes, charttime, value_mg_dl) FROM '@DIR@/creatinine.csv' CSV HEADER
CREATE TABLE h.urine_output (hospital int NOT NULL DEFAULT @HOSPITAL@, record_id bigint, minutes int,
                             charttime timestamp, ml float8);
\copy h.urine_output (record_id, minutes, charttime, ml) FROM '@DIR@/urine_output.csv' CSV HEADER
CREATE TABLE h.weight (hospital int NOT NULL DEFAULT @HOSPITAL@, record_id bigint, minutes int,
                       charttime timestamp, kg float8, weight_type text);
\copy h.weight (record_id, minutes, charttime, kg, weight_type) FROM '@DIR@/weight.csv' CSV HEADER

-- KDIGO stages of the hospital's stays, computed when the coordinator asks
CREATE VIEW h.kdigo AS
  SELECT @HOSPITAL@ AS hospital, s.*
    FROM precmed.kdigo_stages(
      $$SELECT record_id AS stay_id, record_id AS subject_id, timestamp '2000-01-01 00:00' AS intime,
               timestamp '2000-01-03 00:00' AS outtime FROM h.patients$$,
      $$SELECT record_id AS subject_id, charttime, value_mg_dl FROM h.creatinine$$,
      $$SELECT record_id AS stay_id, charttime, ml FROM h.urine_output$$,
      $$SELECT record_id AS stay_id, charttime, kg, weight_type FROM h.weight$$) s;

-- the training rows of the creatinine task (docs/aki_risk.md), as load_seta.sql labels it
CREATE VIEW h.stays AS
  SELECT record_id AS stay_id, timestamp '2000-01-01 00:00' AS intime, age,
         gender = 0 AS female, height_cm AS height, weight_admit_kg AS weight, icu_type
    FROM h.patients;
CREATE VIEW h.observations AS
  SELECT o.record_id AS stay_id, o.charttime, m.variable, o.value
    FROM h.raw_observations o
    JOIN precmed.aki_variable_map m ON m.source = 'PhysioNet2012' AND m.source_code = o.variable;
CREATE TABLE h.stages AS SELECT * FROM h.kdigo;
CREATE TABLE h.train AS
  SELECT @HOSPITAL@ AS hospital, f.stay_id, t.aki, t.aki::int::float8 AS label, f.features
    FROM precmed.aki_features('h.observations', 'h.stays') f
    JOIN (SELECT p.record_id AS stay_id,
                 coalesce(max(s.aki_stage_creat) FILTER (WHERE s.charttime > timestamp '2000-01-02 00:00'), 0) >= 1 AS aki
            FROM h.patients p LEFT JOIN h.stages s ON s.stay_id = p.record_id
           GROUP BY p.record_id
          HAVING coalesce(max(s.aki_stage_creat) FILTER (WHERE s.charttime <= timestamp '2000-01-02 00:00'), 0) = 0) t
      USING (stay_id);
-- candidate duplicate records within the hospital (blocked on ICU type,
-- gender and age within 2 years), compared for Fellegi-Sunter training
CREATE VIEW h.pairs AS
  SELECT @HOSPITAL@ AS hospital, a.record_id AS id_a, b.record_id AS id_b,
         ARRAY[precmed.number_level(a.age, b.age, '{1}'),
               precmed.number_level(a.height_cm, b.height_cm, '{2,5}'),
               precmed.number_level(a.weight_admit_kg, b.weight_admit_kg, '{1,5}')] AS comparisons
    FROM h.patients a JOIN h.patients b
      ON a.record_id < b.record_id AND a.icu_type = b.icu_type AND a.gender = b.gender
     AND abs(a.age - b.age) <= 2;
ANALYZE h.patients, h.raw_observations, h.creatinine, h.urine_output, h.weight, h.stages, h.train;
