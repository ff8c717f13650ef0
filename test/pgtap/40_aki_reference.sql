-- precmed.kdigo_stages against the reference outputs of mimic-code's MIMIC-IV
-- KDIGO concepts (commit 8bcbd190), row for row: the 28 hand-made vectors,
-- the MIMIC-III demo (136 stays) and PhysioNet 2012 set A (4000 stays).
-- Stages and 4-decimal rates must be equal; creatinine values to 1e-9.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(26);

CREATE TEMP TABLE ref_stages (subject_id bigint, hadm_id bigint, stay_id bigint, charttime timestamp,
  creat_low_past_7day float8, creat_low_past_48hr float8, creat float8, aki_stage_creat int,
  uo_rt_6hr float8, uo_rt_12hr float8, uo_rt_24hr float8, aki_stage_uo int, aki_stage_crrt int,
  aki_stage int, aki_stage_smoothed int, dataset text);

-- compares one data set of ref_stages with a result table, both ways
CREATE FUNCTION pg_temp.diff(ds text, out_table regclass) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH r AS (SELECT subject_id, stay_id, charttime, round(creat_low_past_7day::numeric, 9) l7,
                      round(creat_low_past_48hr::numeric, 9) l48, round(creat::numeric, 9) c,
                      aki_stage_creat, uo_rt_6hr, uo_rt_12hr, uo_rt_24hr, aki_stage_uo,
                      aki_stage_crrt, aki_stage, aki_stage_smoothed
                 FROM ref_stages WHERE dataset = %L),
         o AS (SELECT subject_id, stay_id, charttime, round(creat_low_past_7day::numeric, 9),
                      round(creat_low_past_48hr::numeric, 9), round(creat::numeric, 9),
                      aki_stage_creat, uo_rt_6hr, uo_rt_12hr, uo_rt_24hr, aki_stage_uo,
                      aki_stage_crrt, aki_stage, aki_stage_smoothed FROM %s)
    SELECT 'reference only: ' || r::text FROM (SELECT * FROM r EXCEPT ALL SELECT * FROM o) r
    UNION ALL
    SELECT 'precmed only: ' || o::text FROM (SELECT * FROM o EXCEPT ALL SELECT * FROM r) o
    LIMIT 20 $q$, ds, out_table);
END $$;

-- ---- 28 test vectors --------------------------------------------------------
CREATE TEMP TABLE v_stays (stay_id bigint, subject_id bigint, intime timestamp, outtime timestamp, "case" text);
\copy v_stays FROM 'test/data/aki/vectors/input/stays.csv' CSV HEADER
CREATE TEMP TABLE v_creat (subject_id bigint, stay_id bigint, charttime timestamp, value_mg_dl float8);
\copy v_creat FROM 'test/data/aki/vectors/input/creatinine.csv' CSV HEADER
CREATE TEMP TABLE v_uo (stay_id bigint, charttime timestamp, ml float8);
\copy v_uo FROM 'test/data/aki/vectors/input/urine_output.csv' CSV HEADER
CREATE TEMP TABLE v_wt (stay_id bigint, charttime timestamp, kg float8, weight_type text);
\copy v_wt FROM 'test/data/aki/vectors/input/weight.csv' CSV HEADER
CREATE TEMP TABLE v_crrt (stay_id bigint, charttime timestamp, crrt_mode text);
\copy v_crrt FROM 'test/data/aki/vectors/input/crrt.csv' CSV HEADER
CREATE TEMP TABLE ref_load (LIKE ref_stages);
ALTER TABLE ref_load DROP COLUMN dataset;
\copy ref_load FROM 'test/data/aki/vectors/expected/kdigo_stages.csv' CSV HEADER
INSERT INTO ref_stages SELECT *, 'vectors' FROM ref_load;
TRUNCATE ref_load;

CREATE TEMP TABLE v_out AS
  SELECT * FROM precmed.kdigo_stages('v_stays', 'v_creat', 'v_uo', 'v_wt', 'v_crrt');

SELECT is((SELECT count(*) FROM v_out), 184::bigint, 'vectors: 184 rows, as the reference');
SELECT is_empty($$ SELECT pg_temp.diff('vectors', 'v_out') $$,
                'vectors: every row equals the reference kdigo_stages');
