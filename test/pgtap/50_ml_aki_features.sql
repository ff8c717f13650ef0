-- precmed.aki_features on a hand-made stay whose features are computed by
-- hand below, a stay without observations, and bad input.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(32);

CREATE TEMP TABLE t_stays (stay_id int, intime timestamptz, age float8, female boolean,
                           height float8, weight float8, icu_type int);
INSERT INTO t_stays VALUES (1, '2020-01-01 00:00+00', 50, true, 160, 70, 2),
                           (2, '2020-01-02 00:00+00', 70, false, NULL, NULL, NULL);
CREATE TEMP TABLE t_obs (stay_id bigint, charttime timestamp, variable text, value float8);
INSERT INTO t_obs
SELECT 1, timestamp '2020-01-01 00:00' + h * interval '1 hour', v, x FROM (VALUES
  -- creatinine at 1, 10, 20 h (30 h is after the window; -1 is dropped as <= 0)
  (1, 'creatinine', 0.8), (10, 'creatinine', 1.0), (20, 'creatinine', 1.2),
  (30, 'creatinine', 2.0), (21, 'creatinine', -1),
  -- urine at 2, 12, 19, 23 h (0 mL is kept); weight charted at 5 h
  (2, 'urine', 100), (12, 'urine', 0), (19, 'urine', 200), (23, 'urine', 50), (5, 'weight', 80),
  -- MAP at 0, 1, 3, 4 h: below 65 from 1 h to 2 h (60 min, capped) and 3 h to 4 h (60 min)
  (0, 'map', 70), (1, 'map', 60), (3, 'map', 64), (4, 'map', 80),
  (4, 'heart_rate', 100), (4, 'sbp', 110),
  -- cleaning: temperature < 25 and pH outside [6.5, 8] are dropped
  (6, 'temperature', 20), (7, 'temperature', 37), (8, 'ph', 7.4), (9, 'ph', 735)) v(h, v, x);

CREATE TEMP TABLE t_feat AS
  SELECT f.stay_id, n.name, f.features[n.i] AS value
    FROM precmed.aki_features('SELECT * FROM t_obs', 't_stays') f,
         unnest(precmed.aki_feature_names()) WITH ORDINALITY n(name, i);
CREATE FUNCTION pg_temp.feat(s bigint, n text) RETURNS float8 LANGUAGE sql
  AS $$ SELECT value FROM t_feat WHERE stay_id = s AND name = n $$;

SELECT is((SELECT count(DISTINCT stay_id) FROM t_feat), 2::bigint, 'one row per stay, also without observations');
SELECT is((SELECT array_length(features, 1) FROM precmed.aki_features('t_obs', 't_stays') LIMIT 1),
          array_length(precmed.aki_feature_names(), 1), 'aki_feature_names names every position');
SELECT is(array_length(precmed.aki_feature_names(true), 1) - array_length(precmed.aki_feature_names(), 1), 116,
          'extended adds first/mean/slope/hsl for the 29 other variables');
