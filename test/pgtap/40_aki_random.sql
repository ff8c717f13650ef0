-- precmed.kdigo_stages against an independent plain-SQL implementation of the
-- same concepts (window functions, as in bench/kdigo, plus CRRT) on random
-- stays built to hit the edge cases together: several stays per subject,
-- labs before and after the stay, duplicate creatinine and urine times, NULL
-- and negative volumes, gaps longer than 12 h, zero and missing weights,
-- CRRT rows, stays without creatinine.  The data are fixed by setseed.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(3);
SELECT setseed(0.4242);

CREATE TEMP TABLE r_stays AS
  SELECT row_number() OVER () AS stay_id, subject_id, intime, intime + (1 + random() * 6) * interval '1 day' AS outtime
    FROM (SELECT s AS subject_id, timestamp '2001-01-01' + (random() * 20 + k * 9) * interval '1 day'
                 + (random() * 86400)::int * interval '1 second' AS intime
            FROM generate_series(1, 150) s, generate_series(0, 2) k
           WHERE k = 0 OR random() < 0.4) x;

CREATE TEMP TABLE r_creat AS
  SELECT s.subject_id, s.intime + (random() * 14 - 9) * interval '1 day' AS charttime,
         CASE WHEN random() < 0.03 THEN NULL ELSE round((0.4 + random() * random() * 6)::numeric, 1)::float8 END AS value_mg_dl
    FROM r_stays s, generate_series(1, 12) i
   WHERE s.stay_id % 7 <> 0;
-- duplicate times with other values
INSERT INTO r_creat SELECT subject_id, charttime, value_mg_dl + 0.4 FROM r_creat WHERE random() < 0.05;

CREATE TEMP TABLE r_uo AS
  SELECT stay_id, t AS charttime,
         CASE WHEN random() < 0.02 THEN NULL WHEN random() < 0.02 THEN -50 ELSE round((random() * random() * 150)::numeric)::float8 END AS ml
    FROM (SELECT s.stay_id, s.intime - interval '3 hours'
                 + sum(CASE WHEN random() < 0.03 THEN 13 * 60 ELSE 20 + (random() * 70)::int END) OVER (PARTITION BY s.stay_id ORDER BY i) * interval '1 minute' AS t
            FROM r_stays s, generate_series(1, 60) i
           WHERE s.stay_id % 5 <> 0) u;
INSERT INTO r_uo SELECT stay_id, charttime, 5 FROM r_uo WHERE random() < 0.03;

CREATE TEMP TABLE r_wt AS
  SELECT DISTINCT ON (stay_id, charttime) stay_id, charttime, kg, weight_type FROM (
    SELECT s.stay_id, s.intime + (random() * 30) * interval '1 minute' AS charttime,
           CASE WHEN random() < 0.05 THEN 0 ELSE round((40 + random() * 80)::numeric, 4)::float8 END AS kg, 'admit' AS weight_type
      FROM r_stays s WHERE s.stay_id % 3 <> 0
    UNION ALL
    SELECT s.stay_id, s.intime + (random() * 4 - 0.5) * interval '1 day', round((40 + random() * 80)::numeric, 1)::float8, 'daily'
      FROM r_stays s, generate_series(1, 3) WHERE s.stay_id % 4 <> 0) w
  ORDER BY stay_id, charttime;

CREATE TEMP TABLE r_crrt AS
  SELECT DISTINCT s.stay_id, s.intime + (random() * 48)::int * interval '1 hour' AS charttime
    FROM r_stays s, generate_series(1, 5) WHERE s.stay_id % 11 = 0;

CREATE TEMP TABLE r_sql AS
WITH
cr AS (
  SELECT s.stay_id, c.charttime, avg(c.value_mg_dl) AS creat
    FROM r_stays s
    LEFT JOIN r_creat c
      ON c.subject_id = s.subject_id AND c.value_mg_dl IS NOT NULL AND c.value_mg_dl <= 150
     AND c.charttime BETWEEN s.intime - interval '7 days' AND s.outtime
   GROUP BY s.stay_id, c.charttime),
cr_low AS (
  SELECT stay_id, charttime, creat,
         min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                          RANGE BETWEEN '48 hours' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low48,
         min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                          RANGE BETWEEN '7 days' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low7
    FROM cr),
cr_stg AS (
  SELECT stay_id, charttime, creat, low48, low7,
         CASE WHEN creat >= low7 * 3.0 THEN 3
              WHEN creat >= 4 AND (creat >= low48 + 0.3 OR creat >= 1.5 * low7) THEN 3
              WHEN creat >= low7 * 2.0 THEN 2
              WHEN creat >= low48 + 0.3 THEN 1
              WHEN creat >= low7 * 1.5 THEN 1
              ELSE 0 END AS stage
    FROM cr_low),
wt AS (
  SELECT stay_id, charttime, round(kg::numeric, 3) AS kg, weight_type,
         row_number() OVER (PARTITION BY stay_id, weight_type ORDER BY charttime) AS rn
    FROM r_wt WHERE kg > 0 AND kg < 1500),