SELECT results_eq(
  $$ SELECT stay_id, max(aki_stage), max(aki_stage_smoothed) FROM v_out GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES (1001::bigint,0,0),(1002,1,1),(1003,0,0),(1004,0,0),(1005,1,1),(1006,1,1),(1007,2,2),
            (1008,3,3),(1009,3,3),(1010,0,0),(1011,0,0),(1012,1,1),(1013,1,1),(1014,2,2),(1015,0,0),
            (1016,3,3),(1017,1,1),(1018,0,0),(2001,2,2),(2002,3,3),(2003,3,3),(2004,0,0),(2005,0,0),
            (2006,0,0),(2007,1,1),(2008,3,3),(3001,3,3),(3002,0,3) $$,
  'vectors: maximum stage per stay as the PROVENANCE table lists it');
-- the 2026-06-24 stage-3 fix: 3.8 -> 4.1 was stage 1 under the legacy rule
SELECT is((SELECT max(aki_stage_creat) FROM precmed.kdigo_stages('v_stays', 'v_creat', 'v_uo', 'v_wt', 'v_crrt',
            stage3_rule => 'legacy') WHERE stay_id = 1009), 1,
          'vectors: legacy rule, 3.8 -> 4.1 is stage 1 (48-h low 3.8 > 3.7), as PROVENANCE says');
-- per-stay smoothing stops stay 3001's CRRT from reaching stay 3002
SELECT is((SELECT max(aki_stage_smoothed) FROM precmed.kdigo_stages('v_stays', 'v_creat', 'v_uo', 'v_wt', 'v_crrt',
            smooth_by => 'stay') WHERE stay_id = 3002), 0,
          'vectors: smooth_by => stay keeps stay 3002 at stage 0');

-- ---- MIMIC-III demo (MIMIC-IV logic) -------------------------------------------
CREATE TEMP TABLE m_stays (icustay_id bigint, subject_id bigint, hadm_id bigint, dbsource text,
  first_careunit text, intime timestamp, outtime timestamp, los float8);
\copy m_stays FROM 'test/data/aki/mimic3_demo/icustays.csv' CSV HEADER
CREATE TEMP TABLE m_creat (subject_id bigint, hadm_id bigint, charttime timestamp, value_mg_dl float8);
\copy m_creat FROM 'test/data/aki/mimic3_demo/creatinine.csv' CSV HEADER
CREATE TEMP TABLE m_uo (icustay_id bigint, charttime timestamp, ml float8);
\copy m_uo FROM 'test/data/aki/mimic3_demo/urine_output.csv' CSV HEADER
CREATE TEMP TABLE m_wd (icustay_id bigint, starttime timestamp, endtime timestamp, weight_kg float8);
\copy m_wd FROM 'test/data/aki/mimic3_demo/weight_durations.csv' CSV HEADER
CREATE TEMP TABLE m_crrt (stay_id bigint, charttime timestamp, crrt_mode text);
\copy m_crrt FROM 'test/data/aki/mimic3_demo/reference/crrt.csv' CSV HEADER
\copy ref_load FROM PROGRAM 'gzip -dc test/data/aki/mimic3_demo/reference/kdigo_stages.csv.gz' CSV HEADER
INSERT INTO ref_stages SELECT *, 'mimic3_demo' FROM ref_load;
TRUNCATE ref_load;

CREATE TEMP VIEW m_args (stays, creatinine, urine_output, weight, crrt) AS VALUES (
  'SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM m_stays',
  'm_creat',
  'SELECT icustay_id AS stay_id, charttime, ml FROM m_uo',
  'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM m_wd',
  'm_crrt');
CREATE TEMP TABLE m_out AS
  SELECT s.* FROM m_args a,
         ROWS FROM (precmed.kdigo_stages(a.stays, a.creatinine, a.urine_output, a.weight, a.crrt)) WITH ORDINALITY s(subject_id, stay_id, charttime, creat_low_past_7day, creat_low_past_48hr, creat, aki_stage_creat, uo_rt_6hr, uo_rt_12hr, uo_rt_24hr, aki_stage_uo, aki_stage_crrt, aki_stage, aki_stage_smoothed, ord);

