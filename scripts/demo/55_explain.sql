-- precmed demo, part 55: why a patient gets the risk they get
-- (docs/explanations.md).  Exact TreeSHAP contributions of the stored XGBoost
-- model from part 50, and the top reasons a dashboard would show.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

\echo
\echo '== why these patients: the three highest-risk stays and the three features that raise each risk most'
\echo '   (exact TreeSHAP, in log-odds; contributions and the bias add up to the model''s margin)'
WITH m AS (SELECT model FROM precmed.models WHERE name = 'aki_creat_xgb'),
top AS (SELECT r.stay_id, r.risk_xgb FROM ml_seta.aki_risk_now r ORDER BY r.risk_xgb DESC, r.stay_id LIMIT 3)
SELECT t.stay_id, round(t.risk_xgb::numeric, 3) AS risk, x.rank, x.feature,
       round(x.value::numeric, 2) AS value, round(x.contribution::numeric, 3) AS contribution
  FROM top t JOIN ml_seta.features f USING (stay_id), m,
       LATERAL precmed.top_reasons(m.model, f.features, precmed.aki_feature_names(), 3) x
 ORDER BY t.risk_xgb DESC, t.stay_id, x.rank;

\echo
\echo '== the check a clinician-informatician would ask for: contributions + bias = the model''s margin'
WITH m AS (SELECT model FROM precmed.models WHERE name = 'aki_creat_xgb')
SELECT count(*) AS stays,
       max(abs((SELECT sum(c) FROM unnest(precmed.predict_contributions(m.model, f.features)) c)
               - ln(p / (1 - p)))) < 1e-6 AS sums_match_margin
  FROM ml_seta.features f, m,
       LATERAL (SELECT precmed.predict(m.model, f.features) AS p) s;
