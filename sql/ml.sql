-- precmed ml: models (train, predict, model_info) and evaluation aggregates.
\set VERBOSITY default
\set SHOW_CONTEXT never

-- ============================================================ metrics
-- Hand-computed example with ties (P = 3 positives, N = 5 negatives):
--   AUROC: positives beat 5, 4 + 1/2, 1 + 2/2 negatives -> 11.5 / 15 = 23/30
--   AP: thresholds 0.9, 0.8, 0.5 add recall 1/3 each at precision 1, 2/3, 3/7
--       -> 1/3 + 2/9 + 1/7 = 44/63
--   Brier: (0.01 + 0.64 + 0.04 + 0.49 + 3 * 0.25 + 0.04) / 8 = 1.97 / 8
CREATE TABLE ex (score float8, label boolean);
INSERT INTO ex VALUES (0.9, true), (0.8, false), (0.8, true), (0.7, false),
                      (0.5, true), (0.5, false), (0.5, false), (0.2, false),
                      (NULL, true), (0.3, NULL);  -- NULLs are skipped
SELECT abs(precmed.auroc(score, label) - 23.0 / 30) < 1e-12 AS auroc_ok,
       abs(precmed.auprc(score, label) - 44.0 / 63) < 1e-12 AS auprc_ok,
       abs(precmed.brier(score, label) - 1.97 / 8) < 1e-12 AS brier_ok
  FROM ex;
SELECT round(precmed.auroc(score, label)::numeric, 15) AS auroc,
       round(precmed.auprc(score, label)::numeric, 15) AS auprc,
       round(precmed.brier(score, label)::numeric, 15) AS brier FROM ex;
-- the ROC curve, one point per distinct score (scikit-learn, drop_intermediate=False)
SELECT p.threshold, round(p.fpr::numeric, 4) AS fpr, round(p.tpr::numeric, 4) AS tpr
  FROM (SELECT precmed.roc_curve(score, label) AS c FROM ex) x, unnest(x.c) p;
-- undefined metrics are NULL: one class only, or no rows
SELECT precmed.auroc(score, label) IS NULL AS auroc_null, precmed.auprc(score, label) IS NULL AS auprc_null
  FROM ex WHERE NOT label;
SELECT precmed.auroc(score, label) IS NULL AS empty_null FROM ex WHERE false;

-- Independent check on 3000 rows with many ties: AUROC by counting pairs,
-- AP by window sums over distinct scores, Brier by avg().
SELECT setseed(0.42);
CREATE TABLE big AS
  SELECT i, round((random() * 0.6 + CASE WHEN random() < 0.3 THEN 0.3 ELSE 0 END)::numeric, 2)::float8 AS score,
         NULL::boolean AS label
    FROM generate_series(1, 3000) i;
UPDATE big SET label = random() < score;
CREATE TABLE big_ref AS
WITH pos AS (SELECT score FROM big WHERE label), neg AS (SELECT score FROM big WHERE NOT label),
auroc AS (
  SELECT (SELECT sum(CASE WHEN p.score > n.score THEN 1.0 WHEN p.score = n.score THEN 0.5 ELSE 0 END)
            FROM pos p, neg n)::float8
         / ((SELECT count(*) FROM pos) * (SELECT count(*) FROM neg)) AS v),
grp AS (
  SELECT score, count(*) FILTER (WHERE label) AS tp_g, count(*) AS n_g FROM big GROUP BY score),
cum AS (
  SELECT score, tp_g, sum(tp_g) OVER w AS tp, sum(n_g) OVER w AS k
    FROM grp WINDOW w AS (ORDER BY score DESC)),
ap AS (
  SELECT sum((tp_g::float8 / (SELECT count(*) FROM pos)) * (tp::float8 / k)) AS v FROM cum)
SELECT (SELECT v FROM auroc) AS auroc, (SELECT v FROM ap) AS auprc,
       (SELECT avg((score - label::int) ^ 2) FROM big) AS brier;
SELECT abs(precmed.auroc(b.score, b.label) - r.auroc) < 1e-12 AS auroc_ok,
       abs(precmed.auprc(b.score, b.label) - r.auprc) < 1e-12 AS auprc_ok,
       abs(precmed.brier(b.score, b.label) - r.brier) < 1e-12 AS brier_ok
  FROM big b, big_ref r GROUP BY r.auroc, r.auprc, r.brier;

