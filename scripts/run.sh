#!/usr/bin/env bash
# precmed's two commands.
#
#   bash scripts/run.sh test   build (warnings are errors), install, run every
#                              pg_regress test and pgTAP suite, print the
#                              failures' diffs and "N passed, N failed"
#   bash scripts/run.sh test NAME...   only the named pg_regress tests
#                              (sql/NAME.sql) and pgTAP suites (test/pgtap/NAME.sql)
#   bash scripts/run.sh demo   build, install, load the shipped sample data and
#                              run the main job end to end
#   bash scripts/run.sh bench NAME   the same set-up, then bench/NAME against it
#   bash scripts/run.sh soak [SECONDS]   pgbench, 16 clients mixing precmed's
#                              busiest functions (default 300 s): no errors,
#                              backend memory flat, throughput printed
#
# Missing Debian packages are installed first (as root, or through sudo).
# With PGHOST/PGPORT set, the extension is installed into the system's
# PostgreSQL and that server is used.  Otherwise precmed is installed into a
# private copy of PostgreSQL 15 and a throwaway cluster is started on a Unix
# socket under tmp_run/ (or /tmp when the postgres user cannot reach the
# project folder), and stopped on exit.
set -euo pipefail

verb=${1:-}
case "$verb" in
  test|demo|soak) ;;
  bench) [ -n "${2:-}" ] && [ -f "bench/${2:-}" ] || { echo "usage: bash scripts/run.sh bench NAME (a file in bench/)" >&2; exit 2; } ;;
  *) echo "usage: bash scripts/run.sh test [NAME...]|demo|bench NAME|soak [SECONDS]" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

PACKAGES=(postgresql-15 postgresql-server-dev-15 libopenblas-dev libxml2-dev
          libxgboost-dev postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
          build-essential pkg-config)

say() { printf '== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
}

PGBIN=/usr/lib/postgresql/15/bin
PG_CONFIG=$PGBIN/pg_config

build() {
  say "building precmed"
  make -s PG_CONFIG="$PG_CONFIG" WERROR=1 >/dev/null
}

# --- server -----------------------------------------------------------------

run_dir=""
own_cluster=0

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

choose_run_dir() {
  if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$top" 2>/dev/null \
       && runuser -u postgres -- test -w "$top" 2>/dev/null; then
    run_dir=$top/tmp_run
  else
    run_dir=$(mktemp -d /tmp/precmed-run.XXXXXX)
    say "the postgres user cannot reach $top; the cluster lives in $run_dir"
  fi
  rm -rf "$run_dir"
  mkdir -p "$run_dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$run_dir"
  return 0
}

# A private copy of PostgreSQL 15 with precmed installed into it, so tests
# never touch (or need write access to) the system's PostgreSQL.  PostgreSQL
# finds its share and lib folders relative to its binaries.
private_install() {
  local inst=$run_dir/install
  say "installing precmed into a private PostgreSQL copy"
  mkdir -p "$inst/usr/lib/postgresql" "$inst/usr/share/postgresql"
  cp -a /usr/lib/postgresql/15 "$inst/usr/lib/postgresql/"
  cp -a /usr/share/postgresql/15 "$inst/usr/share/postgresql/"
  make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$inst" >/dev/null
  PGBIN=$inst/usr/lib/postgresql/15/bin
}

start_cluster() {
  local port=$(( 50000 + RANDOM % 10000 ))
  local data=$run_dir/data sock=$run_dir/sock
  mkdir -p "$sock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres: "$run_dir"
  say "starting a throwaway cluster (socket $sock, port $port)"
  as_pg "$PGBIN/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$run_dir/initdb.log" 2>&1 \
    || { cat "$run_dir/initdb.log"; exit 1; }
  as_pg "$PGBIN/pg_ctl" -D "$data" -l "$run_dir/server.log" -w -o \
    "-p $port -k $sock -c listen_addresses='' -c max_worker_processes=8 -c max_parallel_workers_per_gather=2" \
    start >/dev/null || { cat "$run_dir/server.log"; exit 1; }
  own_cluster=1
  export PGHOST=$sock PGPORT=$port PGUSER=postgres
}

stop_cluster() {
  local rc=$?
  if [ "$own_cluster" -eq 1 ]; then
    as_pg "$PGBIN/pg_ctl" -D "$run_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    own_cluster=0
    # the private copy of PostgreSQL is large; logs and results stay for a look
    rm -rf "$run_dir/install" "$run_dir/data"
    case "$run_dir" in /tmp/precmed-run.*) [ "$rc" -eq 0 ] && rm -rf "$run_dir" ;; esac
  fi
  return $rc
}
trap stop_cluster EXIT

setup_server() {
  ensure_packages
  build
  if [ -n "${PGHOST:-}${PGPORT:-}" ]; then
    say "using the server at ${PGHOST:-(default host)}:${PGPORT:-5432}; installing precmed into the system PostgreSQL"
    as_root make -s PG_CONFIG="$PG_CONFIG" install >/dev/null
    run_dir=$top/tmp_run
    mkdir -p "$run_dir"
  else
    choose_run_dir
    private_install
    start_cluster
  fi
}

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# --- test -------------------------------------------------------------------

