# Shared by the lifecycle tests (sourced): TAP output and database helpers.
# The server comes from the environment (PGHOST, PGPORT, PGUSER), as
# scripts/run.sh sets it.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
tap_n=0
tap_failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/precmed-lifecycle.XXXXXX")
trap 'rm -rf "$work"' EXIT

psql_db() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

# ok CONDITION-EXIT-CODE DESCRIPTION
ok() {
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}

# diag FILE: print a file as TAP diagnostics
diag() { sed 's/^/# /' "$1"; }

fresh_db() { psql_db postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }

# The extension's objects and reference data, one sorted line each (catalog.sql).
snapshot() {
  psql_db "$1" -At -f "$here/catalog.sql" || return 1
  # reference tables by content; tables holding users' rows are compared by the tests
  psql_db "$1" -At <<'SQL'
SELECT format('SELECT %L || md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %s t',
              'rows ' || c.oid::regclass || ' ', c.oid::regclass)
  FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'precmed'
 WHERE d.deptype = 'e' AND c.relkind IN ('r', 'p') AND c.oid <> ALL (coalesce(e.extconfig, '{}'))
 ORDER BY c.oid::regclass::text \gexec
SQL
}

# Load the 0.1.0 fixture (models, observations) into a database holding precmed.
load_fixture() {
  psql_db "$1" <<SQL
CREATE TEMP TABLE fixture_models (name text, model_hex text, metadata jsonb);
\copy fixture_models FROM '$top/test/data/lifecycle/models_0.1.0.csv' WITH (FORMAT csv, HEADER)
INSERT INTO precmed.models (name, model, metadata)
SELECT name, decode(model_hex, 'hex'), metadata FROM fixture_models;
\copy precmed.observation (source_name, source_format, message_id, patient_id, observation_code, observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit, ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system) FROM '$top/test/data/lifecycle/observations_0.1.0.csv' WITH (FORMAT csv, HEADER)
CREATE TABLE public.fixture_predictions (name text, i int, f float8[], predict float8);
\copy public.fixture_predictions FROM '$top/test/data/lifecycle/predictions_0.1.0.csv' WITH (FORMAT csv, HEADER)
SQL
}

# Rows of the users' tables, as one md5 per table.
user_rows() {
  psql_db "$1" -At <<'SQL'
SELECT 'models ' || md5(string_agg(format('%s|%s|%s|%s', name, md5(model), created, metadata), E'\n' ORDER BY name))
  FROM precmed.models;
SELECT 'observation ' || md5(string_agg(o::text, E'\n' ORDER BY observation_id)) FROM precmed.observation o;
SQL
}

# Predictions that differ from the ones 0.1.0 recorded (bit for bit).
prediction_differences() {
  psql_db "$1" -At -c "SELECT count(*) FROM public.fixture_predictions p JOIN precmed.models m USING (name)
                        WHERE precmed.predict(m.model, p.f) IS DISTINCT FROM p.predict"
}

finish() {
  echo "1..$tap_n"
  [ "$tap_failed" -eq 0 ]
}