-- calibration: the fit solves the logistic score equations
SELECT (c).slope IS NOT NULL AS has_slope,
       abs(sum(b.label::int - 1 / (1 + exp(-((c).intercept + (c).slope * ln(b.score / (1 - b.score))))))) < 1e-9 AS score_eq_intercept,
       abs(sum(ln(b.score / (1 - b.score)) * (b.label::int - 1 / (1 + exp(-((c).intercept + (c).slope * ln(b.score / (1 - b.score)))))))) < 1e-9 AS score_eq_slope,
       abs(sum(b.label::int - 1 / (1 + exp(-((c).intercept_in_large + ln(b.score / (1 - b.score))))))) < 1e-9 AS score_eq_citl
  FROM big b, (SELECT precmed.calibration(score, label) AS c FROM big WHERE score > 0 AND score < 1) f
 WHERE b.score > 0 AND b.score < 1 GROUP BY f.c;
-- hand-computed: 8 rows scored 0.25 with 4 events: slope undefined (NULL),
-- calibration-in-the-large = logit(0.5) - logit(0.25) = ln 3
SELECT (c).slope, (c).intercept, round((c).intercept_in_large::numeric, 12) AS citl, round(ln(3)::numeric, 12) AS ln3
  FROM (SELECT precmed.calibration(0.25, i <= 4) AS c FROM generate_series(1, 8) i) x;

-- the same results under a forced parallel plan (workers really launched)
CREATE FUNCTION workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
    IF l ~ 'Workers Launched' THEN RETURN substring(l FROM '[0-9]+')::int; END IF;
  END LOOP;
  RETURN 0;
END $$;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT precmed.auroc(score, label) FROM big;
SELECT workers_launched('SELECT precmed.auroc(score, label), precmed.roc_curve(score, label) FROM big') > 0 AS parallel_ran;
CREATE TABLE par AS
  SELECT precmed.auroc(score, label) AS auroc, precmed.auprc(score, label) AS auprc,
         precmed.brier(score, label) AS brier, precmed.calibration(score, label) AS cal,
         precmed.roc_curve(score, label) AS roc
    FROM big WHERE score > 0 AND score < 1;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT p.auroc = s.auroc AS auroc_same, p.auprc = s.auprc AS auprc_same, p.brier = s.brier AS brier_same,
       p.cal = s.cal AS calibration_same, p.roc = s.roc AS roc_same
  FROM par p,
       (SELECT precmed.auroc(score, label) AS auroc, precmed.auprc(score, label) AS auprc,
               precmed.brier(score, label) AS brier, precmed.calibration(score, label) AS cal,
               precmed.roc_curve(score, label) AS roc
          FROM big WHERE score > 0 AND score < 1) s;

-- metric errors
SELECT precmed.auroc('NaN', true);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.brier(1.5, true);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.calibration(s, l) FROM (VALUES (0.0, true), (0.5, false)) v(s, l);
\echo :LAST_ERROR_SQLSTATE

-- ============================================================ XGBoost
-- Hand-computed boosting step: x = 0 -> y = 0, x = 1 -> y = 1 (two rows each),
-- one round of depth 1, eta 1, lambda 0, base_score 0.5.  Gradients p - y are
-- +-0.5, hessians 0.25, so each leaf weight is -G/H = -+(2 * 0.5)/(2 * 0.25)
-- = -+2 and the probabilities are sigmoid(-+2) = 0.119202922, 0.880797078.
CREATE TABLE step AS SELECT ARRAY[x]::float8[] AS f, x AS y FROM (VALUES (0.0), (0.0), (1.0), (1.0)) v(x);
CREATE TABLE step_model AS
  SELECT precmed.train_xgboost(f, y, '{"num_round": 1, "max_depth": 1, "eta": 1, "lambda": 0,
                                       "subsample": 1, "colsample_bytree": 1, "min_child_weight": 0}') AS m
    FROM step;
SELECT round(precmed.predict(m, '{0}')::numeric, 9) AS p0, round(precmed.predict(m, '{1}')::numeric, 9) AS p1,
       round((1 / (1 + exp(2)))::numeric, 9) AS sigmoid_minus2
  FROM step_model;