run_tests() {
  local passed=0 failed=0 out=$run_dir/regress
  local tests suites=(test/pgtap/*.sql) lifecycle=(test/lifecycle/*.sh)
  tests=$(make -s PG_CONFIG="$PG_CONFIG" print-regress)
  if [ $# -gt 0 ]; then
    # only the named tests: pg_regress names and pgTAP file names
    local t keep_tests="" keep_suites=() keep_lifecycle=()
    for t in "$@"; do
      if [ -f "sql/$t.sql" ]; then keep_tests="$keep_tests $t"
      elif [ -f "test/pgtap/$t.sql" ]; then keep_suites+=("test/pgtap/$t.sql")
      elif [ -f "test/lifecycle/$t.sh" ]; then keep_lifecycle+=("test/lifecycle/$t.sh")
      else echo "no test named $t (sql/$t.sql, test/pgtap/$t.sql or test/lifecycle/$t.sh)" >&2; exit 2
      fi
    done
    tests=$keep_tests
    suites=("${keep_suites[@]}")
    lifecycle=("${keep_lifecycle[@]}")
  fi
  mkdir -p "$out"

  local regress rc ok bad died
  if [ -n "${tests// /}" ]; then
    say "pg_regress: $tests"
    regress=$(dirname "$($PG_CONFIG --pgxs)")/../test/regress/pg_regress
    set +e
    "$regress" --inputdir="$top" --outputdir="$out" --bindir=/usr/lib/postgresql/15/bin \
      --dbname=precmed_regress --load-extension=precmed --user="${PGUSER:-postgres}" $tests >"$out/summary.txt" 2>&1
    rc=$?
    set -e
    grep -E '\.\.\. |tests? (passed|failed)|^pg_regress: |could not|error' "$out/summary.txt" || cat "$out/summary.txt"
    ok=$(grep -cE '\.\.\. ok' "$out/summary.txt" || true)
    bad=$(grep -cE '\.\.\. FAILED' "$out/summary.txt" || true)
    # pg_regress that failed without running its tests still counts as a failure
    [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
    passed=$((passed + ok)); failed=$((failed + bad))
    if [ -s "$out/regression.diffs" ]; then
      say "pg_regress failures:"
      cat "$out/regression.diffs"
    fi
  fi

  if [ ${#suites[@]} -gt 0 ]; then
    say "pgTAP suites"
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS precmed_tap" -c "CREATE DATABASE precmed_tap"
    "${PSQL[@]}" -d precmed_tap -c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION precmed"
    set +e
    pg_prove --verbose -d precmed_tap "${suites[@]}" >"$out/pgtap.txt" 2>&1
    set -e
    ok=$(grep -cE '^ok [0-9]+' "$out/pgtap.txt" || true)
    bad=$(grep -cE '^not ok [0-9]+' "$out/pgtap.txt" || true)
    # a suite that dies before its plan completes counts as a failure too
    died=$(grep -cE 'Bad plan|Parse errors|Wstat: [1-9]|No subtests run' "$out/pgtap.txt" || true)
    passed=$((passed + ok)); failed=$((failed + bad + died))
    grep -vE '^ok [0-9]+' "$out/pgtap.txt"
  fi

  # lifecycle tests (upgrade, dump and restore): shell scripts that print TAP
  if [ ${#lifecycle[@]} -gt 0 ]; then
    say "lifecycle tests"
    set +e
    prove --verbose --exec bash "${lifecycle[@]}" >"$out/lifecycle.txt" 2>&1
    set -e
    ok=$(grep -cE '^ok [0-9]+' "$out/lifecycle.txt" || true)
    bad=$(grep -cE '^not ok [0-9]+' "$out/lifecycle.txt" || true)
    died=$(grep -cE 'Bad plan|Parse errors|Wstat: [1-9]|No subtests run' "$out/lifecycle.txt" || true)
    passed=$((passed + ok)); failed=$((failed + bad + died))
    grep -vE '^ok [0-9]+' "$out/lifecycle.txt"
  fi

  echo
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# --- demo -------------------------------------------------------------------

run_demo() {
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS precmed_demo" -c "CREATE DATABASE precmed_demo"
  for f in scripts/demo/*.sql; do
    "${PSQL[@]}" -d precmed_demo -P pager=off -f "$f"
  done
}

setup_server
case "$verb" in
  test) shift; run_tests "$@" ;;
  demo) run_demo ;;
  soak) PGBENCH="$PGBIN/pgbench" bash test/soak/soak.sh "${2:-300}" ;;
  bench) "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS precmed_bench" -c "CREATE DATABASE precmed_bench"
         PGDATABASE=precmed_bench bash "bench/$2" ;;
esac
