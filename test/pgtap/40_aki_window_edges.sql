-- precmed.kdigo_stages against a plain-SQL implementation of the reference
-- concepts (float8 window sums, as mimic-code's kdigo_uo) on random stays
-- aimed at the edges of the sliding windows: rows exactly 6, 12, 24 h and
-- 48 h / 7 days apart, duplicate times, decimal volumes (float8 sums that
-- round), rates exactly at a 4-decimal tie, volumes from 1e-20 to 1e6 in
-- one stay and near 1e307, -0 volumes, dense stays (3,000 urine rows in
-- 22 h), overlapping, nested and inverted weight intervals, per-stay
-- smoothing and the legacy stage-3 rule.  The data are fixed by setseed.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(7);
SELECT setseed(0.777);
-- PostgreSQL's window buffers must stay in memory (a spilled one seeks linearly)
SET LOCAL work_mem = '256MB';

-- The reference in plain SQL, into table e_ref.  weight is charted weights
-- (stay_id, charttime, kg, weight_type) or, with intervals, (stay_id,
-- starttime, endtime, kg).
CREATE FUNCTION pg_temp.kdigo_sql(stays text, creat text, uo text, weight text, crrt text,
                                  intervals bool, by_stay bool, legacy bool) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  wd text;
BEGIN
  IF intervals THEN
    wd := format($q$ SELECT stay_id, starttime, endtime, kg FROM %s
                      WHERE kg > 0 AND kg < 'Infinity' AND starttime IS NOT NULL AND endtime IS NOT NULL $q$, weight);
  ELSE
    wd := format($q$
      WITH wt AS (
        SELECT stay_id, charttime, round(kg::numeric, 3) AS kg, weight_type,
               row_number() OVER (PARTITION BY stay_id, weight_type ORDER BY charttime) AS rn
          FROM %1$s WHERE kg > 0 AND kg < 1500 AND charttime IS NOT NULL),
      wt_start AS (
        SELECT w.stay_id, s.outtime,
               CASE WHEN w.weight_type = 'admit' AND w.rn = 1 THEN s.intime - interval '2 hours' ELSE w.charttime END AS starttime,
               w.kg
          FROM wt w JOIN %2$s s USING (stay_id)),
      wt_int AS (
        SELECT stay_id, starttime,
               coalesce(lead(starttime) OVER (PARTITION BY stay_id ORDER BY starttime), outtime + interval '2 hours') AS endtime,
               kg, row_number() OVER (PARTITION BY stay_id ORDER BY starttime) AS rn
          FROM wt_start)
      SELECT stay_id, starttime, endtime, kg FROM wt_int
      UNION ALL
      SELECT w.stay_id, s.intime - interval '2 hours', w.starttime, w.kg
        FROM wt_int w JOIN %2$s s USING (stay_id) WHERE w.rn = 1 AND s.intime < w.starttime $q$, weight, stays);
  END IF;
  DROP TABLE IF EXISTS e_ref;
  EXECUTE format($q$
  CREATE TEMP TABLE e_ref AS
  WITH
  cr AS (
    SELECT s.stay_id, c.charttime, avg(c.value_mg_dl) AS creat
      FROM %1$s s
      LEFT JOIN %2$s c
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
                WHEN creat >= 4 AND (CASE WHEN %7$L THEN low48 <= 3.7 ELSE creat >= low48 + 0.3 END
                                     OR creat >= 1.5 * low7) THEN 3
                WHEN creat >= low7 * 2.0 THEN 2
                WHEN creat >= low48 + 0.3 THEN 1
                WHEN creat >= low7 * 1.5 THEN 1
                ELSE 0 END AS stage
      FROM cr_low),
  wd AS (%5$s),
  u AS (SELECT stay_id, charttime, sum(ml) AS ml FROM %3$s WHERE stay_id IS NOT NULL AND charttime IS NOT NULL GROUP BY stay_id, charttime),
  u1 AS (
    SELECT u.stay_id, u.charttime, u.ml, s.intime,
           coalesce(extract(epoch FROM u.charttime - lag(u.charttime) OVER (PARTITION BY u.stay_id ORDER BY u.charttime)) / 3600, 1) AS hrs
      FROM u JOIN %1$s s USING (stay_id)),
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
  crrt_stg AS (SELECT DISTINCT stay_id, charttime, 3 AS stage FROM %4$s),
  tm AS (SELECT stay_id, charttime FROM cr_stg UNION SELECT stay_id, charttime FROM uo_stg
         UNION SELECT stay_id, charttime FROM crrt_stg),
  st AS (
    SELECT s.subject_id, s.stay_id, s.intime, tm.charttime, c.low7, c.low48, c.creat, c.stage AS stage_creat,
           u.rt6, u.rt12, u.rt24, u.stage AS stage_uo, r.stage AS stage_crrt,
           greatest(coalesce(c.stage, 0), coalesce(u.stage, 0), coalesce(r.stage, 0)) AS aki_stage
      FROM %1$s s
      LEFT JOIN tm ON tm.stay_id = s.stay_id
      LEFT JOIN cr_stg c ON c.stay_id = s.stay_id AND c.charttime = tm.charttime
      LEFT JOIN uo_stg u ON u.stay_id = s.stay_id AND u.charttime = tm.charttime
      LEFT JOIN crrt_stg r ON r.stay_id = s.stay_id AND r.charttime = tm.charttime)
  SELECT subject_id, stay_id, charttime, low7 AS creat_low_past_7day, low48 AS creat_low_past_48hr, creat,
         stage_creat AS aki_stage_creat, rt6::float8 AS uo_rt_6hr, rt12::float8 AS uo_rt_12hr, rt24::float8 AS uo_rt_24hr,
         stage_uo AS aki_stage_uo, stage_crrt AS aki_stage_crrt, aki_stage,
         max(aki_stage) OVER (PARTITION BY CASE WHEN %6$L THEN stay_id ELSE subject_id END
                              ORDER BY extract(epoch FROM charttime - intime)
                              RANGE BETWEEN 21600 PRECEDING AND CURRENT ROW) AS aki_stage_smoothed
    FROM st $q$, stays, creat, uo, crrt, wd, by_stay, legacy);
END $f$;

-- rows of a and b as text (so -0 and 0 differ), each way
CREATE FUNCTION pg_temp.mismatches(a regclass, b regclass) RETURNS SETOF text LANGUAGE plpgsql AS $f$
BEGIN
  RETURN QUERY EXECUTE format($q$
    (SELECT 'reference only: ' || x::text FROM %1$s x EXCEPT ALL SELECT 'reference only: ' || y::text FROM %2$s y)
    UNION ALL
    (SELECT 'precmed only: ' || y::text FROM %2$s y EXCEPT ALL SELECT 'precmed only: ' || x::text FROM %1$s x)
    LIMIT 10 $q$, a, b);
END $f$;

-- ---- stays -------------------------------------------------------------------
-- 60 subjects, up to three stays each starting on the hour, so that rows on
-- the hourly grid are exactly 6, 12 and 24 h apart
CREATE TEMP TABLE e_stays AS
  SELECT row_number() OVER (ORDER BY subject_id, k)::bigint AS stay_id, subject_id, intime,
         intime + (1 + (random() * 3)::int) * interval '1 day' AS outtime, kind
    FROM (SELECT s::bigint AS subject_id, k, timestamp '2003-05-01' + ((s * 7 + k * 50) % 240) * interval '1 hour' AS intime,
                 (s % 6) AS kind
            FROM generate_series(1, 60) s, generate_series(0, 2) k
           WHERE k = 0 OR random() < 0.5) x;

-- creatinine: on the hour (exactly 48 h and 7 days apart), duplicate times
-- with other values, one-decimal values and some with more digits
CREATE TEMP TABLE e_creat AS
  SELECT s.subject_id, s.intime + ((random() * 200)::int - 170) * interval '1 hour' AS charttime,
         CASE WHEN random() < 0.8 THEN round((0.5 + random() * 4)::numeric, 1)::float8 ELSE 0.5 + random() * 4 END AS value_mg_dl
    FROM e_stays s, generate_series(1, 40);
INSERT INTO e_creat SELECT subject_id, charttime, value_mg_dl + 0.3 FROM e_creat WHERE random() < 0.05;
INSERT INTO e_creat SELECT subject_id, charttime + interval '48 hours', value_mg_dl * 1.6 FROM e_creat WHERE random() < 0.05;
INSERT INTO e_creat SELECT subject_id, charttime + interval '7 days', value_mg_dl * 2 FROM e_creat WHERE random() < 0.03;
-- at most two values per time: the reference's float8 average of three
-- depends on the order its plan reads them in
DELETE FROM e_creat WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY subject_id, charttime) AS rn
                                                       FROM e_creat) x WHERE rn > 2);