SELECT precmed.model_info(m) - 'bytes' - 'check_max_abs_diff' - 'xgboost_version' AS info FROM step_model;
-- the version of XGBoost that trained it: the one precmed is linked with
SELECT precmed.model_info(m) ->> 'xgboost_version' = precmed.build_info() ->> 'xgboost' AS linked_xgboost FROM step_model;

-- A synthetic task: y depends on features 1 and 2; feature 2 is sometimes missing.
SELECT setseed(0.17);
CREATE TABLE train AS
  SELECT i, ARRAY[a, CASE WHEN i % 5 = 0 THEN NULL ELSE b END, c]::float8[] AS f,
         (random() < 1 / (1 + exp(-(3 * a - 2 * coalesce(CASE WHEN i % 5 = 0 THEN NULL ELSE b END, 0.5) + 0.2))))::int::float8 AS y
    FROM (SELECT i, random() AS a, random() AS b, random() AS c FROM generate_series(1, 1200) i) s;
CREATE TABLE models AS
  SELECT precmed.train_xgboost(f, y, '{"num_round": 40, "seed": 7}') AS xgb,
         precmed.train_xgboost(f, y, '{"num_round": 40, "seed": 7, "nthread": 2}') AS xgb_2threads,
         precmed.train_logreg(f, y) AS lr
    FROM train;
-- deterministic: the same seed gives the same trees whatever the thread count,
-- and training again gives the same bytes
SELECT max(abs(precmed.predict(m.xgb, t.f) - precmed.predict(m.xgb_2threads, t.f))) AS max_diff_threads
  FROM models m, train t;
SELECT m.xgb = (SELECT precmed.train_xgboost(f, y, '{"num_round": 40, "seed": 7}') FROM train) AS same_bytes
  FROM models m;
-- training on the rows in another order (and in parallel) gives the same model
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT precmed.train_logreg(f, y) FROM train;
SELECT workers_launched('SELECT precmed.train_logreg(f, y) FROM train') > 0 AS parallel_ran;
CREATE TABLE models_par AS
  SELECT precmed.train_xgboost(f, y, '{"num_round": 40, "seed": 7}') AS xgb, precmed.train_logreg(f, y) AS lr
    FROM train;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
SELECT p.xgb = m.xgb AS xgb_same, p.lr = m.lr AS logreg_same FROM models p, models_par m;
SELECT m.xgb = (SELECT precmed.train_xgboost(f, y, '{"num_round": 40, "seed": 7}')
                  FROM (SELECT * FROM train ORDER BY i DESC) r) AS same_reversed
  FROM models m;
-- the models rank well on their training rows, and NULL/NaN are scored as missing
SELECT round(precmed.auroc(precmed.predict(m.xgb, t.f), t.y = 1)::numeric, 2) >= 0.75 AS xgb_auroc_ok,
       round(precmed.auroc(precmed.predict(m.lr, t.f), t.y = 1)::numeric, 2) >= 0.75 AS lr_auroc_ok
  FROM models m, train t;
SELECT precmed.predict(xgb, '{0.5,NULL,0.5}') = precmed.predict(xgb, '{0.5,NaN,0.5}') AS xgb_null_is_nan,
       precmed.predict(lr, '{0.5,NULL,0.5}') = precmed.predict(lr, '{0.5,NaN,0.5}') AS lr_null_is_nan,
       precmed.predict(xgb, NULL) IS NULL AS null_features_null
  FROM models;
SELECT i.k, i.v FROM models, jsonb_each(precmed.model_info(xgb)) i(k, v)
 WHERE i.k IN ('algorithm', 'features', 'training_rows', 'trees') ORDER BY 1;
SELECT (e ->> 'feature')::int AS feature, (e ->> 'splits')::int > 0 AS used
  FROM models, jsonb_array_elements(precmed.model_info(xgb) -> 'importance') e ORDER BY 1;

-- ============================================================ logistic regression
-- Hand-computed: x = 0 has 1 event in 4, x = 1 has 3 in 4, x missing has 2 in 4.
-- With a negligible penalty the model (x imputed by the median 0.5, plus a
-- missing indicator) is saturated: it returns the group rates 1/4, 3/4, 1/2.
CREATE TABLE lr3 AS
  SELECT precmed.train_logreg(ARRAY[x]::float8[], y, '{"lambda": 1e-10}') AS m
    FROM (VALUES (0.0, 1.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0),
                 (1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 0.0),
                 (NULL, 1.0), (NULL, 1.0), (NULL, 0.0), (NULL, 0.0)) v(x, y);
