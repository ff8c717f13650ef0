-- precmed's aggregate states: every aggregate X finished elsewhere
-- (X_state where the rows are, X_merge on another server) gives X's answer
-- bit for bit; every aggregate runs as Partial/Finalize under a forced
-- parallel plan with identical results; bad, truncated, altered or
-- other-kind state bytes are 22P03; the state types' text form round-trips.
\set VERBOSITY default
\set SHOW_CONTEXT never
-- this test's tables live in a schema of their own, dropped at the end
CREATE SCHEMA agg_states;
SET search_path = agg_states, public;

-- ---- data: a "hospital" column part splits every table in three -------------
-- scores with many ties, and a NULL of each kind (skipped)
CREATE TABLE sc AS
SELECT i, CASE WHEN i % 997 = 0 THEN NULL ELSE round((abs(hashint4(i)) % 1000)::numeric / 1000, 2)::float8 * 0.98 + 0.01 END AS s,
       CASE WHEN i % 991 = 0 THEN NULL ELSE (abs(hashint4(i * 7)) % 1000) < 300 + (abs(hashint4(i)) % 1000) / 3 END AS l,
       i % 3 AS part
  FROM generate_series(1, 30000) i;
-- training rows: three features, some missing
CREATE TABLE tr AS
SELECT i, ARRAY[(abs(hashint4(i)) % 100) / 10.0, (abs(hashint4(i + 1)) % 50) / 7.0,
                CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 17)::float8 END] AS f,
       ((abs(hashint4(i * 3)) % 100 + (i % 17) * 3) > 60)::int::float8 AS y, i % 3 AS part
  FROM generate_series(1, 3000) i;
-- comparison vectors of candidate pairs: three fields, some missing
CREATE TABLE cv AS
SELECT i, ARRAY[abs(hashint4(i)) % 3, abs(hashint4(i * 5)) % 4,
                CASE WHEN i % 7 = 0 THEN NULL ELSE abs(hashint4(i * 11)) % 2 END] AS c, i % 3 AS part
  FROM generate_series(1, 20000) i;
-- KDIGO stages of stays, and urine rows
CREATE TABLE st AS
SELECT i, i % 40 AS stay, timestamp '2020-01-01' + (i * 37 % 1000) * interval '1 hour' AS t,
       CASE WHEN i % 11 = 0 THEN NULL ELSE abs(hashint4(i)) % 4 END AS stage, i % 3 AS part
  FROM generate_series(1, 6000) i;
CREATE TABLE uo AS
SELECT i, i % 40 AS stay, (abs(hashint4(i)) % 200)::float8 AS ml, 1.0::float8 AS hours,
       CASE WHEN i % 9 = 0 THEN NULL ELSE 60 + (i % 40)::float8 END AS kg,
       timestamp '2020-01-01' + i * interval '1 hour' AS t, i % 3 AS part
  FROM generate_series(1, 6000) i;
-- multi-label rows: the training features, three labels (some unknown), and
-- for the metrics two-label predictions, truths and scores with ties (two
-- labels: every example's Jaccard index and ranking precision is 0, 1/2 or 1,
-- so sums in any order are exact); a NULL truth now and then (skipped)
CREATE TABLE mlr AS
SELECT i, f, ARRAY[y = 1, i % 5 = 0, CASE WHEN i % 11 = 0 THEN NULL ELSE abs(hashint4(i * 13)) % 3 = 0 END] AS lab,
       ARRAY[abs(hashint4(i * 17)) % 2 = 0, abs(hashint4(i * 19)) % 3 = 0] AS pred,
       CASE WHEN i % 97 = 0 THEN NULL ELSE ARRAY[y = 1, i % 5 = 0] END AS truth,
       ARRAY[(abs(hashint4(i * 23)) % 5) / 4.0, (abs(hashint4(i * 29)) % 5) / 4.0]::float8[] AS scores, part
  FROM tr WHERE i <= 600;
ANALYZE sc; ANALYZE tr; ANALYZE cv; ANALYZE st; ANALYZE uo; ANALYZE mlr;

