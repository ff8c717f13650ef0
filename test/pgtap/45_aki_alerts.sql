-- The AKI watch (docs/aki_alerts.md): aki_current and aki_alert kept by
-- statement triggers, checked against precmed.kdigo_stages over the same
-- tables after every kind of change, on hand-made stays and on a replay of
-- PhysioNet 2012 set A (stays below 132700, 68 stays with rows) in charttime
-- order.  Concurrent writers, NOTIFY and a killed backend: test/lifecycle/aki_watch.sh.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(56);

CREATE TABLE w_stays (stay_id bigint, subject_id bigint, intime timestamp, outtime timestamp);
CREATE TABLE w_creat (subject_id bigint, charttime timestamp, value_mg_dl float8);
CREATE TABLE w_uo (stay_id bigint, charttime timestamp, ml float8);
CREATE TABLE w_wt (stay_id bigint, charttime timestamp, kg float8, weight_type text);

-- differences between aki_current and the last kdigo_stages row of each stay
-- (an open stay, NULL outtime, staged up to 9999-12-31 as the watch does)
CREATE FUNCTION pg_temp.current_diff() RETURNS bigint LANGUAGE sql AS $$
  WITH k AS (SELECT * FROM precmed.kdigo_stages(
               'SELECT stay_id, subject_id, intime, coalesce(outtime, timestamp ''9999-12-31'') AS outtime FROM w_stays',
               'SELECT * FROM w_creat', 'SELECT * FROM w_uo', 'SELECT * FROM w_wt')
              WHERE charttime IS NOT NULL),
       last AS (SELECT DISTINCT ON (stay_id) stay_id, charttime, aki_stage, aki_stage_creat, aki_stage_uo,
                       aki_stage_smoothed, subject_id FROM k ORDER BY stay_id, charttime DESC),
       cur AS (SELECT stay_id, charttime, aki_stage, aki_stage_creat, aki_stage_uo, aki_stage_smoothed,
                      subject_id FROM precmed.aki_current)
  SELECT count(*) FROM ((SELECT * FROM last EXCEPT ALL SELECT * FROM cur)
                        UNION ALL (SELECT * FROM cur EXCEPT ALL SELECT * FROM last)) d
$$;
-- differences between the alerts in force (not retracted) and the first
-- charttime at which kdigo_stages gives each stage
CREATE FUNCTION pg_temp.alert_diff() RETURNS bigint LANGUAGE sql AS $$
  WITH k AS (SELECT * FROM precmed.kdigo_stages(
               'SELECT stay_id, subject_id, intime, coalesce(outtime, timestamp ''9999-12-31'') AS outtime FROM w_stays',
               'SELECT * FROM w_creat', 'SELECT * FROM w_uo', 'SELECT * FROM w_wt')),
       firsts AS (SELECT stay_id, 'stage_' || l AS kind, min(charttime) AS charttime
                    FROM k, generate_series(1, 3) l WHERE aki_stage >= l AND charttime IS NOT NULL GROUP BY 1, 2),
       alerts AS (SELECT a.stay_id, a.kind, a.charttime FROM precmed.aki_alert a
                   WHERE a.kind <> 'retracted'
                     AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id))
  SELECT count(*) FROM ((SELECT * FROM firsts EXCEPT ALL SELECT * FROM alerts)
                        UNION ALL (SELECT * FROM alerts EXCEPT ALL SELECT * FROM firsts)) d
$$;

-- ---- starting ----------------------------------------------------------------
INSERT INTO w_stays VALUES (1, 10, '2020-01-01 00:00', '2020-01-05 00:00'),
                           (2, 20, '2020-01-01 00:00', NULL),
                           (3, 30, '2020-01-02 00:00', '2020-01-04 00:00');
INSERT INTO w_creat VALUES (30, '2020-01-02 01:00', 0.8), (30, '2020-01-02 09:00', 1.3);
SELECT is(precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt'), 1::bigint,
          'start: the one stay with rows is staged');