SELECT is((SELECT count(*) FROM m_out), 10481::bigint, 'MIMIC-III demo: 10481 rows, as the reference');
SELECT is_empty($$ SELECT pg_temp.diff('mimic3_demo', 'm_out') $$,
                'MIMIC-III demo: every row equals the reference kdigo_stages');
SELECT results_eq(
  $$ SELECT count(*) FILTER (WHERE s >= 1), count(*) FILTER (WHERE s >= 2), count(*) FILTER (WHERE s = 3),
            count(*) FILTER (WHERE c >= 1), count(*) FILTER (WHERE u >= 1)
       FROM (SELECT stay_id, max(aki_stage) s, max(aki_stage_creat) c, max(aki_stage_uo) u
               FROM m_out GROUP BY stay_id) x $$,
  $$ VALUES (90::bigint, 73::bigint, 31::bigint, 43::bigint, 81::bigint) $$,
  'MIMIC-III demo: stays at stage >=1/>=2/3, by creatinine, by urine: 90/73/31, 43/81 (PROVENANCE)');
SELECT is((SELECT count(*) FROM m_out WHERE aki_stage_crrt = 3), 111::bigint,
          'MIMIC-III demo: 111 CRRT rows staged 3 (of 680 crrt rows, those with a crrt_mode)');

-- per-stay smoothing differs from the reference's per-subject smoothing on
-- 804 rows of 38 stays (docs/kdigo.md, section 2.5)
CREATE TEMP TABLE m_stay AS
  SELECT s.* FROM m_args a,
         ROWS FROM (precmed.kdigo_stages(a.stays, a.creatinine, a.urine_output, a.weight, a.crrt, smooth_by => 'stay')) WITH ORDINALITY s;
SELECT results_eq(
  $$ SELECT count(*), count(DISTINCT o.stay_id) FROM m_out o JOIN m_stay s ON s.ordinality = o.ord
      WHERE o.aki_stage_smoothed <> s.aki_stage_smoothed $$,
  $$ VALUES (804::bigint, 38::bigint) $$,
  'MIMIC-III demo: smooth_by => stay changes 804 rows in 38 stays');
SELECT is_empty(
  $$ SELECT 1 FROM m_out o JOIN m_stay s ON s.ordinality = o.ord
      WHERE (o.stay_id, o.charttime, o.aki_stage) IS DISTINCT FROM (s.stay_id, s.charttime, s.aki_stage)
         OR s.aki_stage_smoothed > o.aki_stage_smoothed OR s.aki_stage_smoothed < s.aki_stage $$,
  'MIMIC-III demo: smooth_by => stay changes only aki_stage_smoothed, never above the per-subject value');

-- the 2026 stage-3 fix raises 21 creatinine rows in 5 stays (new rule includes the old)
CREATE TEMP TABLE m_legacy AS
  SELECT s.* FROM m_args a,
         ROWS FROM (precmed.kdigo_stages(a.stays, a.creatinine, a.urine_output, a.weight, a.crrt, stage3_rule => 'legacy')) WITH ORDINALITY s;
SELECT results_eq(
  $$ SELECT count(*), count(DISTINCT o.stay_id) FROM m_out o JOIN m_legacy l ON l.ordinality = o.ord
      WHERE o.aki_stage_creat > l.aki_stage_creat $$,
  $$ VALUES (21::bigint, 5::bigint) $$,
  'MIMIC-III demo: the current stage-3 rule raises 21 rows in 5 stays over the legacy rule');
SELECT is_empty(
  $$ SELECT 1 FROM m_out o JOIN m_legacy l ON l.ordinality = o.ord WHERE o.aki_stage_creat < l.aki_stage_creat $$,
  'MIMIC-III demo: the legacy rule never gives a higher creatinine stage');

