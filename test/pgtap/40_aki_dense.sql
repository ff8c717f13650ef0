-- precmed.kdigo_stages on one ICU stay with 100,000 urine rows within 22 h
-- and ~1,800 creatinine values in its window (the input that took the
-- per-row window loops quadratic time), against a plain-SQL computation
-- whose windows PostgreSQL slides in linear time (numeric sums and counts,
-- which have inverse transition functions); volumes are whole mL so the
-- float8 sums of the reference are exact and equal the numeric ones.  Then
-- cancellation: statement_timeout stops a long call with SQLSTATE 57014,
-- promptly, the session stays usable and the call's memory is returned.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(9);
SELECT setseed(0.2024);

CREATE TEMP TABLE d_stays AS
  SELECT 1::bigint AS stay_id, 1::bigint AS subject_id,
         timestamp '2010-03-01 08:00' AS intime, timestamp '2010-03-02 12:00' AS outtime;

-- 100,000 rows from intime - 1 h on a 36 ms grid (hours since the previous
-- row are exact decimals): 5% at the previous row's time (summed), the
-- rest 36 ms to 1.5 s later, so some rows lie exactly 6, 12 or 24 h before
-- others; whole-mL volumes, ten times rarer after the first 30,000 rows,
-- so the rates cross the stage thresholds; NULL and negative volumes.
-- Three earlier rows make 24-hour windows documented.
CREATE TEMP TABLE d_uo AS
  SELECT 1::bigint AS stay_id, timestamp '2010-03-01 07:00' + step * interval '36 milliseconds' AS charttime,
         CASE WHEN random() < 0.01 THEN NULL
              WHEN random() < 0.0005 THEN -1
              WHEN random() < CASE WHEN i <= 30000 THEN 0.014 ELSE 0.001 END THEN 1 + (random() < 0.2)::int
              ELSE 0 END::float8 AS ml
    FROM (SELECT i, sum(CASE WHEN random() < 0.05 THEN 0 ELSE 1 + (random() * 41)::int END) OVER (ORDER BY i) AS step
            FROM generate_series(1, 100000) i) x;
INSERT INTO d_uo VALUES (1, '2010-02-28 21:00', 30), (1, '2010-02-28 23:00', 20), (1, '2010-03-01 02:00', 400);

CREATE TEMP TABLE d_wt (stay_id bigint, charttime timestamp, kg float8, weight_type text);
INSERT INTO d_wt VALUES (1, '2010-03-01 08:10', 70, 'admit'), (1, '2010-03-01 18:00', 72.5, 'daily'),
                        (1, '2010-03-02 02:00', 118.25, 'daily');

-- 2,000 values from 8 days before intime to a day after outtime (some are
-- outside the stay's window), and 100 second values at taken times
CREATE TEMP TABLE d_creat AS
  SELECT 1::bigint AS subject_id,
         timestamp '2010-02-21 08:00' + (random() * 10 * 86400)::int * interval '1 second' AS charttime,
         round((0.6 + random() * 3)::numeric, 1)::float8 AS value_mg_dl
    FROM generate_series(1, 2000);
INSERT INTO d_creat SELECT subject_id, charttime, value_mg_dl + 0.5 FROM d_creat LIMIT 100;

CREATE TEMP TABLE d_crrt AS
  SELECT 1::bigint AS stay_id, timestamp '2010-03-01 08:00' + h * interval '1 hour' AS charttime
    FROM generate_series(3, 21, 6) h;

SELECT ok((SELECT count(*) FROM d_uo WHERE charttime >= '2010-03-01 07:00') = 100000
          AND (SELECT max(charttime) - min(charttime) FROM d_uo WHERE charttime >= '2010-03-01 07:00') < interval '22 hours'
          AND (SELECT count(*) FROM d_uo a JOIN d_uo b ON b.charttime = a.charttime - interval '6 hours') > 100
          AND (SELECT count(*) FROM (SELECT 1 FROM d_uo GROUP BY charttime HAVING count(*) > 1) x) > 1000,
          'dense stay: 100,000 urine rows within 22 h, rows exactly 6 h apart, duplicate times');

-- enough work_mem for PostgreSQL's window buffers to stay in memory (seeking
-- in a spilled one is linear, which makes the frames quadratic)
SET LOCAL work_mem = '256MB';
CREATE TEMP TABLE d_sql AS
WITH
cr AS (
  SELECT s.stay_id, c.charttime, avg(c.value_mg_dl) AS creat
    FROM d_stays s
    JOIN d_creat c ON c.subject_id = s.subject_id AND c.charttime BETWEEN s.intime - interval '7 days' AND s.outtime
   GROUP BY s.stay_id, c.charttime),