SELECT results_eq($$ SELECT stay_id, charttime, aki_stage FROM precmed.aki_current $$,
                  $$ VALUES (3::bigint, '2020-01-02 09:00'::timestamp, 1) $$,
                  'start: stay 3 at stage 1 (0.8 -> 1.3: +0.5 mg/dL)');
SELECT results_eq($$ SELECT stay_id, kind, charttime, previous_stage FROM precmed.aki_alert $$,
                  $$ VALUES (3::bigint, 'stage_1', '2020-01-02 09:00'::timestamp, NULL::int) $$,
                  'start: history found at start is recorded');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'precmed_aki_%'), 16::bigint,
          'start: four statement triggers on each of the four tables');

-- ---- hand-made sequence: rises, a correction, a late result ------------------------
INSERT INTO w_creat VALUES (10, '2020-01-01 01:00', 1.0);
SELECT results_eq($$ SELECT charttime, aki_stage, aki_stage_creat FROM precmed.aki_current WHERE stay_id = 1 $$,
                  $$ VALUES ('2020-01-01 01:00'::timestamp, 0, 0) $$, 'first creatinine: stage 0');
INSERT INTO w_creat VALUES (10, '2020-01-01 10:00', 1.6);
SELECT results_eq($$ SELECT charttime, aki_stage FROM precmed.aki_current WHERE stay_id = 1 $$,
                  $$ VALUES ('2020-01-01 10:00'::timestamp, 1) $$, '1.0 -> 1.6: stage 1');
INSERT INTO w_creat VALUES (10, '2020-01-01 20:00', 2.1);
SELECT results_eq($$ SELECT charttime, aki_stage FROM precmed.aki_current WHERE stay_id = 1 $$,
                  $$ VALUES ('2020-01-01 20:00'::timestamp, 2) $$, '1.0 -> 2.1: stage 2 (2.1x)');
SELECT results_eq($$ SELECT kind, charttime, stage, previous_stage FROM precmed.aki_alert WHERE stay_id = 1 ORDER BY alert_id $$,
                  $$ VALUES ('stage_1', '2020-01-01 10:00'::timestamp, 1, 0), ('stage_2', '2020-01-01 20:00', 2, 1) $$,
                  'stage_1 then stage_2 raised once each, with the stage before');
-- the same rows again change nothing: no second alert for the same event
UPDATE w_creat SET value_mg_dl = value_mg_dl WHERE subject_id = 10;
SELECT is((SELECT count(*) FROM precmed.aki_alert WHERE stay_id = 1), 2::bigint,
          'an update that changes no stage raises nothing');
-- the 2.1 was a wrong result: deleting it retracts stage 2, keeps the history
DELETE FROM w_creat WHERE subject_id = 10 AND charttime = '2020-01-01 20:00';
SELECT results_eq($$ SELECT kind, charttime, stage, retracts FROM precmed.aki_alert WHERE stay_id = 1 ORDER BY alert_id $$,
                  $$ VALUES ('stage_1', '2020-01-01 10:00'::timestamp, 1, NULL::bigint),
                            ('stage_2', '2020-01-01 20:00', 2, NULL),
                            ('retracted', '2020-01-01 20:00', 2,
                             (SELECT alert_id FROM precmed.aki_alert WHERE stay_id = 1 AND kind = 'stage_2')) $$,
                  'a deleted result: stage_2 retracted, not deleted');
SELECT results_eq($$ SELECT charttime, aki_stage FROM precmed.aki_current WHERE stay_id = 1 $$,
                  $$ VALUES ('2020-01-01 10:00'::timestamp, 1) $$, 'after the correction: back to stage 1 at 10:00');