-- ---- PhysioNet 2012 set A --------------------------------------------------------
CREATE TEMP TABLE p_pat (record_id bigint, age float8, gender int, height_cm float8, icu_type int, weight_admit_kg float8);
\copy p_pat FROM 'test/data/aki/physionet2012_seta/patients.csv' CSV HEADER
CREATE TEMP TABLE p_creat (record_id bigint, minutes int, charttime timestamp, value_mg_dl float8);
\copy p_creat FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/creatinine.csv.gz' CSV HEADER
CREATE TEMP TABLE p_uo (record_id bigint, minutes int, charttime timestamp, ml float8);
\copy p_uo FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/urine_output.csv.gz' CSV HEADER
CREATE TEMP TABLE p_wt (record_id bigint, minutes int, charttime timestamp, kg float8, weight_type text);
\copy p_wt FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/weight.csv.gz' CSV HEADER
\copy ref_load FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/reference/kdigo_stages.csv.gz' CSV HEADER
INSERT INTO ref_stages SELECT *, 'physionet' FROM ref_load;
TRUNCATE ref_load;

CREATE TEMP TABLE p_out AS SELECT * FROM precmed.kdigo_stages(
  $$SELECT record_id AS stay_id, record_id AS subject_id, timestamp '2000-01-01' AS intime,
           timestamp '2000-01-03' AS outtime FROM p_pat$$,
  'SELECT record_id AS subject_id, charttime, value_mg_dl FROM p_creat',
  'SELECT record_id AS stay_id, charttime, ml FROM p_uo',
  'SELECT record_id AS stay_id, charttime, kg, weight_type FROM p_wt');

SELECT is((SELECT count(*) FROM p_out), 148189::bigint, 'PhysioNet set A: 148189 rows, as the reference');
SELECT is_empty($$ SELECT pg_temp.diff('physionet', 'p_out') $$,
                'PhysioNet set A: every row equals the reference kdigo_stages');
SELECT results_eq(
  $$ SELECT count(*) FILTER (WHERE s >= 1), count(*) FILTER (WHERE s >= 2), count(*) FILTER (WHERE s = 3),
            count(*) FILTER (WHERE c >= 1), count(*) FILTER (WHERE u >= 1)
       FROM (SELECT stay_id, max(aki_stage) s, max(aki_stage_creat) c, max(aki_stage_uo) u
               FROM p_out GROUP BY stay_id) x $$,
  $$ VALUES (2617::bigint, 1908::bigint, 506::bigint, 903::bigint, 2406::bigint) $$,
  'PhysioNet set A: stays at stage >=1/>=2/3, by creatinine, by urine: 2617/1908/506, 903/2406 (PROVENANCE)');
SELECT results_eq(
  $$ SELECT aki_stage, aki_stage_smoothed, count(*) FROM p_out GROUP BY 1, 2 ORDER BY 1, 2 $$,
  $$ SELECT aki_stage, aki_stage_smoothed, count(*) FROM ref_stages WHERE dataset = 'physionet' GROUP BY 1, 2 ORDER BY 1, 2 $$,
  'PhysioNet set A: the same number of rows at each stage and smoothed stage');

-- the same answer from int / timestamptz inputs (implicit and assignment casts)
SELECT is_empty($$
  SELECT * FROM (SELECT * FROM v_out EXCEPT ALL
                 SELECT * FROM precmed.kdigo_stages(
                   'SELECT stay_id::int AS stay_id, subject_id::int AS subject_id, intime::timestamptz AS intime, outtime::timestamptz AS outtime FROM v_stays',
                   'SELECT subject_id::int AS subject_id, charttime::timestamptz AS charttime, value_mg_dl::numeric AS value_mg_dl FROM v_creat',
                   'SELECT stay_id::int AS stay_id, charttime, ml::int AS ml FROM v_uo',
                   'SELECT stay_id, charttime, kg::real AS kg, weight_type::varchar AS weight_type FROM v_wt',
                   'SELECT stay_id::int AS stay_id, charttime FROM v_crrt')) d $$,
  'vectors: int, numeric, real, varchar and timestamptz columns give the same rows (session TimeZone)');

-- column order does not matter and extra columns are ignored
SELECT is((SELECT count(*) FROM precmed.kdigo_stages(
   'SELECT outtime, intime, "case", subject_id, stay_id FROM v_stays',
   'SELECT value_mg_dl, charttime, stay_id, subject_id FROM v_creat', 'v_uo', 'v_wt', 'v_crrt')), 184::bigint,
   'vectors: columns are matched by name, in any order, extras ignored');

