-- precmed ml: bounded memory (predict's model cache, parallel combine,
-- precmed.max_memory_mb), checked XGBoost and logistic regression
-- parameters, and cancellation.
\set VERBOSITY default
\set SHOW_CONTEXT never
-- a schema of its own: pg_regress runs every test in one database
CREATE SCHEMA ml_trust;
SET search_path = ml_trust;

SELECT setseed(0.31);
CREATE TABLE tr AS
  SELECT i, ARRAY[a, CASE WHEN i % 7 = 0 THEN NULL ELSE b END, c]::float8[] AS f,
         (random() < 1 / (1 + exp(-(3 * a - 2 * b))))::int::float8 AS y
    FROM (SELECT i, random() AS a, random() AS b, random() AS c FROM generate_series(1, 1000) i) s;

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

-- ============================================================ predict's model cache
-- The memory of this backend (all contexts, the running query's included),
-- read every 100th row after the row's prediction.
CREATE FUNCTION mem_at(p float8, i int) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  IF p IS NULL OR p <= 0 OR p >= 1 THEN RAISE EXCEPTION 'bad prediction %', p; END IF;
  IF i % 100 <> 0 THEN RETURN NULL; END IF;
  RETURN (SELECT sum(used_bytes) FROM pg_backend_memory_contexts);
END $$;

CREATE TABLE six AS
  SELECT s AS seed, (SELECT precmed.train_xgboost(f, y, jsonb_build_object('num_round', 30, 'seed', s, 'subsample', 0.5)) FROM tr) AS m
    FROM generate_series(1, 6) s;
CREATE TABLE two AS
  SELECT (SELECT m FROM six WHERE seed = 1) AS m1, (SELECT m FROM six WHERE seed = 2) AS m2;

-- Two models alternating row after row at one call site (stored values,
-- TOAST pointers): the backend's memory does not grow between row 200 and
-- row 1000 (it grew by the parsed model at every switch before).
CREATE FUNCTION feat(i int) RETURNS float8[] LANGUAGE sql IMMUTABLE
  RETURN ARRAY[(i % 10) / 10.0, CASE WHEN i % 7 = 0 THEN NULL ELSE ((i * 7) % 10) / 10.0 END, ((i * 3) % 10) / 10.0];
SELECT (max(used) FILTER (WHERE i = 1000) - max(used) FILTER (WHERE i = 200)) < 4 * 1024 * 1024 AS two_models_bounded
  FROM (SELECT i, mem_at(precmed.predict(CASE WHEN i % 2 = 0 THEN m1 ELSE m2 END, feat(i)), i) AS used
          FROM two, generate_series(1, 1000) i) s;
-- Six models in turn (more than the call site keeps), as in-memory values
-- (array elements): every row replaces a cached model, memory stays bounded.
SELECT (max(used) FILTER (WHERE i = 1200) - max(used) FILTER (WHERE i = 200)) < 4 * 1024 * 1024 AS six_models_bounded
  FROM (SELECT i, mem_at(precmed.predict(a.ms[1 + i % 6], feat(i)), i) AS used
          FROM (SELECT array_agg(m ORDER BY seed) AS ms FROM six) a, generate_series(1, 1200) i) s;
-- and every prediction is the one its own model gives at a call site of its own
CREATE TABLE rot AS
  SELECT i, precmed.predict(a.ms[1 + i % 6], feat(i)) AS p, 1 + i % 6 AS k
    FROM (SELECT array_agg(m ORDER BY seed) AS ms FROM six) a, generate_series(1, 600) i;
CREATE TABLE ref (i int, p float8);
DO $$ BEGIN
  FOR k IN 1..6 LOOP
    EXECUTE format('INSERT INTO ref SELECT r.i, precmed.predict((SELECT m FROM six WHERE seed = %s), feat(r.i)) FROM rot r WHERE r.k = %s', k, k);
  END LOOP;
END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE r.p = f.p) AS same, count(DISTINCT r.p) > 6 AS varied
  FROM rot r JOIN ref f USING (i);

