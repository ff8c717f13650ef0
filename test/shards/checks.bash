# The shard suite's checks (sourced by test/shards/shards.sh): every result of
# the three hospitals against the same work on one server (schema ml_seta).

# bytes TEXT QUERY: figure line with the sum of pg_column_size of QUERY's rows
# (the values that cross the network: what the remote queries return)
bytes_of() { q "SELECT coalesce(sum(pg_column_size(r.*)), 0) FROM ($1) r"; }

# ---- per-row precmed functions run on the shards ----------------------------
# postgres_fdw (PostgreSQL 15) ships IMMUTABLE functions inside WHERE clauses
# and pushed-down aggregates; a plain SELECT list is computed locally
q "EXPLAIN (VERBOSE, COSTS OFF) SELECT hospital, count(*), avg(precmed.predict(\$m\$\\x00\$m\$::bytea, features))
     FROM net.train WHERE precmed.predict(\$m\$\\x00\$m\$::bytea, features) >= 0.5 GROUP BY hospital" >"$work/x.txt"
grep -c 'Remote SQL: SELECT hospital, count(\*), avg(precmed.predict(.*WHERE ((precmed.predict(' "$work/x.txt" | grep -qx 3
ok $? "EXPLAIN VERBOSE: each hospital's Remote SQL calls precmed.predict (scores computed and filtered on the shards)"
grep -c 'Async Foreign Scan' "$work/x.txt" | grep -qx 3
ok $? "EXPLAIN: the three hospitals are scanned concurrently (Async Foreign Scan)"
[ "$figures" = 1 ] && { figure "Remote SQL, per-row scoring on the shards:"; grep -E 'Async|Remote SQL' "$work/x.txt" | sed 's/^ */    /' >>"$work/figures.txt"; }
q "EXPLAIN (VERBOSE, COSTS OFF) SELECT record_id, charttime FROM net.creatinine WHERE precmed.ucum_convert(value_mg_dl, unit, 'g/L') > 0.02" >"$work/x.txt"
grep -c 'Remote SQL: SELECT record_id, charttime FROM h.creatinine WHERE ((precmed.ucum_convert(value_mg_dl' "$work/x.txt" | grep -qx 3
ok $? "EXPLAIN VERBOSE: each hospital's Remote SQL calls precmed.ucum_convert (IMMUTABLE; its text input's collation comes from a remote column)"
[ "$figures" = 1 ] && { figure "Remote SQL, unit conversion on the shards:"; grep -E 'Remote SQL' "$work/x.txt" | sed 's/^ */    /' >>"$work/figures.txt"; }
q "EXPLAIN (VERBOSE, COSTS OFF) SELECT record_id FROM net.creatinine WHERE precmed.lab_convert(value_mg_dl, 'mg/dL', 'umol/L', '2160-0') > 200" >"$work/x.txt"
grep -q 'Filter: (precmed.lab_convert' "$work/x.txt" && ! grep -q 'Remote SQL: .*lab_convert' "$work/x.txt"
ok $? "EXPLAIN VERBOSE: precmed.lab_convert (STABLE: it reads precmed.analyte) runs on the coordinator, as postgres_fdw ships only IMMUTABLE functions"
check "per-row conversions across the hospitals equal the single server's" \
  "SELECT NOT EXISTS (
     (SELECT record_id, charttime, precmed.ucum_convert(value_mg_dl, unit, 'g/L'),
             precmed.lab_convert(value_mg_dl, unit, 'umol/L', '2160-0') FROM net.creatinine
      EXCEPT ALL
      SELECT record_id, charttime, precmed.ucum_convert(value_mg_dl, 'mg/dL', 'g/L'),
             precmed.lab_convert(value_mg_dl, 'mg/dL', 'umol/L', '2160-0') FROM ml_seta.creatinine)
     UNION ALL
     (SELECT record_id, charttime, precmed.ucum_convert(value_mg_dl, 'mg/dL', 'g/L'),
             precmed.lab_convert(value_mg_dl, 'mg/dL', 'umol/L', '2160-0') FROM ml_seta.creatinine
      EXCEPT ALL
      SELECT record_id, charttime, precmed.ucum_convert(value_mg_dl, unit, 'g/L'),
             precmed.lab_convert(value_mg_dl, unit, 'umol/L', '2160-0') FROM net.creatinine))"

# ---- KDIGO stages computed where the stays live ------------------------------
cols="stay_id, subject_id, charttime, creat_low_past_7day, creat_low_past_48hr, creat, aki_stage_creat,
      uo_rt_6hr, uo_rt_12hr, uo_rt_24hr, aki_stage_uo, aki_stage_crrt, aki_stage, aki_stage_smoothed"
