#!/usr/bin/env bash
# Dump and restore: a database holding precmed with users' models,
# observations and an analyte of their own, pg_dump -Fc, pg_restore into a
# new database: no restore error, the same users' rows, the same
# predictions, the shipped reference data once (not twice), the same
# extension objects, and the observation ids continuing where they were.
source "$(dirname "$0")/lib.bash"

# the server's own client programs when scripts/run.sh names them
bin=${PGBIN:+$PGBIN/}

# users' rows of precmed.analyte (shipped = false), and every table's row count
analyte_rows() {
  psql_db "$1" -At <<'SQL'
SELECT 'analyte user rows ' || count(*) || ' ' || md5(coalesce(string_agg(a::text, E'\n' ORDER BY loinc), ''))
  FROM precmed.analyte a WHERE NOT shipped;
SELECT 'analyte shipped rows ' || count(*) FROM precmed.analyte WHERE shipped;
SQL
}
row_counts() {
  psql_db "$1" -At <<'SQL'
SELECT format('SELECT %L || count(*) FROM %s', c.oid::regclass || ' ', c.oid::regclass)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname IN ('precmed', 'public') AND c.relkind IN ('r', 'p')
 ORDER BY c.oid::regclass::text \gexec
SQL
}

fresh_db precmed_lc_source
psql_db precmed_lc_source -c "CREATE EXTENSION precmed" >/dev/null 2>"$work/err.txt"
ok $? "precmed installs in the source database"; diag "$work/err.txt"
load_fixture precmed_lc_source >/dev/null 2>"$work/err.txt"
ok $? "users' rows stored: the 0.1.0 models, observations"; diag "$work/err.txt"
# a model trained by this version, an analyte of the user's own
psql_db precmed_lc_source >/dev/null 2>"$work/err.txt" <<'SQL'
INSERT INTO precmed.models (name, model, metadata)
SELECT 'current_xgb', precmed.train_xgboost(ARRAY[x, x * x, CASE WHEN i % 7 = 0 THEN 'NaN'::float8 ELSE i % 5 END],
                                            (x + (i % 5) * 0.1 > 0.8)::int::float8,
                                            '{"num_round": 10, "max_depth": 3}'),
       '{"made_by": "dump_restore.sh"}'
  FROM (SELECT i, ((i * 37) % 101) / 101.0::float8 AS x FROM generate_series(1, 400) i) s;
INSERT INTO public.fixture_predictions (name, i, f)
SELECT 'current_xgb', i, ARRAY[x, x * x, CASE WHEN i % 7 = 0 THEN 'NaN'::float8 ELSE i % 5 END]
  FROM (SELECT i, ((i * 37) % 101) / 101.0::float8 AS x FROM generate_series(1, 60) i) s;
UPDATE public.fixture_predictions p SET predict = precmed.predict(m.model, p.f)
  FROM precmed.models m WHERE m.name = p.name AND p.name = 'current_xgb';
INSERT INTO precmed.analyte (loinc, analyte, property, molar_mass, conventional_unit, si_unit, note)
VALUES ('99999-9', 'lab-local test analyte', 'SCnc', 180.156, 'mg/dL', 'mmol/L', 'added by dump_restore.sh');
SQL
ok $? "a model trained by this version and a user's analyte row stored"; diag "$work/err.txt"

snapshot precmed_lc_source > "$work/source.txt" 2>"$work/err.txt"
ok $? "catalog of the source database read"; diag "$work/err.txt"
{ user_rows precmed_lc_source; analyte_rows precmed_lc_source; row_counts precmed_lc_source; } > "$work/rows_source.txt"

"${bin}pg_dump" -Fc -f "$work/db.dump" -d precmed_lc_source 2>"$work/err.txt"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$work/err.txt" ]; ok $? "pg_dump -Fc: exit status $rc, no message"; diag "$work/err.txt"

fresh_db precmed_lc_restored
"${bin}pg_restore" -d precmed_lc_restored "$work/db.dump" 2>"$work/err.txt"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$work/err.txt" ]; ok $? "pg_restore: exit status $rc, no error or warning"; diag "$work/err.txt"

{ user_rows precmed_lc_restored; analyte_rows precmed_lc_restored; row_counts precmed_lc_restored; } > "$work/rows_restored.txt"
diff "$work/rows_source.txt" "$work/rows_restored.txt" > "$work/d.txt"
ok $? "the same users' rows, user analytes, and row counts of every table (reference data once: $(grep -c '' "$work/rows_source.txt") lines)"
diag "$work/d.txt"

# every recorded prediction has its model after the restore, and gives the same number
joined="SELECT count(*) FROM public.fixture_predictions p JOIN precmed.models m USING (name) WHERE p.predict IS NOT NULL"
n_source=$(psql_db precmed_lc_source -At -c "$joined")
n=$(psql_db precmed_lc_restored -At -c "$joined")
d=$(prediction_differences precmed_lc_restored 2>&1)
[ "$n_source" -ge 180 ] && [ "$n" = "$n_source" ] && [ "$d" = "0" ]
ok $? "the restored models predict exactly as before the dump ($n of $n_source predictions have their model, $d differ)"

snapshot precmed_lc_restored > "$work/restored.txt" 2>"$work/err.txt"
ok $? "catalog of the restored database read"; diag "$work/err.txt"
diff -u "$work/source.txt" "$work/restored.txt" > "$work/d.txt"
ok $? "the restored extension's objects and reference data equal the source's ($(grep -c '' "$work/source.txt") catalog lines)"
diag "$work/d.txt"

# the identity sequence was dumped too: a new observation gets a new id
psql_db precmed_lc_restored -At >"$work/ids.txt" 2>"$work/err.txt" <<'SQL'
INSERT INTO precmed.observation (source_format, value_text) VALUES ('test', 'after restore')
RETURNING observation_id > (SELECT max(observation_id) FROM precmed.observation WHERE value_text IS DISTINCT FROM 'after restore');
SQL
[ "$(cat "$work/ids.txt")" = "t" ]; ok $? "a new observation after the restore gets an id beyond the restored ones"
diag "$work/err.txt"

psql_db postgres -c "DROP DATABASE precmed_lc_source" -c "DROP DATABASE precmed_lc_restored" >/dev/null
finish
