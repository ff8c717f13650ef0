-- Link prediction: bad input, each a clear error with its SQLSTATE, and the
-- documented behaviours (mirroring, diagonal, cold entities).
\set VERBOSITY default
\set SHOW_CONTEXT never

CREATE TABLE t_assoc (left_id text, right_id text);
INSERT INTO t_assoc VALUES ('d1', 'x1'), ('d2', 'x2'), ('d3', 'x1');
CREATE TABLE t_lsim (id_a text, id_b text, similarity float8);
INSERT INTO t_lsim VALUES ('d1', 'd2', 0.5), ('d2', 'd3', 0.2), ('d3', 'd3', 1), ('d4', 'd1', 0.9);
CREATE TABLE t_rsim (id_a text, id_b text, similarity float8);
INSERT INTO t_rsim VALUES ('x1', 'x2', 0.4), ('x2', 'x1', 0.4), ('x3', 'x3', 1);

-- accepted: one-direction pairs mirrored, a pair given both ways consistently,
-- self rows declare entities; d4 and x3 have no association (cold) and are scored
SELECT left_id, right_id, known, round(score::numeric, 6) AS score
  FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'knn', '{"k": 1}') ORDER BY 1, 2;
-- by hand, k = 1 (nearest drugs: d1->d4 0.9, d2->d1 0.5, d3->d2 0.2, d4->d1 0.9;
-- nearest diseases: x1->x2 0.4, x2->x1 0.4, x3 has none above 0):
-- (d1,x2) = 0.9*A(d4,x2) + A(d1,x1)*0.4 = 0.4;  (d2,x1) = 0.5*A(d1,x1) + A(d2,x2)*0.4 = 0.9;
-- (d3,x2) = 0.2*A(d2,x2) + A(d3,x1)*0.4 = 0.6;  (d4,x1) = 0.9*A(d1,x1) = 0.9;  x3 column 0

-- duplicate association
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc UNION ALL SELECT ''d1'', ''x1''', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
-- an associated id missing from its similarity
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc UNION ALL SELECT ''d9'', ''x1''', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc UNION ALL SELECT ''d1'', ''x9''', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
-- similarity outside [0, 1], NaN, infinity, NULL
SELECT count(*) FROM precmed.link_predict('t_assoc', 'SELECT * FROM t_lsim UNION ALL SELECT ''d1'', ''d3'', 1.5', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 'SELECT * FROM t_lsim UNION ALL SELECT ''d1'', ''d3'', -0.1', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 'SELECT * FROM t_rsim UNION ALL SELECT ''x1'', ''x3'', ''NaN''::float8');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 'SELECT * FROM t_rsim UNION ALL SELECT ''x1'', ''x3'', ''Infinity''::float8');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 'SELECT * FROM t_rsim UNION ALL SELECT ''x1'', ''x3'', NULL::float8');
\echo :LAST_ERROR_SQLSTATE
-- asymmetric similarity, and a pair given twice in the same direction
SELECT count(*) FROM precmed.link_predict('t_assoc', 'SELECT * FROM t_lsim UNION ALL SELECT ''d2'', ''d1'', 0.6', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 'SELECT * FROM t_lsim UNION ALL SELECT ''d1'', ''d2'', 0.5', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
-- empty association set
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc WHERE false', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
-- a single entity on one side
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc WHERE right_id = ''x1''',
                                           't_lsim', 'SELECT ''x1'' AS id_a, ''x1'' AS id_b, 1.0 AS similarity');
\echo :LAST_ERROR_SQLSTATE
-- NULL ids, NULL arguments, wrong columns
SELECT count(*) FROM precmed.link_predict('SELECT * FROM t_assoc UNION ALL SELECT NULL, ''x1''', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict(NULL, 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'krls_gip', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('SELECT left_id AS drug, right_id FROM t_assoc', 't_lsim', 't_rsim');
\echo :LAST_ERROR_SQLSTATE
-- methods and parameters
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'svd');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'krls_gip', '{"sigmaa": 1}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'krls_gip', '{"w": 1.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'knn', '{"k": 2.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'bnnr', '{"gip": "yes"}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'krls_gip', '[1, 2]');
\echo :LAST_ERROR_SQLSTATE
-- working memory is checked before the run (the toy needs far less than 1 MB; BNNR on
-- 20000 + 3 entities needs 9 dense 20003^2 matrices)
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'bnnr', '{"memory_limit_mb": 1}');
SELECT count(*) FROM precmed.link_predict(
  'SELECT format(''d%s'', i) AS left_id, ''x1'' AS right_id FROM generate_series(1, 20000) i',
  'SELECT format(''d%s'', i) AS id_a, format(''d%s'', i) AS id_b, 1.0 AS similarity FROM generate_series(1, 20000) i',
  't_rsim', 'bnnr');
\echo :LAST_ERROR_SQLSTATE

-- folds
SELECT * FROM precmed.link_folds('t_assoc', 3, 1) ORDER BY 1, 2;
SELECT * FROM precmed.link_folds('t_assoc', 1, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_folds('t_assoc', 4, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_folds('t_assoc', 3, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT left_id, right_id, 0 AS fold FROM t_assoc');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT left_id, right_id, 0 AS fold FROM t_assoc WHERE left_id <> ''d1''');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT ''d4'' AS left_id, ''x1'' AS right_id, 0 AS fold');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT left_id, right_id, 0 AS fold FROM t_assoc UNION ALL SELECT ''d1'', ''x1'', 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT left_id, right_id, NULL::int AS fold FROM t_assoc');
\echo :LAST_ERROR_SQLSTATE
-- the pooled protocol needs a fold for every pair; protocol is a link_cv parameter
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT * FROM precmed.link_folds(''t_assoc'', 3, 1)',
                              'krls_gip', '{"protocol": "pooled"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT ''d9'' AS left_id, ''x1'' AS right_id, 0 AS fold',
                              'krls_gip', '{"protocol": "pooled"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT * FROM precmed.link_folds(''t_assoc'', 3, 1)',
                              'krls_gip', '{"protocol": "leave-one-out"}');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'krls_gip', '{"protocol": "pooled"}');
\echo :LAST_ERROR_SQLSTATE
-- a valid 3-fold run on the toy problem: one held-out pair per fold, 9 unknown pairs
SELECT fold, n_pos, n_neg, auroc >= 0 AND auroc <= 1 AS auroc_in_range
  FROM precmed.link_cv('t_assoc', 't_lsim', 't_rsim', 'SELECT * FROM precmed.link_folds(''t_assoc'', 3, 1)') ORDER BY fold;
-- top-k arguments
SELECT * FROM precmed.link_top_k('t_assoc', 't_lsim', 't_rsim', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_top_k('t_assoc', 't_lsim', 't_rsim', 2, 'both');
\echo :LAST_ERROR_SQLSTATE
