-- precmed decision support: multi-label models, their metrics, bad input.
\set VERBOSITY default
\set SHOW_CONTEXT never

-- ============================================================ multilabel_metrics
-- Hand-computed, 4 examples x 3 labels:
--   e1 pred {t,f,f} truth {t,f,f}: exact; Jaccard 1/1
--   e2 pred {t,t,f} truth {t,f,t}: 2 wrong; Jaccard 1/3
--   e3 pred {f,f,f} truth {f,f,f}: exact, both sets empty; Jaccard 1 (nothing to miss)
--   e4 pred {f,t,f} truth {t,t,f}: 1 wrong; Jaccard 1/2
-- label 1: tp 2 fp 0 fn 1 -> P 1, R 2/3, F1 4/5, support 3
-- label 2: tp 1 fp 1 fn 0 -> P 1/2, R 1, F1 2/3, support 1
-- label 3: tp 0 fp 0 fn 1 -> P 1 (nothing claimed), R 0, F1 0, support 1
-- micro: tp 3 fp 1 fn 2 -> P 3/4, R 3/5, F1 6/9; macro F1 (4/5 + 2/3 + 0) / 3 = 22/45
-- Hamming 3/12; subset accuracy 2/4; Jaccard (1 + 1/3 + 1 + 1/2) / 4 = 17/24
CREATE TABLE mx (pred boolean[], truth boolean[]);
INSERT INTO mx VALUES ('{t,f,f}', '{t,f,f}'), ('{t,t,f}', '{t,f,t}'),
                      ('{f,f,f}', '{f,f,f}'), ('{f,t,f}', '{t,t,f}'),
                      (NULL, '{t,t,t}'), ('{t,t,t}', NULL);   -- NULL arrays are skipped
SELECT (m->>'examples')::int AS examples, (m->>'labels')::int AS labels,
       abs((m->>'micro_precision')::float8 - 3.0 / 4) < 1e-12 AS micro_p,
       abs((m->>'micro_recall')::float8 - 3.0 / 5) < 1e-12 AS micro_r,
       abs((m->>'micro_f1')::float8 - 6.0 / 9) < 1e-12 AS micro_f1,
       abs((m->>'macro_f1')::float8 - 22.0 / 45) < 1e-12 AS macro_f1,
       abs((m->>'hamming_loss')::float8 - 3.0 / 12) < 1e-12 AS hamming,
       abs((m->>'subset_accuracy')::float8 - 2.0 / 4) < 1e-12 AS subset,
       abs((m->>'jaccard')::float8 - 17.0 / 24) < 1e-12 AS jaccard
  FROM (SELECT precmed.multilabel_metrics(pred, truth) AS m FROM mx) s;
SELECT (p->>'label')::int AS label, round((p->>'precision')::numeric, 4) AS precision,
       round((p->>'recall')::numeric, 4) AS recall, round((p->>'f1')::numeric, 4) AS f1,
       (p->>'support')::int AS support, (p->>'predicted')::int AS predicted
  FROM (SELECT precmed.multilabel_metrics(pred, truth) AS m FROM mx) s,
       jsonb_array_elements(s.m->'per_label') p;
-- a label never true and never predicted: nothing to find, nothing claimed: P = R = F1 = 1
SELECT p->>'precision' AS precision, p->>'recall' AS recall, p->>'f1' AS f1, p->>'support' AS support
  FROM (SELECT precmed.multilabel_metrics(pred, truth) AS m
          FROM (VALUES ('{t,f}'::boolean[], '{t,f}'::boolean[]), ('{f,f}', '{t,f}')) v(pred, truth)) s,
       jsonb_array_elements(s.m->'per_label') p WHERE p->>'label' = '2';
-- no rows: NULL
SELECT precmed.multilabel_metrics(pred, truth) IS NULL AS empty_null FROM mx WHERE false;
-- the same counts through a parallel plan (combine, serial, deserial)
CREATE TABLE mx_big AS
  SELECT ARRAY[i % 3 = 0, i % 5 = 0, i % 7 = 0] AS pred, ARRAY[i % 3 = 0, i % 4 = 0, false] AS truth
    FROM generate_series(1, 60000) i;