n=$(q "SELECT count(*) FROM ml_seta.stages")
check "KDIGO stages computed on each hospital's shard, gathered on the coordinator: the single server's $n rows, identical" \
  "SELECT (SELECT count(*) FROM net.kdigo) = $n AND NOT EXISTS (
     (SELECT $cols FROM net.kdigo EXCEPT ALL SELECT $cols FROM ml_seta.stages)
     UNION ALL (SELECT $cols FROM ml_seta.stages EXCEPT ALL SELECT $cols FROM net.kdigo))"
figure "kdigo_stages: $(bytes_of "SELECT * FROM net.kdigo") bytes of stage rows came back; the input rows on the shards: $(bytes_of "SELECT * FROM net.creatinine") (creatinine) + $(q "SELECT sum(pg_column_size(t.*)) FROM ml_seta.urine_output t") (urine output) + $(q "SELECT sum(pg_column_size(t.*)) FROM ml_seta.weight t") (weight) bytes stayed there"

# ---- federated logistic regression ------------------------------------------
# the single server trains on the very rows the shards hold (gathered here for
# the comparison only); the federated model never sees them
psql_db $db -c "DROP TABLE IF EXISTS gathered, fed_models" \
  -c "CREATE TABLE gathered AS SELECT * FROM net.train" \
  -c "CREATE TABLE fed_models AS
        SELECT (SELECT precmed.train_logreg(features, label, '{}') FROM gathered) AS single,
               precmed.train_logreg_federated('net.train', 'features', 'label', 'hospital') AS federated" \
  >"$work/fed.log" 2>&1
ok $? "train_logreg_federated over the three hospitals, train_logreg on one server"; diag "$work/fed.log"
q "EXPLAIN (VERBOSE, COSTS OFF) SELECT precmed_internal.logreg_fed_state(features, label, '\\x00'::bytea) FROM net.train GROUP BY hospital" >"$work/x.txt"
grep -c 'Remote SQL: SELECT precmed_internal.logreg_fed_state(features, label, ' "$work/x.txt" | grep -qx 3
ok $? "EXPLAIN VERBOSE: a training round sends the aggregate to each hospital (Remote SQL ... logreg_fed_state ... GROUP BY); no row crosses"
[ "$figures" = 1 ] && { figure "Remote SQL, one federated training round:"; grep -E 'Async|Remote SQL' "$work/x.txt" | sed 's/^ */    /' >>"$work/figures.txt"; }
info="WITH a AS (SELECT precmed.model_info(single) s, precmed.model_info(federated) f FROM fed_models),
       c AS (SELECT cs, cf FROM a, jsonb_array_elements(s->'coefficients') WITH ORDINALITY x(cs, i)
               JOIN jsonb_array_elements(f->'coefficients') WITH ORDINALITY y(cf, j) ON i = j)"
check "federated train_logreg: every feature's median equals the single server's exactly, means and SDs to 1e-9" \
  "$info SELECT count(*) = 184 AND bool_and((cs->>'median')::float8 = (cf->>'median')::float8
            AND abs((cs->>'mean')::float8 - (cf->>'mean')::float8) <= 1e-9 * (1 + abs((cs->>'mean')::float8))
            AND abs((cs->>'sd')::float8 - (cf->>'sd')::float8) <= 1e-9 * (1 + abs((cs->>'sd')::float8))
            AND (cs->>'missing_share') IS NOT DISTINCT FROM (cf->>'missing_share')) FROM c"
d=$(q "$info SELECT max(greatest(abs((cs->>'coef')::float8 - (cf->>'coef')::float8),
                              coalesce(abs((cs->>'missing_coef')::float8 - (cf->>'missing_coef')::float8), 0)))
              FROM c")
check "federated train_logreg: coefficients within 1e-6 of single-server training (largest difference $d)" \
  "$info SELECT max(greatest(abs((cs->>'coef')::float8 - (cf->>'coef')::float8),
                   coalesce(abs((cs->>'missing_coef')::float8 - (cf->>'missing_coef')::float8), 0))) <= 1e-6
            AND (SELECT abs((s->>'intercept')::float8 - (f->>'intercept')::float8) <= 1e-6
                        AND s->'iterations' = f->'iterations' AND f->'converged' = 'true' FROM a) FROM c"
d=$(q "SELECT max(abs(precmed.predict(m.single, g.features) - precmed.predict(m.federated, g.features))) FROM fed_models m, gathered g")
check "federated train_logreg: the same predictions to 1e-9 on every training row (largest difference $d)" \
  "SELECT count(*) = (SELECT count(*) FROM ml_seta.task)
          AND max(abs(precmed.predict(m.single, g.features) - precmed.predict(m.federated, g.features))) <= 1e-9
     FROM fed_models m, gathered g"