-- urine, by kind of stay:
--   0: hourly rows with 1-3 decimal volumes, half-hour extra rows, duplicates
--   1: hourly rows of one constant volume that is a tie: v / kg = 0.49995
--      mL/kg/h exactly (so the 4-decimal rounding of the float8 rate
--      depends on every bit of the in-order float8 sum)
--   2: dense: 3,000 rows in 22 h on a 36 ms grid, decimal volumes
--   3: volumes from 1e-20 to 1e6 mL in one stay, negative and -0 volumes
--   4: volumes near 1e307 (float8 sums too wide for the int128 window sums)
--   5: hourly rows of whole mL, low (stage 3 by the 24-hour rate)
CREATE TEMP TABLE e_uo (stay_id bigint, charttime timestamp, ml float8);
INSERT INTO e_uo
  SELECT s.stay_id, s.intime + (h - 3) * interval '1 hour',
         CASE WHEN random() < 0.03 THEN NULL
              WHEN s.kind = 0 THEN round((random() * 80)::numeric, 1 + (random() * 2)::int)::float8
              WHEN s.kind = 1 THEN (ARRAY[49.995, 34.9965, 29.997, 20.9979])[1 + s.stay_id % 4]
              WHEN s.kind = 3 THEN CASE WHEN random() < 0.3 THEN 1e-20 * random() WHEN random() < 0.1 THEN -0.0::float8
                                        WHEN random() < 0.2 THEN -round((random() * 1e6)::numeric, 3)::float8
                                        ELSE round((random() * 1e6)::numeric, 2)::float8 END
              WHEN s.kind = 4 THEN 1e307 * (random() - 0.3)
              ELSE CASE WHEN random() < 0.4 THEN 0 ELSE round(random() * 40)::float8 END END
    FROM e_stays s, generate_series(0, 60) h
   WHERE s.kind <> 2 AND (s.kind = 1 OR random() < 0.9);