ANALYZE mx_big;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT precmed.multilabel_metrics(pred, truth) FROM mx_big;
SELECT precmed.multilabel_metrics(pred, truth) AS par,
       precmed.label_ranking_ap(ARRAY[(pred[1])::int, (pred[2])::int, 0.5]::float8[], truth) AS par_lrap
  FROM mx_big \gset
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
SELECT precmed.multilabel_metrics(pred, truth) - 'jaccard' = :'par'::jsonb - 'jaccard' AS same_counts,
       abs((precmed.multilabel_metrics(pred, truth)->>'jaccard')::float8 - (:'par'::jsonb->>'jaccard')::float8) < 1e-12 AS same_jaccard,
       abs(precmed.label_ranking_ap(ARRAY[(pred[1])::int, (pred[2])::int, 0.5]::float8[], truth) - :par_lrap) < 1e-12 AS same_lrap
  FROM mx_big;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
-- label 1 is predicted exactly (F1 1); label 3 is never true and predicted for 1/7: F1 0
SELECT (p->>'label')::int AS label, round((p->>'f1')::numeric, 4) AS f1, p->>'support' AS support
  FROM (SELECT :'par'::jsonb AS m) s, jsonb_array_elements(s.m->'per_label') p;

-- ============================================================ label_ranking_ap
-- scikit-learn's documented example: (1/2 + 1/3) / 2 = 5/12
SELECT abs(precmed.label_ranking_ap(s, t) - 5.0 / 12) < 1e-12 AS sklearn_example
  FROM (VALUES ('{0.75, 0.5, 1}'::float8[], '{t,f,f}'::boolean[]),
               ('{1, 0.2, 0.1}', '{f,f,t}')) v(s, t);
-- ties count against: label 1 ties with a negative -> rank 2, 1 hit -> 1/2
SELECT precmed.label_ranking_ap('{0.5, 0.5, 0.1}', '{t,f,f}') AS ties;
-- two positives tied at the top with a negative: each has rank 3 and 2 hits -> 2/3
SELECT round(precmed.label_ranking_ap('{0.9, 0.9, 0.9, 0.1}', '{t,t,f,f}')::numeric, 6) AS ties_two;
-- no true label, or every label true: 1 (as scikit-learn)
SELECT precmed.label_ranking_ap('{0.1, 0.9}', '{f,f}') AS none_true,
       precmed.label_ranking_ap('{0.1, 0.9}', '{t,t}') AS all_true;

-- ============================================================ bad input to the metrics
-- expect 2202E: arrays of differing lengths
SELECT precmed.multilabel_metrics('{t,f}', '{t,f,f}');
SELECT precmed.label_ranking_ap('{0.1, 0.2}', '{t}');
-- expect 2202E: a row with another length than earlier rows
SELECT precmed.multilabel_metrics(p, t) FROM (VALUES ('{t,f}'::boolean[], '{t,f}'::boolean[]), ('{t}', '{t}')) v(p, t);
-- expect 2202E: no labels
SELECT precmed.multilabel_metrics('{}', '{}');
-- expect 22004: NULL elements
SELECT precmed.multilabel_metrics('{t,NULL}', '{t,f}');
SELECT precmed.label_ranking_ap('{0.1, NULL}', '{t,f}');
-- expect 2202E: two-dimensional
SELECT precmed.multilabel_metrics('{{t,f}}', '{{t,f}}');

-- ============================================================ train_multilabel
-- 400 rows, two features; a = x1 >= 5, b = x2 >= 6, c = a and b (nested in a and b);
-- label b unknown for every tenth row.
CREATE TABLE ds AS
  SELECT i, ARRAY[(i % 10)::float8, ((i * 7) % 13)::float8] AS x,
         ARRAY[i % 10 >= 5, CASE WHEN i % 10 = 3 THEN NULL ELSE (i * 7) % 13 >= 6 END,
               i % 10 >= 5 AND (i * 7) % 13 >= 6] AS y
    FROM generate_series(1, 400) i;
