-- The single-server reference of the shard suite: all of set A on the
-- coordinator (test/data/ml/load_seta.sql), its KDIGO stages and task labels,
-- and the features of a tenth of the stays (stay_id % 10 = 0: the suite
-- compares the hospitals' features with them; all 4000 would take half a
-- minute of the suite's budget).
\set ON_ERROR_STOP 1
\i test/data/ml/load_seta.sql
CREATE TABLE ml_seta.features AS
  SELECT * FROM precmed.aki_features('SELECT * FROM ml_seta.observations WHERE stay_id % 10 = 0',
                                     'SELECT * FROM ml_seta.stays WHERE stay_id % 10 = 0');
CREATE TABLE ml_seta.train AS
  SELECT f.stay_id, t.aki, t.aki::int::float8 AS label, f.features
    FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
ANALYZE ml_seta.train;
