#!/usr/bin/env bash
# Soak test: pgbench, 16 clients for SECONDS (default 300), each transaction
# calling predict (XGBoost and logistic models from a shared table),
# ucum_convert, lab_convert, jaro_winkler, hl7v2_observations and auroc.
# Passes when no transaction failed, no client aborted, and no backend's
# memory grew: memory contexts (sampled in 1 % of transactions) and private
# RSS (RssAnon, from /proc) compared between the first minute and the end.
# Prints the throughput.  The server comes from PGHOST/PGPORT/PGUSER.
set -euo pipefail
SECONDS_TO_RUN=${1:-300}
CLIENTS=${CLIENTS:-16}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
PGBENCH=${PGBENCH:-pgbench}
work=$(mktemp -d "${TMPDIR:-/tmp}/precmed-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT

"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS precmed_soak" -c "CREATE DATABASE precmed_soak"
export PGDATABASE=precmed_soak
"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION precmed;
CREATE TEMP TABLE rows AS
SELECT ARRAY[i % 7 / 7.0, (i % 11) / 11.0, (i % 5)::float8, ln(1 + i % 97),
             CASE WHEN i % 5 = 0 THEN 'NaN'::float8 ELSE i % 13 / 13.0 END, i % 101 / 101.0] AS f,
       ((i % 7) / 7.0 + (i % 11) / 11.0 + (i % 5) / 5.0 > 1.2)::int::float8 AS y
  FROM generate_series(1, 5000) i;
INSERT INTO precmed.models (name, model)
SELECT 'soak_xgb', precmed.train_xgboost(f, y, '{"num_round": 200, "max_depth": 4}') FROM rows;
INSERT INTO precmed.models (name, model) SELECT 'soak_logreg', precmed.train_logreg(f, y) FROM rows;
CREATE TABLE soak_message (id int PRIMARY KEY, message text);
\set m1 \`cat "$top/test/data/ingest/hl7v2/ms-fhir-converter/ORU-R01-01.hl7"\`
\set m2 \`cat "$top/test/data/ingest/hl7v2/ms-fhir-converter/LAB-ORU-1.hl7"\`
INSERT INTO soak_message VALUES (1, :'m1'), (2, :'m2'), (3, 'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5' || chr(13) || 'OBX|1|NM|2160-0^Creatinine^LN||1.1|mg/dL|0.6-1.2|N|||F');
CREATE TABLE soak_scores AS
  SELECT i % 20 AS bucket, random() AS score, random() < 0.3 AS label FROM generate_series(1, 20000) i;
CREATE TABLE soak_memory (pid int, at timestamptz, bytes bigint);
SQL

rss_sample() {  # pid rss_anon_kb, for every pgbench backend
  "${PSQL[@]}" -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgbench' AND datname = 'precmed_soak'" |
  while read -r pid; do
    kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$kb" ] && echo "$pid $kb"
  done
}

echo "== soak: $CLIENTS clients, $SECONDS_TO_RUN s"
"$PGBENCH" -n -r -c "$CLIENTS" -j 2 -T "$SECONDS_TO_RUN" -f "$here/mix.sql" -P 60 >"$work/pgbench.txt" 2>&1 &
bench=$!
# private RSS of each backend after the first minute and shortly before the end
sleep 60
rss_sample > "$work/rss_start.txt" || true
sleep $(( SECONDS_TO_RUN > 80 ? SECONDS_TO_RUN - 70 : 10 ))
rss_sample > "$work/rss_end.txt" || true
set +e; wait $bench; rc=$?; set -e
cat "$work/pgbench.txt"

failed=0
aborted=$(grep -c "aborted" "$work/pgbench.txt" || true)
errors=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.txt")
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.txt" | tail -1)
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.txt")
[ "$rc" -eq 0 ] && [ "${aborted:-0}" -eq 0 ] && [ "${errors:-0}" -eq 0 ] && [ "${processed:-0}" -gt 0 ] || failed=1
echo "transactions: ${processed:-0}, failed: ${errors:-0}, aborted clients: ${aborted:-0}, tps: ${tps:-?}"

# memory contexts per backend: the first minute's samples against the last minute's
"${PSQL[@]}" -At -F ' ' > "$work/memory.txt" <<'SQL'
WITH s AS (
  SELECT pid, at, bytes, min(at) OVER () AS t0, max(at) OVER () AS t1 FROM soak_memory
), per_pid AS (
  SELECT pid,
         max(bytes) FILTER (WHERE at < t0 + interval '60 s') AS early,
         max(bytes) FILTER (WHERE at > t1 - interval '60 s') AS late
    FROM s GROUP BY pid
)
SELECT count(*), round(avg(early) / 1048576.0, 2), round(avg(late) / 1048576.0, 2),
       round(max(late - early) / 1048576.0, 2), count(*) FILTER (WHERE late - early > 1048576)
  FROM per_pid WHERE early IS NOT NULL AND late IS NOT NULL;
SQL
read -r npids early late maxgrowth grew < "$work/memory.txt"
echo "memory contexts per backend: first minute ${early:-?} MB, last minute ${late:-?} MB (avg of $npids backends), largest growth ${maxgrowth:-?} MB, backends grown by > 1 MB: ${grew:-?}"
[ "${npids:-0}" -gt 0 ] && [ "${grew:-1}" -eq 0 ] || failed=1

# private RSS per backend: after the first minute against shortly before the end
if [ -s "$work/rss_start.txt" ] && [ -s "$work/rss_end.txt" ]; then
  read -r n rss0 rss1 rssgrowth rssgrew < <(join <(sort "$work/rss_start.txt") <(sort "$work/rss_end.txt") |
    awk '{n++; a += $2; b += $3; g = $3 - $2; if (g > m) m = g; if (g > 8192) k++}
         END {printf "%d %.1f %.1f %.1f %d\n", n, a / n / 1024, b / n / 1024, m / 1024, k}')
  echo "private RSS (RssAnon) per backend: after 1 min ${rss0} MB, near the end ${rss1} MB (avg of $n backends), largest growth ${rssgrowth} MB, backends grown by > 8 MB: ${rssgrew}"
  [ "$rssgrew" -eq 0 ] || failed=1
else
  echo "private RSS: not sampled (the server's /proc is not readable here)"
fi

"${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE precmed_soak"
if [ "$failed" -eq 0 ]; then echo "soak: PASS"; else echo "soak: FAIL"; fi
exit "$failed"