CREATE TABLE ml_models AS
  SELECT precmed.train_multilabel(x, y, '{"base": "logreg", "labels": ["a", "b", "c"], "threshold": "train", "params": {"lambda": 0.001}}') AS br,
         precmed.train_multilabel(x, y, '{"method": "classifier_chain", "base": "logreg", "labels": ["a", "b", "c"], "order": ["c", "a", "b"], "params": {"lambda": 0.001}}') AS cc,
         precmed.train_multilabel(x, y, '{"method": "classifier_chain", "labels": ["a", "b", "c"], "order": "auto", "params": {"num_round": 20, "max_depth": 2, "eta": 0.5, "subsample": 1, "colsample_bytree": 1}, "label_params": {"c": {"max_depth": 3}}}') AS cc_xgb,
         precmed.train_multilabel(x, y) AS dflt,
         precmed.train_multilabel(x, y, '{"method": "classifier_chain", "base": "logreg", "labels": ["a", "b", "c"], "order": ["a", "b", "c"], "threshold": "train", "params": {"lambda": 0.001}}') AS cc_abc
    FROM ds;
-- XGBoost panels separate the labels: every decision right on these rows;
-- logistic regression by binary relevance cannot draw c = a AND b with one line
-- (its best line errs on some rows), but a chain a -> b -> c can: c's model
-- sees a's and b's decisions
SELECT count(*) AS rows,
       count(*) FILTER (WHERE precmed.predict_labels(br, x) = ARRAY[y[1], coalesce(y[2], x[2] >= 6), y[3]]) AS br_right,
       count(*) FILTER (WHERE precmed.predict_labels(cc_abc, x) = ARRAY[y[1], coalesce(y[2], x[2] >= 6), y[3]]) AS cc_abc_right,
       count(*) FILTER (WHERE (precmed.predict_labels(br, x))[3] = y[3]) AS br_c_right,
       count(*) FILTER (WHERE (precmed.predict_labels(cc_abc, x))[3] = y[3]) AS cc_abc_c_right,
       count(*) FILTER (WHERE precmed.predict_labels(cc_xgb, x) = ARRAY[y[1], coalesce(y[2], x[2] >= 6), y[3]]) AS cc_xgb_right,
       count(*) FILTER (WHERE precmed.predict_labels(dflt, x) = ARRAY[y[1], coalesce(y[2], x[2] >= 6), y[3]]) AS dflt_right
  FROM ds, ml_models;
-- probabilities in label order, decisions by the stored thresholds
SELECT array_length(precmed.predict_multilabel(br, ARRAY[9, 12]), 1) AS n,
       (precmed.predict_multilabel(br, ARRAY[9, 12]))[1] > 0.9 AS a_high,
       (precmed.predict_multilabel(br, ARRAY[0, 0]))[3] < 0.1 AS c_low,
       precmed.predict_labels(br, ARRAY[9, 12]) AS high, precmed.predict_labels(br, ARRAY[0, 0]) AS low,
       precmed.predict_labels(br, ARRAY[NULL, 12]) IS NOT NULL AS missing_ok,
       precmed.predict_multilabel(br, NULL) IS NULL AS null_features
  FROM ml_models;
-- model_info: labels, chain order, thresholds, per-label model; known rows per label (b: 360 known)
SELECT i->>'algorithm' AS algorithm, i->'meta'->>'method' AS method, i->'meta'->'labels' AS labels,
       i->'meta'->'order' AS chain_order, i->'meta'->'label_rows' AS label_rows,
       i->'meta'->'label_positives' AS positives, i->'meta'->'threshold_rule' AS rule
  FROM ml_models, LATERAL (VALUES (precmed.model_info(br)), (precmed.model_info(cc)), (precmed.model_info(cc_xgb))) v(i);
