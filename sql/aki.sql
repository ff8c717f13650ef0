-- KDIGO staging: edge cases of precmed.kdigo_stages (each hand-checked
-- against the rules of docs/aki.md), the baselines, the building blocks and
-- the aggregates under a parallel plan.
\set VERBOSITY default
SET TimeZone = 'UTC';

CREATE TABLE st (stay_id bigint, subject_id bigint, intime timestamp, outtime timestamp);
CREATE TABLE cr (subject_id bigint, charttime timestamp, value_mg_dl float8);
CREATE TABLE uo (stay_id bigint, charttime timestamp, ml float8);
CREATE TABLE wt (stay_id bigint, charttime timestamp, kg float8, weight_type text);
CREATE TABLE rrt (stay_id bigint, charttime timestamp);

-- empty inputs: no stays, no rows
SELECT count(*) FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', 'rrt');

-- stays but nothing else: one row with NULL charttime and stage 0 per stay
INSERT INTO st VALUES (1, 10, '2000-01-01', '2000-01-05'), (2, 20, '2000-01-01', '2000-01-05');
SELECT stay_id, charttime, creat, aki_stage_creat, aki_stage_uo, aki_stage, aki_stage_smoothed
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt') ORDER BY stay_id;

-- a stay without creatinine keeps the NULL-time row next to its urine rows
-- (70 kg, 10 mL/h from hour 1: at hour 7, 70 mL over 7 h = 0.1429 mL/kg/h)
INSERT INTO wt VALUES (2, '2000-01-01 00:00', 70, 'admit');
INSERT INTO uo SELECT 2, '2000-01-01'::timestamp + h * interval '1 hour', 10 FROM generate_series(1, 7) h;
SELECT stay_id, charttime, uo_rt_6hr, aki_stage_uo, aki_stage
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt') WHERE stay_id = 2 ORDER BY charttime NULLS LAST;

-- duplicate times: creatinine averaged (1.0 and 1.6 -> 1.3), urine summed
-- (two rows of 10 mL at hour 7 -> 80 mL over 7 h = 0.1633), CRRT once
TRUNCATE uo;
INSERT INTO uo SELECT 2, '2000-01-01'::timestamp + h * interval '1 hour', 10 FROM generate_series(1, 7) h;
INSERT INTO uo VALUES (2, '2000-01-01 07:00', 10);
INSERT INTO cr VALUES (10, '2000-01-01 06:00', 1.0), (10, '2000-01-01 06:00', 1.6), (10, '2000-01-02 06:00', 1.6);
INSERT INTO rrt VALUES (1, '2000-01-02 06:00'), (1, '2000-01-02 06:00');
SELECT stay_id, charttime, creat, creat_low_past_48hr, aki_stage_creat, uo_rt_6hr, aki_stage_crrt, aki_stage
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', 'rrt')
 WHERE charttime IN ('2000-01-01 06:00', '2000-01-01 07:00', '2000-01-02 06:00') ORDER BY stay_id, charttime;

