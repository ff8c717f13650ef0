-- precmed demo, part 45: live AKI alerts as results arrive (docs/aki_alerts.md).
-- A watch keeps every stay's KDIGO stage current as rows are written and raises
-- an alert (and a NOTIFY) when a stay first reaches a stage.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS ward CASCADE;
CREATE SCHEMA ward;
CREATE TABLE ward.icustays (stay_id bigint PRIMARY KEY, subject_id bigint NOT NULL,
                            intime timestamp NOT NULL, outtime timestamp);
CREATE TABLE ward.creatinine (subject_id bigint, charttime timestamp, value_mg_dl float8);
CREATE TABLE ward.urine_output (stay_id bigint, charttime timestamp, ml float8);
CREATE TABLE ward.weights (stay_id bigint, charttime timestamp, kg float8, weight_type text);
CREATE INDEX ON ward.icustays (subject_id);
CREATE INDEX ON ward.creatinine (subject_id);
CREATE INDEX ON ward.urine_output (stay_id);
CREATE INDEX ON ward.weights (stay_id);
INSERT INTO ward.icustays VALUES (1, 10, '2024-03-01 08:00', '2024-03-05 08:00'), (2, 20, '2024-03-01 09:00', '2024-03-05 09:00');
INSERT INTO ward.weights VALUES (1, '2024-03-01 08:30', 80, 'admit'), (2, '2024-03-01 09:30', 65, 'admit');

\echo
\echo '== live AKI: watching the ward''s four tables'
SELECT precmed.aki_watch_start('ward.icustays', 'ward.creatinine', 'ward.urine_output', 'ward.weights',
                               '{"channel": "aki_demo"}') AS stays_staged;

\echo
\echo '== results arrive: a creatinine rise of 0.6 mg/dL within 48 h, then a night of low urine output'
INSERT INTO ward.creatinine VALUES (10, '2024-03-01 09:00', 1.0);
INSERT INTO ward.creatinine VALUES (10, '2024-03-01 15:00', 1.6);
INSERT INTO ward.urine_output
SELECT 2, timestamp '2024-03-01 09:00' + h * interval '1 hour', 8 FROM generate_series(1, 13) h;
SELECT alert_id, stay_id, charttime, kind, stage, previous_stage FROM precmed.aki_alert ORDER BY alert_id;

\echo
\echo '== the laboratory corrects the 15:00 creatinine to 1.2: the alert is retracted, not deleted'
UPDATE ward.creatinine SET value_mg_dl = 1.2 WHERE subject_id = 10 AND charttime = '2024-03-01 15:00';
SELECT alert_id, stay_id, kind, stage, retracts FROM precmed.aki_alert ORDER BY alert_id;

\echo
\echo '== the ward dashboard (precmed.aki_dashboard), checked against batch staging'
SELECT stay_id, aki_stage, aki_stage_creat, aki_stage_uo, open_alerts
  FROM precmed.aki_dashboard ORDER BY aki_stage DESC, stay_id;
SELECT count(*) AS stays_differing_from_kdigo_stages
  FROM precmed.aki_current c
  JOIN (SELECT DISTINCT ON (stay_id) stay_id, aki_stage
          FROM precmed.kdigo_stages('ward.icustays', 'ward.creatinine', 'ward.urine_output', 'ward.weights')
         WHERE charttime IS NOT NULL
         ORDER BY stay_id, charttime DESC) k USING (stay_id)
 WHERE c.aki_stage IS DISTINCT FROM k.aki_stage;
SELECT precmed.aki_watch_stop();
