#!/usr/bin/env bash
# The AKI watch across sessions (docs/aki_alerts.md): four concurrent writers
# on interleaved stays of PhysioNet set A, a listener receiving every alert
# as a NOTIFY, nothing notified for a rolled-back transaction, and a writer
# backend killed with SIGKILL in mid-transaction and in mid-statement: after
# each, aki_current equals kdigo_stages over the tables and the alerts in
# force equal its first times.
source "$(dirname "$0")/lib.bash"
db=precmed_lc_watch
set -o pipefail

fresh_db $db
psql_db $db >/dev/null 2>"$work/err.txt" <<SQL
CREATE EXTENSION precmed;
CREATE TABLE stays (stay_id bigint PRIMARY KEY, subject_id bigint, intime timestamp, outtime timestamp);
CREATE TABLE creat (subject_id bigint, charttime timestamp, value_mg_dl float8);
CREATE TABLE uo (stay_id bigint, charttime timestamp, ml float8);
CREATE TABLE wt (stay_id bigint, charttime timestamp, kg float8, weight_type text);
CREATE INDEX ON stays (subject_id); CREATE INDEX ON creat (subject_id);
CREATE INDEX ON uo (stay_id); CREATE INDEX ON wt (stay_id);
CREATE TABLE src (n bigserial, tbl text, id bigint, charttime timestamp, v float8, wtype text);
CREATE TEMP TABLE p (record_id bigint, minutes int, charttime timestamp, v float8, wtype text);
\copy p (record_id, minutes, charttime, v) FROM PROGRAM 'gzip -dc $top/test/data/aki/physionet2012_seta/creatinine.csv.gz' CSV HEADER
UPDATE p SET wtype = 'creat';
\copy p (record_id, minutes, charttime, v) FROM PROGRAM 'gzip -dc $top/test/data/aki/physionet2012_seta/urine_output.csv.gz' CSV HEADER
UPDATE p SET wtype = 'uo' WHERE wtype IS NULL;
INSERT INTO src (tbl, id, charttime, v, wtype)
SELECT wtype, record_id, charttime, v, NULL FROM p WHERE record_id < 132600 ORDER BY charttime, record_id;
TRUNCATE p;
\copy p FROM PROGRAM 'gzip -dc $top/test/data/aki/physionet2012_seta/weight.csv.gz' CSV HEADER
INSERT INTO src (tbl, id, charttime, v, wtype)
SELECT 'wt', record_id, charttime, v, wtype FROM p WHERE record_id < 132600 ORDER BY charttime, record_id;
-- two stays per subject, so writers of different stays meet on one subject
INSERT INTO stays SELECT DISTINCT id, id / 2, timestamp '2000-01-01', timestamp '2000-01-03' FROM src;
SELECT precmed.aki_watch_start('stays', 'creat', 'uo', 'wt');
SQL
ok $? "set-up: set A stays below 132600 (two per subject), watch started"; diag "$work/err.txt"

# aki_current against kdigo_stages, and the alerts in force against its first times
check() {
  psql_db $db -At <<'SQL'
WITH k AS (SELECT * FROM precmed.kdigo_stages('stays', 'creat', 'uo', 'wt') WHERE charttime IS NOT NULL),
     last AS (SELECT DISTINCT ON (stay_id) stay_id, charttime, aki_stage, aki_stage_creat, aki_stage_uo,
                     aki_stage_smoothed FROM k ORDER BY stay_id, charttime DESC),
     cur AS (SELECT stay_id, charttime, aki_stage, aki_stage_creat, aki_stage_uo, aki_stage_smoothed
               FROM precmed.aki_current),
     firsts AS (SELECT stay_id, 'stage_' || l AS kind, min(charttime) AS charttime
                  FROM k, generate_series(1, 3) l WHERE aki_stage >= l GROUP BY 1, 2),
     alerts AS (SELECT a.stay_id, a.kind, a.charttime FROM precmed.aki_alert a
                 WHERE a.kind <> 'retracted'
                   AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id))
SELECT (SELECT count(*) FROM ((SELECT * FROM last EXCEPT ALL SELECT * FROM cur)
                              UNION ALL (SELECT * FROM cur EXCEPT ALL SELECT * FROM last)) d)
       || ' ' ||
       (SELECT count(*) FROM ((SELECT * FROM firsts EXCEPT ALL SELECT * FROM alerts)
                              UNION ALL (SELECT * FROM alerts EXCEPT ALL SELECT * FROM firsts)) d)
       || ' ' || (SELECT count(*) FROM precmed.aki_current);