-- prebuilt weight intervals give the same rows as charted weights
CREATE TEMP TABLE v_wd (stay_id bigint, starttime timestamp, endtime timestamp, weight float8, weight_type text);
\copy v_wd FROM 'test/data/aki/vectors/expected/weight_durations.csv' CSV HEADER
SELECT is_empty($$
  SELECT * FROM (SELECT * FROM v_out EXCEPT ALL
                 SELECT * FROM precmed.kdigo_stages('v_stays', 'v_creat', 'v_uo',
                   'SELECT stay_id, starttime, endtime, weight AS kg FROM v_wd', 'v_crrt')) d $$,
  'vectors: the reference weight_durations as intervals give the same rows as the charted weights');

-- the creatinine and urine building blocks agree with the SRF
SELECT is_empty($$
  SELECT 1 FROM p_out WHERE aki_stage_creat IS DISTINCT FROM
    CASE WHEN creat IS NOT NULL THEN precmed.kdigo_creat_stage(creat, creat_low_past_7day, creat_low_past_48hr) END $$,
  'PhysioNet set A: kdigo_creat_stage() gives aki_stage_creat on every row');
SELECT is_empty($$
  SELECT 1 FROM m_legacy WHERE aki_stage_creat IS DISTINCT FROM
    CASE WHEN creat IS NOT NULL THEN precmed.kdigo_creat_stage(creat, creat_low_past_7day, creat_low_past_48hr, 'legacy') END $$,
  'MIMIC-III demo: kdigo_creat_stage(..., ''legacy'') gives the legacy aki_stage_creat on every row');
SELECT results_eq($$ VALUES (precmed.kdigo_creat_stage(4.1, 3.8, 3.8), precmed.kdigo_creat_stage(4.1, 3.8, 3.8, 'legacy'),
                             precmed.kdigo_creat_stage(4.0, 3.7, 3.7, 'legacy'), precmed.kdigo_creat_stage(4.0, 3.7, 3.7)) $$,
                  $$ VALUES (3, 1, 3, 3) $$,
                  'kdigo_creat_stage: 3.8 -> 4.1 is 3 (current) / 1 (legacy); 3.7 -> 4.0 is 3 under both');

-- the stay summary aggregate reproduces the reference stay_summary.csv
-- (windows [0, 48 h], [0, 24 h], (24 h, 48 h]; the reference file writes 0 for an empty
-- 24-h window and NULL for an empty 48-h creatinine or urine window)
CREATE TEMP TABLE p_sum (record_id bigint, max_stage_0_48h int, max_stage_creat_0_48h int, max_stage_uo_0_48h int,
  max_stage_0_24h int, max_stage_24_48h int, max_stage_creat_0_24h int, max_stage_creat_24_48h int,
  first_stage1_minutes int, first_stage2_minutes int, first_creat_stage1_minutes int);
\copy p_sum FROM 'test/data/aki/physionet2012_seta/reference/stay_summary.csv' CSV HEADER
SELECT is_empty($$
  WITH s AS (
    SELECT stay_id,
      precmed.kdigo_summary(charttime, aki_stage) FILTER (WHERE charttime BETWEEN '2000-01-01' AND '2000-01-03') a,
      precmed.kdigo_summary(charttime, aki_stage) FILTER (WHERE charttime BETWEEN '2000-01-01' AND '2000-01-02') a24,
      precmed.kdigo_summary(charttime, aki_stage) FILTER (WHERE charttime > '2000-01-02' AND charttime <= '2000-01-03') b24,
      precmed.kdigo_summary(charttime, aki_stage_creat) FILTER (WHERE charttime BETWEEN '2000-01-01' AND '2000-01-03') c,
      precmed.kdigo_summary(charttime, aki_stage_creat) FILTER (WHERE charttime BETWEEN '2000-01-01' AND '2000-01-02') c24,
      precmed.kdigo_summary(charttime, aki_stage_creat) FILTER (WHERE charttime > '2000-01-02' AND charttime <= '2000-01-03') cb24,
      precmed.kdigo_summary(charttime, aki_stage_uo) FILTER (WHERE charttime BETWEEN '2000-01-01' AND '2000-01-03') u
    FROM p_out GROUP BY stay_id)
  SELECT s.stay_id FROM s FULL JOIN p_sum x ON x.record_id = s.stay_id
   WHERE (coalesce((a).max_stage, 0), coalesce((a24).max_stage, 0), coalesce((b24).max_stage, 0),
          (c).max_stage, coalesce((c24).max_stage, 0), coalesce((cb24).max_stage, 0), (u).max_stage,
          extract(epoch FROM (a).first_stage1 - '2000-01-01') / 60, extract(epoch FROM (a).first_stage2 - '2000-01-01') / 60,
          extract(epoch FROM (c).first_stage1 - '2000-01-01') / 60)
     IS DISTINCT FROM
         (x.max_stage_0_48h, x.max_stage_0_24h, x.max_stage_24_48h, x.max_stage_creat_0_48h, x.max_stage_creat_0_24h,
          x.max_stage_creat_24_48h, x.max_stage_uo_0_48h, x.first_stage1_minutes, x.first_stage2_minutes,
          x.first_creat_stage1_minutes) $$,
  'PhysioNet set A: kdigo_summary with FILTER windows equals the reference stay_summary.csv for all 4000 stays');

