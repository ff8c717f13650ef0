-- precmed demo, part 40: KDIGO AKI staging of the MIMIC-III Clinical Database
-- Demo v1.4 (136 ICU stays; ODbL, see test/data/aki/mimic3_demo/PROVENANCE.md).
\echo
\echo '== aki: KDIGO staging of the MIMIC-III demo (136 ICU stays), as mimic-code''s MIMIC-IV concepts'
CREATE SCHEMA IF NOT EXISTS aki_demo;
SET search_path = aki_demo, public;
DROP TABLE IF EXISTS icustays, creatinine, urine_output, weight_durations, crrt, stages;
CREATE TABLE icustays (icustay_id bigint, subject_id bigint, hadm_id bigint, dbsource text,
  first_careunit text, intime timestamp, outtime timestamp, los float8);
\copy icustays FROM 'test/data/aki/mimic3_demo/icustays.csv' CSV HEADER
CREATE TABLE creatinine (subject_id bigint, hadm_id bigint, charttime timestamp, value_mg_dl float8);
\copy creatinine FROM 'test/data/aki/mimic3_demo/creatinine.csv' CSV HEADER
CREATE TABLE urine_output (icustay_id bigint, charttime timestamp, ml float8);
\copy urine_output FROM 'test/data/aki/mimic3_demo/urine_output.csv' CSV HEADER
CREATE TABLE weight_durations (icustay_id bigint, starttime timestamp, endtime timestamp, weight_kg float8);
\copy weight_durations FROM 'test/data/aki/mimic3_demo/weight_durations.csv' CSV HEADER
CREATE TABLE crrt (stay_id bigint, charttime timestamp, crrt_mode text);
\copy crrt FROM 'test/data/aki/mimic3_demo/reference/crrt.csv' CSV HEADER

\timing on
CREATE TABLE stages AS
SELECT * FROM precmed.kdigo_stages(
  stays        => 'SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM aki_demo.icustays',
  creatinine   => 'aki_demo.creatinine',
  urine_output => 'SELECT icustay_id AS stay_id, charttime, ml FROM aki_demo.urine_output',
  weight       => 'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM aki_demo.weight_durations',
  crrt         => 'aki_demo.crrt');
\timing off

\echo
\echo '-- one stay (239396) as creatinine, urine output and CRRT start: every row from 12:00 to 04:00'
SELECT charttime, creat, creat_low_past_48hr AS low48, creat_low_past_7day AS low7, aki_stage_creat AS creat_stage,
       uo_rt_6hr, uo_rt_12hr, uo_rt_24hr, aki_stage_uo AS uo_stage, aki_stage_crrt AS crrt, aki_stage, aki_stage_smoothed AS smoothed
  FROM stages
 WHERE stay_id = 239396 AND charttime BETWEEN '2123-11-24 12:00' AND '2123-11-25 04:00'
 ORDER BY charttime;

\echo
\echo '-- stays by worst KDIGO stage (reference: stage >= 1: 90, >= 2: 73, 3: 31)'
SELECT max_stage AS worst_stage, count(*) AS stays, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
  FROM (SELECT stay_id, max(aki_stage) AS max_stage FROM stages GROUP BY stay_id) s
 GROUP BY 1 ORDER BY 1;

\echo
\echo '-- stays reaching each stage, by criterion (a stay can qualify by several)'
SELECT stage,
       count(*) FILTER (WHERE creat >= stage) AS by_creatinine,
       count(*) FILTER (WHERE uo >= stage) AS by_urine_output,
       count(*) FILTER (WHERE rrt >= stage) AS by_crrt,
       count(*) FILTER (WHERE any_ >= stage) AS any_criterion
  FROM (SELECT stay_id, max(aki_stage_creat) AS creat, max(aki_stage_uo) AS uo, max(aki_stage_crrt) AS rrt,
               max(aki_stage) AS any_ FROM stages GROUP BY stay_id) s,
       generate_series(1, 3) stage
 GROUP BY stage ORDER BY stage;

