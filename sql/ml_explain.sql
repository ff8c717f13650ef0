-- precmed ml: why a model gives its risk (predict_contributions, top_reasons).
-- Models are built here by hand (header, CRC-32C and an XGBoost JSON or a
-- logistic regression body) so that every contribution can be worked out on
-- paper; the AKI model against XGBoost's own pred_contribs is
-- test/pgtap/50_ml_treeshap.sql.
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE SCHEMA ml_explain;
SET search_path = ml_explain;

-- runs q, returns 'ok' or its SQLSTATE, message and detail
CREATE FUNCTION try_sql(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ': ' || msg || coalesce(' / ' || det, '');
END $$;

-- ---- building model values (docs/aki_risk.md, "The model value") ----
-- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of b
CREATE FUNCTION crc32c(b bytea) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE c bigint := 4294967295;
BEGIN
  FOR i IN 0..length(b) - 1 LOOP
    c := c # get_byte(b, i);
    FOR k IN 1..8 LOOP
      IF c & 1 = 1 THEN c := (c >> 1) # 2197175160; ELSE c := c >> 1; END IF;
    END LOOP;
  END LOOP;
  RETURN c # 4294967295;
END $$;
-- v as n little-endian bytes
CREATE FUNCTION le(v bigint, n int) RETURNS bytea LANGUAGE sql IMMUTABLE
  RETURN (SELECT string_agg(set_byte('\x00'::bytea, 0, ((v >> (8 * i)) & 255)::int), ''::bytea ORDER BY i)
            FROM generate_series(0, n - 1) i);
-- float8 x as 8 little-endian bytes (float8send is big-endian)
CREATE FUNCTION le_f8(x float8) RETURNS bytea LANGUAGE sql IMMUTABLE
  RETURN (SELECT string_agg(substr(float8send(x), 9 - i, 1), ''::bytea ORDER BY i) FROM generate_series(1, 8) i);
-- a model value: header (algorithm 1 xgboost / 2 logreg), meta '{}', body
CREATE FUNCTION make_model(alg int, nfeatures int, body bytea) RETURNS bytea LANGUAGE sql IMMUTABLE
  RETURN 'PMML'::bytea || le(1, 2) || le(alg, 2) || le(nfeatures, 4) || le(2, 4) || le(100, 8) ||
         le(10, 8) || le(length(body), 4) || le(crc32c('{}'::bytea || body), 4) || '{}'::bytea || body;
-- an XGBoost JSON model over nfeatures with base_score and the given trees
CREATE FUNCTION xgb(nfeatures int, base_score float8, VARIADIC trees jsonb[]) RETURNS bytea LANGUAGE sql IMMUTABLE
  RETURN make_model(1, nfeatures, convert_to(jsonb_build_object('learner', jsonb_build_object(
    'objective', jsonb_build_object('name', 'binary:logistic'),
    'learner_model_param', jsonb_build_object('base_score', base_score::text, 'num_feature', nfeatures::text),
    'gradient_booster', jsonb_build_object('name', 'gbtree', 'model', jsonb_build_object('trees', to_jsonb(trees)))))::text, 'UTF8'));
-- one tree: per node (left, right, feature, threshold or leaf value, default left, cover)
CREATE FUNCTION tree(l int[], r int[], f int[], v float8[], dl int[], cover float8[]) RETURNS jsonb LANGUAGE sql IMMUTABLE
  RETURN jsonb_build_object('left_children', l, 'right_children', r, 'split_indices', f,
    'split_conditions', v, 'default_left', dl, 'sum_hessian', cover,
    'loss_changes', (SELECT array_agg(0) FROM unnest(l)), 'split_type', (SELECT array_agg(0) FROM unnest(l)));
-- rounded contributions, for display
CREATE FUNCTION c4(a float8[]) RETURNS numeric[] LANGUAGE sql IMMUTABLE
  RETURN (SELECT array_agg(round(x::numeric, 4) ORDER BY i) FROM unnest(a) WITH ORDINALITY u(x, i));

-- ============================================================ XGBoost: TreeSHAP by hand
-- A stump on feature 1 (of 2): x1 < 0.5 -> -1 (cover 3), else 2 (cover 1);
-- base_score 0.5 (margin 0).  Expected value (-1 * 3 + 2 * 1) / 4 = -0.25, so
-- left: phi1 = -1 - (-0.25) = -0.75; right: 2.25; feature 2 never matters;
-- bias -0.25.  A missing x1 takes the default branch: left in stump_l,
-- right in stump_r.
CREATE TABLE m AS
  SELECT 'stump_l' AS name, xgb(2, 0.5, tree('{1,-1,-1}', '{2,-1,-1}', '{0,0,0}', '{0.5,-1,2}', '{1,0,0}', '{4,3,1}')) AS model
  UNION ALL
  SELECT 'stump_r', xgb(2, 0.5, tree('{1,-1,-1}', '{2,-1,-1}', '{0,0,0}', '{0.5,-1,2}', '{0,0,0}', '{4,3,1}'));
SELECT name, x, c4(precmed.predict_contributions(model, x)) AS contributions
  FROM m, (VALUES ('{0,7}'::float8[]), ('{1,7}'), ('{NULL,7}'), ('{NaN,7}')) v(x) ORDER BY name, x::text;

-- Two trees: the stump, and a stump on feature 2 (x2 < 10 -> 0.5, else -0.5,
-- covers 2 and 2: expected value 0); base_score 0.8, margin ln 4.  For (0, 7):
-- phi1 -0.75, phi2 0.5 - 0 = 0.5, bias ln 4 - 0.25 = 1.1363.
INSERT INTO m SELECT 'two_trees', xgb(2, 0.8,
  tree('{1,-1,-1}', '{2,-1,-1}', '{0,0,0}', '{0.5,-1,2}', '{1,0,0}', '{4,3,1}'),
  tree('{1,-1,-1}', '{2,-1,-1}', '{1,0,0}', '{10,0.5,-0.5}', '{1,0,0}', '{4,2,2}'));
SELECT c4(precmed.predict_contributions(model, '{0,7}')) AS two_trees,
       round((ln(4) - 0.25)::numeric, 4) AS bias_by_hand
  FROM m WHERE name = 'two_trees';

-- An interaction: x1 < 0.5 ? (x2 < 0.5 ? 1 : 3) : 0, covers 4; 2 (1, 1); 2.
-- For x = (0, 0), f = 1; v(S) = E[f | x_S] with the other feature averaged by
-- cover: v({}) = 1, v({1}) = 2, v({2}) = 0.5, v({1,2}) = 1, so
-- phi1 = ((2 - 1) + (1 - 0.5)) / 2 = 0.75, phi2 = ((0.5 - 1) + (1 - 2)) / 2 = -0.75.
INSERT INTO m SELECT 'interaction', xgb(2, 0.5,
  tree('{1,3,-1,-1,-1}', '{2,4,-1,-1,-1}', '{0,1,0,0,0}', '{0.5,0.5,0,1,3}', '{1,1,0,0,0}', '{4,2,2,1,1}'));
SELECT c4(precmed.predict_contributions(model, '{0,0}')) AS interaction FROM m WHERE name = 'interaction';

-- Feature 1 split twice on one path (TreeSHAP unwinds it):
-- x1 < 0.5 ? 0 : (x2 < 0.5 ? 2 : (x1 < 1.5 ? 4 : 8)), covers 4; 2; 2 (1; 1 (0.5, 0.5)).
-- E[f] = 2.  x = (2, 1): f = 8, v({1}) = 5, v({2}) = 3 -> phi = (4, 2).
-- x = (1, 0): f = 2, v({1}) = 3, v({2}) = 1 -> phi = (1, -1).
-- x = (1, 1): f = 4, v({1}) = 3, v({2}) = 3 -> phi = (1, 1).
INSERT INTO m SELECT 'twice', xgb(2, 0.5,
  tree('{1,-1,3,-1,5,-1,-1}', '{2,-1,4,-1,6,-1,-1}', '{0,0,1,0,0,0,0}', '{0.5,0,0.5,2,1.5,4,8}',
       '{1,0,1,0,1,0,0}', '{4,2,2,1,1,0.5,0.5}'));
SELECT x, c4(precmed.predict_contributions(model, x)) AS twice
  FROM m, (VALUES ('{2,1}'::float8[]), ('{1,0}'), ('{1,1}')) v(x) WHERE name = 'twice' ORDER BY x::text;

-- Every model above: the contributions sum to the margin predict uses.
SELECT name, count(*) AS vectors,
       max(abs((SELECT sum(c) FROM unnest(precmed.predict_contributions(model, x)) c) -
               ln(precmed.predict(model, x) / (1 - precmed.predict(model, x))))) < 1e-12 AS sums_to_margin
  FROM m, (VALUES ('{0,0}'::float8[]), ('{0,7}'), ('{1,0}'), ('{1,1}'), ('{2,1}'), ('{NULL,12}'), ('{1,NULL}'), ('{NULL,NULL}')) v(x)
 GROUP BY name ORDER BY name;

-- ============================================================ logistic regression by hand
-- intercept -1; feature 1: median 5, mean 4, scale 2, coef 0.5, no indicator;
-- feature 2: median 10, mean 12, scale 4, coef -1, indicator mean 0.25,
-- scale 0.5, coef 2.
--   (6, 8):      0.5 * (6 - 4) / 2 = 0.5;  -1 * (8 - 12) / 4 + 2 * (0 - 0.25) / 0.5 = 0
--   (NULL, NULL): 0.5 * (5 - 4) / 2 = 0.25; -1 * (10 - 12) / 4 + 2 * (1 - 0.25) / 0.5 = 3.5
INSERT INTO m SELECT 'logreg', make_model(2, 2,
  le_f8(-1) || le_f8(5) || le_f8(4) || le_f8(2) || le_f8(0.5) || le_f8(0) || le_f8(0) || le_f8(1) || le_f8(0)
            || le_f8(10) || le_f8(12) || le_f8(4) || le_f8(-1) || le_f8(1) || le_f8(0.25) || le_f8(0.5) || le_f8(2));
SELECT x, c4(precmed.predict_contributions(model, x)) AS logreg,
       round(precmed.predict(model, x)::numeric, 6) AS p,
       round((1 / (1 + exp(-(SELECT sum(c) FROM unnest(precmed.predict_contributions(model, x)) c))))::numeric, 6) AS p_from_sum
  FROM m, (VALUES ('{6,8}'::float8[]), ('{NULL,NULL}')) v(x) WHERE name = 'logreg' ORDER BY x::text;

-- A trained logistic regression: contribution = coef * (value - mean) / sd,
-- from model_info's numbers.
CREATE TABLE lr AS
  SELECT precmed.train_logreg(ARRAY[a, CASE WHEN i % 5 = 0 THEN NULL ELSE b END], y) AS model
    FROM (SELECT i, (i % 7)::float8 AS a, (i % 11)::float8 AS b, ((i * 37) % 3 = 0)::int::float8 AS y
            FROM generate_series(1, 200) i) s;
SELECT max(abs((precmed.predict_contributions(lr.model, '{3,4}'))[(e ->> 'feature')::int] -
               (e ->> 'coef')::float8 * ((CASE (e ->> 'feature')::int WHEN 1 THEN 3 ELSE 4 END) - (e ->> 'mean')::float8) / (e ->> 'sd')::float8
               - coalesce((e ->> 'missing_coef')::float8 * (0 - (e ->> 'missing_share')::float8) /
                          sqrt((e ->> 'missing_share')::float8 * (1 - (e ->> 'missing_share')::float8)), 0))) < 1e-9 AS logreg_by_model_info,
       bool_and((precmed.predict_contributions(lr.model, '{3,4}'))[3] = (precmed.model_info(lr.model) ->> 'intercept')::float8) AS bias_is_intercept
  FROM lr, jsonb_array_elements(precmed.model_info(lr.model) -> 'coefficients') e;

-- ============================================================ top_reasons
-- twice at (2, 1): both raise the margin, feature 1 most; k limits the rows;
-- at (1, 0) only feature 1 raises it; features that lower it are not reasons.
SELECT r.rank, r.feature, r.value, round(r.contribution::numeric, 4) AS contribution
  FROM m, precmed.top_reasons(model, '{2,1}', '{first,second}') r WHERE name = 'twice';
SELECT count(*) AS k1 FROM m, precmed.top_reasons(model, '{2,1}', '{first,second}', 1) WHERE name = 'twice';
SELECT r.rank, r.feature, r.value, round(r.contribution::numeric, 4) AS contribution
  FROM m, precmed.top_reasons(model, '{1,0}', '{first,second}') r WHERE name = 'twice';
-- a missing value is NULL
SELECT r.rank, r.feature, r.value, round(r.contribution::numeric, 4) AS contribution
  FROM m, precmed.top_reasons(model, '{NULL,NULL}', '{first,second}') r WHERE name = 'logreg';
-- NULL features: no rows; k = 0: no rows
SELECT count(*) AS none FROM m, precmed.top_reasons(model, NULL, '{first,second}') WHERE name = 'twice';
SELECT count(*) AS none FROM m, precmed.top_reasons(model, '{2,1}', '{first,second}', 0) WHERE name = 'twice';

-- ============================================================ bad input
SELECT precmed.predict_contributions(model, NULL) IS NULL AS null_features_null FROM m WHERE name = 'twice';
SELECT try_sql($$SELECT precmed.predict_contributions(NULL, '{1,2}')$$) AS null_model;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{1,2,3}') FROM ml_explain.m WHERE name = 'twice'$$) AS wrong_length;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{{1,2}}') FROM ml_explain.m WHERE name = 'twice'$$) AS two_dimensional;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{1,Infinity}') FROM ml_explain.m WHERE name = 'twice'$$) AS infinite;
SELECT try_sql($$SELECT precmed.predict_contributions('\x0102030405'::bytea, '{1,2}')$$) AS not_a_model;
SELECT try_sql($$SELECT precmed.predict_contributions(overlay(model PLACING '\x00' FROM 60), '{1,2}') FROM ml_explain.m WHERE name = 'twice'$$) AS altered;
-- a tree without covers still predicts, but cannot be explained
INSERT INTO m SELECT 'no_cover', xgb(2, 0.5, tree('{1,-1,-1}', '{2,-1,-1}', '{0,0,0}', '{0.5,-1,2}', '{1,0,0}', NULL) - 'sum_hessian');
INSERT INTO m SELECT 'zero_cover', xgb(2, 0.5, tree('{1,-1,-1}', '{2,-1,-1}', '{0,0,0}', '{0.5,-1,2}', '{1,0,0}', '{4,4,0}'));
SELECT name, round(precmed.predict(model, '{0,0}')::numeric, 4) AS p FROM m WHERE name IN ('no_cover', 'zero_cover') ORDER BY name;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{0,0}') FROM ml_explain.m WHERE name = 'no_cover'$$) AS no_cover;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{0,0}') FROM ml_explain.m WHERE name = 'zero_cover'$$) AS zero_cover;
-- a tree 300 levels deep (a chain of splits on feature 1): explained exactly
-- (the contributions add up), but its path buffer (302 * 303 / 2 path
-- elements, 1.4 MB) is over a 1 MB precmed.max_memory_mb: 54000
INSERT INTO m SELECT 'deep', xgb(2, 0.5, tree(
  (SELECT array_agg(CASE WHEN i % 2 = 0 AND i < 600 THEN i + 1 ELSE -1 END ORDER BY i) FROM generate_series(0, 600) i),
  (SELECT array_agg(CASE WHEN i % 2 = 0 AND i < 600 THEN i + 2 ELSE -1 END ORDER BY i) FROM generate_series(0, 600) i),
  (SELECT array_agg(0 ORDER BY i) FROM generate_series(0, 600) i),
  (SELECT array_agg(CASE WHEN i % 2 = 0 AND i < 600 THEN i / 2 + 0.5 ELSE 0.1 * (i % 7) END ORDER BY i) FROM generate_series(0, 600) i),
  (SELECT array_agg(0 ORDER BY i) FROM generate_series(0, 600) i),
  (SELECT array_agg(CASE WHEN i % 2 = 0 AND i < 600 THEN 301 - i / 2 ELSE 1 END ORDER BY i) FROM generate_series(0, 600) i)));