-- a late result: 1.7 charted at 05:00 arrives now; stage 1 was reached earlier
INSERT INTO w_creat VALUES (10, '2020-01-01 05:00', 1.7);
SELECT results_eq($$ SELECT kind, charttime FROM precmed.aki_alert WHERE stay_id = 1 ORDER BY alert_id $$,
                  $$ VALUES ('stage_1', '2020-01-01 10:00'::timestamp), ('stage_2', '2020-01-01 20:00'),
                            ('retracted', '2020-01-01 20:00'), ('retracted', '2020-01-01 10:00'),
                            ('stage_1', '2020-01-01 05:00') $$,
                  'a late result moves stage 1 earlier: the 10:00 alert is retracted, 05:00 raised');
-- the baseline was 1.5, not 1.0: no stage at all any more
UPDATE w_creat SET value_mg_dl = 1.5 WHERE subject_id = 10 AND charttime = '2020-01-01 01:00';
SELECT results_eq($$ SELECT aki_stage FROM precmed.aki_current WHERE stay_id = 1 $$, $$ VALUES (0) $$,
                  'a corrected baseline: stage 0');
SELECT is((SELECT count(*) FROM precmed.aki_alert a WHERE stay_id = 1 AND kind <> 'retracted'
             AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id)), 0::bigint,
          'a corrected baseline: every stage alert of stay 1 is retracted');
SELECT is(pg_temp.current_diff(), 0::bigint, 'hand-made sequence: aki_current equals kdigo_stages');
SELECT is(pg_temp.alert_diff(), 0::bigint, 'hand-made sequence: alerts in force equal kdigo_stages'' first times');

-- ---- urine output, weights, several stays in one statement -------------------------
INSERT INTO w_wt VALUES (1, '2020-01-01 00:30', 70, 'admit'), (2, '2020-01-01 00:30', 50, 'admit');
INSERT INTO w_uo SELECT s, '2020-01-01 00:00'::timestamp + h * interval '1 hour', 10
  FROM generate_series(1, 2) s, generate_series(1, 14) h;
SELECT results_eq($$ SELECT stay_id, aki_stage_uo FROM precmed.aki_current WHERE stay_id IN (1, 2) ORDER BY 1 $$,
                  $$ VALUES (1::bigint, 2), (2::bigint, 2) $$,
                  'one statement, two stays: 10 mL/h for 14 h is stage 2 by urine output at 70 and 50 kg');
SELECT is((SELECT count(*) FROM precmed.aki_alert WHERE stay_id = 2 AND kind IN ('stage_1', 'stage_2')), 2::bigint,
          'the open stay (NULL outtime) is staged and alerted');
SELECT results_eq($$ SELECT stay_id, last_creatinine, last_urine FROM precmed.aki_current WHERE stay_id IN (1, 2) ORDER BY 1 $$,
                  $$ VALUES (1::bigint, '2020-01-01 10:00'::timestamp, '2020-01-01 14:00'::timestamp),
                            (2::bigint, NULL, '2020-01-01 14:00') $$,
                  'last creatinine and urine times per stay');
SELECT results_eq($$ SELECT stay_id, aki_stage, open_alerts, since_urine > interval '1 year' FROM precmed.aki_dashboard
                      WHERE stay_id IN (1, 2) ORDER BY 1 $$,
                  $$ VALUES (1::bigint, 2, '{stage_1,stage_2}'::text[], true), (2::bigint, 2, '{stage_1,stage_2}', true) $$,
                  'the dashboard view: stage, alerts in force, time since the last urine volume');
SELECT is(pg_temp.current_diff(), 0::bigint, 'urine and weights: aki_current equals kdigo_stages');
SELECT is(pg_temp.alert_diff(), 0::bigint, 'urine and weights: alerts equal kdigo_stages'' first times');

