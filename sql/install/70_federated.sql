-- precmed install script, part 70: federated training across sites.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Federated logistic regression (docs/scale-out.md): rounds of per-site
-- states, pushed to the sites by postgres_fdw; no row leaves its site.
-- ---------------------------------------------------------------------------
CREATE FUNCTION precmed_internal.logreg_fed_state_transfn(internal, float8[], float8, bytea) RETURNS internal
  AS 'MODULE_PATHNAME', 'logreg_fed_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.logreg_fed_state_transfn(internal, float8[], float8, bytea) IS
  'Transition function of precmed_internal.logreg_fed_state: folds a training row into the round the request asks for.';
CREATE FUNCTION precmed_internal.logreg_fed_state_finalfn(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'logreg_fed_state_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.logreg_fed_state_finalfn(internal) IS
  'Final function of precmed_internal.logreg_fed_state: the round''s state as bytea.';
CREATE AGGREGATE precmed_internal.logreg_fed_state(features float8[], label float8, request bytea) (
  SFUNC = precmed_internal.logreg_fed_state_transfn, STYPE = internal,
  FINALFUNC = precmed_internal.logreg_fed_state_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed_internal.logreg_fed_state(float8[], float8, bytea) IS
  'One site''s state of a round of precmed.train_logreg_federated (median counts, sums, or Newton gradient and Hessian sums): run on the site through postgres_fdw, never needed directly.';

CREATE FUNCTION precmed.train_logreg_federated(relation regclass, features text, label text, site text,
                                               params jsonb DEFAULT NULL) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_logreg_federated'
  LANGUAGE C VOLATILE PARALLEL UNSAFE
  SET enable_partitionwise_aggregate = on;
COMMENT ON FUNCTION precmed.train_logreg_federated(regclass, text, text, text, jsonb) IS
  'The model precmed.train_logreg(features, label, params) fits on all rows of relation, trained across its sites without moving a row: per round one query GROUP BY site sends the aggregate precmed_internal.logreg_fed_state to every site (partitions that are postgres_fdw foreign tables), and only per-site states come back (exact medians, sums, Newton gradient and Hessian). See docs/scale-out.md.';