cr_stg AS (
  SELECT stay_id, charttime, creat, low48, low7,
         CASE WHEN creat >= low7 * 3.0 THEN 3
              WHEN creat >= 4 AND (creat >= low48 + 0.3 OR creat >= 1.5 * low7) THEN 3
              WHEN creat >= low7 * 2.0 THEN 2
              WHEN creat >= low48 + 0.3 THEN 1
              WHEN creat >= low7 * 1.5 THEN 1
              ELSE 0 END AS stage
    FROM (SELECT stay_id, charttime, creat,
                 min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                                  RANGE BETWEEN '48 hours' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low48,
                 min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                                  RANGE BETWEEN '7 days' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low7
            FROM cr) x),
wt AS (
  SELECT stay_id, charttime, round(kg::numeric, 3) AS kg, weight_type,
         row_number() OVER (PARTITION BY stay_id, weight_type ORDER BY charttime) AS rn
    FROM d_wt),
wt_int AS (
  SELECT w.stay_id,
         CASE WHEN w.weight_type = 'admit' AND w.rn = 1 THEN s.intime - interval '2 hours' ELSE w.charttime END AS starttime,
         coalesce(lead(CASE WHEN w.weight_type = 'admit' AND w.rn = 1 THEN s.intime - interval '2 hours' ELSE w.charttime END)
                    OVER (PARTITION BY w.stay_id ORDER BY CASE WHEN w.weight_type = 'admit' AND w.rn = 1 THEN s.intime - interval '2 hours' ELSE w.charttime END),
                  s.outtime + interval '2 hours') AS endtime,
         w.kg
    FROM wt w JOIN d_stays s USING (stay_id)),
u AS (SELECT stay_id, charttime, sum(ml) AS ml FROM d_uo GROUP BY stay_id, charttime),
u1 AS (
  SELECT u.stay_id, u.charttime, u.ml::numeric AS ml, s.intime,
         -- one scale for all, so that numeric sums slide (exact: the grid is 1e-5 h)
         coalesce(extract(epoch FROM u.charttime - lag(u.charttime) OVER (PARTITION BY u.stay_id ORDER BY u.charttime)) / 3600, 1)::numeric(30, 12) AS hrs
    FROM u JOIN d_stays s USING (stay_id)),
u2 AS (
  SELECT stay_id, charttime, intime,
         sum(ml) OVER w6 AS v6, round(sum(hrs) OVER w6, 6) AS tm6,
         sum(ml) OVER w12 AS v12, round(sum(hrs) OVER w12, 6) AS tm12,
         sum(ml) OVER w24 AS v24, round(sum(hrs) OVER w24, 6) AS tm24
    FROM u1
  WINDOW w6 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '6 hours' PRECEDING AND CURRENT ROW),
         w12 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '12 hours' PRECEDING AND CURRENT ROW),
         w24 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '24 hours' PRECEDING AND CURRENT ROW)),