\echo
\echo '-- worst stage in the first 48 h of each stay (empty: no staged row then), and hours to stage 1 (kdigo_summary)'
SELECT (x.s).max_stage AS worst_48h, count(*) AS stays,
       round(avg(extract(epoch FROM (x.s).first_stage1 - x.intime) / 3600)::numeric, 1) AS mean_hours_to_stage1
  FROM (SELECT i.icustay_id, i.intime,
               precmed.kdigo_summary(k.charttime, k.aki_stage)
                 FILTER (WHERE k.charttime BETWEEN i.intime AND i.intime + interval '48 hours') AS s
          FROM stages k JOIN icustays i ON i.icustay_id = k.stay_id
         GROUP BY i.icustay_id, i.intime) x
 GROUP BY 1 ORDER BY 1;

\echo
\echo '-- the switches: the pre-2026 stage-3 rule and per-stay smoothing'
SELECT 'stage3_rule => legacy: creatinine rows with a lower stage' AS variant,
       count(*) FILTER (WHERE l.aki_stage_creat < c.aki_stage_creat) AS rows_changed,
       count(DISTINCT c.stay_id) FILTER (WHERE l.aki_stage_creat < c.aki_stage_creat) AS stays
  FROM ROWS FROM (precmed.kdigo_stages('SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM aki_demo.icustays',
         'aki_demo.creatinine', 'SELECT icustay_id AS stay_id, charttime, ml FROM aki_demo.urine_output',
         'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM aki_demo.weight_durations', 'aki_demo.crrt'))
         WITH ORDINALITY c
  JOIN ROWS FROM (precmed.kdigo_stages('SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM aki_demo.icustays',
         'aki_demo.creatinine', 'SELECT icustay_id AS stay_id, charttime, ml FROM aki_demo.urine_output',
         'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM aki_demo.weight_durations', 'aki_demo.crrt',
         stage3_rule => 'legacy')) WITH ORDINALITY l USING (ordinality)
UNION ALL
SELECT 'smooth_by => stay: rows with a different smoothed stage',
       count(*) FILTER (WHERE p.aki_stage_smoothed <> c.aki_stage_smoothed),
       count(DISTINCT c.stay_id) FILTER (WHERE p.aki_stage_smoothed <> c.aki_stage_smoothed)
  FROM ROWS FROM (precmed.kdigo_stages('SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM aki_demo.icustays',
         'aki_demo.creatinine', 'SELECT icustay_id AS stay_id, charttime, ml FROM aki_demo.urine_output',
         'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM aki_demo.weight_durations', 'aki_demo.crrt'))
         WITH ORDINALITY c
  JOIN ROWS FROM (precmed.kdigo_stages('SELECT icustay_id AS stay_id, subject_id, intime, outtime FROM aki_demo.icustays',
         'aki_demo.creatinine', 'SELECT icustay_id AS stay_id, charttime, ml FROM aki_demo.urine_output',
         'SELECT icustay_id AS stay_id, starttime, endtime, weight_kg AS kg FROM aki_demo.weight_durations', 'aki_demo.crrt',
         smooth_by => 'stay')) WITH ORDINALITY p USING (ordinality);

\echo
\echo '-- admission baselines (mimic-code creatinine_baseline): lowest creatinine of the admission vs MDRD at eGFR 75'
SELECT a.hadm_id, round(a.scr_min::numeric, 2) AS scr_min,
       round(precmed.creatinine_baseline_mdrd(65, false)::numeric, 2) AS mdrd_65_male,
       round(precmed.creatinine_baseline(a.scr_min, 65, false, false)::numeric, 2) AS baseline_if_65_male_no_ckd
  FROM (SELECT hadm_id, min(value_mg_dl) AS scr_min FROM aki_demo.creatinine
         WHERE hadm_id IS NOT NULL AND value_mg_dl > 0 GROUP BY hadm_id) a
 ORDER BY a.hadm_id LIMIT 5;
RESET search_path;