-- ---- merged states equal the single-server answer, bit for bit ---------------
-- states per "hospital" (GROUP BY part), finished together
SELECT precmed.auroc(s, l) = (SELECT precmed.auroc_merge(x) FROM (SELECT precmed.auroc_state(s, l) x FROM sc GROUP BY part) z) AS auroc,
       precmed.auprc(s, l) = (SELECT precmed.auprc_merge(x) FROM (SELECT precmed.auprc_state(s, l) x FROM sc GROUP BY part) z) AS auprc,
       precmed.brier(s, l) = (SELECT precmed.brier_merge(x) FROM (SELECT precmed.brier_state(s, l) x FROM sc GROUP BY part) z) AS brier,
       precmed.calibration(s, l) = (SELECT precmed.calibration_merge(x) FROM (SELECT precmed.calibration_state(s, l) x FROM sc GROUP BY part) z) AS calibration,
       precmed.roc_curve(s, l) = (SELECT precmed.roc_curve_merge(x) FROM (SELECT precmed.roc_curve_state(s, l) x FROM sc GROUP BY part) z) AS roc_curve
  FROM sc;
-- the answers themselves (rounded), so a merge cannot agree with a broken aggregate
SELECT round(precmed.auroc(s, l)::numeric, 6) AS auroc, round(precmed.auprc(s, l)::numeric, 6) AS auprc,
       round(precmed.brier(s, l)::numeric, 6) AS brier, cardinality(precmed.roc_curve(s, l)) AS roc_points
  FROM sc;
-- one state per aggregate family serves every aggregate of the family
SELECT precmed.auroc_merge(x) = (SELECT precmed.auroc(s, l) FROM sc) AS auroc_from_brier_state
  FROM (SELECT precmed.brier_state(s, l) x FROM sc GROUP BY part) z;
-- per group: each stay's states from three partitions, merged per stay
SELECT count(*) AS stays,
       count(*) FILTER (WHERE m IS NOT DISTINCT FROM k) AS kdigo_summary_equal
  FROM (SELECT stay, precmed.kdigo_summary_merge(x) m
          FROM (SELECT stay, part, precmed.kdigo_summary_state(t, stage) x FROM st GROUP BY stay, part) z
         GROUP BY stay) a
  JOIN (SELECT stay, precmed.kdigo_summary(t, stage) k FROM st GROUP BY stay) b USING (stay);
SELECT count(*) AS stays,
       count(*) FILTER (WHERE m IS NOT DISTINCT FROM k) AS kdigo_uo_rate_equal,
       count(*) FILTER (WHERE k IS NOT NULL) AS rates
  FROM (SELECT stay, precmed.kdigo_uo_rate_merge(x) m
          FROM (SELECT stay, part, precmed.kdigo_uo_rate_state(ml, hours, kg, t, 6, NULL) x FROM uo GROUP BY stay, part) z
         GROUP BY stay) a
  JOIN (SELECT stay, precmed.kdigo_uo_rate(ml, hours, kg, t, 6, NULL) k FROM uo GROUP BY stay) b USING (stay);
-- training: the same model bytes
SELECT precmed.train_logreg(f, y) = (SELECT precmed.train_logreg_merge(x) FROM (SELECT precmed.train_logreg_state(f, y) x FROM tr GROUP BY part) z) AS logreg,
       precmed.train_logreg(f, y, '{"lambda": 1}') = (SELECT precmed.train_logreg_merge(x) FROM (SELECT precmed.train_logreg_state(f, y, '{"lambda": 1}') x FROM tr GROUP BY part) z) AS logreg_params,
       precmed.train_xgboost(f, y, '{"num_round": 5, "nthread": 1}') = (SELECT precmed.train_xgboost_merge(x) FROM (SELECT precmed.train_xgboost_state(f, y, '{"num_round": 5, "nthread": 1}') x FROM tr GROUP BY part) z) AS xgboost,
       precmed.train_xgboost(f, y) = (SELECT precmed.train_xgboost_merge(x) FROM (SELECT precmed.train_xgboost_state(f, y) x FROM tr GROUP BY part) z) AS xgboost_default
  FROM tr;
