-- precmed upgrade 0.1.0 -> 0.2.0, part 55: decision support (new in 0.2.0).
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Multi-label training
-- ---------------------------------------------------------------------------

-- ---- precmed.multilabel_rows_state: the training rows of train_multilabel ----
CREATE TYPE precmed.multilabel_rows_state;
CREATE FUNCTION precmed_internal.multilabel_rows_state_in(cstring) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_in(cstring) IS 'Input function of precmed.multilabel_rows_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_rows_state_out(precmed.multilabel_rows_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_out(precmed.multilabel_rows_state) IS 'Output function of precmed.multilabel_rows_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.multilabel_rows_state_recv(internal) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_recv(internal) IS 'Receive function of precmed.multilabel_rows_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_rows_state_send(precmed.multilabel_rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_send(precmed.multilabel_rows_state) IS 'Send function of precmed.multilabel_rows_state: the state''s bytes.';
CREATE TYPE precmed.multilabel_rows_state (
  INPUT = precmed_internal.multilabel_rows_state_in, OUTPUT = precmed_internal.multilabel_rows_state_out,
  RECEIVE = precmed_internal.multilabel_rows_state_recv, SEND = precmed_internal.multilabel_rows_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.multilabel_rows_state IS
  'Partial state of the training rows of train_multilabel: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It grows with the rows (8 bytes per feature and 1 per label a row, bounded by precmed.max_memory_mb) and is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.multilabel_rows_state_transfn(precmed.multilabel_rows_state, float8[], boolean[], jsonb) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_transfn(precmed.multilabel_rows_state, float8[], boolean[], jsonb) IS 'Transition function over precmed.multilabel_rows_state: adds a row.';
CREATE FUNCTION precmed_internal.multilabel_rows_state_transfn(precmed.multilabel_rows_state, float8[], boolean[]) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_transfn(precmed.multilabel_rows_state, float8[], boolean[]) IS 'Transition function over precmed.multilabel_rows_state: adds a row.';
CREATE FUNCTION precmed_internal.multilabel_rows_state_combinefn(precmed.multilabel_rows_state, precmed.multilabel_rows_state) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_combinefn(precmed.multilabel_rows_state, precmed.multilabel_rows_state) IS 'Combine function over precmed.multilabel_rows_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.multilabel_rows_state_mergefn(precmed.multilabel_rows_state, bytea) RETURNS precmed.multilabel_rows_state
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_mergefn(precmed.multilabel_rows_state, bytea) IS 'Transition function of the _merge aggregates over precmed.multilabel_rows_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_rows_state_bytes(precmed.multilabel_rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'multilabel_rows_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_rows_state_bytes(precmed.multilabel_rows_state) IS 'Final function of the _state aggregates over precmed.multilabel_rows_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.train_multilabel_finish(precmed.multilabel_rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_multilabel_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_multilabel_finish(precmed.multilabel_rows_state) IS 'Final function of precmed.train_multilabel and precmed.train_multilabel_merge.';
CREATE AGGREGATE precmed.train_multilabel(features float8[], labels boolean[], params jsonb) (
  SFUNC = precmed_internal.multilabel_rows_state_transfn, STYPE = precmed.multilabel_rows_state,
  FINALFUNC = precmed_internal.train_multilabel_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.multilabel_rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel(float8[], boolean[], jsonb) IS
  'Trains a multi-label model (a risk panel): one XGBoost or logistic-regression model per label, binary relevance or classifier chain, per-label F1-maximizing thresholds; labels NULL = unknown (skipped for that label). params: see docs/decision_support.md. Returns a model value for precmed.predict_multilabel and precmed.predict_labels.';
CREATE AGGREGATE precmed.train_multilabel(features float8[], labels boolean[]) (
  SFUNC = precmed_internal.multilabel_rows_state_transfn, STYPE = precmed.multilabel_rows_state,
  FINALFUNC = precmed_internal.train_multilabel_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.multilabel_rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel(float8[], boolean[]) IS
  'precmed.train_multilabel with the default parameters (see docs/decision_support.md).';
CREATE AGGREGATE precmed.train_multilabel_state(features float8[], labels boolean[], params jsonb) (
  SFUNC = precmed_internal.multilabel_rows_state_transfn, STYPE = precmed.multilabel_rows_state,
  FINALFUNC = precmed_internal.multilabel_rows_state_bytes,
  COMBINEFUNC = precmed_internal.multilabel_rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel_state(float8[], boolean[], jsonb) IS
  'The state of precmed.train_multilabel over these rows as bytes (a precmed.multilabel_rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_multilabel_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_multilabel_state(features float8[], labels boolean[]) (
  SFUNC = precmed_internal.multilabel_rows_state_transfn, STYPE = precmed.multilabel_rows_state,
  FINALFUNC = precmed_internal.multilabel_rows_state_bytes,
  COMBINEFUNC = precmed_internal.multilabel_rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel_state(float8[], boolean[]) IS
  'The state of precmed.train_multilabel over these rows as bytes (a precmed.multilabel_rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_multilabel_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_multilabel_merge(state bytea) (
  SFUNC = precmed_internal.multilabel_rows_state_mergefn, STYPE = precmed.multilabel_rows_state,
  FINALFUNC = precmed_internal.train_multilabel_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.multilabel_rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_multilabel_merge(bytea) IS
  'precmed.train_multilabel finished from the states precmed.train_multilabel_state returned where the rows are: the same answer as precmed.train_multilabel over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';

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

-- ---- precmed.multilabel_metrics_state: the counts of multilabel_metrics ----
CREATE TYPE precmed.multilabel_metrics_state;
CREATE FUNCTION precmed_internal.multilabel_metrics_state_in(cstring) RETURNS precmed.multilabel_metrics_state
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_in(cstring) IS 'Input function of precmed.multilabel_metrics_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_out(precmed.multilabel_metrics_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_out(precmed.multilabel_metrics_state) IS 'Output function of precmed.multilabel_metrics_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_recv(internal) RETURNS precmed.multilabel_metrics_state
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_recv(internal) IS 'Receive function of precmed.multilabel_metrics_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_send(precmed.multilabel_metrics_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_send(precmed.multilabel_metrics_state) IS 'Send function of precmed.multilabel_metrics_state: the state''s bytes.';
CREATE TYPE precmed.multilabel_metrics_state (
  INPUT = precmed_internal.multilabel_metrics_state_in, OUTPUT = precmed_internal.multilabel_metrics_state_out,
  RECEIVE = precmed_internal.multilabel_metrics_state_recv, SEND = precmed_internal.multilabel_metrics_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.multilabel_metrics_state IS
  'Partial state of the counts of multilabel_metrics: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. Its size grows with the labels, not the rows (24 bytes per label), and it is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_transfn(precmed.multilabel_metrics_state, boolean[], boolean[]) RETURNS precmed.multilabel_metrics_state
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_transfn(precmed.multilabel_metrics_state, boolean[], boolean[]) IS 'Transition function over precmed.multilabel_metrics_state: adds a row.';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_combinefn(precmed.multilabel_metrics_state, precmed.multilabel_metrics_state) RETURNS precmed.multilabel_metrics_state
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_combinefn(precmed.multilabel_metrics_state, precmed.multilabel_metrics_state) IS 'Combine function over precmed.multilabel_metrics_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_mergefn(precmed.multilabel_metrics_state, bytea) RETURNS precmed.multilabel_metrics_state
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_mergefn(precmed.multilabel_metrics_state, bytea) IS 'Transition function of the _merge aggregates over precmed.multilabel_metrics_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.multilabel_metrics_state_bytes(precmed.multilabel_metrics_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'multilabel_metrics_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_state_bytes(precmed.multilabel_metrics_state) IS 'Final function of the _state aggregates over precmed.multilabel_metrics_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.multilabel_metrics_finish(precmed.multilabel_metrics_state) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'multilabel_metrics_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.multilabel_metrics_finish(precmed.multilabel_metrics_state) IS 'Final function of precmed.multilabel_metrics and precmed.multilabel_metrics_merge.';
CREATE AGGREGATE precmed.multilabel_metrics(predicted boolean[], truth boolean[]) (
  SFUNC = precmed_internal.multilabel_metrics_state_transfn, STYPE = precmed.multilabel_metrics_state,
  FINALFUNC = precmed_internal.multilabel_metrics_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.multilabel_metrics_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.multilabel_metrics(boolean[], boolean[]) IS
  'Multi-label classification metrics as jsonb: micro precision/recall/F1, macro F1, Hamming loss, subset accuracy, example-based Jaccard, and per-label precision, recall, F1 and support (a ratio with nothing to count is 1).';
CREATE AGGREGATE precmed.multilabel_metrics_state(predicted boolean[], truth boolean[]) (
  SFUNC = precmed_internal.multilabel_metrics_state_transfn, STYPE = precmed.multilabel_metrics_state,
  FINALFUNC = precmed_internal.multilabel_metrics_state_bytes,
  COMBINEFUNC = precmed_internal.multilabel_metrics_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.multilabel_metrics_state(boolean[], boolean[]) IS
  'The state of precmed.multilabel_metrics over these rows as bytes (a precmed.multilabel_metrics_state: header, payload, CRC-32C), to finish elsewhere with precmed.multilabel_metrics_merge; NULL without rows.';
CREATE AGGREGATE precmed.multilabel_metrics_merge(state bytea) (
  SFUNC = precmed_internal.multilabel_metrics_state_mergefn, STYPE = precmed.multilabel_metrics_state,
  FINALFUNC = precmed_internal.multilabel_metrics_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.multilabel_metrics_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.multilabel_metrics_merge(bytea) IS
  'precmed.multilabel_metrics finished from the states precmed.multilabel_metrics_state returned where the rows are: the same answer as precmed.multilabel_metrics over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';

-- ---- precmed.label_ranking_ap_state: the sum of label_ranking_ap ----
CREATE TYPE precmed.label_ranking_ap_state;
CREATE FUNCTION precmed_internal.label_ranking_ap_state_in(cstring) RETURNS precmed.label_ranking_ap_state
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_in(cstring) IS 'Input function of precmed.label_ranking_ap_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_out(precmed.label_ranking_ap_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_out(precmed.label_ranking_ap_state) IS 'Output function of precmed.label_ranking_ap_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_recv(internal) RETURNS precmed.label_ranking_ap_state
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_recv(internal) IS 'Receive function of precmed.label_ranking_ap_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_send(precmed.label_ranking_ap_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_send(precmed.label_ranking_ap_state) IS 'Send function of precmed.label_ranking_ap_state: the state''s bytes.';
CREATE TYPE precmed.label_ranking_ap_state (
  INPUT = precmed_internal.label_ranking_ap_state_in, OUTPUT = precmed_internal.label_ranking_ap_state_out,
  RECEIVE = precmed_internal.label_ranking_ap_state_recv, SEND = precmed_internal.label_ranking_ap_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.label_ranking_ap_state IS
  'Partial state of the sum of label_ranking_ap: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. Fixed size (20 bytes of payload), kept flat and updated in place. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_transfn(precmed.label_ranking_ap_state, float8[], boolean[]) RETURNS precmed.label_ranking_ap_state
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_transfn(precmed.label_ranking_ap_state, float8[], boolean[]) IS 'Transition function over precmed.label_ranking_ap_state: adds a row.';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_combinefn(precmed.label_ranking_ap_state, precmed.label_ranking_ap_state) RETURNS precmed.label_ranking_ap_state
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_combinefn(precmed.label_ranking_ap_state, precmed.label_ranking_ap_state) IS 'Combine function over precmed.label_ranking_ap_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_mergefn(precmed.label_ranking_ap_state, bytea) RETURNS precmed.label_ranking_ap_state
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_mergefn(precmed.label_ranking_ap_state, bytea) IS 'Transition function of the _merge aggregates over precmed.label_ranking_ap_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.label_ranking_ap_state_bytes(precmed.label_ranking_ap_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'label_ranking_ap_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_state_bytes(precmed.label_ranking_ap_state) IS 'Final function of the _state aggregates over precmed.label_ranking_ap_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.label_ranking_ap_finish(precmed.label_ranking_ap_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'label_ranking_ap_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.label_ranking_ap_finish(precmed.label_ranking_ap_state) IS 'Final function of precmed.label_ranking_ap and precmed.label_ranking_ap_merge.';
CREATE AGGREGATE precmed.label_ranking_ap(scores float8[], truth boolean[]) (
  SFUNC = precmed_internal.label_ranking_ap_state_transfn, STYPE = precmed.label_ranking_ap_state,
  FINALFUNC = precmed_internal.label_ranking_ap_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.label_ranking_ap_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.label_ranking_ap(float8[], boolean[]) IS
  'Label ranking average precision averaged over examples (as scikit-learn label_ranking_average_precision_score: ties count against, an example with no or all true labels scores 1).';
CREATE AGGREGATE precmed.label_ranking_ap_state(scores float8[], truth boolean[]) (
  SFUNC = precmed_internal.label_ranking_ap_state_transfn, STYPE = precmed.label_ranking_ap_state,
  FINALFUNC = precmed_internal.label_ranking_ap_state_bytes,
  COMBINEFUNC = precmed_internal.label_ranking_ap_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.label_ranking_ap_state(float8[], boolean[]) IS
  'The state of precmed.label_ranking_ap over these rows as bytes (a precmed.label_ranking_ap_state: header, payload, CRC-32C), to finish elsewhere with precmed.label_ranking_ap_merge; NULL without rows.';
CREATE AGGREGATE precmed.label_ranking_ap_merge(state bytea) (
  SFUNC = precmed_internal.label_ranking_ap_state_mergefn, STYPE = precmed.label_ranking_ap_state,
  FINALFUNC = precmed_internal.label_ranking_ap_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.label_ranking_ap_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.label_ranking_ap_merge(bytea) IS
  'precmed.label_ranking_ap finished from the states precmed.label_ranking_ap_state returned where the rows are: the same answer as precmed.label_ranking_ap over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