SQL
}

# ---- listener and four writers ------------------------------------------------
rm -f "$work/done"
(echo "LISTEN precmed_aki;"
 while [ ! -f "$work/done" ]; do echo "SELECT 1;"; sleep 0.2; done
 echo "SELECT pg_sleep(0.5);"; echo "SELECT 1;") |
  psql -X -q -At -d $db >"$work/listen.txt" 2>&1 &
listener=$!
sleep 1
# writer w inserts the rows n % 4 = w, one autocommitted statement per row, in charttime order
for w in 0 1 2 3; do
  psql_db $db -At -c "SELECT format(CASE tbl WHEN 'creat' THEN 'INSERT INTO creat VALUES (%s, %L, %s);'
                                              WHEN 'uo' THEN 'INSERT INTO uo VALUES (%s, %L, %s);'
                                              ELSE 'INSERT INTO wt VALUES (%s, %L, %s, %L);' END,
                                  id, charttime, v, wtype)
                        FROM src WHERE n % 4 = $w ORDER BY n" >"$work/writer$w.sql"
done
rows=$(cat "$work"/writer?.sql | grep -c '')
for w in 0 1 2 3; do
  psql_db $db -f "$work/writer$w.sql" >/dev/null 2>"$work/writer$w.err" &
  eval "writer$w=\$!"
done
failed=0
for w in 0 1 2 3; do eval "wait \$writer$w" || failed=1; done
[ $failed -eq 0 ]; ok $? "four concurrent writers inserted $rows rows, none refused or deadlocked"
cat "$work"/writer?.err > "$work/err.txt"; diag "$work/err.txt"
touch "$work/done"
wait $listener

read -r dcur dalert nstays <<<"$(check)"
[ "$dcur" = 0 ] && [ "$nstays" -gt 20 ]
ok $? "concurrent writers: aki_current equals the last kdigo_stages row of all $nstays stays ($dcur differ)"
[ "$dalert" = 0 ]; ok $? "concurrent writers: alerts in force equal kdigo_stages' first times ($dalert differ)"
dup=$(psql_db $db -At -c "SELECT count(*) FROM (SELECT stay_id, kind, charttime FROM precmed.aki_alert a
                            WHERE kind <> 'retracted' AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id)
                            GROUP BY 1, 2, 3 HAVING count(*) > 1) d")
[ "$dup" = 0 ]; ok $? "no alert in force is raised twice"
nalerts=$(psql_db $db -At -c "SELECT count(*) FROM precmed.aki_alert")
nnotified=$(grep -c 'Asynchronous notification "precmed_aki" with payload "{"alert_id"' "$work/listen.txt")
[ "$nalerts" -gt 0 ] && [ "$nalerts" = "$nnotified" ]
ok $? "the listener received one NOTIFY per alert ($nnotified of $nalerts)"

# two writers of the same subjects at once, the first holding its transaction
# open (a low 0.3, then 1.2: stage 3 only with both rows): the second must
# wait for the first and stage both transactions' rows
psql -X -q -d $db -c "BEGIN" -c "INSERT INTO creat SELECT DISTINCT subject_id, timestamp '2000-01-02 23:50', 0.3 FROM stays" \
     -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null 2>"$work/err.txt" &
first=$!
sleep 0.7
psql_db $db -c "INSERT INTO creat SELECT DISTINCT subject_id, timestamp '2000-01-02 23:55', 1.2 FROM stays" >/dev/null 2>>"$work/err.txt"
wait $first
read -r dcur dalert nstays <<<"$(check)"
[ "$dcur" = 0 ] && [ "$dalert" = 0 ]
ok $? "a second writer of the same subjects waits for the first and stages both ($dcur, $dalert differ)"
diag "$work/err.txt"