-- multi-label: the same model bytes, the same metrics
SELECT precmed.train_multilabel(f, lab, '{"base": "logreg"}') = (SELECT precmed.train_multilabel_merge(x) FROM (SELECT precmed.train_multilabel_state(f, lab, '{"base": "logreg"}') x FROM mlr GROUP BY part) z) AS train_multilabel,
       precmed.train_multilabel(f, lab) = (SELECT precmed.train_multilabel_merge(x) FROM (SELECT precmed.train_multilabel_state(f, lab) x FROM mlr GROUP BY part) z) AS train_multilabel_default,
       precmed.multilabel_metrics(pred, truth) = (SELECT precmed.multilabel_metrics_merge(x) FROM (SELECT precmed.multilabel_metrics_state(pred, truth) x FROM mlr GROUP BY part) z) AS multilabel_metrics,
       precmed.label_ranking_ap(scores, truth) = (SELECT precmed.label_ranking_ap_merge(x) FROM (SELECT precmed.label_ranking_ap_state(scores, truth) x FROM mlr GROUP BY part) z) AS label_ranking_ap
  FROM mlr;
SELECT precmed.multilabel_metrics(pred, truth)->>'examples' AS examples,
       round((precmed.multilabel_metrics(pred, truth)->>'micro_f1')::numeric, 6) AS micro_f1,
       round((precmed.multilabel_metrics(pred, truth)->>'jaccard')::numeric, 6) AS jaccard,
       round(precmed.label_ranking_ap(scores, truth)::numeric, 6) AS lrap,
       precmed.model_info(precmed.train_multilabel(f, lab, '{"base": "logreg"}'))->'meta'->'labels' AS labels
  FROM mlr;
-- Fellegi-Sunter: the same model bytes and level frequencies
SELECT precmed.fs_train(c) = (SELECT precmed.fs_train_merge(x) FROM (SELECT precmed.fs_train_state(c) x FROM cv GROUP BY part) z) AS fs_train,
       precmed.fs_train(c, '{"levels": [3, 4, 2]}') = (SELECT precmed.fs_train_merge(x) FROM (SELECT precmed.fs_train_state(c, '{"levels": [3, 4, 2]}') x FROM cv GROUP BY part) z) AS fs_train_params,
       precmed.fs_level_frequencies(c, '{}') = (SELECT precmed.fs_level_frequencies_merge(x) FROM (SELECT precmed.fs_level_frequencies_state(c, '{}') x FROM cv GROUP BY part) z) AS fs_level_frequencies
  FROM cv;
-- a state of no rows is NULL, and NULL states are skipped
SELECT precmed.auroc_state(s, l) IS NULL AS no_rows_null FROM sc WHERE false;
SELECT precmed.auroc_merge(x) = (SELECT precmed.auroc(s, l) FROM sc WHERE part = 1) AS nulls_skipped
  FROM (SELECT precmed.auroc_state(s, l) x FROM sc WHERE part = 1 UNION ALL SELECT NULL) z;
SELECT precmed.auroc_merge(NULL) IS NULL AS merge_of_null;
-- states that cannot be merged: feature vectors of different lengths
SELECT precmed.train_logreg_merge(x) FROM (SELECT precmed.train_logreg_state(ARRAY[1, 2], 1) x
                                           UNION ALL SELECT precmed.train_logreg_state(ARRAY[1, 2, 3], 0)) z;

-- ---- the state types: text form round-trips, bad text is refused ---------------
SELECT (x::text::precmed.scores_state)::text = encode(x, 'hex') AS scores_text_roundtrip,
       length(x) AS bytes, encode(substr(x, 1, 4), 'escape') AS magic
  FROM (SELECT precmed.auroc_state(s, l) x FROM sc WHERE i <= 10) z;
