#!/usr/bin/env bash
# Upgrade in place: precmed 0.1.0 holding users' models and observations,
# ALTER EXTENSION precmed UPDATE, then the same rows, the same predictions,
# and exactly the objects of a fresh install of the current version.
source "$(dirname "$0")/lib.bash"

current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$top/precmed.control")

fresh_db precmed_lc_fresh
psql_db precmed_lc_fresh -c "CREATE EXTENSION precmed" >/dev/null
snapshot precmed_lc_fresh > "$work/fresh.txt" 2>"$work/err.txt"
ok $? "catalog of a fresh install read"; diag "$work/err.txt"

fresh_db precmed_lc_upgrade
psql_db precmed_lc_upgrade -c "CREATE EXTENSION precmed VERSION '0.1.0'" >/dev/null 2>"$work/err.txt"
ok $? "precmed 0.1.0 installs with the current library"; diag "$work/err.txt"
load_fixture precmed_lc_upgrade >/dev/null 2>"$work/err.txt"
ok $? "0.1.0 fixture stored (2 models, observations)"; diag "$work/err.txt"
user_rows precmed_lc_upgrade > "$work/rows_before.txt"

psql_db precmed_lc_upgrade -c "ALTER EXTENSION precmed UPDATE" >/dev/null 2>"$work/err.txt"
ok $? "ALTER EXTENSION precmed UPDATE"; diag "$work/err.txt"
v=$(psql_db precmed_lc_upgrade -At -c "SELECT extversion FROM pg_extension WHERE extname = 'precmed'")
[ "$v" = "$current" ]; ok $? "extension is at version $current after the update (got $v)"

user_rows precmed_lc_upgrade > "$work/rows_after.txt"
diff "$work/rows_before.txt" "$work/rows_after.txt" > "$work/d.txt"
ok $? "users' rows in precmed.models and precmed.observation are untouched"; diag "$work/d.txt"

n=$(psql_db precmed_lc_upgrade -At -c "SELECT count(*) FROM public.fixture_predictions")
d=$(prediction_differences precmed_lc_upgrade 2>&1)
[ "$n" -gt 0 ] && [ "$d" = "0" ]; ok $? "the stored 0.1.0 models predict exactly as 0.1.0 did ($n predictions, $d differ)"

snapshot precmed_lc_upgrade > "$work/upgraded.txt" 2>"$work/err.txt"
ok $? "catalog of the updated install read"; diag "$work/err.txt"
diff -u "$work/fresh.txt" "$work/upgraded.txt" > "$work/d.txt"
ok $? "the updated extension's objects equal a fresh $current install's ($(grep -c '' "$work/fresh.txt") catalog lines)"
diag "$work/d.txt"

psql_db postgres -c "DROP DATABASE precmed_lc_fresh" -c "DROP DATABASE precmed_lc_upgrade" >/dev/null
finish