-- ---- bad rows behave as in kdigo_stages ---------------------------------------------
SELECT lives_ok($$ INSERT INTO w_uo VALUES (999, '2020-01-01 05:00', 100) $$, 'urine of an unknown stay is accepted');
SELECT is((SELECT count(*) FROM precmed.aki_current WHERE stay_id = 999), 0::bigint, '... and stages nothing');
SELECT lives_ok($$ INSERT INTO w_creat VALUES (10, NULL, 5.0), (NULL, '2020-01-01 06:00', 5.0) $$,
                'creatinine with a NULL time or subject is accepted');
SELECT lives_ok($$ INSERT INTO w_uo VALUES (1, '2020-01-01 15:00', -40), (1, NULL, 30), (NULL, '2020-01-01 15:00', 30) $$,
                'a negative volume, a NULL time and a NULL stay are accepted');
SELECT is(pg_temp.current_diff(), 0::bigint, 'bad rows: aki_current still equals kdigo_stages');
SELECT is(pg_temp.alert_diff(), 0::bigint, 'bad rows: alerts still equal kdigo_stages'' first times');
SELECT throws_ok($$ INSERT INTO w_creat VALUES (10, 'infinity', 1.0) $$, '22008', NULL,
                 'an infinite charttime is refused, as kdigo_stages refuses it');
SELECT throws_ok($$ INSERT INTO w_uo VALUES (1, '2020-01-01 16:00', 'NaN') $$, '22023', NULL,
                 'a NaN volume is refused, as kdigo_stages refuses it');
SELECT throws_ok($$ INSERT INTO w_stays VALUES (4, 40, NULL, NULL) $$, '22004', NULL,
                 'a stay without intime is refused, as kdigo_stages refuses it');

-- ---- stays, truncate ---------------------------------------------------------------
UPDATE w_stays SET outtime = '2020-01-01 08:00' WHERE stay_id = 1;
SELECT is(pg_temp.current_diff(), 0::bigint, 'a changed outtime: aki_current equals kdigo_stages');
DELETE FROM w_stays WHERE stay_id = 3;
SELECT is((SELECT count(*) FROM precmed.aki_current WHERE stay_id = 3), 0::bigint, 'a deleted stay leaves aki_current');
SELECT is((SELECT count(*) FROM precmed.aki_alert WHERE stay_id = 3 AND kind = 'retracted'), 1::bigint,
          '... and its alert is retracted');
TRUNCATE w_uo;
SELECT is(pg_temp.current_diff(), 0::bigint, 'TRUNCATE: aki_current equals kdigo_stages');
SELECT is(pg_temp.alert_diff(), 0::bigint, 'TRUNCATE: alerts equal kdigo_stages'' first times');

-- ---- arguments ---------------------------------------------------------------------
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt') $$, '55000', NULL,
                 'a second watch is refused');
SELECT is(precmed.aki_watch_stop(), true, 'stop');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'precmed_aki_%'), 0::bigint, 'stop drops the triggers');
SELECT is(precmed.aki_watch_stop(), false, 'stop without a watch returns false');
INSERT INTO w_creat VALUES (20, '2020-01-01 03:00', 9.0);
SELECT is((SELECT count(*) FROM precmed.aki_current WHERE stay_id = 2 AND aki_stage_creat IS NOT NULL), 0::bigint,
          'after stop nothing is staged');
SELECT throws_ok($$ SELECT precmed.aki_watch_start(NULL, 'w_creat', 'w_uo', 'w_wt') $$, '22004', NULL, 'NULL table');
CREATE VIEW w_view AS SELECT * FROM w_stays;
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_view', 'w_creat', 'w_uo', 'w_wt') $$, '42809', NULL, 'a view');
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt', '{"smoothing": "stay"}') $$,
                 '22023', NULL, 'an unknown option');
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt', '{"stage3_rule": "new"}') $$,
                 '22023', NULL, 'an unknown stage-3 rule');
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt', '[]') $$,
                 '22023', NULL, 'options not an object');
