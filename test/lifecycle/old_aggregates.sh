#!/usr/bin/env bash
# precmed 0.1.0's aggregates on the current library: 0.1.0's SQL defines
# them with internal states and names the C symbols of that time; each is
# called once (serial, then under a forced parallel plan, which goes through
# its serial/deserial functions) and must give the answer the current
# version gives after ALTER EXTENSION UPDATE, never crash the server.
source "$(dirname "$0")/lib.bash"

db=precmed_lc_oldagg
fresh_db $db
psql_db $db -c "CREATE EXTENSION precmed VERSION '0.1.0'" >/dev/null 2>"$work/err.txt"
ok $? "precmed 0.1.0 installs with the current library"; diag "$work/err.txt"

psql_db $db >/dev/null 2>"$work/err.txt" <<'SQL'
CREATE TABLE sc AS SELECT i, ((i * 37) % 101) / 101.0 + 0.001 AS s, (i * 37) % 101 > 30 + (i % 7) * 9 AS l
  FROM generate_series(1, 5000) i;
CREATE TABLE tr AS SELECT i, ARRAY[(i % 10)::float8, ((i * 7) % 13)::float8] AS f,
       ((i % 10) + (i * 7) % 13 > 11)::int::float8 AS y FROM generate_series(1, 2000) i;
CREATE TABLE cv AS SELECT i, ARRAY[i % 3, (i * 5) % 4, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 END] AS c
  FROM generate_series(1, 5000) i;
CREATE TABLE st AS SELECT i, timestamp '2020-01-01' + i * interval '1 hour' AS t, i % 4 AS stage,
       (i % 200)::float8 AS ml, 70.0::float8 AS kg FROM generate_series(1, 3000) i;
ANALYZE sc; ANALYZE tr; ANALYZE cv; ANALYZE st;
SQL
ok $? "test rows stored"; diag "$work/err.txt"

# one query per 0.1.0 aggregate (14 definitions), each printing one line
cat > "$work/q.sql" <<'SQL'
SELECT 'auroc', precmed.auroc(s, l) FROM sc;
SELECT 'auprc', precmed.auprc(s, l) FROM sc;
SELECT 'brier', precmed.brier(s, l) FROM sc;
SELECT 'calibration', precmed.calibration(s, l) FROM sc;
SELECT 'roc_curve', md5(precmed.roc_curve(s, l)::text) FROM sc;
SELECT 'train_logreg', md5(precmed.train_logreg(f, y)) FROM tr;
SELECT 'train_logreg params', md5(precmed.train_logreg(f, y, '{"lambda": 1}')) FROM tr;
SELECT 'train_xgboost', length(precmed.train_xgboost(f, y)) > 0 FROM tr;
SELECT 'train_xgboost params', md5(precmed.train_xgboost(f, y, '{"num_round": 3, "nthread": 1}')) FROM tr;
SELECT 'fs_train', md5(precmed.fs_train(c)) FROM cv;
SELECT 'fs_train params', md5(precmed.fs_train(c, '{"levels": [3, 4, 2]}')) FROM cv;
SELECT 'fs_level_frequencies', precmed.fs_level_frequencies(c, '{}') FROM cv;
SELECT 'kdigo_summary', precmed.kdigo_summary(t, stage) FROM st;
SELECT 'kdigo_uo_rate', precmed.kdigo_uo_rate(ml, 1, kg, t, 6, NULL) FROM st;
SQL
parallel="SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
          SET max_parallel_workers_per_gather = 2;"

n=0
while IFS= read -r q; do
  n=$((n + 1))
  name=$(echo "$q" | sed "s/^SELECT '\([^']*\)'.*/\1/")
  psql_db $db -At -c "$q" >>"$work/old_serial.txt" 2>"$work/err.txt"
  rc=$?
  up=$(psql_db $db -At -c "SELECT 1" 2>/dev/null)
  [ $rc -eq 0 ] && [ "$up" = "1" ]; ok $? "0.1.0 $name runs on the current library (serial), server up"; diag "$work/err.txt"
  psql_db $db -At -c "$parallel" -c "$q" >>"$work/old_parallel.txt" 2>"$work/err.txt"
  rc=$?
  up=$(psql_db $db -At -c "SELECT 1" 2>/dev/null)
  [ $rc -eq 0 ] && [ "$up" = "1" ]; ok $? "0.1.0 $name runs under a parallel plan (serial/deserial), server up"; diag "$work/err.txt"
done <"$work/q.sql"
[ "$n" -eq 14 ]; ok $? "every 0.1.0 aggregate definition was called ($n)"

diff "$work/old_serial.txt" "$work/old_parallel.txt" >"$work/d.txt"
ok $? "0.1.0's aggregates give the same answers under a parallel plan"; diag "$work/d.txt"

psql_db $db -c "ALTER EXTENSION precmed UPDATE" >/dev/null 2>"$work/err.txt"
ok $? "ALTER EXTENSION precmed UPDATE"; diag "$work/err.txt"
t=$(psql_db $db -At -c "SELECT count(*) FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
                         JOIN pg_namespace n ON n.oid = p.pronamespace
                        WHERE n.nspname = 'precmed' AND a.aggtranstype = 'internal'::regtype")
[ "$t" = "0" ]; ok $? "no precmed aggregate keeps an internal state after the update ($t do)"
psql_db $db -At -f "$work/q.sql" >"$work/new.txt" 2>"$work/err.txt"
ok $? "the updated aggregates run"; diag "$work/err.txt"
diff "$work/old_serial.txt" "$work/new.txt" >"$work/d.txt"
ok $? "0.1.0's aggregates on the current library answer as the updated ones do ($(grep -c '' "$work/new.txt") answers)"
diag "$work/d.txt"

psql_db postgres -c "DROP DATABASE $db" >/dev/null
finish