INSERT INTO e_uo SELECT stay_id, charttime + interval '30 minutes', round((random() * 40)::numeric, 2)::float8
  FROM e_uo u JOIN e_stays s USING (stay_id) WHERE s.kind = 0 AND random() < 0.3;
INSERT INTO e_uo SELECT stay_id, charttime, round((random() * 10)::numeric, 1)::float8
  FROM e_uo u JOIN e_stays s USING (stay_id) WHERE s.kind IN (0, 5) AND random() < 0.1;
INSERT INTO e_uo
  SELECT stay_id, intime - interval '1 hour' + step * interval '36 milliseconds',
         CASE WHEN random() < 0.02 THEN NULL ELSE round((random() * 0.5)::numeric, 3)::float8 END
    FROM (SELECT s.stay_id, s.intime,
                 sum(CASE WHEN random() < 0.05 THEN 0 ELSE 1 + (random() * 1466)::int END) OVER (PARTITION BY s.stay_id ORDER BY i) AS step
            FROM e_stays s, generate_series(1, 3000) i WHERE s.kind = 2) x;

-- charted weights: one admit weight for the tie stays (100, 70, 60, 42 kg to
-- match their volumes), otherwise admit and daily weights, some at the
-- same time as urine rows (one weight per time: which of two the reference
-- takes is not defined)
CREATE TEMP TABLE e_wt AS
  SELECT DISTINCT ON (stay_id, charttime) stay_id, charttime, kg, weight_type FROM (
    SELECT stay_id, intime AS charttime, (ARRAY[100, 70, 60, 42])[1 + stay_id % 4]::float8 AS kg, 'admit' AS weight_type
      FROM e_stays WHERE kind = 1
    UNION ALL
    SELECT s.stay_id, s.intime + (random() * 30)::int * interval '1 minute', round((40 + random() * 80)::numeric, 2)::float8, 'admit'
      FROM e_stays s WHERE kind <> 1 AND random() < 0.9
    UNION ALL
    SELECT s.stay_id, s.intime + (random() * 60)::int * interval '1 hour', round((40 + random() * 80)::numeric, 1)::float8, 'daily'
      FROM e_stays s, generate_series(1, 3) WHERE kind <> 1) w
  ORDER BY stay_id, charttime;