-- chain positions: c first, then a (one extra feature: c's decision), then b (two)
SELECT (l->>'label')::int AS label, l->>'name' AS name, (l->>'chain_position')::int AS pos,
       (l->'model'->>'features')::int AS features, l->'model'->>'algorithm' AS base,
       (l->>'threshold')::float8 BETWEEN 0 AND 1 AS threshold_ok
  FROM ml_models, jsonb_array_elements(precmed.model_info(cc)->'per_label') l;
-- "auto": the most frequent label first (b 51 %, a 50 %, c 27 %); c gets its own max_depth
SELECT l->>'name' AS name, (l->>'chain_position')::int AS pos,
       l->'model'->'params'->>'max_depth' AS max_depth, l->'model'->'params'->>'num_round' AS rounds,
       jsonb_array_length(l->'model'->'importance') AS importances
  FROM ml_models, jsonb_array_elements(precmed.model_info(cc_xgb)->'per_label') l;
-- a fixed threshold is stored as given
SELECT precmed.model_info(precmed.train_multilabel(x, y, '{"base": "logreg", "threshold": 0.3}'))->'meta'->'thresholds' AS fixed
  FROM ds;
-- the same model whatever the row order (inner folds hash the rows)
SELECT (SELECT precmed.train_multilabel(x, y, '{"params": {"num_round": 10}}' ORDER BY i) FROM ds) =
       (SELECT precmed.train_multilabel(x, y, '{"params": {"num_round": 10}}' ORDER BY i DESC) FROM ds) AS order_free;
-- the same model through a parallel plan (rows gathered by workers: combine, serial, deserial)
ANALYZE ds;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT precmed.train_multilabel(x, y, '{"params": {"num_round": 10}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"params": {"num_round": 10}}') AS par_model FROM ds \gset
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
SELECT precmed.train_multilabel(x, y, '{"params": {"num_round": 10}}') = :'par_model'::bytea AS parallel_same FROM ds;
-- the chain's hand check: with order [a, c], c's model sees a's decision as feature 3
SELECT (precmed.model_info(m)->'per_label'->1->'model'->>'features')::int AS c_features,
       precmed.predict_labels(m, ARRAY[9, 12]) AS p
  FROM (SELECT precmed.train_multilabel(x, ARRAY[y[1], y[3]], '{"method": "classifier_chain", "base": "logreg", "labels": ["a", "c"], "order": ["a", "c"], "threshold": 0.5}') AS m FROM ds) s;

-- label implications: c = a AND b, so c implies a and b; binary relevance with logistic
-- regression and low fixed thresholds calls c without a or b on some rows, "implies" raises them
SELECT count(*) FILTER (WHERE d1[3] AND NOT (d1[1] AND d1[2])) AS broken_without,
       count(*) FILTER (WHERE d2[3] AND NOT (d2[1] AND d2[2])) AS broken_with,
       count(*) FILTER (WHERE d1[3] <> d2[3]) AS c_changed,
       count(*) FILTER (WHERE d1 <> d2 AND NOT d1[3]) AS changed_without_c
  FROM (SELECT precmed.predict_labels(m1, x) AS d1, precmed.predict_labels(m2, x) AS d2
          FROM ds, (SELECT precmed.train_multilabel(x, y, '{"base": "logreg", "labels": ["a", "b", "c"], "threshold": 0.2}') AS m1,
                           precmed.train_multilabel(x, y, '{"base": "logreg", "labels": ["a", "b", "c"], "threshold": 0.2, "implies": {"c": ["a", "b"]}}') AS m2
                      FROM ds) m) s;
-- predict_contributions of a multi-label model: one row per label (features, then bias),
-- each row summing to that label's margin logit(p); in a chain the bias column also holds
-- the earlier labels' decisions (checked for XGBoost and logistic regression, chain and not)
SELECT array_dims(precmed.predict_contributions(cc_xgb, ARRAY[7, 3])) AS dims,
       precmed.predict_contributions(cc_xgb, NULL) IS NULL AS null_features
  FROM ml_models;
SELECT m.name, count(*) AS rows,
       max(abs(s.total - ln(s.p / (1 - s.p)))) < 1e-9 AS sums_to_margin
  FROM ml_models,
       LATERAL (VALUES ('br', br), ('cc', cc), ('cc_xgb', cc_xgb), ('cc_abc', cc_abc)) m(name, model),
       (SELECT x FROM ds WHERE i <= 40) d,
       LATERAL (SELECT l, (precmed.predict_multilabel(m.model, d.x))[l] AS p,
                       (SELECT sum(v) FROM unnest((precmed.predict_contributions(m.model, d.x))[l:l][1:3]) v) AS total
                  FROM generate_series(1, 3) l) s
 GROUP BY m.name ORDER BY m.name;
-- binary relevance with logistic regression: a feature's contribution is its coefficient
-- times its standardized value (model_info's coef, mean, sd)
SELECT bool_and(abs((precmed.predict_contributions(br, ARRAY[9, 12]))[l][1] -
                    ((i->>'coef')::float8 * (9 - (i->>'mean')::float8) / (i->>'sd')::float8)) < 1e-12) AS coef_times_z
  FROM ml_models, generate_series(1, 3) l,
       LATERAL (SELECT precmed.model_info(br)->'per_label'->(l - 1)->'model'->'coefficients'->0 AS i) c;
-- expect 22023: top_reasons explains one label
SELECT precmed.top_reasons(br, ARRAY[9, 12], ARRAY['x1', 'x2']) FROM ml_models;

-- ============================================================ bad input to training and scoring
-- expect 2202E: labels arrays of differing lengths
SELECT precmed.train_multilabel(x, y) FROM (VALUES ('{1}'::float8[], '{t,f}'::boolean[]), ('{2}', '{t}')) v(x, y);
-- expect 2202E: feature vectors of differing lengths
SELECT precmed.train_multilabel(x, y) FROM (VALUES ('{1}'::float8[], '{t,f}'::boolean[]), ('{2,3}', '{t,f}')) v(x, y);
-- expect 2202E: no labels
SELECT precmed.train_multilabel('{1}', '{}');
-- expect 22004: NULL labels array
SELECT precmed.train_multilabel('{1}', NULL::boolean[]);
-- expect 22023: a label never positive (c here)
SELECT precmed.train_multilabel(x, ARRAY[y[1], false]) FROM ds;
-- expect 22023: a label known only as positive
SELECT precmed.train_multilabel(x, ARRAY[y[1], CASE WHEN y[1] THEN true END]) FROM ds;
-- expect 22023: empty training set
SELECT precmed.train_multilabel(x, y) FROM ds WHERE false;
-- expect 22023: bad params
SELECT precmed.train_multilabel(x, y, '{"method": "stacking"}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b"]}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "a"]}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "c"], "order": ["a", "b", "d"]}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"order": "random"}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"threshold": 1.5}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"threshold": "best"}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"label_params": {"zz": {}}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"params": {"max_depth": 0}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "c"], "implies": {"c": "d"}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "c"], "implies": {"c": "c"}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "c"], "implies": {"c": 1}}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"labels": ["a", "b", "c"], "implies": ["c", "a"]}') FROM ds;
SELECT precmed.train_multilabel(x, y, '{"base": "logreg", "params": {"max_depth": 3}}') FROM ds;
-- expect 22023: a multi-label model given to precmed.predict, a single-label one to predict_multilabel
SELECT precmed.predict(br, ARRAY[1, 2]) FROM ml_models;
SELECT precmed.predict_multilabel(precmed.train_logreg(x, y[1]::int::float8), ARRAY[1, 2]) FROM ds;
-- expect 2202E: features of the wrong length
SELECT precmed.predict_labels(br, ARRAY[1, 2, 3]) FROM ml_models;
-- expect 22P03: an altered model
SELECT precmed.predict_multilabel(set_byte(br, 60, get_byte(br, 60) # 1), ARRAY[1, 2]) FROM ml_models;
-- expect 22004: NULL model
SELECT precmed.predict_labels(NULL, ARRAY[1, 2]);