wt_start AS (
  SELECT w.stay_id, s.outtime,
         CASE WHEN w.weight_type = 'admit' AND w.rn = 1 THEN s.intime - interval '2 hours' ELSE w.charttime END AS starttime,
         w.kg
    FROM wt w JOIN r_stays s USING (stay_id)),
wt_int AS (
  SELECT stay_id, starttime,
         coalesce(lead(starttime) OVER (PARTITION BY stay_id ORDER BY starttime), outtime + interval '2 hours') AS endtime,
         kg, row_number() OVER (PARTITION BY stay_id ORDER BY starttime) AS rn
    FROM wt_start),
wd AS (
  SELECT stay_id, starttime, endtime, kg FROM wt_int
  UNION ALL
  SELECT w.stay_id, s.intime - interval '2 hours', w.starttime, w.kg
    FROM wt_int w JOIN r_stays s USING (stay_id) WHERE w.rn = 1 AND s.intime < w.starttime),
u AS (SELECT stay_id, charttime, sum(ml) AS ml FROM r_uo GROUP BY stay_id, charttime),
u1 AS (
  SELECT u.stay_id, u.charttime, u.ml, s.intime,
         coalesce(extract(epoch FROM u.charttime - lag(u.charttime) OVER (PARTITION BY u.stay_id ORDER BY u.charttime)) / 3600, 1) AS hrs
    FROM u JOIN r_stays s USING (stay_id)),
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
         CASE WHEN tm6 >= 6 AND tm6 < 12 THEN round((v6 / wd.kg / tm6)::numeric, 4) END AS rt6,
         CASE WHEN tm12 >= 12 THEN round((v12 / wd.kg / tm12)::numeric, 4) END AS rt12,
         CASE WHEN tm24 >= 24 THEN round((v24 / wd.kg / tm24)::numeric, 4) END AS rt24
    FROM u2 LEFT JOIN wd ON wd.stay_id = u2.stay_id AND u2.charttime >= wd.starttime AND u2.charttime < wd.endtime),
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
crrt_stg AS (SELECT stay_id, charttime, 3 AS stage FROM r_crrt),
tm AS (SELECT stay_id, charttime FROM cr_stg UNION SELECT stay_id, charttime FROM uo_stg
       UNION SELECT stay_id, charttime FROM crrt_stg),
st AS (
  SELECT s.subject_id, s.stay_id, s.intime, tm.charttime, c.low7, c.low48, c.creat, c.stage AS stage_creat,
         u.rt6, u.rt12, u.rt24, u.stage AS stage_uo, r.stage AS stage_crrt,
         greatest(coalesce(c.stage, 0), coalesce(u.stage, 0), coalesce(r.stage, 0)) AS aki_stage
    FROM r_stays s
    LEFT JOIN tm ON tm.stay_id = s.stay_id
    LEFT JOIN cr_stg c ON c.stay_id = s.stay_id AND c.charttime = tm.charttime
    LEFT JOIN uo_stg u ON u.stay_id = s.stay_id AND u.charttime = tm.charttime
    LEFT JOIN crrt_stg r ON r.stay_id = s.stay_id AND r.charttime = tm.charttime)
SELECT subject_id, stay_id, charttime, low7 AS creat_low_past_7day, low48 AS creat_low_past_48hr, creat,
       stage_creat AS aki_stage_creat, rt6::float8 AS uo_rt_6hr, rt12::float8 AS uo_rt_12hr, rt24::float8 AS uo_rt_24hr,
       stage_uo AS aki_stage_uo, stage_crrt AS aki_stage_crrt, aki_stage,
       max(aki_stage) OVER (PARTITION BY subject_id ORDER BY extract(epoch FROM charttime - intime)
                            RANGE BETWEEN 21600 PRECEDING AND CURRENT ROW) AS aki_stage_smoothed
  FROM st;

CREATE TEMP TABLE r_pm AS SELECT * FROM precmed.kdigo_stages('r_stays', 'r_creat', 'r_uo', 'r_wt', 'r_crrt');

SELECT ok((SELECT count(*) FROM r_pm) > 10000 AND (SELECT count(DISTINCT stay_id) FROM r_pm) = (SELECT count(*) FROM r_stays)
          AND (SELECT count(*) FROM r_pm WHERE aki_stage = 3) > 0 AND (SELECT count(*) FROM r_pm WHERE charttime IS NULL) > 0
          AND (SELECT count(*) FROM r_pm WHERE aki_stage_uo IS NOT NULL) > 1000,
          'random stays: a large, varied result (every stay, stage 3 rows, NULL-time rows, staged urine rows)');
SELECT is((SELECT count(*) FROM r_pm), (SELECT count(*) FROM r_sql), 'random stays: as many rows as the SQL implementation');
SELECT is_empty($$ (SELECT * FROM r_sql EXCEPT ALL SELECT * FROM r_pm) UNION ALL (SELECT * FROM r_pm EXCEPT ALL SELECT * FROM r_sql) $$,
                'random stays: every row equals the plain-SQL window-function implementation');

SELECT * FROM finish();
ROLLBACK;