# a rolled-back transaction raises and sends nothing; a committed one sends its alert
out=$(psql -X -q -d $db 2>&1 <<SQL
LISTEN precmed_aki;
\! psql -X -q -d $db -c "BEGIN" -c "INSERT INTO creat VALUES (77777, '2000-01-01 05:00', 1.0), (77777, '2000-01-01 06:00', 5.0)" -c "ROLLBACK"
SELECT 1;
SQL
)
psql_db $db -c "INSERT INTO stays VALUES (77777, 77777, '2000-01-01', '2000-01-03')" >/dev/null
out2=$(psql -X -q -d $db 2>&1 <<SQL
LISTEN precmed_aki;
\! psql -X -q -d $db -c "INSERT INTO creat VALUES (77777, '2000-01-01 05:00', 1.0), (77777, '2000-01-01 06:00', 5.0)"
SELECT pg_sleep(0.2);
SQL
)
! grep -q 'Asynchronous' <<<"$out" && [ "$(grep -c '"stay_id" : 77777' <<<"$out2")" = 3 ]
ok $? "no NOTIFY from a rolled-back insert; a committed 1.0 -> 5.0 sends stage_1, stage_2, stage_3"

# ---- a writer killed with SIGKILL --------------------------------------------------
wait_server() {
  for _ in $(seq 1 120); do
    psql -X -q -At -d $db -c "SELECT 1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}
# kill_writer LABEL SQL: run SQL in a session, SIGKILL its backend once it is busy
kill_writer() {
  psql -X -q -d $db -c "$2" >/dev/null 2>&1 &
  local client=$! pid=""
  for _ in $(seq 1 100); do
    pid=$(psql -X -At -d $db -c "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND state = 'active'
                                   AND pid <> pg_backend_pid() AND query LIKE '%killme%'" 2>/dev/null)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  sleep 0.5
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  local killed=$?
  wait $client
  wait_server
  [ $killed -eq 0 ]
}
before=$(psql_db $db -At -c "SELECT (SELECT count(*) FROM uo) || ' ' || (SELECT md5(string_agg(c::text, ',' ORDER BY stay_id)) FROM precmed.aki_current c)")
# 1: killed in mid-transaction, after its statement's triggers ran
kill_writer txn "BEGIN; INSERT INTO uo SELECT stay_id, '2000-01-02 23:00', 0 FROM stays; SELECT 'killme', pg_sleep(30); COMMIT;"
ok $? "a writer in mid-transaction killed with SIGKILL; the server is back"
after=$(psql_db $db -At -c "SELECT (SELECT count(*) FROM uo) || ' ' || (SELECT md5(string_agg(c::text, ',' ORDER BY stay_id)) FROM precmed.aki_current c)")
read -r dcur dalert nstays <<<"$(check)"
[ "$before" = "$after" ] && [ "$dcur" = 0 ] && [ "$dalert" = 0 ]
ok $? "after the kill: its rows and its aki_current updates are gone together; aki_current and alerts equal kdigo_stages"
# 2: killed in mid-statement: its rows inserted, its statement triggers still to run
kill_writer stmt "WITH a AS (INSERT INTO uo SELECT stay_id, '2000-01-02 23:30', 0 FROM stays RETURNING 1)
                  SELECT 'killme', count(*) FROM a, pg_sleep(30);"
ok $? "a writer in mid-statement killed with SIGKILL; the server is back"
after=$(psql_db $db -At -c "SELECT (SELECT count(*) FROM uo) || ' ' || (SELECT md5(string_agg(c::text, ',' ORDER BY stay_id)) FROM precmed.aki_current c)")
read -r dcur dalert nstays <<<"$(check)"
[ "$before" = "$after" ] && [ "$dcur" = 0 ] && [ "$dalert" = 0 ]
ok $? "after the kill: aki_current unchanged and equal to kdigo_stages, alerts consistent"
# and the watch still works after the crash
psql_db $db -c "INSERT INTO uo SELECT stay_id, '2000-01-02 23:45', 0 FROM stays" >/dev/null 2>"$work/err.txt"
read -r dcur dalert nstays <<<"$(check)"
[ "$dcur" = 0 ] && [ "$dalert" = 0 ]; ok $? "after the restart the watch keeps aki_current and alerts equal to kdigo_stages"
diag "$work/err.txt"

psql_db $db -c "SELECT precmed.aki_watch_stop()" >/dev/null
psql_db postgres -c "DROP DATABASE $db" >/dev/null
echo "1..$tap_n"
[ $tap_failed -eq 0 ]