SELECT is(pg_temp.feat(1, 'creatinine_last'), 1.2::float8, 'creatinine_last is the 20 h value (30 h is outside the window)');
SELECT is(pg_temp.feat(1, 'creatinine_min'), 0.8::float8, 'creatinine_min (the -1 row is dropped)');
SELECT is(pg_temp.feat(1, 'creatinine_count'), 3::float8, 'creatinine_count');
SELECT ok(abs(pg_temp.feat(1, 'creatinine_slope') - 0.021033210332103314) < 1e-12, 'creatinine_slope: OLS mg/dL per hour over (1, 10, 20 h)');
SELECT is(pg_temp.feat(1, 'creatinine_hsl'), 4::float8, 'creatinine_hsl: 24 h - 20 h');
SELECT ok(abs(pg_temp.feat(1, 'creatinine_ratio_min') - 1.5) < 1e-12, 'creatinine_ratio_min: 1.2 / 0.8');
SELECT ok(abs(pg_temp.feat(1, 'creatinine_lastdiff') - 0.2) < 1e-12, 'creatinine_lastdiff: 1.2 - 1.0');
SELECT ok(abs(pg_temp.feat(1, 'creatinine_l6_f6') - 0.4) < 1e-12, 'creatinine_l6_f6: mean (18, 24] h - mean [0, 6] h');
SELECT ok(abs(pg_temp.feat(1, 'egfr_last') - 55.14658583492097) < 1e-9, 'egfr_last: CKD-EPI 2021, female 50 y, 1.2 mg/dL');
SELECT ok(abs(pg_temp.feat(1, 'egfr_min_creat') - 89.70737342385397) < 1e-9, 'egfr_min_creat: CKD-EPI 2021, female 50 y, 0.8 mg/dL');
SELECT is(pg_temp.feat(1, 'weight_24h'), 80::float8, 'weight_24h: the weight charted at 5 h, not the admission weight');
SELECT is(pg_temp.feat(1, 'urine_6h_ml'), 250::float8, 'urine_6h_ml: rows after 18 h');
SELECT is(pg_temp.feat(1, 'urine_12h_ml'), 250::float8, 'urine_12h_ml: rows after 12 h (12 h itself excluded)');
SELECT is(pg_temp.feat(1, 'urine_24h_ml'), 350::float8, 'urine_24h_ml');
SELECT ok(abs(pg_temp.feat(1, 'urine_6h_mlkgh') - 250.0 / 80 / 6) < 1e-12, 'urine_6h_mlkgh: 250 mL / 80 kg / 6 h');
SELECT is(pg_temp.feat(1, 'urine_zero_count'), 1::float8, 'urine_zero_count: a 0 mL row is kept');
SELECT ok(abs(pg_temp.feat(1, 'urine_doc_mlkgh') - 250.0 / 80 / 21) < 1e-12, 'urine_doc_mlkgh: rows after the first / weight / documented hours');
SELECT is(pg_temp.feat(1, 'map_min_below65'), 120::float8, 'map_min_below65: carried forward, capped at 60 min per row');
SELECT is(pg_temp.feat(1, 'map_min_below60'), 0::float8, 'map_min_below60: 60 is not below 60');
SELECT ok(abs(pg_temp.feat(1, 'shock_index_last') - 100.0 / 110) < 1e-12, 'shock_index_last: HR / SBP');
SELECT is(pg_temp.feat(1, 'temperature_count'), 1::float8, 'temperature below 25 C is dropped');
SELECT is(pg_temp.feat(1, 'ph_max'), 7.4::float8, 'pH outside [6.5, 8] is dropped');
SELECT ok(pg_temp.feat(1, 'kdigo_creat_stage_max') = 1 AND pg_temp.feat(1, 'kdigo_creat_stage_last') = 1,
          'current KDIGO creatinine stage (precmed.kdigo_stages): 1.2 >= 0.8 + 0.3 at 20 h is stage 1');
SELECT is(pg_temp.feat(1, 'icu_type_2'), 1::float8, 'icu_type one-hot');
SELECT ok(pg_temp.feat(2, 'creatinine_count') = 0 AND pg_temp.feat(2, 'creatinine_last') = 'NaN'
          AND pg_temp.feat(2, 'height') = 'NaN' AND pg_temp.feat(2, 'age') = 70,
          'a stay without observations: counts 0, values NaN (missing), statics kept');

SELECT throws_ok($$ SELECT * FROM precmed.aki_features('SELECT stay_id, charttime, value FROM t_obs', 't_stays') $$,
                 '42703', NULL, 'observations without a variable column: 42703 naming it');
SELECT throws_ok($$ SELECT * FROM precmed.aki_features('t_obs', 't_stays', interval '-1 hour') $$,
                 '22023', NULL, 'a non-positive window_end: 22023');
SELECT is((SELECT count(*) FROM precmed.aki_variable_map WHERE source = 'PhysioNet2012'), 37::bigint,
          'the 37 PhysioNet 2012 time series are mapped');

-- The features do not depend on the order the rows arrive in: float sums and
-- slopes take their rows in a fixed order.  Values like 0.1, 0.2, 0.3 sum to
-- different last bits in different orders (0.1 + 0.2 + 0.3 <> 0.3 + 0.2 + 0.1).
CREATE TEMP TABLE t_ord_stays AS
  SELECT s AS stay_id, timestamptz '2020-01-01 00:00+00' AS intime, 60::float8 AS age, false AS female
    FROM generate_series(1, 40) s;
CREATE TEMP TABLE t_ord_obs AS
  SELECT s::bigint AS stay_id, timestamp '2020-01-01 00:00' + (h * 37 % 1380) * interval '1 minute' AS charttime,
         v AS variable, ((s * 7 + h * 13) % 29 + 1) / 10.0 + 0.01 * h AS value
    FROM generate_series(1, 40) s, generate_series(1, 30) h,
         unnest(ARRAY['creatinine', 'urine', 'heart_rate', 'map', 'glucose']) v;
SELECT ok((SELECT bool_and(a.features = d.features) AND count(*) = 40
             FROM precmed.aki_features('SELECT * FROM t_ord_obs ORDER BY stay_id, charttime', 't_ord_stays', extended => true) a
             JOIN precmed.aki_features('SELECT * FROM t_ord_obs ORDER BY stay_id DESC, charttime DESC, variable DESC', 't_ord_stays', extended => true) d
               USING (stay_id)),
          'the same rows in another order give bit-identical features');

SELECT * FROM finish();
ROLLBACK;