-- weight intervals that overlap, nest, are empty or inverted
CREATE TEMP TABLE e_wi AS
  SELECT stay_id, st AS starttime, st + ((random() * 40)::int - 4) * interval '1 hour' AS endtime,
         round((40 + random() * 80)::numeric, 1)::float8 AS kg
    FROM (SELECT s.stay_id, s.intime + ((random() * 60)::int - 10) * interval '1 hour' AS st
            FROM e_stays s, generate_series(1, 5)) z;

CREATE TEMP TABLE e_crrt AS
  SELECT s.stay_id, s.intime + (random() * 48)::int * interval '1 hour' AS charttime
    FROM e_stays s, generate_series(1, 3) WHERE s.stay_id % 9 = 0;

-- ---- checks -------------------------------------------------------------------
CREATE TEMP TABLE e_pm AS SELECT * FROM precmed.kdigo_stages('e_stays', 'e_creat', 'e_uo', 'e_wt', 'e_crrt');
SELECT pg_temp.kdigo_sql('e_stays', 'e_creat', 'e_uo', 'e_wt', 'e_crrt', false, false, false);

SELECT ok((SELECT count(*) FROM e_pm) > 20000
          AND (SELECT count(DISTINCT aki_stage_uo) FROM e_pm) = 4
          AND (SELECT count(*) FROM e_pm p JOIN e_stays s USING (stay_id) WHERE s.kind = 1 AND p.uo_rt_6hr IS NOT NULL) > 300
          AND (SELECT count(*) FROM e_pm p JOIN e_stays s USING (stay_id) WHERE s.kind = 4 AND abs(p.uo_rt_12hr) > 1e300) > 50
          AND (SELECT count(*) FROM e_pm p JOIN e_stays s USING (stay_id) WHERE s.kind = 2) > 20000,
          'window edges: a large, varied result (every urine stage, tie stays, 1e307 volumes, dense stays)');
SELECT ok((SELECT count(*) FROM e_uo a JOIN e_uo b ON a.stay_id = b.stay_id AND b.charttime = a.charttime - interval '6 hours') > 1000
          AND (SELECT count(*) FROM e_uo a JOIN e_uo b ON a.stay_id = b.stay_id AND b.charttime = a.charttime - interval '24 hours') > 1000
          AND (SELECT count(*) FROM e_creat a JOIN e_creat b ON a.subject_id = b.subject_id AND b.charttime = a.charttime - interval '7 days') > 20
          AND (SELECT count(*) FROM e_creat a JOIN e_creat b ON a.subject_id = b.subject_id AND b.charttime = a.charttime - interval '48 hours') > 50,
          'window edges: rows exactly 6 h, 24 h, 48 h and 7 days apart');
SELECT is((SELECT count(*) FROM e_pm), (SELECT count(*) FROM e_ref), 'window edges: as many rows as the SQL implementation');
SELECT is_empty($$ SELECT pg_temp.mismatches('e_ref', 'e_pm') $$,
                'window edges: every row equals the plain-SQL implementation');

-- weight intervals, per-stay smoothing, legacy rule
CREATE TEMP TABLE e_pm2 AS
  SELECT * FROM precmed.kdigo_stages('e_stays', 'e_creat', 'e_uo', 'e_wi', 'e_crrt', smooth_by => 'stay', stage3_rule => 'legacy');
SELECT pg_temp.kdigo_sql('e_stays', 'e_creat', 'e_uo', 'e_wi', 'e_crrt', true, true, true);
SELECT ok((SELECT count(*) FROM (SELECT stay_id, charttime FROM e_pm2 WHERE charttime IS NOT NULL
                                  GROUP BY 1, 2 HAVING count(*) > 2) x) > 100,
          'weight intervals: urine times held by several overlapping intervals');
SELECT is((SELECT count(*) FROM e_pm2), (SELECT count(*) FROM e_ref), 'weight intervals: as many rows as the SQL implementation');
SELECT is_empty($$ SELECT pg_temp.mismatches('e_ref', 'e_pm2') $$,
                'weight intervals, smooth_by stay, legacy rule: every row equals the plain-SQL implementation');

SELECT * FROM finish();
ROLLBACK;
