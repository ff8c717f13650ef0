-- Makes the 0.1.0 fixture of the upgrade and dump/restore tests: models
-- trained by the released precmed 0.1.0, their predictions on fixed feature
-- vectors, and observations read by 0.1.0's readers.  Run against a
-- database with precmed 0.1.0 (the v0.1.0 tag built on Debian 12), from the
-- repository root:  psql -X -v ON_ERROR_STOP=1 -f test/data/lifecycle/make_fixture.sql
\set QUIET on
DROP TABLE IF EXISTS fixture_rows;
-- 600 deterministic rows, 6 features (one often missing), label from a known rule
CREATE TEMP TABLE fixture_rows AS
SELECT i,
       ARRAY[sin(i * 0.37), cos(i * 0.11) * 3, (i % 7)::float8, ln(1 + i),
             CASE WHEN i % 5 = 0 THEN 'NaN'::float8 ELSE (i % 13) / 13.0 END,
             ((i * 7919) % 101) / 101.0] AS f,
       (sin(i * 0.37) + cos(i * 0.11) + (i % 7) / 7.0 - 0.6 > 0) AS y
  FROM generate_series(1, 600) AS i;
TRUNCATE precmed.models;
INSERT INTO precmed.models (name, model, metadata)
SELECT 'fixture_xgb', precmed.train_xgboost(f, y::int::float8, '{"num_round": 20, "max_depth": 3, "eta": 0.3}'),
       '{"made_by": "precmed 0.1.0", "rows": 600}'
  FROM fixture_rows;
INSERT INTO precmed.models (name, model, metadata)
SELECT 'fixture_logreg', precmed.train_logreg(f, y::int::float8), '{"made_by": "precmed 0.1.0", "rows": 600}'
  FROM fixture_rows;
\copy (SELECT name, encode(model, 'hex'), metadata FROM precmed.models ORDER BY name) TO 'test/data/lifecycle/models_0.1.0.csv' WITH (FORMAT csv, HEADER)
\copy (SELECT m.name, r.i, r.f::text, precmed.predict(m.model, r.f) FROM precmed.models m, fixture_rows r WHERE r.i % 10 = 0 ORDER BY m.name, r.i) TO 'test/data/lifecycle/predictions_0.1.0.csv' WITH (FORMAT csv, HEADER)
TRUNCATE precmed.observation;
\set hl7 `cat test/data/ingest/hl7v2/ms-fhir-converter/ORU-R01-01.hl7 2>/dev/null || true`
INSERT INTO precmed.observation (source_name, source_format, message_id, patient_id, observation_code,
       observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit,
       ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system)
SELECT 'fixture', 'hl7v2', message_id, patient_id, observation_code, observation_system,
       observation_display, value_num, value_text, comparator, unit, ucum_unit, ref_low, ref_high,
       interpretation, effective_time, status, raw, value_code, value_system
  FROM precmed.hl7v2_observations(:'hl7', false);
\copy (SELECT source_name, source_format, message_id, patient_id, observation_code, observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit, ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system FROM precmed.observation ORDER BY observation_id) TO 'test/data/lifecycle/observations_0.1.0.csv' WITH (FORMAT csv, HEADER)
