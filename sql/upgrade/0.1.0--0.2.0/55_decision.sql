-- precmed upgrade 0.1.0 -> 0.2.0, part 55: decision support (new in 0.2.0).
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Multi-label training
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed_internal.dec_rows_accum(internal, float8[], boolean[], jsonb) RETURNS internal
  AS 'MODULE_PATHNAME', 'dec_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.dec_rows_accum(internal, float8[], boolean[], jsonb) IS
  'Transition function of precmed.train_multilabel: collects a training row (features, labels with NULL = unknown, params).';

CREATE FUNCTION precmed_internal.dec_rows_accum(internal, float8[], boolean[]) RETURNS internal
  AS 'MODULE_PATHNAME', 'dec_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.dec_rows_accum(internal, float8[], boolean[]) IS
  'Transition function of precmed.train_multilabel without params: collects a training row (features, labels with NULL = unknown).';

CREATE FUNCTION precmed_internal.dec_rows_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'dec_rows_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.dec_rows_combine(internal, internal) IS
  'Combine function of precmed.train_multilabel: appends the rows gathered by another worker.';

CREATE FUNCTION precmed_internal.dec_rows_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'dec_rows_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.dec_rows_serialize(internal) IS
  'Serial function of precmed.train_multilabel (state to bytea, for parallel workers).';

CREATE FUNCTION precmed_internal.dec_rows_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'dec_rows_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.dec_rows_deserialize(bytea, internal) IS
  'Deserial function of precmed.train_multilabel (bytea to state, checked).';

CREATE FUNCTION precmed_internal.train_multilabel_final(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_multilabel_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_multilabel_final(internal) IS
  'Final function of precmed.train_multilabel: trains one model per label (binary relevance or classifier chain), chooses each label''s threshold, returns the model value.';

CREATE AGGREGATE precmed.train_multilabel(features float8[], labels boolean[], params jsonb) (
  SFUNC = precmed_internal.dec_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_multilabel_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.dec_rows_combine,
  SERIALFUNC = precmed_internal.dec_rows_serialize, DESERIALFUNC = precmed_internal.dec_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel(float8[], boolean[], jsonb) IS
  'Trains a multi-label model (a risk panel): one XGBoost or logistic-regression model per label, binary relevance or classifier chain, per-label F1-maximizing thresholds; labels NULL = unknown (skipped for that label). params: see docs/decision_support.md. Returns a model value for precmed.predict_multilabel and precmed.predict_labels.';

CREATE AGGREGATE precmed.train_multilabel(features float8[], labels boolean[]) (
  SFUNC = precmed_internal.dec_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_multilabel_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.dec_rows_combine,
  SERIALFUNC = precmed_internal.dec_rows_serialize, DESERIALFUNC = precmed_internal.dec_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel(float8[], boolean[]) IS
  'precmed.train_multilabel with the default parameters (see docs/decision_support.md).';

-- ---------------------------------------------------------------------------
-- Scoring
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed.predict_multilabel(model bytea, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'predict_multilabel'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.predict_multilabel(bytea, float8[]) IS
  'Probabilities (0..1) that a multi-label model assigns to each label for a feature vector, in label order (NULL/NaN elements = missing). NULL features give NULL.';

CREATE FUNCTION precmed.predict_labels(model bytea, features float8[]) RETURNS boolean[]
  AS 'MODULE_PATHNAME', 'predict_labels'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.predict_labels(bytea, float8[]) IS
  'Decisions of a multi-label model for a feature vector, in label order: true when the label''s probability reaches the threshold stored in the model. NULL features give NULL.';

-- ---------------------------------------------------------------------------
-- Multi-label metrics
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed_internal.multilabel_metrics_accum(internal, boolean[], boolean[]) RETURNS internal
  AS 'MODULE_PATHNAME', 'multilabel_metrics_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_accum(internal, boolean[], boolean[]) IS
  'Transition function of precmed.multilabel_metrics: counts one example (rows with a NULL array are skipped).';

CREATE FUNCTION precmed_internal.multilabel_metrics_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'multilabel_metrics_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_combine(internal, internal) IS
  'Combine function of precmed.multilabel_metrics.';

CREATE FUNCTION precmed_internal.multilabel_metrics_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'multilabel_metrics_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_serialize(internal) IS
  'Serial function of precmed.multilabel_metrics.';

CREATE FUNCTION precmed_internal.multilabel_metrics_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'multilabel_metrics_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_deserialize(bytea, internal) IS
  'Deserial function of precmed.multilabel_metrics (checked).';

CREATE FUNCTION precmed_internal.multilabel_metrics_final(internal) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'multilabel_metrics_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_final(internal) IS
  'Final function of precmed.multilabel_metrics.';

CREATE AGGREGATE precmed.multilabel_metrics(predicted boolean[], truth boolean[]) (
  SFUNC = precmed_internal.multilabel_metrics_accum, STYPE = internal,
  FINALFUNC = precmed_internal.multilabel_metrics_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.multilabel_metrics_combine,
  SERIALFUNC = precmed_internal.multilabel_metrics_serialize,
  DESERIALFUNC = precmed_internal.multilabel_metrics_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.multilabel_metrics(boolean[], boolean[]) IS
  'Multi-label classification metrics as jsonb: micro precision/recall/F1, macro F1, Hamming loss, subset accuracy, example-based Jaccard, and per-label precision, recall, F1 and support (a ratio with nothing to count is 1).';

CREATE FUNCTION precmed_internal.label_ranking_ap_accum(internal, float8[], boolean[]) RETURNS internal
  AS 'MODULE_PATHNAME', 'label_ranking_ap_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_accum(internal, float8[], boolean[]) IS
  'Transition function of precmed.label_ranking_ap: adds one example (rows with a NULL array are skipped).';

CREATE FUNCTION precmed_internal.label_ranking_ap_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'label_ranking_ap_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_combine(internal, internal) IS
  'Combine function of precmed.label_ranking_ap.';

CREATE FUNCTION precmed_internal.label_ranking_ap_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'label_ranking_ap_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_serialize(internal) IS
  'Serial function of precmed.label_ranking_ap.';

CREATE FUNCTION precmed_internal.label_ranking_ap_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'label_ranking_ap_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_deserialize(bytea, internal) IS
  'Deserial function of precmed.label_ranking_ap (checked).';

CREATE FUNCTION precmed_internal.label_ranking_ap_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'label_ranking_ap_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_final(internal) IS
  'Final function of precmed.label_ranking_ap.';

CREATE AGGREGATE precmed.label_ranking_ap(scores float8[], truth boolean[]) (
  SFUNC = precmed_internal.label_ranking_ap_accum, STYPE = internal,
  FINALFUNC = precmed_internal.label_ranking_ap_final, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.label_ranking_ap_combine,
  SERIALFUNC = precmed_internal.label_ranking_ap_serialize,
  DESERIALFUNC = precmed_internal.label_ranking_ap_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.label_ranking_ap(float8[], boolean[]) IS
  'Label ranking average precision averaged over examples (as scikit-learn label_ranking_average_precision_score: ties count against, an example with no or all true labels scores 1).';
