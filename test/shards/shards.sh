#!/usr/bin/env bash
# The sharded deployment (docs/scale-out.md): the coordinator (PGHOST/PGPORT)
# and three shard servers (PRECMED_SHARDS="socket_dir:port ..."), as
# scripts/run.sh starts them.  PhysioNet 2012 set A is split by record_id into
# three hospitals (record_id % 3 + 1), one per shard; the coordinator also
# holds all of it, for the single-server answers every result is checked
# against.  Prints TAP; with PRECMED_SHARD_FIGURES=1 also the figures (bytes
# across the network per task, Remote SQL) on stdout.  PRECMED_SHARD_REUSE=1
# (development) keeps the loaded databases and reuses them on the next run.
source "$(dirname "$0")/../lifecycle/lib.bash"
here=$top/test/shards
db=precmed_shards
read -r -a shard <<<"${PRECMED_SHARDS:?set by scripts/run.sh (bash scripts/run.sh shards)}"
[ "${#shard[@]}" -eq 3 ] || { echo "Bail out! PRECMED_SHARDS must name three servers"; exit 1; }
figures=${PRECMED_SHARD_FIGURES:-0}

# figure TEXT: a figure line (always as TAP diagnostics; on stdout for `shards`)
figure() { echo "# $*"; [ "$figures" = 1 ] && echo "$*" >>"$work/figures.txt"; return 0; }

shard_psql() { local i=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h "${shard[$i]%:*}" -p "${shard[$i]#*:}" "$@"; }

reuse=${PRECMED_SHARD_REUSE:-0}
if [ "$reuse" = 1 ] && [ "$(psql_db postgres -At -c "SELECT count(*) FROM pg_database WHERE datname = '$db'")" = 1 ]; then
  loaded=1
else
  loaded=0
fi

# ---- the data: set A split into three hospitals by record_id ---------------
if [ "$loaded" = 0 ]; then
data=$top/test/data
split() {  # split NAME COMMAND: rows of COMMAND's CSV output into $work/h<N>/NAME.csv
  local name=$1; shift
  "$@" | awk -F, -v out="$work" -v name="$name" '
    NR == 1 { for (h = 1; h <= 3; h++) print > (out "/h" h "/" name ".csv"); next }
    { print > (out "/h" ($1 % 3 + 1) "/" name ".csv") }'
}
mkdir -p "$work/h1" "$work/h2" "$work/h3"
split patients cat "$data/aki/physionet2012_seta/patients.csv"
split creatinine gzip -dc "$data/aki/physionet2012_seta/creatinine.csv.gz"
split urine_output gzip -dc "$data/aki/physionet2012_seta/urine_output.csv.gz"
split weight gzip -dc "$data/aki/physionet2012_seta/weight.csv.gz"
split observations gzip -dc "$data/ml/observations_0_24h.csv.gz"

# ---- the shards load and prepare their hospital, the coordinator the whole --
for i in 0 1 2; do
  (
    shard_psql "$i" -d postgres -c "DROP DATABASE IF EXISTS hospital" -c "CREATE DATABASE hospital" &&
    sed -e "s|@DIR@|$work/h$((i + 1))|g" -e "s|@HOSPITAL@|$((i + 1))|g" "$here/hospital.sql" \
      | shard_psql "$i" -d hospital -f -
  ) >"$work/shard$i.log" 2>&1 &
done
fresh_db $db
(cd "$top" && psql_db $db -c "CREATE EXTENSION precmed" -f "$here/single.sql") >"$work/single.log" 2>&1
ok $? "coordinator: set A loaded on one server (single-server reference)"; diag "$work/single.log"
for i in 0 1 2; do
  wait -n
done
for i in 0 1 2; do
  grep -qE 'ERROR|FATAL' "$work/shard$i.log"; [ $? -ne 0 ]
  ok $? "hospital $((i + 1)): its share of set A loaded, KDIGO stages and features prepared on its shard"
  diag "$work/shard$i.log"
done
sed -e "s|@SOCK1@|${shard[0]%:*}|; s|@PORT1@|${shard[0]#*:}|; s|@SOCK2@|${shard[1]%:*}|; s|@PORT2@|${shard[1]#*:}|" \
    -e "s|@SOCK3@|${shard[2]%:*}|; s|@PORT3@|${shard[2]#*:}|" "$here/coordinator.sql" \
  | psql_db $db -f - >"$work/coord.log" 2>&1
ok $? "coordinator: postgres_fdw servers and tables partitioned by hospital over foreign tables"; diag "$work/coord.log"
fi

# q SQL: one value from the coordinator
q() { psql_db $db -At -c "SET enable_partitionwise_aggregate = on" -c "$1" 2>&1; }
# check DESCRIPTION SQL: SQL returns t
check() { local r; r=$(q "$2"); [ "$r" = t ]; ok $? "$1"; [ "$r" = t ] || echo "# got: $r"; }

n=$(q "SELECT count(*) FROM net.patients")
check "the three hospitals hold the 4000 stays of set A, split by record_id ($n)" \
  "SELECT (SELECT count(*) FROM net.patients) = 4000 AND (SELECT count(DISTINCT hospital) FROM net.patients) = 3
      AND NOT EXISTS (SELECT 1 FROM net.patients WHERE hospital <> record_id % 3 + 1)"

source "$here/checks.bash"

if [ "$figures" = 1 ]; then echo; echo "== figures"; cat "$work/figures.txt"; fi
[ "$reuse" = 1 ] || psql_db postgres -c "DROP DATABASE $db" >/dev/null
finish