-- NULL values: a NULL creatinine is dropped (as the reference's filter), a
-- NULL volume keeps its time (hours still count, the volume does not), a
-- NULL weight is dropped, rows with NULL keys are dropped
TRUNCATE uo, cr, rrt;
INSERT INTO cr VALUES (10, '2000-01-01 06:00', 1.0), (10, '2000-01-01 08:00', NULL), (NULL, '2000-01-01 08:00', 3.0),
                      (10, NULL, 3.0), (10, '2000-01-01 09:00', 200);
INSERT INTO uo SELECT 2, '2000-01-01'::timestamp + h * interval '1 hour', CASE WHEN h = 3 THEN NULL ELSE 10 END
  FROM generate_series(1, 7) h;
INSERT INTO uo VALUES (NULL, '2000-01-01 05:00', 10), (2, NULL, 10);
INSERT INTO wt VALUES (2, '2000-01-01 01:00', NULL, 'daily');
SELECT stay_id, charttime, creat, uo_rt_6hr, aki_stage
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt') ORDER BY stay_id, charttime NULLS LAST;

-- negative volumes are counted (GU irrigant is charted negative): 7 rows,
-- 6 x 10 mL and -100 mL at hour 7 -> -40 mL / 70 kg / 7 h = -0.0816 -> stage 1
TRUNCATE uo;
INSERT INTO uo SELECT 2, '2000-01-01'::timestamp + h * interval '1 hour', CASE WHEN h = 7 THEN -100 ELSE 10 END
  FROM generate_series(1, 7) h;
SELECT charttime, uo_rt_6hr, aki_stage_uo FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt')
 WHERE stay_id = 2 AND charttime = '2000-01-01 07:00';

-- zero (and >= 1500 kg) weights are dropped: no weight, no urine stage
TRUNCATE wt;
INSERT INTO wt VALUES (2, '2000-01-01 00:00', 0, 'admit'), (2, '2000-01-01 02:00', 1500, 'daily');
SELECT charttime, uo_rt_6hr, aki_stage_uo, aki_stage FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt')
 WHERE stay_id = 2 AND charttime = '2000-01-01 07:00';

-- weights: a first weight charted after intime is carried back to
-- intime - 2 h (50 kg charted at 03:00: at 07:00, 70 mL / 50 kg / 7 h = 0.2)
TRUNCATE wt, uo;
INSERT INTO wt VALUES (2, '2000-01-01 03:00', 50, 'daily');
INSERT INTO uo SELECT 2, '2000-01-01'::timestamp + h * interval '1 hour', 10 FROM generate_series(1, 7) h;
SELECT charttime, uo_rt_6hr FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt')
 WHERE stay_id = 2 AND charttime = '2000-01-01 07:00';

-- two weights charted at the same time: the later row of the query wins
-- (the reference's order is unspecified): 70 mL / 70 kg / 7 h = 0.1429
TRUNCATE wt;
INSERT INTO wt VALUES (2, '2000-01-01 03:00', 50, 'daily'), (2, '2000-01-01 03:00', 70, 'daily');
SELECT charttime, uo_rt_6hr FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt')
 WHERE stay_id = 2 AND charttime = '2000-01-01 07:00';

-- times outside the stay: creatinine counts from intime - 7 days to outtime
-- (both ends included), urine and CRRT at any time; urine up to intime + 6 h
-- is stage 0
TRUNCATE cr, uo, rrt;
INSERT INTO cr VALUES (10, '1999-12-25 00:00', 1.0), (10, '1999-12-24 23:59', 0.5),
                      (10, '2000-01-05 00:00', 2.0), (10, '2000-01-05 00:01', 9.0);
INSERT INTO uo VALUES (1, '1999-12-31 00:00', 5), (1, '2000-01-07 00:00', 5);
INSERT INTO rrt VALUES (1, '2000-02-01 00:00');
SELECT charttime, creat, creat_low_past_7day, aki_stage_creat, uo_rt_6hr, aki_stage_uo, aki_stage_crrt, aki_stage
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', 'rrt') WHERE stay_id = 1 ORDER BY charttime;

-- two stays of one subject share creatinine; smoothing crosses stays unless
-- smooth_by => 'stay'
INSERT INTO st VALUES (3, 10, '2000-01-10', '2000-01-12');
TRUNCATE cr, uo, rrt;
INSERT INTO rrt VALUES (1, '2000-01-01 01:00');
INSERT INTO cr VALUES (10, '2000-01-10 02:00', 1.0);
SELECT stay_id, charttime, aki_stage, aki_stage_smoothed AS by_subject,
       (SELECT s.aki_stage_smoothed FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', 'rrt', smooth_by => 'stay') s
         WHERE s.stay_id = k.stay_id AND s.charttime IS NOT DISTINCT FROM k.charttime) AS by_stay
  FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', 'rrt') k WHERE subject_id = 10 ORDER BY stay_id, charttime;

-- errors
SELECT * FROM precmed.kdigo_stages('SELECT stay_id, intime, outtime FROM st', 'cr', 'uo', 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'SELECT subject_id, charttime, value_mg_dl::text AS value_mg_dl FROM cr', 'uo', 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', 'uo', 'SELECT stay_id, kg FROM wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', smooth_by => 'hadm');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', 'uo', 'wt', stage3_rule => 'akin');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages(NULL, 'cr', 'uo', 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('SELECT * FROM st UNION ALL SELECT * FROM st', 'cr', 'uo', 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages($$SELECT 9 AS stay_id, 9 AS subject_id, now()::timestamp AS intime, NULL::timestamp AS outtime$$, 'cr', 'uo', 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', 'uo', $$SELECT 2 AS stay_id, now()::timestamp AS charttime, 80 AS kg, 'weekly' AS weight_type$$);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', $$SELECT 2 AS stay_id, timestamp 'infinity' AS charttime, 1 AS ml$$, 'wt');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.kdigo_stages('st', 'cr', $$SELECT 2 AS stay_id, timestamp '2000-01-01' AS charttime, 'NaN'::float8 AS ml$$, 'wt');
\echo :LAST_ERROR_SQLSTATE

-- building blocks: creatinine stage rules (first match wins, >= everywhere)
SELECT c, l7, l48, precmed.kdigo_creat_stage(c, l7, l48) AS current, precmed.kdigo_creat_stage(c, l7, l48, 'legacy') AS legacy
  FROM (VALUES (5.0, NULL, NULL), (1.3, 1.0, 1.0), (1.29, 1.0, 1.0), (0.9, 0.6, 0.6), (2.0, 1.0, 1.5),
               (3.0, 1.0, 2.0), (4.1, 3.8, 3.8), (4.0, 3.7, 3.7), (4.2, 4.0, 4.0), (NULL, 1.0, 1.0)) v(c, l7, l48);
SELECT precmed.kdigo_creat_stage(1, 1, 1, 'newest');
\echo :LAST_ERROR_SQLSTATE
-- urine stage rules
SELECT precmed.kdigo_uo_stage('2000-01-01 06:00', '2000-01-01', 0.1, NULL, NULL, 6, 6, 6) AS early,
       precmed.kdigo_uo_stage('2000-01-01 07:00', '2000-01-01', 0.4, NULL, NULL, 7, 7, 7) AS stage1,
       precmed.kdigo_uo_stage('2000-01-01 13:00', '2000-01-01', 0.4, 0.4, NULL, 7, 13, 13) AS stage2,
       precmed.kdigo_uo_stage('2000-01-01 13:00', '2000-01-01', 0, 0, NULL, 7, 13, 13) AS anuria,
       precmed.kdigo_uo_stage('2000-01-02 01:00', '2000-01-01', 0.25, 0.25, 0.25, 7, 13, 25) AS stage3,
       precmed.kdigo_uo_stage('2000-01-02 01:00', '2000-01-01', 0.5, 0.49, 0.3, 7, 13, 25) AS thresholds_strict,
       precmed.kdigo_uo_stage('2000-01-02 01:00', '2000-01-01', NULL, 0.1, 0.1, 13, 13, 25) AS no_6h_rate;

-- baselines: MDRD at eGFR 75 (by hand: 60-year-old man 1.0691, woman 1.0691 * 0.742^(1/1.154) = 0.8255), and the rule
SELECT round(precmed.creatinine_baseline_mdrd(60, false)::numeric, 4) AS male_60,
       round(precmed.creatinine_baseline_mdrd(60, true)::numeric, 4) AS female_60,
       round(precmed.creatinine_baseline_mdrd(18, false)::numeric, 4) AS male_18,
       precmed.creatinine_baseline_mdrd(17.9, false) AS under_18;
SELECT round(precmed.creatinine_baseline(1.1, 60, false, false)::numeric, 4) AS low_scr,
       round(precmed.creatinine_baseline(2.5, 60, false, true)::numeric, 4) AS ckd,
       round(precmed.creatinine_baseline(2.5, 60, false, false)::numeric, 4) AS mdrd,
       round(precmed.creatinine_baseline(2.5, 60, false, NULL)::numeric, 4) AS ckd_unknown,
       precmed.creatinine_baseline(NULL, 60, false, true) AS ckd_no_scr;
SELECT precmed.creatinine_baseline_mdrd('NaN', false);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.creatinine_baseline(-1, 60, true, false);
\echo :LAST_ERROR_SQLSTATE

-- aggregates, serial and under a forced parallel plan
CREATE TABLE staged AS
  SELECT g % 50 AS stay_id, timestamp '2000-01-01' + g * interval '1 minute' AS charttime, (g * 7919) % 4 AS aki_stage,
         (g % 13) * 5.0 AS ml, CASE WHEN g % 17 = 0 THEN NULL ELSE 70 + g % 3 END AS kg
    FROM generate_series(1, 20000) g;
ANALYZE staged;
CREATE TABLE serial_result AS
  SELECT stay_id, precmed.kdigo_summary(charttime, aki_stage) AS s,
         precmed.kdigo_uo_rate(ml, 1.0 / 60, kg, charttime, 0, NULL) AS r
    FROM staged GROUP BY stay_id;
SELECT (s).* FROM serial_result WHERE stay_id IN (0, 1) ORDER BY stay_id;
SELECT precmed.kdigo_summary(charttime, aki_stage) FROM staged WHERE aki_stage < 2;
SELECT precmed.kdigo_summary(charttime, aki_stage) FROM staged WHERE false;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
-- force_parallel_mode is called debug_parallel_query since PostgreSQL 16
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET max_parallel_workers_per_gather = 2; SET :force_parallel = on; SET enable_hashagg = off;
-- the plan aggregates in parallel: partial states in the workers (serialized), combined after;
-- asserted on EXPLAIN's JSON so that the rest of the plan's shape may vary
CREATE FUNCTION pg_temp.plan_has(query text, path jsonpath) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE plan jsonb;
BEGIN
  EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF, FORMAT JSON) ' || query INTO plan;
  RETURN jsonb_path_exists(plan, path);
END $$;
SELECT pg_temp.plan_has(q, '$.** ? (@."Node Type" == "Aggregate" && @."Partial Mode" == "Partial")
                              ."Output"[*] ? (@ starts with "PARTIAL precmed.kdigo_summary(")') AS partial_summary,
       pg_temp.plan_has(q, '$.** ? (@."Node Type" == "Aggregate" && @."Partial Mode" == "Partial")
                              ."Output"[*] ? (@ starts with "PARTIAL precmed.kdigo_uo_rate(")') AS partial_uo_rate,
       pg_temp.plan_has(q, '$.** ? (@."Node Type" == "Aggregate" && @."Partial Mode" == "Finalize")') AS finalize,
       pg_temp.plan_has(q, '$.** ? (@."Node Type" == "Gather" || @."Node Type" == "Gather Merge")') AS gather
  FROM (VALUES ('SELECT stay_id, precmed.kdigo_summary(charttime, aki_stage),
                        precmed.kdigo_uo_rate(ml, 1.0 / 60, kg, charttime, 0, NULL)
                   FROM staged GROUP BY stay_id')) v(q);
SELECT count(*) AS same FROM serial_result x JOIN (
  SELECT stay_id, precmed.kdigo_summary(charttime, aki_stage) AS s,
         precmed.kdigo_uo_rate(ml, 1.0 / 60, kg, charttime, 0, NULL) AS r
    FROM staged GROUP BY stay_id) p USING (stay_id)
 WHERE p.s = x.s AND (p.r IS NULL) = (x.r IS NULL) AND coalesce(abs(p.r - x.r), 0) <= 1e-4;
SELECT precmed.kdigo_summary(charttime, aki_stage), precmed.kdigo_uo_rate(ml, 1.0 / 60, kg, charttime, 0, NULL) FROM staged;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET :force_parallel; RESET enable_hashagg;
SELECT precmed.kdigo_summary(charttime, aki_stage), precmed.kdigo_uo_rate(ml, 1.0 / 60, kg, charttime, 0, NULL) FROM staged;
SELECT precmed.kdigo_summary(charttime, 4) FROM staged;
\echo :LAST_ERROR_SQLSTATE

DROP TABLE st, cr, uo, wt, rrt, staged, serial_result;

-- what one call holds is capped by precmed.max_memory_mb (superuser setting)
SET precmed.max_memory_mb = 1;
SELECT count(*) FROM precmed.kdigo_stages(
  $$SELECT i::bigint AS stay_id, i::bigint AS subject_id, '2020-01-01'::timestamp AS intime,
           '2020-01-05'::timestamp AS outtime FROM generate_series(1, 50000) i$$,
  'SELECT 1::bigint AS subject_id, now()::timestamp AS charttime, 1.0::float8 AS value_mg_dl WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 1.0::float8 AS ml WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 70.0::float8 AS kg, ''admit''::text AS weight_type WHERE false');
\echo :LAST_ERROR_SQLSTATE
-- the cap is on all the call holds, not on each array: 12,000 stays take about 0.6 MB and each of
-- the two id indexes 0.25 MB, none over 1 MB alone; together they are over it, and fit in 2 MB
SELECT count(*) FROM precmed.kdigo_stages(
  $$SELECT i::bigint AS stay_id, i::bigint AS subject_id, '2020-01-01'::timestamp AS intime,
           '2020-01-05'::timestamp AS outtime FROM generate_series(1, 12000) i$$,
  'SELECT 1::bigint AS subject_id, now()::timestamp AS charttime, 1.0::float8 AS value_mg_dl WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 1.0::float8 AS ml WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 70.0::float8 AS kg, ''admit''::text AS weight_type WHERE false');
\echo :LAST_ERROR_SQLSTATE
SET precmed.max_memory_mb = 2;
SELECT count(*) FROM precmed.kdigo_stages(
  $$SELECT i::bigint AS stay_id, i::bigint AS subject_id, '2020-01-01'::timestamp AS intime,
           '2020-01-05'::timestamp AS outtime FROM generate_series(1, 12000) i$$,
  'SELECT 1::bigint AS subject_id, now()::timestamp AS charttime, 1.0::float8 AS value_mg_dl WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 1.0::float8 AS ml WHERE false',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 70.0::float8 AS kg, ''admit''::text AS weight_type WHERE false');
RESET precmed.max_memory_mb;
