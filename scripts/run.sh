#!/usr/bin/env bash
# precmed's two commands.
#
#   bash scripts/run.sh test   build (warnings are errors), install, run every
#                              pg_regress test, pgTAP suite, lifecycle test and
#                              the docs test (test/docs: every sql block of the
#                              docs runs as written), print the failures' diffs
#                              and "N passed, N failed"
#   bash scripts/run.sh test NAME...   only the named pg_regress tests
#                              (sql/NAME.sql), pgTAP suites (test/pgtap/NAME.sql),
#                              lifecycle tests or the docs test (NAME docs)
#   bash scripts/run.sh demo   build, install, load the shipped sample data and
#                              run the main job end to end
#   bash scripts/run.sh bench NAME   the same set-up, then bench/NAME against it
#   bash scripts/run.sh soak [SECONDS]   pgbench, 16 clients mixing precmed's
#                              busiest functions (default 300 s): no errors,
#                              backend memory flat, throughput printed
#   bash scripts/run.sh fuzz NAME SECONDS   build the libFuzzer harness NAME
#                              (ucum, unit_normalize, hl7v2, ccda; test/fuzz/)
#                              with ASan+UBSan and run it that long; fails on
#                              any crash, leak, sanitizer report or timeout
#   bash scripts/run.sh test-asan   the whole test suite against precmed built
#                              with AddressSanitizer and UBSan; fails if any
#                              sanitizer report appears in the server's logs
#
# Missing Debian packages are installed first (as root, or through sudo).
# With PGHOST/PGPORT set, the extension is installed into the system's
# PostgreSQL and that server is used.  Otherwise precmed is installed into a
# private copy of PostgreSQL 15 and a throwaway cluster is started on a Unix
# socket under tmp_run/ (or /tmp when the postgres user cannot reach the
# project folder), and stopped on exit.
set -euo pipefail

verb=${1:-}
FUZZERS="ucum unit_normalize hl7v2 ccda"
case "$verb" in
  test|demo|soak|test-asan) ;;
  bench) [ -n "${2:-}" ] && [ -f "bench/${2:-}" ] || { echo "usage: bash scripts/run.sh bench NAME (a file in bench/)" >&2; exit 2; } ;;
  fuzz) [[ " $FUZZERS " == *" ${2:-none} "* ]] && [[ "${3:-}" =~ ^[1-9][0-9]*$ ]] \
          || { echo "usage: bash scripts/run.sh fuzz NAME SECONDS (NAME: ${FUZZERS// /, })" >&2; exit 2; } ;;
  *) echo "usage: bash scripts/run.sh test [NAME...]|test-asan|demo|bench NAME|soak [SECONDS]|fuzz NAME SECONDS" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

PACKAGES=(postgresql-15 postgresql-server-dev-15 libopenblas-dev libxml2-dev
          libxgboost-dev postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
          build-essential pkg-config python3)

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

# test-asan builds a sanitized copy in tmp_asan/build; everything else in place
build_dir=$top
SAN_FLAGS=""

build() {
  if [ -n "$SAN_FLAGS" ]; then
    say "building precmed with $SAN_FLAGS (in $build_dir)"
    mkdir -p "$build_dir"
    # sources only; kept objects stay newer than unchanged sources, so rebuilds are incremental
    tar --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - Makefile precmed.control src sql \
      | tar -xf - -C "$build_dir"
    # objects built with other flags are rebuilt
    if [ "$(cat "$build_dir/.flags" 2>/dev/null)" != "$SAN_FLAGS" ]; then
      make -s -C "$build_dir" PG_CONFIG="$PG_CONFIG" clean >/dev/null 2>&1 || true
      echo "$SAN_FLAGS" >"$build_dir/.flags"
    fi
    mkdir -p "$build_dir/src/zz_sanitizer"
    cp -p test/asan/sanitizer_support.c "$build_dir/src/zz_sanitizer/"
    make -s -C "$build_dir" PG_CONFIG="$PG_CONFIG" WERROR=1 with_llvm=no COPT="$SAN_FLAGS" >/dev/null
    return
  fi
  say "building precmed"
  make -s PG_CONFIG="$PG_CONFIG" WERROR=1 >/dev/null
}

# --- server -----------------------------------------------------------------