SELECT round(precmed.predict(m, '{0}')::numeric, 6) AS p_x0, round(precmed.predict(m, '{1}')::numeric, 6) AS p_x1,
       round(precmed.predict(m, '{NULL}')::numeric, 6) AS p_missing
  FROM lr3;
SELECT (precmed.model_info(m) -> 'coefficients' -> 0) ->> 'median' AS median,
       round(((precmed.model_info(m) -> 'coefficients' -> 0) ->> 'missing_share')::numeric, 4) AS missing_share,
       precmed.model_info(m) ->> 'converged' AS converged
  FROM lr3;
-- a stronger penalty shrinks the coefficient toward zero
SELECT abs(((precmed.model_info(a.m) -> 'coefficients' -> 0) ->> 'coef')::float8)
       > abs(((precmed.model_info(b.m) -> 'coefficients' -> 0) ->> 'coef')::float8) AS shrinks
  FROM lr3 a,
       (SELECT precmed.train_logreg(ARRAY[x]::float8[], y, '{"lambda": 1}') AS m
          FROM (VALUES (0.0, 1.0), (0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (1.0, 1.0)) v(x, y)) b;

-- the models table
INSERT INTO precmed.models (name, model, metadata)
  SELECT 'synthetic_xgb', xgb, '{"task": "synthetic"}' FROM models;
SELECT name, precmed.model_info(model) ->> 'algorithm' AS algorithm, metadata FROM precmed.models;
SELECT count(*) AS scored, round(avg(precmed.predict(m.model, t.f))::numeric, 6)
       = round((SELECT avg(precmed.predict(xgb, f)) FROM models, train)::numeric, 6) AS same_as_direct
  FROM precmed.models m, train t WHERE m.name = 'synthetic_xgb';
DELETE FROM precmed.models;

-- ============================================================ bad input
SELECT precmed.train_xgboost(f, 1) FROM (VALUES ('{1,2}'::float8[]), ('{1,2,3}')) v(f);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg('{1}', 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg('{1}', 2);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg('{1}', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, y) FROM train WHERE false;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg(f, y) FROM train WHERE false;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, 1) FROM train;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost('{Infinity}', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, y, '{"max_depht": 3}') FROM train;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, y, '{"objective": "reg:squarederror"}') FROM train;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, y, '{"eta": "fast"}') FROM train;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_xgboost(f, y, '{"max_depth": -4}') FROM train;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg(f, y, '{"lambda": -1}') FROM train;
\echo :LAST_ERROR_SQLSTATE
-- wrong feature count, 2-D features, infinite feature
SELECT precmed.predict(xgb, '{1,2}') FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(lr, '{{1,2,3}}') FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(lr, '{1,-Infinity,3}') FROM models;
\echo :LAST_ERROR_SQLSTATE
-- not a model, truncated, altered, from another algorithm, an XGBoost model without precmed's header.
-- The errors name sizes and checksums, and XGBoost's JSON differs between its versions: they are
-- shown on a model of fixed bytes, the XGBoost model stored by precmed 0.1.0 (test/data/lifecycle).
CREATE TEMP TABLE stored_models (name text, model_hex text, metadata jsonb);
\copy stored_models FROM 'test/data/lifecycle/models_0.1.0.csv' WITH (FORMAT csv, HEADER)
CREATE TEMP TABLE stored AS SELECT decode(model_hex, 'hex') AS xgb FROM stored_models WHERE name = 'fixture_xgb';
SELECT precmed.predict('\x00010203', '{1,2,3}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(substr(xgb, 1, length(xgb) - 10), '{1,2,3,4,5,6}') FROM stored;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(set_byte(xgb, 500, get_byte(xgb, 500) # 1), '{1,2,3,4,5,6}') FROM stored;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.model_info(set_byte(lr, 6, 1)) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(set_byte(xgb, 6, 2), '{1,2,3,4,5,6}') FROM stored;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(set_byte(xgb, 6, 9), '{1,2,3}') FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(substr(xgb, 41), '{1,2,3}') FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.predict(NULL, '{1,2,3}');
\echo :LAST_ERROR_SQLSTATE