SELECT precmed.kdigo_summary_merge(decode(x::text::precmed.kdigo_summary_state::text, 'hex')) = (SELECT precmed.kdigo_summary(t, stage) FROM st WHERE stay = 1) AS kdigo_text_roundtrip
  FROM (SELECT precmed.kdigo_summary_state(t, stage) x FROM st WHERE stay = 1) z;
SELECT 'zz'::precmed.scores_state;
SELECT 'abc'::precmed.rows_state;
SELECT '504d5354'::precmed.fs_state;

-- ---- every aggregate as Partial/Finalize, results identical to serial -----------
CREATE TABLE serial_answers AS
SELECT (SELECT precmed.auroc(s, l) FROM sc) AS auroc, (SELECT precmed.auprc(s, l) FROM sc) AS auprc,
       (SELECT precmed.brier(s, l) FROM sc) AS brier, (SELECT precmed.calibration(s, l) FROM sc) AS calibration,
       (SELECT precmed.roc_curve(s, l) FROM sc) AS roc_curve,
       (SELECT precmed.train_logreg(f, y) FROM tr) AS logreg,
       (SELECT precmed.train_xgboost(f, y, '{"num_round": 5, "nthread": 1}') FROM tr) AS xgboost,
       (SELECT precmed.fs_train(c) FROM cv) AS fs_train, (SELECT precmed.fs_level_frequencies(c, '{}') FROM cv) AS fs_freq,
       (SELECT precmed.kdigo_summary(t, stage) FROM st) AS kdigo_summary,
       (SELECT precmed.kdigo_uo_rate(ml, hours, kg, t, 6, NULL) FROM uo) AS uo_rate,
       (SELECT precmed.auroc_merge(x) FROM (SELECT precmed.auroc_state(s, l) x FROM sc GROUP BY part) z) AS auroc_merge,
       (SELECT precmed.train_multilabel(f, lab, '{"base": "logreg"}') FROM mlr) AS multilabel,
       (SELECT precmed.multilabel_metrics(pred, truth) FROM mlr) AS ml_metrics,
       (SELECT precmed.label_ranking_ap(scores, truth) FROM mlr) AS lrap;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;