-- the urine-rate aggregate over RANGE windows gives the SRF's rates
SELECT is_empty($$
  WITH u AS (SELECT icustay_id AS stay_id, charttime, ml,
               coalesce(extract(epoch FROM charttime - lag(charttime) OVER (PARTITION BY icustay_id ORDER BY charttime)) / 3600, 1)::float8 AS hours
             FROM m_uo),
       uw AS (SELECT u.*, w.weight_kg FROM u LEFT JOIN m_wd w
                ON w.icustay_id = u.stay_id AND u.charttime >= w.starttime AND u.charttime < w.endtime),
       r AS (SELECT stay_id, charttime,
                    precmed.kdigo_uo_rate(ml, hours, weight_kg, charttime, 6, 12) OVER w6 AS rt6,
                    precmed.kdigo_uo_rate(ml, hours, weight_kg, charttime, 12, NULL) OVER w12 AS rt12,
                    precmed.kdigo_uo_rate(ml, hours, weight_kg, charttime, 24, NULL) OVER w24 AS rt24
               FROM uw
             WINDOW w6 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '6 hours' PRECEDING AND CURRENT ROW),
                    w12 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '12 hours' PRECEDING AND CURRENT ROW),
                    w24 AS (PARTITION BY stay_id ORDER BY charttime RANGE BETWEEN '24 hours' PRECEDING AND CURRENT ROW))
  SELECT r.* FROM r LEFT JOIN m_out o USING (stay_id, charttime)
   WHERE (r.rt6, r.rt12, r.rt24) IS DISTINCT FROM (o.uo_rt_6hr, o.uo_rt_12hr, o.uo_rt_24hr) $$,
  'MIMIC-III demo: kdigo_uo_rate over 6/12/24-h RANGE windows equals uo_rt_6hr/12hr/24hr on all 9153 urine rows');

-- the documented window-function recipe for the creatinine columns gives the SRF's values
SELECT is_empty($$
  WITH cr AS (SELECT s.record_id AS stay_id, c.charttime, avg(c.value_mg_dl) AS creat
                FROM p_pat s JOIN p_creat c ON c.record_id = s.record_id AND c.value_mg_dl <= 150
                 AND c.charttime BETWEEN timestamp '2000-01-01' - interval '7 days' AND timestamp '2000-01-03'
               GROUP BY 1, 2),
       w AS (SELECT stay_id, charttime, creat,
                    min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                                     RANGE BETWEEN '7 days' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low7,
                    min(creat) OVER (PARTITION BY stay_id ORDER BY charttime
                                     RANGE BETWEEN '48 hours' PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) AS low48
               FROM cr)
  SELECT stay_id, charttime, creat, low7, low48, precmed.kdigo_creat_stage(creat, low7, low48) FROM w
  EXCEPT ALL
  SELECT stay_id, charttime, creat, creat_low_past_7day, creat_low_past_48hr, aki_stage_creat FROM p_out WHERE creat IS NOT NULL $$,
  'PhysioNet set A: min() OVER RANGE windows + kdigo_creat_stage reproduce the creatinine columns');

SELECT * FROM finish();
ROLLBACK;