uo AS (
  SELECT u2.stay_id, u2.charttime, u2.intime, tm6, tm12, tm24,
         CASE WHEN tm6 >= 6 AND tm6 < 12 THEN round((v6::float8 / wi.kg / tm6)::numeric, 4) END AS rt6,
         CASE WHEN tm12 >= 12 THEN round((v12::float8 / wi.kg / tm12)::numeric, 4) END AS rt12,
         CASE WHEN tm24 >= 24 THEN round((v24::float8 / wi.kg / tm24)::numeric, 4) END AS rt24
    FROM u2 LEFT JOIN wt_int wi ON wi.stay_id = u2.stay_id AND u2.charttime >= wi.starttime AND u2.charttime < wi.endtime),
uo_stg AS (
  SELECT stay_id, charttime, rt6, rt12, rt24,
         CASE WHEN rt6 IS NULL THEN NULL
              WHEN charttime <= intime + interval '6 hours' THEN 0
              WHEN tm24 >= 24 AND rt24 < 0.3 THEN 3
              WHEN tm12 >= 12 AND rt12 = 0 THEN 3
              WHEN tm12 >= 12 AND rt12 < 0.5 THEN 2
              WHEN tm6 >= 6 AND rt6 < 0.5 THEN 1
              ELSE 0 END AS stage
    FROM uo),
tm AS (SELECT stay_id, charttime FROM cr_stg UNION SELECT stay_id, charttime FROM uo_stg
       UNION SELECT stay_id, charttime FROM d_crrt),
st AS (
  SELECT s.subject_id, s.stay_id, s.intime, tm.charttime, c.low7, c.low48, c.creat, c.stage AS stage_creat,
         u.rt6, u.rt12, u.rt24, u.stage AS stage_uo, CASE WHEN r.stay_id IS NOT NULL THEN 3 END AS stage_crrt,
         greatest(coalesce(c.stage, 0), coalesce(u.stage, 0), CASE WHEN r.stay_id IS NOT NULL THEN 3 ELSE 0 END) AS aki_stage
    FROM d_stays s
    JOIN tm ON tm.stay_id = s.stay_id
    LEFT JOIN cr_stg c ON c.stay_id = s.stay_id AND c.charttime = tm.charttime
    LEFT JOIN uo_stg u ON u.stay_id = s.stay_id AND u.charttime = tm.charttime
    LEFT JOIN d_crrt r ON r.stay_id = s.stay_id AND r.charttime = tm.charttime)
-- the 6-hour maximum as counts per stage over the window, which slide
SELECT subject_id, stay_id, charttime, low7 AS creat_low_past_7day, low48 AS creat_low_past_48hr, creat,
       stage_creat AS aki_stage_creat, rt6::float8 AS uo_rt_6hr, rt12::float8 AS uo_rt_12hr, rt24::float8 AS uo_rt_24hr,
       stage_uo AS aki_stage_uo, stage_crrt AS aki_stage_crrt, aki_stage,
       CASE WHEN count(*) FILTER (WHERE aki_stage = 3) OVER w > 0 THEN 3
            WHEN count(*) FILTER (WHERE aki_stage = 2) OVER w > 0 THEN 2
            WHEN count(*) FILTER (WHERE aki_stage = 1) OVER w > 0 THEN 1 ELSE 0 END AS aki_stage_smoothed
  FROM st
WINDOW w AS (PARTITION BY subject_id ORDER BY extract(epoch FROM charttime - intime) RANGE BETWEEN 21600 PRECEDING AND CURRENT ROW);

RESET work_mem;
CREATE TEMP TABLE d_pm AS SELECT * FROM precmed.kdigo_stages('d_stays', 'd_creat', 'd_uo', 'd_wt', 'd_crrt');

SELECT ok((SELECT count(*) FROM d_pm) > 90000
          AND (SELECT count(DISTINCT aki_stage_uo) FROM d_pm WHERE aki_stage_uo > 0) = 3
          AND (SELECT count(DISTINCT aki_stage_creat) FROM d_pm WHERE aki_stage_creat > 0) >= 2
          AND (SELECT count(*) FROM d_pm WHERE uo_rt_24hr IS NOT NULL) > 1000
          AND (SELECT count(*) FROM d_pm WHERE creat_low_past_48hr IS NOT NULL) > 1000,
          'dense stay: urine stages 1, 2 and 3, creatinine stages, 24-hour rates and 48-hour lows all occur');
