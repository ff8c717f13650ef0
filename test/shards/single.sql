-- The single-server reference of the shard suite: all of set A on the
-- coordinator (test/data/ml/load_seta.sql), its features and training rows.
\set ON_ERROR_STOP 1
\i test/data/ml/load_seta.sql
CREATE TABLE ml_seta.features AS
  SELECT * FROM precmed.aki_features('ml_seta.observations', 'ml_seta.stays');
CREATE TABLE ml_seta.train AS
  SELECT f.stay_id, t.aki, t.aki::int::float8 AS label, f.features
    FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
ANALYZE ml_seta.train;