-- whether the query's plan aggregates in parallel (a Partial Aggregate under a Gather, finalized above)
CREATE FUNCTION pg_temp.parallel_plan(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  plan text := '';
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan ~ 'Finalize Aggregate' AND plan ~ 'Gather' AND plan ~ 'Partial Aggregate';
END
$$;
SELECT q, pg_temp.parallel_plan(q) AS partial_finalize
  FROM unnest(ARRAY[
    'SELECT precmed.auroc(s, l) FROM sc', 'SELECT precmed.auprc(s, l) FROM sc',
    'SELECT precmed.brier(s, l) FROM sc', 'SELECT precmed.calibration(s, l) FROM sc',
    'SELECT precmed.roc_curve(s, l) FROM sc', 'SELECT precmed.train_logreg(f, y) FROM tr',
    'SELECT precmed.train_xgboost(f, y) FROM tr', 'SELECT precmed.fs_train(c) FROM cv',
    'SELECT precmed.fs_level_frequencies(c, ''{}'') FROM cv', 'SELECT precmed.kdigo_summary(t, stage) FROM st',
    'SELECT precmed.kdigo_uo_rate(ml, hours, kg, t, 6, NULL) FROM uo',
    'SELECT precmed.auroc_state(s, l) FROM sc', 'SELECT precmed.fs_train_state(c) FROM cv',
    'SELECT precmed.train_multilabel(f, lab, ''{"base": "logreg"}'') FROM mlr',
    'SELECT precmed.multilabel_metrics(pred, truth) FROM mlr', 'SELECT precmed.label_ranking_ap(scores, truth) FROM mlr']) q;
SELECT a.auroc = (SELECT precmed.auroc(s, l) FROM sc) AS auroc,
       a.auprc = (SELECT precmed.auprc(s, l) FROM sc) AS auprc,
       a.brier = (SELECT precmed.brier(s, l) FROM sc) AS brier,
       a.calibration = (SELECT precmed.calibration(s, l) FROM sc) AS calibration,
       a.roc_curve = (SELECT precmed.roc_curve(s, l) FROM sc) AS roc_curve,
       a.logreg = (SELECT precmed.train_logreg(f, y) FROM tr) AS logreg,
       a.xgboost = (SELECT precmed.train_xgboost(f, y, '{"num_round": 5, "nthread": 1}') FROM tr) AS xgboost,
       a.fs_train = (SELECT precmed.fs_train(c) FROM cv) AS fs_train,
       a.fs_freq = (SELECT precmed.fs_level_frequencies(c, '{}') FROM cv) AS fs_freq,
       a.kdigo_summary = (SELECT precmed.kdigo_summary(t, stage) FROM st) AS kdigo_summary,
       a.uo_rate IS NOT DISTINCT FROM (SELECT precmed.kdigo_uo_rate(ml, hours, kg, t, 6, NULL) FROM uo) AS uo_rate,
       a.auroc_merge = (SELECT precmed.auroc_merge(x) FROM (SELECT precmed.auroc_state(s, l) x FROM sc) z) AS state_in_parallel,
       a.multilabel = (SELECT precmed.train_multilabel(f, lab, '{"base": "logreg"}') FROM mlr) AS train_multilabel,
       a.ml_metrics = (SELECT precmed.multilabel_metrics(pred, truth) FROM mlr) AS multilabel_metrics,
       a.lrap = (SELECT precmed.label_ranking_ap(scores, truth) FROM mlr) AS label_ranking_ap
  FROM serial_answers a;
-- grouped aggregates in parallel too (partial states per group, combined per group)
SELECT count(*) FILTER (WHERE p.k IS NOT DISTINCT FROM s.k) AS grouped_equal, count(*) AS stays
  FROM (SELECT stay, precmed.kdigo_summary(t, stage) k FROM st GROUP BY stay) p
  JOIN (SELECT stay, precmed.kdigo_summary_merge(x) k FROM (SELECT stay, precmed.kdigo_summary_state(t, stage) x FROM st GROUP BY stay, part) z GROUP BY stay) s USING (stay);
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- partitionwise aggregation: a Partial Aggregate per partition in this
-- process, combined by the Finalize Aggregate (states passed on in memory)
CREATE TABLE scp (s float8, l boolean, f float8[], y float8, c int[], part int) PARTITION BY LIST (part);
CREATE TABLE scp0 PARTITION OF scp FOR VALUES IN (0);
CREATE TABLE scp1 PARTITION OF scp FOR VALUES IN (1);
CREATE TABLE scp2 PARTITION OF scp FOR VALUES IN (2);
INSERT INTO scp SELECT sc.s, sc.l, tr.f, tr.y, cv.c, sc.part FROM sc JOIN tr USING (i) JOIN cv USING (i);
ANALYZE scp;
SET enable_partitionwise_aggregate = on; SET max_parallel_workers_per_gather = 0;
EXPLAIN (COSTS OFF) SELECT precmed.auroc(s, l) FROM scp;
CREATE TABLE partitionwise AS
SELECT precmed.auroc(s, l) AS auroc, precmed.roc_curve(s, l) AS roc, precmed.train_logreg(f, y) AS logreg,
       precmed.fs_train(c) AS fs FROM scp;
RESET enable_partitionwise_aggregate; RESET max_parallel_workers_per_gather;
SELECT p.auroc = a.auroc AS auroc, p.roc = a.roc AS roc_curve, p.logreg = a.logreg AS logreg, p.fs = a.fs AS fs_train
  FROM partitionwise p,
       (SELECT precmed.auroc(s, l) AS auroc, precmed.roc_curve(s, l) AS roc, precmed.train_logreg(f, y) AS logreg,
               precmed.fs_train(c) AS fs FROM scp) a;

-- ---- bad state bytes: always 22P03, never a crash ---------------------------------
-- CRC-32C (Castagnoli, reflected 0x82F63B78), to forge states whose checksum is right
CREATE FUNCTION pg_temp.crc32c(b bytea) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  crc bigint := 4294967295;
BEGIN
  FOR i IN 0 .. length(b) - 1 LOOP
    crc := crc # get_byte(b, i);
    FOR k IN 1 .. 8 LOOP
      crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 2197175160 ELSE crc >> 1 END;
    END LOOP;
  END LOOP;
  RETURN crc # 4294967295;
END
$$;
-- little-endian bytes of n (this machine's order, as the header stores them)
CREATE FUNCTION pg_temp.le(n bigint, width int) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(set_byte('\x00'::bytea, 0, ((n >> (8 * k)) & 255)::int), ''::bytea ORDER BY k)
    FROM generate_series(0, width - 1) k
$$;
-- a state of the given kind around payload, with a correct checksum
CREATE FUNCTION pg_temp.forge(kind int, payload bytea, version int DEFAULT 1) RETURNS bytea LANGUAGE sql AS $$
  SELECT 'PMST'::bytea || pg_temp.le(version, 2) || pg_temp.le(kind, 2) || pg_temp.le(length(payload), 4)
         || pg_temp.le(pg_temp.crc32c(payload), 4) || payload
$$;
-- the forging is right: a good state re-forged from its own payload is accepted
SELECT precmed.auroc_merge(pg_temp.forge(1, substr(x, 17))) = (SELECT precmed.auroc(s, l) FROM sc WHERE i <= 50) AS forged_good_state_accepted
  FROM (SELECT precmed.auroc_state(s, l) x FROM sc WHERE i <= 50) z;
-- Every merge aggregate fed random bytes, every truncation, every single-byte
-- change of a good state, other kinds, another version, and forged payloads
-- whose contents do not hold together: counts of 22P03 and of anything else.
CREATE TABLE good_states AS
SELECT 'auroc' AS agg, (SELECT precmed.auroc_state(s, l) FROM sc WHERE i <= 20) AS x
UNION ALL SELECT 'train_logreg', (SELECT precmed.train_logreg_state(f, y, '{}') FROM tr WHERE i <= 4)
UNION ALL SELECT 'train_xgboost', (SELECT precmed.train_xgboost_state(f, y) FROM tr WHERE i <= 4)
UNION ALL SELECT 'fs_train', (SELECT precmed.fs_train_state(c, '{}') FROM cv WHERE i <= 30)
UNION ALL SELECT 'fs_level_frequencies', (SELECT precmed.fs_level_frequencies_state(c, '{}') FROM cv WHERE i <= 30)
UNION ALL SELECT 'kdigo_summary', (SELECT precmed.kdigo_summary_state(t, stage) FROM st WHERE i <= 30)
UNION ALL SELECT 'kdigo_uo_rate', (SELECT precmed.kdigo_uo_rate_state(ml, hours, kg, t, 6, 12) FROM uo WHERE i <= 30)
UNION ALL SELECT 'auprc', (SELECT precmed.auprc_state(s, l) FROM sc WHERE i <= 20)
UNION ALL SELECT 'brier', (SELECT precmed.brier_state(s, l) FROM sc WHERE i <= 20)
UNION ALL SELECT 'calibration', (SELECT precmed.calibration_state(s, l) FROM sc WHERE i <= 20)
UNION ALL SELECT 'roc_curve', (SELECT precmed.roc_curve_state(s, l) FROM sc WHERE i <= 20)
UNION ALL SELECT 'train_multilabel', (SELECT precmed.train_multilabel_state(f, lab, '{}') FROM mlr WHERE i <= 4)
UNION ALL SELECT 'multilabel_metrics', (SELECT precmed.multilabel_metrics_state(pred, truth) FROM mlr WHERE i <= 20)
UNION ALL SELECT 'label_ranking_ap', (SELECT precmed.label_ranking_ap_state(scores, truth) FROM mlr WHERE i <= 20);
CREATE TABLE fuzz_result (agg text, what text, sqlstate text, detail text);
CREATE FUNCTION pg_temp.try_merge(agg text, what text, b bytea) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  EXECUTE format('SELECT precmed.%I_merge($1)', agg) USING b;
  INSERT INTO fuzz_result VALUES (agg, what, 'accepted', NULL);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  INSERT INTO fuzz_result VALUES (agg, what, SQLSTATE, d);
END
$$;
DO $$
DECLARE
  g record;
  other record;
  b bytea;
  kind int;
BEGIN
  PERFORM setseed(0.13);
  FOR g IN SELECT * FROM good_states LOOP
    kind := get_byte(g.x, 6);
    -- random bytes, with and without the magic
    FOR n IN 1 .. 40 LOOP
      SELECT string_agg(set_byte('\x00'::bytea, 0, (random() * 255)::int), ''::bytea) INTO b
        FROM generate_series(1, 1 + (random() * 120)::int);
      PERFORM pg_temp.try_merge(g.agg, 'random', b);
      PERFORM pg_temp.try_merge(g.agg, 'random', 'PMST'::bytea || b);
    END LOOP;
    -- every truncation
    FOR n IN 0 .. length(g.x) - 1 LOOP
      PERFORM pg_temp.try_merge(g.agg, 'truncated', substr(g.x, 1, n));
    END LOOP;
    -- extended
    PERFORM pg_temp.try_merge(g.agg, 'extended', g.x || '\x00'::bytea);
    -- every byte altered
    FOR n IN 0 .. length(g.x) - 1 LOOP
      PERFORM pg_temp.try_merge(g.agg, 'altered', set_byte(g.x, n, (get_byte(g.x, n) + 1 + (random() * 254)::int) % 256));
    END LOOP;
    -- another format version, correctly checksummed
    PERFORM pg_temp.try_merge(g.agg, 'version', pg_temp.forge(kind, substr(g.x, 17), 2));
    -- states of every other kind
    FOR other IN SELECT * FROM good_states WHERE get_byte(x, 6) <> kind LOOP
      PERFORM pg_temp.try_merge(g.agg, 'other kind', other.x);
    END LOOP;
  END LOOP;
END
$$;
-- forged payloads with a right checksum but contents that do not hold together
CREATE TABLE forged (agg text, kind int, payload bytea);
INSERT INTO forged VALUES
    -- scores: count 2 with one pair; a NaN score; a label byte of 2; a negative count
    ('auroc', 1, pg_temp.le(2, 8) || '\x000000000000e03f01'::bytea),
    ('auroc', 1, pg_temp.le(1, 8) || '\x000000000000f87f01'::bytea),
    ('auroc', 1, pg_temp.le(1, 8) || '\x000000000000e03f02'::bytea),
    ('auroc', 1, pg_temp.le(-1, 8)),
    -- scores: two pairs out of ranking order (0.25 before 0.5)
    ('auroc', 1, pg_temp.le(2, 8) || '\x000000000000d03f000000000000e03f0101'::bytea),
    -- training rows: a label 0.5; an infinite feature; 0 features; params with a zero byte
    ('train_logreg', 2, pg_temp.le(1, 4) || pg_temp.le(1, 8) || pg_temp.le(-1, 4) || '\x000000000000f03f000000000000e03f'::bytea),
    ('train_logreg', 2, pg_temp.le(1, 4) || pg_temp.le(1, 8) || pg_temp.le(-1, 4) || '\x000000000000f07f000000000000f03f'::bytea),
    ('train_logreg', 2, pg_temp.le(0, 4) || pg_temp.le(0, 8) || pg_temp.le(-1, 4)),
    -- training rows out of canonical order (features 2 then 1)
    ('train_logreg', 2, pg_temp.le(1, 4) || pg_temp.le(2, 8) || pg_temp.le(-1, 4) || '\x0000000000000040000000000000f03f00000000000000000000000000000000'::bytea),
    ('train_logreg', 2, pg_temp.le(-1, 4) || pg_temp.le(0, 8) || pg_temp.le(2, 4) || '\x7b00'::bytea),
    -- comparison vectors: 99 fields; counts not adding up; a level above those seen
    ('fs_train', 3, '\x00000063'::bytea),
    ('fs_train', 3, '\x0000000100000000ffffffff0000000000000005000000000000000001ff0000000000000001'::bytea),
    ('fs_train', 3, '\x0000000100000000000000010000000000000001000000000000000001050000000000000001'::bytea),
    -- kdigo_summary: rows without a stage; uo_rate: an infinite weight
    ('kdigo_summary', 4, '\x0000000000000005ffffffff000000000000000000000000000000000000000000000000000000'::bytea),
    ('kdigo_uo_rate', 5, '\x000000000000000000000000000000007ff000000000000000000000000000000000000000000000000000000000000000010000'::bytea),
    -- multi-label rows (1 feature, 1 label, 1 row): a label byte of 2; an infinite feature; 1001 labels
    ('train_multilabel', 6, pg_temp.le(1, 4) || pg_temp.le(1, 4) || pg_temp.le(1, 8) || pg_temp.le(-1, 4) || '\x000000000000f03f02'::bytea),
    ('train_multilabel', 6, pg_temp.le(1, 4) || pg_temp.le(1, 4) || pg_temp.le(1, 8) || pg_temp.le(-1, 4) || '\x000000000000f07f01'::bytea),
    ('train_multilabel', 6, pg_temp.le(1, 4) || pg_temp.le(1001, 4) || pg_temp.le(0, 8) || pg_temp.le(-1, 4)),
    -- multi-label metrics (1 label, 1 example; network order): a false positive but no wrong label;
    -- 2 true positives in 1 example; 0 examples
    ('multilabel_metrics', 7, '\x00000001' || '\x0000000000000001000000000000000000000000000000003ff0000000000000'::bytea
                              || '\x000000000000000000000000000000010000000000000000'::bytea),
    ('multilabel_metrics', 7, '\x00000001' || '\x0000000000000001000000000000000100000000000000003ff0000000000000'::bytea
                              || '\x000000000000000200000000000000000000000000000000'::bytea),
    ('multilabel_metrics', 7, '\x00000001' || '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                              || '\x000000000000000000000000000000000000000000000000'::bytea),
    -- label ranking (2 labels; network order): precisions adding up to 2 in 1 example; 0 labels
    ('label_ranking_ap', 8, '\x00000002' || '\x00000000000000014000000000000000'::bytea),
    ('label_ranking_ap', 8, '\x00000000' || '\x00000000000000013ff0000000000000'::bytea)
  ;
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT * FROM forged LOOP
    PERFORM pg_temp.try_merge(f.agg, 'forged', pg_temp.forge(f.kind, f.payload));
  END LOOP;
END
$$;
-- each forged state is refused by the check of its contents
SELECT agg, sqlstate, detail FROM fuzz_result WHERE what = 'forged' ORDER BY agg, detail;
SELECT agg, what, sqlstate, count(*) FROM fuzz_result GROUP BY agg, what, sqlstate ORDER BY agg, what, sqlstate;
SELECT count(*) AS not_22p03 FROM fuzz_result WHERE sqlstate <> '22P03';
-- the messages say what is wrong
SELECT precmed.auroc_merge(substr(x, 1, 20)) FROM good_states WHERE agg = 'auroc';
SELECT precmed.auroc_merge(x) FROM good_states WHERE agg = 'kdigo_summary';
SELECT precmed.auroc_merge(set_byte(x, 30, 0)) FROM good_states WHERE agg = 'auroc';
SELECT precmed.auroc_merge(pg_temp.forge(1, pg_temp.le(1, 8) || '\x000000000000f87f01'::bytea));
SELECT precmed.auroc_merge('not a state'::bytea);
-- the server is still up, and a good state still merges
SELECT precmed.fs_train_merge(x) = (SELECT precmed.fs_train(c, '{}') FROM cv WHERE i <= 30) AS good_state_still_merges
  FROM good_states WHERE agg = 'fs_train';

RESET search_path;
DROP SCHEMA agg_states CASCADE;