SELECT abs((SELECT sum(c) FROM unnest(precmed.predict_contributions(model, '{250,0}')) c) -
           ln(precmed.predict(model, '{250,0}') / (1 - precmed.predict(model, '{250,0}')))) < 1e-9 AS deep_sums_to_margin
  FROM m WHERE name = 'deep';
SET precmed.max_memory_mb = 1;
SELECT try_sql($$SELECT precmed.predict_contributions(model, '{250,0}') FROM ml_explain.m WHERE name = 'deep'$$) AS too_deep_for_limit;
RESET precmed.max_memory_mb;
SELECT try_sql($$SELECT * FROM precmed.top_reasons(NULL, '{1,2}', '{a,b}')$$) AS null_model;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', NULL) WHERE name = 'twice'$$) AS null_names;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', '{a}') WHERE name = 'twice'$$) AS names_length;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', '{a,NULL}') WHERE name = 'twice'$$) AS null_name;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', '{{a,b}}') WHERE name = 'twice'$$) AS names_2d;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', '{a,b}', -1) WHERE name = 'twice'$$) AS negative_k;
SELECT try_sql($$SELECT * FROM ml_explain.m, precmed.top_reasons(model, '{1,2}', '{a,b}', NULL) WHERE name = 'twice'$$) AS null_k;

RESET search_path;
DROP SCHEMA ml_explain CASCADE;