CREATE TABLE w_bad (stay_id bigint, subject_id bigint, intime timestamp);
SELECT throws_ok($$ SELECT precmed.aki_watch_start('w_bad', 'w_creat', 'w_uo', 'w_wt') $$, '42703', NULL,
                 'a stays table without outtime');
SELECT is((SELECT count(*) FROM precmed.aki_watch), 0::bigint, 'a failed start leaves no watch');
SELECT is(precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt', '{"stage3_rule": "legacy", "smooth_by": "stay"}'),
          2::bigint, 'restart with options: stays 1 and 2');
SELECT is(pg_temp.current_diff(), 0::bigint, 'restart: aki_current caught up (stay 2''s creatinine)');
SELECT is(precmed.aki_watch_stop(), true, 'stop before the replay');

-- ---- PhysioNet 2012 set A, stays below 132700, replayed in charttime order ----------
TRUNCATE w_stays, w_creat, w_uo, w_wt, precmed.aki_current, precmed.aki_alert;
CREATE TEMP TABLE r_creat (record_id bigint, minutes int, charttime timestamp, value_mg_dl float8);
\copy r_creat FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/creatinine.csv.gz' CSV HEADER
CREATE TEMP TABLE r_uo (record_id bigint, minutes int, charttime timestamp, ml float8);
\copy r_uo FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/urine_output.csv.gz' CSV HEADER
CREATE TEMP TABLE r_wt (record_id bigint, minutes int, charttime timestamp, kg float8, weight_type text);
\copy r_wt FROM PROGRAM 'gzip -dc test/data/aki/physionet2012_seta/weight.csv.gz' CSV HEADER
DELETE FROM r_creat WHERE record_id >= 132700;
DELETE FROM r_uo WHERE record_id >= 132700;
DELETE FROM r_wt WHERE record_id >= 132700;
CREATE INDEX ON r_creat (charttime); CREATE INDEX ON r_uo (charttime); CREATE INDEX ON r_wt (charttime);
CREATE INDEX ON w_stays (subject_id); CREATE INDEX ON w_creat (subject_id);
CREATE INDEX ON w_uo (stay_id); CREATE INDEX ON w_wt (stay_id);
INSERT INTO w_stays SELECT DISTINCT record_id, record_id, timestamp '2000-01-01', timestamp '2000-01-03'
  FROM (SELECT record_id FROM r_creat UNION SELECT record_id FROM r_uo UNION SELECT record_id FROM r_wt) r;
SELECT is(precmed.aki_watch_start('w_stays', 'w_creat', 'w_uo', 'w_wt'), 0::bigint, 'set A replay: watch on empty tables');
-- one statement per charttime carrying that time's rows of the three tables
DO $replay$
DECLARE
  t timestamp;
BEGIN
  FOR t IN SELECT charttime FROM r_creat UNION SELECT charttime FROM r_uo UNION SELECT charttime FROM r_wt ORDER BY 1
  LOOP
    WITH c AS (INSERT INTO w_creat SELECT record_id, charttime, value_mg_dl FROM r_creat WHERE charttime = t),
         u AS (INSERT INTO w_uo SELECT record_id, charttime, ml FROM r_uo WHERE charttime = t)
    INSERT INTO w_wt SELECT record_id, charttime, kg, weight_type FROM r_wt WHERE charttime = t;
  END LOOP;
END
$replay$;
SELECT is((SELECT count(*) FROM precmed.aki_current), 68::bigint, 'set A replay: 68 stays staged');
SELECT is(pg_temp.current_diff(), 0::bigint, 'set A replay: aki_current equals the last kdigo_stages row of every stay');
SELECT is(pg_temp.alert_diff(), 0::bigint,
          'set A replay: stage_1/2/3 alert times equal the first charttime kdigo_stages gives each stage');
SELECT is((SELECT count(*) FROM precmed.aki_alert WHERE kind = 'retracted'), 0::bigint,
          'set A replay in charttime order: nothing retracted');

SELECT * FROM finish();
ROLLBACK;