SELECT is((SELECT count(*) FROM d_pm), (SELECT count(*) FROM d_sql), 'dense stay: as many rows as the SQL computation');
SELECT is_empty($$ (SELECT * FROM d_sql EXCEPT ALL SELECT * FROM d_pm) UNION ALL (SELECT * FROM d_pm EXCEPT ALL SELECT * FROM d_sql) $$,
                'dense stay: every row equals the plain-SQL computation');

-- ---- cancellation -----------------------------------------------------------
-- One stay of 150,000 urine rows (subject 0, staged first), then 400
-- subjects of 100 stays sharing 300 creatinine values (12 M result rows):
-- far longer than the 1 s statement_timeout.  The call must stop with
-- 57014, soon after the timeout (30 s allowed: the window loops used to run
-- a whole stay, here about a minute, before looking for a cancel).
CREATE FUNCTION pg_temp.cancelled_call(OUT state text, OUT seconds float8) LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM count(*) FROM precmed.kdigo_stages(
    $q$ SELECT 0::bigint AS stay_id, 0::bigint AS subject_id, timestamp '2010-01-01' AS intime, timestamp '2010-01-02' AS outtime
        UNION ALL
        SELECT s * 1000 + k, s, timestamp '2010-01-01', timestamp '2010-01-05'
          FROM generate_series(1, 400) s, generate_series(1, 100) k $q$,
    $q$ SELECT s::bigint AS subject_id, timestamp '2010-01-01' + j * interval '15 minutes' AS charttime,
               1 + (j % 7) * 0.3 AS value_mg_dl
          FROM generate_series(1, 400) s, generate_series(1, 300) j $q$,
    $q$ SELECT 0::bigint AS stay_id, timestamp '2010-01-01' + i * interval '500 milliseconds' AS charttime,
               (i % 3)::float8 AS ml
          FROM generate_series(1, 150000) i $q$,
    $q$ SELECT 0::bigint AS stay_id, timestamp '2010-01-01' AS charttime, 70::float8 AS kg, 'admit' AS weight_type $q$);
  state := '00000';
  seconds := extract(epoch FROM clock_timestamp() - t0);
EXCEPTION WHEN query_canceled THEN
  state := SQLSTATE;
  seconds := extract(epoch FROM clock_timestamp() - t0);
END $$;

SELECT sum(total_bytes) AS mem_before FROM pg_backend_memory_contexts \gset
SET LOCAL statement_timeout = '1s';
SELECT state, seconds FROM pg_temp.cancelled_call() \gset
SET LOCAL statement_timeout = 0;
SELECT sum(total_bytes) AS mem_after FROM pg_backend_memory_contexts \gset

SELECT is(:'state'::text, '57014'::text, 'cancellation: statement_timeout stops the call with SQLSTATE 57014');
SELECT cmp_ok(:seconds::float8, '<', 30::float8, 'cancellation: the call stops soon after the timeout (' || :seconds || ' s)');
SELECT cmp_ok(:mem_after::bigint - :mem_before::bigint, '<', 8388608::bigint,
              'cancellation: the call''s memory is returned (' || (:mem_after::bigint - :mem_before::bigint) || ' bytes more)');
SELECT is((SELECT count(*) FROM precmed.kdigo_stages('d_stays', 'd_creat', 'SELECT * FROM d_uo WHERE false', 'd_wt')),
          (SELECT count(*) FROM d_sql WHERE creat IS NOT NULL),
          'cancellation: the session is usable afterwards (a staging without urine)');
SELECT is((SELECT count(*) FROM d_pm), (SELECT count(*) FROM d_sql), 'cancellation: earlier results are intact');

SELECT * FROM finish();
ROLLBACK;
