-- precmed install script, part 50: AKI risk models and evaluation metrics.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Training aggregates
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed.train_rows_accum(internal, float8[], float8, jsonb) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_rows_accum(internal, float8[], float8, jsonb) IS
  'Transition function of precmed.train_xgboost and precmed.train_logreg: collects a training row (features, 0/1 label, params).';

CREATE FUNCTION precmed.train_rows_accum(internal, float8[], float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_rows_accum(internal, float8[], float8) IS
  'Transition function of precmed.train_xgboost and precmed.train_logreg without params: collects a training row (features, 0/1 label).';

CREATE FUNCTION precmed.train_rows_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_rows_combine(internal, internal) IS
  'Combine function of the training aggregates: appends the rows gathered by another worker.';

CREATE FUNCTION precmed.train_rows_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_rows_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_rows_serialize(internal) IS
  'Serial function of the training aggregates (state to bytea, for parallel workers).';

CREATE FUNCTION precmed.train_rows_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_rows_deserialize(bytea, internal) IS
  'Deserial function of the training aggregates (bytea to state, checked).';

CREATE FUNCTION precmed.train_xgboost_final(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_xgboost_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_xgboost_final(internal) IS
  'Final function of precmed.train_xgboost: trains gradient-boosted trees with libxgboost and returns the model value.';

CREATE FUNCTION precmed.train_logreg_final(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_logreg_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.train_logreg_final(internal) IS
  'Final function of precmed.train_logreg: fits L2-penalized logistic regression (IRLS, LAPACK) and returns the model value.';

CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8, params jsonb) (
  SFUNC = precmed.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed.train_xgboost_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed.train_rows_combine,
  SERIALFUNC = precmed.train_rows_serialize, DESERIALFUNC = precmed.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8, jsonb) IS
  'Trains an XGBoost binary classifier (libxgboost C API) on feature vectors (NULL/NaN = missing) and 0/1 labels; params uses XGBoost names ({} = the tuned defaults of docs/aki_risk.md). Returns a model value for precmed.predict.';

CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8) (
  SFUNC = precmed.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed.train_xgboost_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed.train_rows_combine,
  SERIALFUNC = precmed.train_rows_serialize, DESERIALFUNC = precmed.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8) IS
  'precmed.train_xgboost with the default parameters (see docs/aki_risk.md).';

CREATE AGGREGATE precmed.train_logreg(features float8[], label float8, params jsonb) (
  SFUNC = precmed.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed.train_logreg_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed.train_rows_combine,
  SERIALFUNC = precmed.train_rows_serialize, DESERIALFUNC = precmed.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg(float8[], float8, jsonb) IS
  'Fits L2-penalized logistic regression (median imputation, missing indicators, standardization stored in the model) on feature vectors and 0/1 labels; params {"lambda", "max_iter", "tol"}. Returns a model value for precmed.predict.';

CREATE AGGREGATE precmed.train_logreg(features float8[], label float8) (
  SFUNC = precmed.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed.train_logreg_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed.train_rows_combine,
  SERIALFUNC = precmed.train_rows_serialize, DESERIALFUNC = precmed.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg(float8[], float8) IS
  'precmed.train_logreg with the default parameters (lambda 0.1 per mean log loss).';

-- ---------------------------------------------------------------------------
-- Scoring and inspection
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed.predict(model bytea, features float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'predict'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.predict(bytea, float8[]) IS
  'Probability (0..1) that the model assigns to a feature vector (NULL/NaN elements = missing). The parsed model is cached per call site. NULL features give NULL.';

CREATE FUNCTION precmed.model_info(model bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'model_info'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.model_info(bytea) IS
  'Describes a model value: algorithm, feature count, parameters, training rows, and feature importance (XGBoost gain) or coefficients with imputation and scaling (logistic regression).';

CREATE TABLE precmed.models (
  name     text PRIMARY KEY,
  model    bytea NOT NULL,
  created  timestamptz NOT NULL DEFAULT now(),
  metadata jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE precmed.models IS
  'Trained models by name, for convenience: model is a value from precmed.train_xgboost or precmed.train_logreg; metadata is free-form (cohort, label, feature names, metrics). Rows are yours and are included in pg_dump.';
SELECT pg_catalog.pg_extension_config_dump('precmed.models', '');

-- ---------------------------------------------------------------------------
-- Evaluation aggregates
-- ---------------------------------------------------------------------------

CREATE TYPE precmed.calibration_fit AS (slope float8, intercept float8, intercept_in_large float8);
COMMENT ON TYPE precmed.calibration_fit IS
  'Result of precmed.calibration: slope and intercept of the logistic recalibration label ~ intercept + slope * logit(score), and calibration-in-the-large (intercept with the slope fixed at 1). Perfect calibration: slope 1, intercepts 0.';

CREATE TYPE precmed.roc_point AS (threshold float8, fpr float8, tpr float8);
COMMENT ON TYPE precmed.roc_point IS
  'A point of a ROC curve: scores >= threshold are called positive; fpr and tpr are the false and true positive rates.';

CREATE FUNCTION precmed.score_label_accum(internal, float8, boolean) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.score_label_accum(internal, float8, boolean) IS
  'Transition function of the evaluation aggregates: collects a (score, label) pair; rows with a NULL score or label are skipped.';

CREATE FUNCTION precmed.score_label_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.score_label_combine(internal, internal) IS
  'Combine function of the evaluation aggregates.';

CREATE FUNCTION precmed.score_label_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'score_label_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.score_label_serialize(internal) IS
  'Serial function of the evaluation aggregates.';

CREATE FUNCTION precmed.score_label_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.score_label_deserialize(bytea, internal) IS
  'Deserial function of the evaluation aggregates (checked).';

CREATE FUNCTION precmed.auroc_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'auroc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.auroc_final(internal) IS 'Final function of precmed.auroc.';
CREATE FUNCTION precmed.auprc_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'auprc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.auprc_final(internal) IS 'Final function of precmed.auprc.';
CREATE FUNCTION precmed.brier_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'brier_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.brier_final(internal) IS 'Final function of precmed.brier.';
CREATE FUNCTION precmed.calibration_final(internal) RETURNS precmed.calibration_fit
  AS 'MODULE_PATHNAME', 'calibration_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.calibration_final(internal) IS 'Final function of precmed.calibration.';
CREATE FUNCTION precmed.roc_curve_final(internal) RETURNS precmed.roc_point[]
  AS 'MODULE_PATHNAME', 'roc_curve_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.roc_curve_final(internal) IS 'Final function of precmed.roc_curve.';

CREATE AGGREGATE precmed.auroc(score float8, label boolean) (
  SFUNC = precmed.score_label_accum, STYPE = internal, FINALFUNC = precmed.auroc_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed.score_label_combine,
  SERIALFUNC = precmed.score_label_serialize, DESERIALFUNC = precmed.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auroc(float8, boolean) IS
  'Area under the ROC curve (ties count one half, as scikit-learn roc_auc_score); NULL when either class is absent.';

CREATE AGGREGATE precmed.auprc(score float8, label boolean) (
  SFUNC = precmed.score_label_accum, STYPE = internal, FINALFUNC = precmed.auprc_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed.score_label_combine,
  SERIALFUNC = precmed.score_label_serialize, DESERIALFUNC = precmed.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auprc(float8, boolean) IS
  'Average precision (area under the precision-recall curve, ties grouped, as scikit-learn average_precision_score); NULL without positives.';

CREATE AGGREGATE precmed.brier(score float8, label boolean) (
  SFUNC = precmed.score_label_accum, STYPE = internal, FINALFUNC = precmed.brier_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed.score_label_combine,
  SERIALFUNC = precmed.score_label_serialize, DESERIALFUNC = precmed.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.brier(float8, boolean) IS
  'Brier score: mean squared difference between the probability and the 0/1 outcome (lower is better).';

CREATE AGGREGATE precmed.calibration(score float8, label boolean) (
  SFUNC = precmed.score_label_accum, STYPE = internal, FINALFUNC = precmed.calibration_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed.score_label_combine,
  SERIALFUNC = precmed.score_label_serialize, DESERIALFUNC = precmed.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.calibration(float8, boolean) IS
  'Calibration slope and intercept (logistic regression of the label on logit(score)) and calibration-in-the-large; see precmed.calibration_fit.';

CREATE AGGREGATE precmed.roc_curve(score float8, label boolean) (
  SFUNC = precmed.score_label_accum, STYPE = internal, FINALFUNC = precmed.roc_curve_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed.score_label_combine,
  SERIALFUNC = precmed.score_label_serialize, DESERIALFUNC = precmed.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.roc_curve(float8, boolean) IS
  'ROC curve points for plotting, one per distinct score (descending) after (Infinity, 0, 0), as scikit-learn roc_curve(drop_intermediate=False); unnest() it.';
