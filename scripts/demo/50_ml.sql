-- precmed demo, part 50: an AKI early-warning model trained and scored in SQL.
-- PhysioNet 2012 set A (4000 ICU stays, test/data/ml): features from hours
-- 0-24, label = creatinine AKI (KDIGO stage >= 1) in (24 h, 48 h] among the
-- stays without creatinine AKI in 0-24 h.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\echo
\echo '== AKI risk models (docs/aki_risk.md): loading PhysioNet 2012 set A'
\i test/data/ml/load_seta.sql
SELECT (SELECT count(*) FROM ml_seta.patients) AS stays,
       (SELECT count(*) FROM ml_seta.raw_observations) AS observations_0_24h,
       (SELECT count(*) FROM ml_seta.task) AS task_cohort,
       (SELECT sum(aki::int) FROM ml_seta.task) AS aki_in_24_48h;

\echo
\echo '== features: precmed.aki_features(observations, stays) -> one float8[] per stay'
CREATE TABLE ml_seta.features AS
  SELECT * FROM precmed.aki_features('ml_seta.observations', 'ml_seta.stays');
SELECT n.name, f.features[n.i] AS value
  FROM ml_seta.features f, unnest(precmed.aki_feature_names()) WITH ORDINALITY n(name, i)
 WHERE f.stay_id = 132540 AND n.name IN ('age', 'creatinine_last', 'creatinine_slope', 'egfr_last',
                                         'urine_6h_mlkgh', 'map_min_below65', 'heart_rate_max', 'lactate_max')
 ORDER BY n.i;

\i test/data/ml/cv_seta.sql

\echo
\echo '== final models on the whole cohort, stored in precmed.models'
DELETE FROM precmed.models WHERE name IN ('aki_creat_xgb', 'aki_creat_logreg');
INSERT INTO precmed.models (name, model, metadata)
SELECT 'aki_creat_xgb', precmed.train_xgboost(f.features, t.aki::int::float8, '{}'),
       jsonb_build_object('task', 'creatinine AKI in (24 h, 48 h]', 'data', 'PhysioNet 2012 set A',
                          'features', to_jsonb(precmed.aki_feature_names()))
  FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
INSERT INTO precmed.models (name, model, metadata)
SELECT 'aki_creat_logreg', precmed.train_logreg(f.features, t.aki::int::float8, '{}'),
       jsonb_build_object('task', 'creatinine AKI in (24 h, 48 h]', 'data', 'PhysioNet 2012 set A',
                          'features', to_jsonb(precmed.aki_feature_names()))
  FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
SELECT name, precmed.model_info(model) ->> 'algorithm' AS algorithm,
       (precmed.model_info(model) ->> 'training_rows')::int AS rows,
       pg_size_pretty(length(model)::bigint) AS size
  FROM precmed.models ORDER BY name;

\echo
\echo '== what the XGBoost model relies on (share of total split gain)'
SELECT n.name AS feature, round((e ->> 'gain_share')::numeric, 3) AS gain_share
  FROM precmed.models m,
       jsonb_array_elements(precmed.model_info(m.model) -> 'importance') e,
       LATERAL (SELECT (precmed.aki_feature_names())[(e ->> 'feature')::int] AS name) n
 WHERE m.name = 'aki_creat_xgb'
 ORDER BY (e ->> 'gain_share')::float8 DESC LIMIT 10;

\echo
\echo '== a dashboard view: current risk of every stay still at risk'
CREATE VIEW ml_seta.aki_risk_now AS
  SELECT f.stay_id,
         precmed.predict((SELECT model FROM precmed.models WHERE name = 'aki_creat_xgb'), f.features) AS risk_xgb,
         precmed.predict((SELECT model FROM precmed.models WHERE name = 'aki_creat_logreg'), f.features) AS risk_logreg
    FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
SELECT count(*) AS stays_scored,
       count(*) FILTER (WHERE risk_xgb >= 0.3) AS xgb_risk_ge_30pct,
       count(*) FILTER (WHERE risk_logreg >= 0.3) AS logreg_risk_ge_30pct,
       round(corr(risk_xgb, risk_logreg)::numeric, 2) AS correlation
  FROM ml_seta.aki_risk_now;

\echo
\echo '== the ten highest-risk stays, with their values of the model''s top features'
\echo '   (ranked by out-of-fold XGBoost risk, so no stay is scored by a model that saw it)'
WITH top AS (
  SELECT p.stay_id, p.p AS risk FROM ml_seta.cv_pred p WHERE p.model = 'xgboost'
   ORDER BY p.p DESC, p.stay_id LIMIT 10),
names AS (SELECT precmed.aki_feature_names() AS n)
SELECT t.stay_id, round(t.risk::numeric, 3) AS risk, k.aki AS had_aki,
       round(f.features[array_position(n.n, 'creatinine_last')]::numeric, 2) AS creat_last,
       round(f.features[array_position(n.n, 'creatinine_slope')]::numeric, 4) AS creat_slope_per_h,
       round(f.features[array_position(n.n, 'creatinine_rise')]::numeric, 2) AS creat_rise,
       round(f.features[array_position(n.n, 'egfr_last')]::numeric, 0) AS egfr,
       round(f.features[array_position(n.n, 'urine_6h_mlkgh')]::numeric, 2) AS urine_6h_mlkgh,
       round(f.features[array_position(n.n, 'bun_last')]::numeric, 0) AS bun
  FROM top t JOIN ml_seta.features f USING (stay_id) JOIN ml_seta.task k USING (stay_id), names n
 ORDER BY t.risk DESC, t.stay_id;

\echo
\echo '== alerting: sensitivity at 1:2 and 1:1 false-to-true alert ratios (out-of-fold XGBoost)'
WITH r AS (
  SELECT sum((NOT p.aki)::int) OVER w AS fp, sum(p.aki::int) OVER w AS tp
    FROM ml_seta.cv_pred p WHERE p.model = 'xgboost'
  WINDOW w AS (ORDER BY p.p DESC, p.stay_id)),
pos AS (SELECT count(*) AS n FROM ml_seta.task WHERE aki)
SELECT v.ratio, round(coalesce(a.tp, 0)::numeric / pos.n, 3) AS sensitivity,
       coalesce(a.tp, 0) AS true_alerts, coalesce(a.fp, 0) AS false_alerts
  FROM (VALUES (1, '1 false : 2 true', 0.5), (2, '1 false : 1 true', 1.0)) v(o, ratio, q)
  CROSS JOIN pos
  LEFT JOIN LATERAL (SELECT r.tp, r.fp FROM r WHERE r.fp <= v.q * r.tp AND r.tp > 0
                      ORDER BY r.tp DESC LIMIT 1) a ON true
 ORDER BY v.o;
\echo '(the largest top-ranked alert list whose false:true ratio stays within the limit; sensitivity = true alerts / all AKI cases)'
