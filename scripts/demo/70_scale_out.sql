-- precmed demo, part 70: aggregates that finish elsewhere (docs/aggregate_states.md,
-- docs/scale-out.md).  Each "hospital" computes a state where its rows are; the
-- coordinator merges the states: the same answer as one server over all rows.
-- The sharded deployment itself (three servers, postgres_fdw, federated
-- logistic regression) runs with: bash scripts/run.sh shards
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

\echo
\echo '== AUROC of the out-of-fold XGBoost risk: per-hospital states (stays split by stay_id % 3) merged, vs one server'
WITH states AS (
  SELECT p.stay_id % 3 + 1 AS hospital, precmed.auroc_state(p.p, p.aki) AS state, count(*) AS stays
    FROM ml_seta.cv_pred p WHERE p.model = 'xgboost' GROUP BY 1)
SELECT (SELECT string_agg(format('hospital %s: %s stays, %s bytes', hospital, stays, length(state)), '; ' ORDER BY hospital)
          FROM states) AS what_crosses_the_network,
       round((SELECT precmed.auroc_merge(state) FROM states)::numeric, 6) AS merged_auroc,
       round((SELECT precmed.auroc(p.p, p.aki) FROM ml_seta.cv_pred p WHERE p.model = 'xgboost')::numeric, 6) AS one_server_auroc;