SERVER_ENV=()		# extra environment of the server (test-asan's sanitizers)

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
  make -s -C "$build_dir" PG_CONFIG="$PG_CONFIG" ${SAN_FLAGS:+with_llvm=no} install DESTDIR="$inst" >/dev/null
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
  as_pg env "${SERVER_ENV[@]}" "$PGBIN/pg_ctl" -D "$data" -l "$run_dir/server.log" -w -o \
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
    [ -n "$SAN_FLAGS" ] && start_asan_cluster
    start_cluster
  fi
}

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
PSQL=(psql -X -q -v ON_ERROR_STOP=1)

# --- test -------------------------------------------------------------------

run_tests() {
  local passed=0 failed=0 out=$run_dir/regress
  local tests suites=(test/pgtap/*.sql) lifecycle=(test/lifecycle/*.sh test/docs/*.sh)
  tests=$(make -s PG_CONFIG="$PG_CONFIG" print-regress)
  if [ $# -gt 0 ]; then
    # only the named tests: pg_regress names and pgTAP file names
    local t keep_tests="" keep_suites=() keep_lifecycle=()
    for t in "$@"; do
      if [ -f "sql/$t.sql" ]; then keep_tests="$keep_tests $t"
      elif [ -f "test/pgtap/$t.sql" ]; then keep_suites+=("test/pgtap/$t.sql")
      elif [ -f "test/lifecycle/$t.sh" ]; then keep_lifecycle+=("test/lifecycle/$t.sh")
      elif [ -f "test/docs/$t.sh" ]; then keep_lifecycle+=("test/docs/$t.sh")
      else echo "no test named $t (sql/$t.sql, test/pgtap/$t.sql, test/lifecycle/$t.sh or test/docs/$t.sh)" >&2; exit 2
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

  # lifecycle tests (upgrade, dump and restore) and the docs test: shell scripts that print TAP
  if [ ${#lifecycle[@]} -gt 0 ]; then
    say "lifecycle tests and the docs test"
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

# --- test-asan --------------------------------------------------------------

# precmed built with ASan+UBSan (gcc); the server gets libasan preloaded and
# writes sanitizer reports to files under the run dir, checked at the end.
setup_asan() {
  if [ -n "${PGHOST:-}${PGPORT:-}" ]; then
    echo "test-asan preloads libasan into its own throwaway server: unset PGHOST and PGPORT" >&2
    exit 2
  fi
  PACKAGES+=(libasan8 libubsan1)
  build_dir=$top/tmp_asan/build
  SAN_FLAGS="-fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer"
}

start_asan_cluster() {
  local san=$run_dir/sanitizer
  mkdir -p "$san"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$san"
  # libasan comes in as precmed.so's dependency when a backend loads it, not
  # by LD_PRELOAD: preloaded, ASan initializes inside libp11-kit's constructor
  # (under glibc's locale lock) and every PostgreSQL 15 binary hangs at start
  # in bindtextdomain (Debian 12, gcc 12 and clang 14 runtimes alike).  The
  # options (link-order check off, no leak checks, abort on error, ASan's
  # reports to files here; UBSan's go to the server log) come from
  # test/asan/sanitizer_support.c, built in.
  # Instrumented code (precmed's) is checked: stack, globals and UBSan fully.
  SERVER_ENV=(PRECMED_SANITIZER_LOG="$san")
}

# Fail when a sanitizer wrote a report (report files, or one in the server log).
check_sanitizer_logs() {
  local san=$run_dir/sanitizer f bad=0
  for f in "$san"/*; do
    [ -s "$f" ] || continue
    say "sanitizer report $f:"
    cat "$f"
    bad=1
  done
  if grep -nE 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|LeakSanitizer' "$run_dir/server.log"; then
    bad=1
  fi
  if [ "$bad" -ne 0 ]; then
    echo "test-asan: sanitizer reports found (above)"
    return 1
  fi
  echo "test-asan: no sanitizer report"
}

# --- fuzz -------------------------------------------------------------------

# The parsers' sources, compiled unchanged into every harness with the
# backend shim (test/fuzz/shim.c) and PostgreSQL's libpgcommon/libpgport.
FUZZ_SOURCES=(src/common/errors.c src/common/call.c
              src/units/ucum_defs.c src/units/ucum_parse.c src/units/ucum_unit.c
              src/units/str_map.c src/units/unit_normalize.c
              src/ingest/obs_row.c src/ingest/obs_values.c src/ingest/obs_time.c
              src/ingest/hl7v2.c src/ingest/hl7v2_syntax.c
              src/ingest/ccda.c src/ingest/ccda_xml.c src/ingest/ccda_values.c
              test/fuzz/shim.c)

build_fuzzer() {
  local name=$1 out=$top/tmp_fuzz/build/$1 f o objs=()
  local cflags=(-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all -Wall -Werror
                -Wno-ignored-attributes -Isrc -Itest/fuzz -I"$($PG_CONFIG --includedir-server)"
                $(pkg-config --cflags libxml-2.0)
                -DFUZZ_UCUM_ESSENCE="\"$top/test/data/units/ucum-essence.xml\"")
  say "building fuzz_$name (clang, libFuzzer, ASan, UBSan)"
  mkdir -p "$out"
  for f in "${FUZZ_SOURCES[@]}"; do
    o=$out/$(basename "$f" .c).o
    clang "${cflags[@]}" -fsanitize=fuzzer-no-link,address,undefined -c "$f" -o "$o"
    objs+=("$o")
  done
  clang "${cflags[@]}" -fsanitize=fuzzer,address,undefined "test/fuzz/fuzz_$name.c" "${objs[@]}" \
    -L"$($PG_CONFIG --pkglibdir)" -lpgcommon -lpgport $(pkg-config --libs libxml-2.0) -lm \
    -o "$out/fuzz_$name"
}

run_fuzz() {
  local name=$1 seconds=$2 dir=$top/tmp_fuzz
  local corpus=$dir/corpus/$name seeds=$dir/seeds/$name art=$dir/artifacts/$name log=$dir/fuzz_$name.log
  local max_len rc
  case "$name" in
    ucum|unit_normalize) max_len=256 ;;
    hl7v2) max_len=512 ;;
    ccda) max_len=2048 ;;
  esac
  build_fuzzer "$name"
  rm -rf "$seeds"
  python3 test/fuzz/make_seeds.py "$dir/seeds" "$name" >/dev/null
  mkdir -p "$corpus" "$art"
  say "fuzzing $name for ${seconds}s (corpus $corpus, log $log)"
  set +e
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:malloc_context_size=0:quarantine_size_mb=16 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$dir/build/$name/fuzz_$name" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
      -rss_limit_mb=2048 -print_final_stats=1 -dict="test/fuzz/$name.dict" \
      -artifact_prefix="$art/" "$corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '==FUZZ FINDING==|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|^SUMMARY' "$log" || true
  local execs eps corp files found
  execs=$(sed -n 's/^stat::number_executed_units: *//p; s/^stat::number_of_executed_units: *//p' "$log")
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  # the corpus libFuzzer kept (inputs/bytes); the folder also keeps inputs it later reduced
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
  files=$(find "$corpus" -type f | wc -l)
  found=$(find "$art" -type f | wc -l)
  echo "fuzz $name: ${execs:-0} executions in ${seconds}s (${eps:-0} exec/s), corpus ${corp:-?} (inputs/size; $files files in $corpus), findings $found (rc $rc)"
  [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]
}

# --- demo -------------------------------------------------------------------

run_demo() {
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS precmed_demo" -c "CREATE DATABASE precmed_demo"
  for f in scripts/demo/*.sql; do
    "${PSQL[@]}" -d precmed_demo -P pager=off -f "$f"
  done
}

if [ "$verb" = fuzz ]; then
  PACKAGES=(postgresql-server-dev-15 libxml2-dev pkg-config clang libclang-rt-dev python3)
  ensure_packages
  run_fuzz "$2" "$3"
  exit
fi

[ "$verb" = test-asan ] && setup_asan
setup_server
case "$verb" in
  test) shift; run_tests "$@" ;;
  test-asan)
    start=$SECONDS
    set +e
    run_tests
    rc=$?
    set -e
    check_sanitizer_logs || rc=1
    echo "test-asan took $((SECONDS - start))s after the build"
    exit "$rc" ;;
  demo) run_demo ;;
  soak) PGBENCH="$PGBIN/pgbench" bash test/soak/soak.sh "${2:-300}" ;;
  bench) "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS precmed_bench" -c "CREATE DATABASE precmed_bench"
         PGDATABASE=precmed_bench bash "bench/$2" ;;
esac