-- Two models of equal length, the same 40-byte header (CRC-32C included)
-- and the same last 64 bytes, differing in the middle: a logistic regression
-- model whose intercept is set to 2, with 4 bytes of its parameter text
-- forged so that the CRC-32C is unchanged.  They must not be confused.
CREATE FUNCTION crc32c_table() RETURNS bigint[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE t bigint[] := '{}'; c bigint;
BEGIN
  FOR i IN 0..255 LOOP
    c := i;
    FOR k IN 1..8 LOOP
      IF c & 1 = 1 THEN c := (c >> 1) # 2197175160; ELSE c := c >> 1; END IF;  -- 0x82F63B78
    END LOOP;
    t := t || c;
  END LOOP;
  RETURN t;
END $$;
-- CRC-32C state after bytes of b, from state c (no final xor)
CREATE FUNCTION crc32c_run(c bigint, b bytea) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE t bigint[] := crc32c_table();
BEGIN
  FOR i IN 0..length(b) - 1 LOOP
    c := t[1 + ((c # get_byte(b, i)) & 255)] # (c >> 8);
  END LOOP;
  RETURN c;
END $$;
-- the state before byte x, given the state after it
CREATE FUNCTION crc32c_back(c bigint, x int) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE t bigint[] := crc32c_table();
BEGIN
  FOR idx IN 0..255 LOOP
    IF (t[1 + idx] >> 24) = (c >> 24) THEN
      RETURN (((c # t[1 + idx]) << 8) & 4294967295) | (idx # x);
    END IF;
  END LOOP;
  RAISE EXCEPTION 'no table entry';
END $$;
-- p with its bytes pos..pos+3 replaced so that its CRC-32C is target
CREATE FUNCTION crc32c_forge(p bytea, pos int, target bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE s bigint := crc32c_run(4294967295, substr(p, 1, pos));
        u bigint := target # 4294967295;
        suffix bytea := substr(p, pos + 5);
BEGIN
  FOR i IN REVERSE length(suffix) - 1..0 LOOP u := crc32c_back(u, get_byte(suffix, i)); END LOOP;
  FOR i IN 1..4 LOOP u := crc32c_back(u, 0); END LOOP;
  u := u # s;
  RETURN overlay(p PLACING decode(lpad(to_hex(u & 255), 2, '0') || lpad(to_hex((u >> 8) & 255), 2, '0') ||
                                  lpad(to_hex((u >> 16) & 255), 2, '0') || lpad(to_hex((u >> 24) & 255), 2, '0'), 'hex')
                 FROM pos + 1 FOR 4);
END $$;
CREATE FUNCTION le32(b bytea, pos int) RETURNS bigint LANGUAGE sql IMMUTABLE
  RETURN get_byte(b, pos)::bigint | (get_byte(b, pos + 1)::bigint << 8) | (get_byte(b, pos + 2)::bigint << 16) | (get_byte(b, pos + 3)::bigint << 24);

CREATE TABLE lr1 AS
  SELECT precmed.train_logreg(ARRAY[x]::float8[], y) AS a
    FROM (VALUES (0.0, 1.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (1.0, 1.0), (1.0, 1.0), (1.0, 0.0), (1.0, 0.0)) v(x, y);
-- sanity of the helpers: the stored CRC is the CRC-32C of everything after the header
SELECT le32(a, 36) = crc32c_run(4294967295, substr(a, 41)) # 4294967295 AS crc_helper_ok FROM lr1;
ALTER TABLE lr1 ADD COLUMN b bytea;
UPDATE lr1 SET b = substr(a, 1, 40) ||
  crc32c_forge(substr(overlay(a PLACING '\x0000000000000040'::bytea FROM 41 + le32(a, 12)::int FOR 8), 41),
               30, le32(a, 36));
SELECT length(a) = length(b) AS same_length, substr(a, 1, 40) = substr(b, 1, 40) AS same_header,
       substr(a, length(a) - 63) = substr(b, length(b) - 63) AS same_last_64, a <> b AS differ
  FROM lr1;
-- b scores as a with the intercept replaced by 2 (b's parameter text is
-- garbled by the forgery, which predict does not read)
SELECT round(precmed.predict(a, '{0}')::numeric, 6) AS a_alone, round(precmed.predict(b, '{0}')::numeric, 6) AS b_alone,
       abs(precmed.predict(b, '{0}')
           - 1 / (1 + exp(-(ln(precmed.predict(a, '{0}') / (1 - precmed.predict(a, '{0}')))
                            - (precmed.model_info(a) ->> 'intercept')::float8 + 2)))) < 1e-12 AS b_is_a_with_intercept_2
  FROM lr1;
-- one call site, both models in turn
SELECT v.k, round(precmed.predict(v.m, '{0}')::numeric, 6) AS p
  FROM (SELECT 1 AS k, a AS m FROM lr1 UNION ALL SELECT 2, b FROM lr1 UNION ALL SELECT 3, a FROM lr1) v
 ORDER BY v.k;

-- ============================================================ parallel combine
-- Under a forced parallel plan the leader's Finalize HashAggregate holds each
-- group's rows once (deserialized states are adopted or freed by combine,
-- not copied and kept): its peak memory stays under 1.5 x the rows' bytes.
CREATE TABLE pairs AS
  SELECT i % 2 AS g, (i % 1000) / 1000.0 AS score, i % 3 = 0 AS label,
         ARRAY[(i % 97)::float8, (i % 89)::float8, (i % 83)::float8] AS f, (i % 5 = 0)::int::float8 AS y
    FROM generate_series(1, 200000) i;
VACUUM ANALYZE pairs;
CREATE FUNCTION finalize_peak_kb(q text) RETURNS TABLE(workers int, node text, peak_kb bigint) LANGUAGE plpgsql AS $$
DECLARE plan jsonb;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO plan;
  RETURN QUERY
    SELECT (SELECT (n ->> 'Workers Launched')::int FROM jsonb_path_query(plan, 'strict $.**?(@."Workers Launched" != null)') n LIMIT 1),
           (n ->> 'Node Type') || ' ' || (n ->> 'Strategy'), (n ->> 'Peak Memory Usage')::bigint
      FROM jsonb_path_query(plan, 'strict $.**?(@."Partial Mode" == "Finalize")') n;
END $$;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET enable_sort = off; SET work_mem = '64MB';
-- 100000 (score, label) pairs per group: 9 bytes each
SELECT workers > 0 AS parallel_ran, node, peak_kb * 1024 < 1.5 * 2 * 100000 * 9 AS held_once
  FROM finalize_peak_kb('SELECT g, precmed.auroc(score, label) FROM pairs GROUP BY g');
-- 100000 training rows of 3 features per group: 32 bytes each
SELECT workers > 0 AS parallel_ran, node, peak_kb * 1024 < 1.5 * 2 * 100000 * 32 AS held_once
  FROM finalize_peak_kb('SELECT g, precmed.train_logreg(f, y) FROM pairs GROUP BY g');
CREATE TABLE par AS
  SELECT g, precmed.auroc(score, label) AS auroc, precmed.roc_curve(score, label) AS roc,
         precmed.train_logreg(f, y) AS lr
    FROM pairs GROUP BY g;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET enable_sort; RESET work_mem;
SET max_parallel_workers_per_gather = 0;
SELECT p.g, p.auroc = s.auroc AS auroc_same, p.roc = s.roc AS roc_same, p.lr = s.lr AS logreg_same
  FROM par p JOIN (SELECT g, precmed.auroc(score, label) AS auroc, precmed.roc_curve(score, label) AS roc,
                          precmed.train_logreg(f, y) AS lr
                     FROM pairs GROUP BY g) s USING (g)
 ORDER BY 1;
RESET max_parallel_workers_per_gather;

-- ============================================================ XGBoost parameters
-- Every parameter is range-checked before anything reaches libxgboost
-- (22023, the range in DETAIL).
CREATE TABLE tiny AS SELECT * FROM tr WHERE i <= 200;
SELECT k, left(v::text, 12) AS v, try_sql(format('SELECT precmed.train_xgboost(f, y, %L) FROM tiny', jsonb_build_object(k, v))) AS result
  FROM (VALUES ('tree_method', '"gpu_hist"'::jsonb), ('booster', '"dart"'),
               ('max_depth', '0'), ('max_depth', '31'), ('max_depth', '2.5'),
               ('eta', '0'), ('learning_rate', '1.5'),
               ('num_round', '0'), ('num_round', '100001'),
               ('min_child_weight', '-1'), ('min_child_weight', '1e10'),
               ('subsample', '0'), ('subsample', '1.01'),
               ('colsample_bytree', '0'), ('colsample_bylevel', '2'), ('colsample_bynode', '-0.5'),
               ('lambda', '-1'), ('reg_alpha', '-0.1'), ('gamma', '1e400'),
               ('max_bin', '1'), ('max_bin', '65537'), ('max_bin', '1000000000'),
               ('max_delta_step', '-1'), ('scale_pos_weight', '0'),
               ('base_score', '0'), ('base_score', '1'),
               ('seed', '-1'), ('random_state', '2147483648'),
               ('nthread', '0'), ('nthread', '65'), ('nthread', '"4"')) t(k, v);
-- the bounds themselves are accepted (one round each)
SELECT k, left(v::text, 12) AS v, try_sql(format('SELECT precmed.train_xgboost(f, y, %L) FROM tiny',
                            jsonb_build_object(k, v, 'num_round', 1))) AS result
  FROM (VALUES ('tree_method', '"exact"'::jsonb), ('tree_method', '"approx"'),
               ('max_depth', '1'), ('max_depth', '30'), ('eta', '1'),
               ('min_child_weight', '0'), ('subsample', '1'), ('colsample_bytree', '1'),
               ('lambda', '0'), ('max_bin', '2'), ('max_bin', '65536'), ('base_score', '0.01'),
               ('seed', '2147483647'), ('max_depth', '3.0')) t(k, v);
-- a whole number written 3.0 is passed on as 3
SELECT precmed.model_info(precmed.train_xgboost(f, y, '{"max_depth": 3.0, "num_round": 1}')) -> 'params' -> 'max_depth' AS max_depth
  FROM tiny;
-- other numbers in their shortest exact form: 0.030 as 0.03, the same model value as 0.03
SELECT precmed.model_info(m1) -> 'params' -> 'eta' AS eta, m1 = m2 AS same_model
  FROM (SELECT precmed.train_xgboost(f, y, '{"eta": 0.030, "num_round": 2}') AS m1,
               precmed.train_xgboost(f, y, '{"eta": 0.03, "num_round": 2}') AS m2 FROM tiny) s;
-- a JSON null takes the default
SELECT (SELECT precmed.train_xgboost(f, y, '{"eta": null, "num_round": 2}') FROM tiny)
       = (SELECT precmed.train_xgboost(f, y, '{"num_round": 2}') FROM tiny) AS xgb_null_is_default,
       (SELECT precmed.train_logreg(f, y, '{"lambda": null}') FROM tiny)
       = (SELECT precmed.train_logreg(f, y) FROM tiny) AS logreg_null_is_default;
-- params must be an object
SELECT precmed.train_xgboost(f, y, '[3]') FROM tiny;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.train_logreg(f, y, '"lambda"') FROM tiny;
\echo :LAST_ERROR_SQLSTATE
-- a feature beyond float32 (XGBoost's storage) is an error, not an infinity
SELECT precmed.train_xgboost(ARRAY[x], l) FROM (VALUES (1.0::float8, 0.0::float8), (1e300, 1.0)) v(x, l);
\echo :LAST_ERROR_SQLSTATE

-- logistic regression parameters
SELECT k, left(v::text, 12) AS v, try_sql(format('SELECT precmed.train_logreg(f, y, %L) FROM tiny', jsonb_build_object(k, v))) AS result
  FROM (VALUES ('lambda', '-1'::jsonb), ('lambda', '1e7'), ('lambda', '"big"'),
               ('max_iter', '0'), ('max_iter', '10001'), ('max_iter', '2.5'),
               ('tol', '0'), ('tol', '1e-400'), ('tol', '2'), ('tol', '1e400'), ('stepsize', '1')) t(k, v);

-- ============================================================ precmed.max_memory_mb
SET max_parallel_workers_per_gather = 0;
SHOW precmed.max_memory_mb;
SELECT setting, unit, context, min_val, boot_val FROM pg_settings WHERE name = 'precmed.max_memory_mb';
-- estimated before training: histograms of deep trees with many bins
SELECT precmed.train_xgboost(ARRAY[i % 1000, i % 997, i % 991]::float8[], (i % 2)::float8,
                             '{"max_depth": 30, "max_bin": 65536, "num_round": 1}')
  FROM generate_series(1, 20000) i;
\echo :LAST_ERROR_SQLSTATE
SET precmed.max_memory_mb = 1;
SHOW precmed.max_memory_mb;
-- the training rows, while they are collected (60000 rows x 4 x 8 bytes > 1 MB)
SELECT precmed.train_logreg(ARRAY[i % 10, i % 7, i % 3]::float8[], (i % 2)::float8) FROM generate_series(1, 60000) i;
\echo :LAST_ERROR_SQLSTATE
-- the (score, label) pairs (200000 x 9 bytes > 1 MB)
SELECT precmed.auroc(score, label) FROM pairs;
\echo :LAST_ERROR_SQLSTATE
-- the rows fit, the design matrices of the fit do not
SELECT precmed.train_logreg(ARRAY[i % 10, i % 7, i % 3]::float8[], (i % 2)::float8) FROM generate_series(1, 12000) i;
\echo :LAST_ERROR_SQLSTATE
-- XGBoost's DMatrix and copies do not
SELECT precmed.train_xgboost(ARRAY[i % 10, i % 7, i % 3]::float8[], (i % 2)::float8, '{"num_round": 1}') FROM generate_series(1, 12000) i;
\echo :LAST_ERROR_SQLSTATE
-- link prediction's default memory_limit_mb follows the cap
CREATE TABLE t_assoc (left_id text, right_id text);
INSERT INTO t_assoc VALUES ('d1', 'x1'), ('d2', 'x2'), ('d3', 'x1');
CREATE TABLE t_lsim (id_a text, id_b text, similarity float8);
INSERT INTO t_lsim VALUES ('d1', 'd2', 0.5), ('d2', 'd3', 0.2), ('d3', 'd3', 1), ('d4', 'd1', 0.9);
CREATE TABLE t_rsim (id_a text, id_b text, similarity float8);
INSERT INTO t_rsim VALUES ('x1', 'x2', 0.4), ('x2', 'x1', 0.4), ('x3', 'x3', 1);
SELECT count(*) FROM precmed.link_predict('t_assoc',
  'SELECT format(''d%s'', i) AS id_a, format(''d%s'', i) AS id_b, 1.0 AS similarity FROM generate_series(1, 300) i',
  't_rsim', 'bnnr');
\echo :LAST_ERROR_SQLSTATE
RESET precmed.max_memory_mb;
RESET max_parallel_workers_per_gather;
-- memory_limit_mb may lower the cap, not raise it
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'knn', '{"k": 1, "memory_limit_mb": 2048}');
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'knn', '{"k": 1, "memory_limit_mb": 2049}');
\echo :LAST_ERROR_SQLSTATE
-- only a superuser can change the cap
CREATE ROLE precmed_ml_user LOGIN;
GRANT USAGE ON SCHEMA ml_trust TO precmed_ml_user;
GRANT SELECT ON t_assoc, t_lsim, t_rsim TO precmed_ml_user;
SET ROLE precmed_ml_user;
SET precmed.max_memory_mb = 4096;
\echo :LAST_ERROR_SQLSTATE
SET precmed.max_memory_mb = 16;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.link_predict('t_assoc', 't_lsim', 't_rsim', 'knn', '{"k": 1, "memory_limit_mb": 100000}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- nor by setting it in a new session before precmed's library is loaded
\c - precmed_ml_user
SET precmed.max_memory_mb = 1000000;
SELECT precmed.version() IS NOT NULL AS loaded;
SHOW precmed.max_memory_mb;
\c - postgres
DROP OWNED BY precmed_ml_user;
DROP ROLE precmed_ml_user;
SET search_path = ml_trust;

-- ============================================================ cancellation
-- A long training is stopped by statement_timeout (57014) well before it
-- would end, XGBoost's handles are released, and the backend goes on.
CREATE FUNCTION cancelled_in(q text, bound interval) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); st text;
BEGIN
  EXECUTE q;
  RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
  RETURN st || CASE WHEN clock_timestamp() - t0 < bound THEN ' in time' ELSE ' late' END;
END $$;
CREATE TABLE wide AS
  SELECT ARRAY(SELECT ((i * 7919 + j * 104729) % 1000) / 1000.0 FROM generate_series(1, 10) j)::float8[] AS f,
         (i % 3 = 0)::int::float8 AS y
    FROM generate_series(1, 20000) i;
SET statement_timeout = '2s';
-- 20000 rounds of depth 4 on 20000 rows take about a minute
SELECT cancelled_in('SELECT precmed.train_xgboost(f, y, ''{"num_round": 20000, "max_depth": 4, "eta": 0.01}'') FROM wide',
                    '90 seconds') AS xgboost;
RESET statement_timeout;
-- a logistic regression of 1500 features on 1600 rows, 10000 Newton steps
CREATE TABLE wide_lr AS
  SELECT ARRAY(SELECT ((i * 7919 + j * 104729) % 1009) / 1009.0 FROM generate_series(1, 1500) j)::float8[] AS f,
         (i % 3 = 0)::int::float8 AS y
    FROM generate_series(1, 1600) i;
RESET statement_timeout;
SET statement_timeout = '3s';
SELECT cancelled_in('SELECT precmed.train_logreg(f, y, ''{"lambda": 1e-6, "max_iter": 10000, "tol": 1e-15}'') FROM wide_lr',
                    '90 seconds') AS logreg;
RESET statement_timeout;
-- the backend trains normally afterwards
SELECT precmed.model_info(precmed.train_xgboost(f, y, '{"num_round": 5}')) ->> 'trees' AS trees FROM tiny;