m=$(q "SELECT federated FROM fed_models")
check "the federated model is a normal precmed model: predict on the shards (pushed down) counts the single-server model's high-risk stays" \
  "SELECT (SELECT count(*) FROM net.train WHERE precmed.predict('$m'::bytea, features) >= 0.5)
        = (SELECT count(*) FROM gathered g, fed_models f WHERE precmed.predict(f.single, g.features) >= 0.5)"
fed=$(q "SELECT precmed.model_info(federated)->'federated' FROM fed_models")
figure "train_logreg_federated: $fed; the training rows on the shards: $(bytes_of "SELECT * FROM gathered") bytes ($(q "SELECT count(*) FROM gathered") rows of 184 features)"

# hospitals prepare their features themselves: equal to the single server's to rounding
check "features computed on the shards equal the single server's precmed.aki_features to 1e-12 (relative; the tenth of the stays with stay_id % 10 = 0)" \
  "SELECT count(DISTINCT stay_id) = (SELECT count(*) FROM ml_seta.task WHERE stay_id % 10 = 0) AND count(DISTINCT stay_id) > 300 AND bool_and(s.features[i] IS NOT DISTINCT FROM n.features[i]
                                        OR abs(s.features[i] - n.features[i]) <= 1e-12 * (1 + abs(s.features[i])))
     FROM ml_seta.train s JOIN gathered n USING (stay_id), generate_series(1, 184) i"

# ---- aggregates finished on the coordinator from per-hospital states ---------
# state_check NAME SINGLE MERGED STATES: MERGED (over the per-hospital states
# of the subquery STATES, pushed down) equals SINGLE on one server, exactly
state_check() {
  local r
  r=$(q "SELECT ($2)::text IS NOT DISTINCT FROM (SELECT ($3)::text FROM ($4) s)")
  [ "$r" = t ]; ok $? "$1 across the three hospitals from per-hospital states equals the single server's answer"
  [ "$r" = t ] || echo "# got: $r; single $(q "SELECT ($2)::text" | cut -c1-200); merged $(q "SELECT ($3)::text FROM ($4) s" | cut -c1-200)"
  figure "$1: $(bytes_of "$4") bytes of states crossed"
}
pred="precmed.predict('$m'::bytea, features)"
single_pred="FROM gathered"
for agg in auroc auprc brier calibration; do
  state_check "$agg (federated model's scores, computed on the shards)" \
    "SELECT precmed.$agg($pred, aki) $single_pred" "precmed.${agg}_merge(s.st)" \
    "SELECT hospital, precmed.${agg}_state($pred, aki) AS st FROM net.train GROUP BY hospital"
done
figure "scores and labels for them, as rows: $(bytes_of "SELECT stay_id, $pred, aki FROM gathered") bytes"
state_check "kdigo_summary (all staged rows, stages computed on the shards)" \
  "SELECT precmed.kdigo_summary(charttime, aki_stage) FROM ml_seta.stages" "precmed.kdigo_summary_merge(s.st)" \
  "SELECT hospital, precmed.kdigo_summary_state(charttime, aki_stage) AS st FROM net.kdigo GROUP BY hospital"
state_check "fs_train (candidate duplicate pairs compared on each shard)" \
  "SELECT precmed.fs_train(ARRAY[precmed.number_level(a.age, b.age, '{1}'),
                                 precmed.number_level(a.height_cm, b.height_cm, '{2,5}'),
                                 precmed.number_level(a.weight_admit_kg, b.weight_admit_kg, '{1,5}')])
     FROM ml_seta.patients a JOIN ml_seta.patients b
       ON a.record_id < b.record_id AND a.record_id % 3 = b.record_id % 3 AND a.icu_type = b.icu_type
      AND a.gender = b.gender AND abs(a.age - b.age) <= 2" \
  "precmed.fs_train_merge(s.st)" \
  "SELECT hospital, precmed.fs_train_state(comparisons) AS st FROM net.pairs GROUP BY hospital"
q "EXPLAIN (VERBOSE, COSTS OFF) SELECT precmed.fs_train_merge(s.st) FROM (SELECT hospital, precmed.fs_train_state(comparisons) AS st FROM net.pairs GROUP BY hospital) s" >"$work/x.txt"
grep -c 'Remote SQL: SELECT hospital, precmed.fs_train_state(comparisons) FROM h.pairs GROUP BY 1' "$work/x.txt" | grep -qx 3
ok $? "EXPLAIN VERBOSE: the per-hospital states are computed on the shards (Remote SQL ... fs_train_state ... GROUP BY)"
[ "$figures" = 1 ] && { figure "Remote SQL, fs_train states:"; grep -E 'Remote SQL' "$work/x.txt" | sed 's/^ */    /' >>"$work/figures.txt"; }
figure "fs_train: the comparison rows on the shards: $(bytes_of "SELECT * FROM net.pairs") bytes"
