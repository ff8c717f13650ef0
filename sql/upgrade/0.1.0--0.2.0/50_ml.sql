-- precmed upgrade 0.1.0 -> 0.2.0, part 50: risk models.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- aggregate support functions move to precmed_internal
ALTER FUNCTION precmed.train_rows_accum(internal, float8[], float8, jsonb) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_rows_accum(internal, float8[], float8) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_rows_combine(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_rows_serialize(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_rows_deserialize(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_xgboost_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.train_logreg_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.score_label_accum(internal, float8, boolean) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.score_label_combine(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.score_label_serialize(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.score_label_deserialize(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.auroc_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.auprc_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.brier_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.calibration_final(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.roc_curve_final(internal) SET SCHEMA precmed_internal;

-- aki_features no longer pastes its query inputs into its own SQL: it reads
-- them through precmed's checked reader (aki_observation_rows, aki_stay_rows).
DROP FUNCTION precmed.aki_input_sql(text, text);

CREATE FUNCTION precmed_internal.aki_observation_rows(observations text)
  RETURNS TABLE(stay_id bigint, charttime timestamp, variable text, value float8)
  AS 'MODULE_PATHNAME', 'aki_observation_rows'
  LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 100000;
COMMENT ON FUNCTION precmed_internal.aki_observation_rows(text) IS
  'The rows of an observations query of precmed.aki_features (stay_id, charttime, variable, value), read as precmed reads every query argument: one read-only SELECT or a table name, columns checked by name and cast to their documented types.';

CREATE FUNCTION precmed_internal.aki_stay_rows(stays text)
  RETURNS TABLE(stay_id bigint, intime timestamp, age float8, female boolean,
                height float8, weight float8, icu_type int)
  AS 'MODULE_PATHNAME', 'aki_stay_rows'
  LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 5000;
COMMENT ON FUNCTION precmed_internal.aki_stay_rows(text) IS
  'The rows of a stays query of precmed.aki_features (stay_id, intime, age, female; optional height, weight, icu_type as NULL when absent), read as precmed reads every query argument.';

CREATE OR REPLACE FUNCTION precmed.aki_features(observations text, stays text,
                                     window_end interval DEFAULT '24 hours',
                                     extended boolean DEFAULT false)
  RETURNS TABLE(stay_id bigint, features float8[])
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
AS $fn$
DECLARE
  -- the inputs are read by precmed's checked reader; their text is only ever a literal here
  obs_sql  text := format('SELECT * FROM precmed_internal.aki_observation_rows(%L)', observations);
  stay_sql text := format('SELECT * FROM precmed_internal.aki_stay_rows(%L)', stays);
  t        float8;
  vars     text[] := ARRAY['creatinine', 'bun', 'urine', 'weight', 'mechvent',
                           'alp', 'alt', 'ast', 'albumin', 'bilirubin', 'cholesterol', 'fio2', 'gcs',
                           'glucose', 'hco3', 'hct', 'heart_rate', 'potassium', 'lactate', 'map',
                           'magnesium', 'sodium', 'paco2', 'pao2', 'ph', 'platelets', 'resp_rate',
                           'sao2', 'sbp', 'dbp', 'temperature', 'troponin_i', 'troponin_t', 'wbc'];
  labs     text[] := ARRAY['creatinine', 'bun', 'alp', 'alt', 'ast', 'albumin', 'bilirubin',
                           'cholesterol', 'glucose', 'hco3', 'hct', 'potassium', 'lactate',
                           'magnesium', 'sodium', 'paco2', 'pao2', 'ph', 'platelets', 'sao2',
                           'troponin_i', 'troponin_t', 'wbc'];
  stats    text[] := ARRAY['n', 'min', 'max', 'mean', 'last', 'first', 'prev', 'slope', 'hsl',
                           'minmin', 'maxmin', 'l6', 'f6', 'sum', 'zeros', 's6', 's12', 's24'];
  pivot    text;
  vec      text;
  k_stays  text;
  k_creat  text;
  k_urine  text;
  k_weight text;
BEGIN
  IF window_end IS NULL OR window_end <= interval '0' THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('argument "window_end" must be a positive interval, not %s', coalesce(window_end::text, 'NULL')),
      HINT = 'The features describe hours 0 to window_end of each stay, e.g. interval ''24 hours''.';
  END IF;
  t := extract(epoch FROM window_end) / 60.0;
  -- inputs of precmed.kdigo_stages (docs/aki.md), from the same two queries:
  -- each stay is its own subject, observed from intime to intime + window_end
  k_stays  := format('SELECT s.stay_id, s.stay_id AS subject_id, s.intime, s.intime + %L::interval AS outtime FROM (%s) s',
                     window_end, stay_sql);
  k_creat  := format('SELECT o.stay_id AS subject_id, o.charttime, o.value AS value_mg_dl FROM (%s) o WHERE o.variable = ''creatinine'' AND o.value > 0',
                     obs_sql);
  k_urine  := format('SELECT o.stay_id, o.charttime, o.value AS ml FROM (%s) o WHERE o.variable = ''urine'' AND o.value >= 0',
                     obs_sql);
  k_weight := format('SELECT s.stay_id, s.intime AS charttime, s.weight AS kg, ''admit'' AS weight_type FROM (%s) s WHERE s.weight > 0 '
                     'UNION ALL SELECT o.stay_id, o.charttime, o.value, ''daily'' FROM (%s) o WHERE o.variable = ''weight'' AND o.value > 0',
                     stay_sql, obs_sql);
  SELECT string_agg(format('max(vs.%1$I) FILTER (WHERE vs.variable = %2$L) AS %3$I', st, v, v || '__' || st), ', ')
    INTO pivot FROM unnest(vars) AS v, unnest(stats) AS st;
  SELECT string_agg(format('coalesce((%s)::float8, ''NaN'')', d.expression), ', ' ORDER BY d.ordinal)
    INTO vec FROM precmed.aki_feature_defs(extended) AS d;
  RETURN QUERY EXECUTE format($q$
    WITH s AS (%1$s),
    o AS (
      SELECT ob.stay_id, ob.variable, ob.value,
             extract(epoch FROM ob.charttime - s.intime) / 60.0 AS minutes
        FROM (%2$s) ob JOIN s ON s.stay_id = ob.stay_id
       WHERE ob.charttime >= s.intime AND ob.charttime <= s.intime + %3$L::interval
         AND ob.value IS NOT NULL AND ob.value <> 'NaN'::float8
         AND (ob.value > 0 OR (ob.variable IN ('urine', 'mechvent') AND ob.value >= 0))
         AND NOT (ob.variable = 'temperature' AND ob.value < 25)
         AND NOT (ob.variable = 'ph' AND (ob.value < 6.5 OR ob.value > 8.0))
    ),
    vs AS (
      SELECT o.stay_id, o.variable, count(*) AS n, min(o.value) AS min, max(o.value) AS max,
             avg(o.value) AS mean,
             (array_agg(o.value ORDER BY o.minutes DESC, o.value DESC))[1] AS last,
             (array_agg(o.value ORDER BY o.minutes DESC, o.value DESC))[2] AS prev,
             (array_agg(o.value ORDER BY o.minutes, o.value))[1] AS first,
             regr_slope(o.value, o.minutes / 60.0) AS slope,
             (%6$s - max(o.minutes)) / 60.0 AS hsl,
             min(o.minutes) AS minmin, max(o.minutes) AS maxmin,
             avg(o.value) FILTER (WHERE o.minutes > %6$s - 360) AS l6,
             avg(o.value) FILTER (WHERE o.minutes <= 360) AS f6,
             sum(o.value) AS sum, count(*) FILTER (WHERE o.value = 0) AS zeros,
             sum(o.value) FILTER (WHERE o.minutes > %6$s - 360) AS s6,
             sum(o.value) FILTER (WHERE o.minutes > %6$s - 720) AS s12,
             sum(o.value) FILTER (WHERE o.minutes > %6$s - 1440) AS s24
        FROM o GROUP BY o.stay_id, o.variable
    ),
    w AS (SELECT vs.stay_id, %4$s FROM vs GROUP BY vs.stay_id),
    h AS (
      SELECT x.stay_id,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60)) FILTER (WHERE x.variable = 'map' AND x.value < 65) AS map_below65,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60)) FILTER (WHERE x.variable = 'map' AND x.value < 60) AS map_below60,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60)) FILTER (WHERE x.variable = 'sbp' AND x.value < 90) AS sbp_below90
        FROM (SELECT o.stay_id, o.variable, o.value, o.minutes,
                     lead(o.minutes) OVER (PARTITION BY o.stay_id, o.variable ORDER BY o.minutes, o.value) AS nxt
                FROM o WHERE o.variable IN ('map', 'sbp')) x
       GROUP BY x.stay_id
    ),
    k AS (
      SELECT ks.stay_id, max(ks.aki_stage_creat) AS creat_stage_max,
             (array_agg(ks.aki_stage_creat ORDER BY ks.charttime DESC) FILTER (WHERE ks.aki_stage_creat IS NOT NULL))[1] AS creat_stage_last,
             max(ks.aki_stage_uo) AS uo_stage_max,
             (array_agg(ks.aki_stage_uo ORDER BY ks.charttime DESC) FILTER (WHERE ks.aki_stage_uo IS NOT NULL))[1] AS uo_stage_last,
             max(ks.aki_stage) AS stage_max
        FROM precmed.kdigo_stages(%8$L, %9$L, %10$L, %11$L) ks
        JOIN s ON s.stay_id = ks.stay_id
       WHERE ks.charttime >= s.intime AND ks.charttime <= s.intime + %3$L::interval
       GROUP BY ks.stay_id
    ),
    c AS (
      SELECT o.stay_id, count(*) AS n_rows,
             count(DISTINCT o.variable) FILTER (WHERE o.variable = ANY (%7$L::text[])) AS n_lab_vars
        FROM o GROUP BY o.stay_id
    )
    SELECT s.stay_id, ARRAY[%5$s]
      FROM s LEFT JOIN w ON w.stay_id = s.stay_id
             LEFT JOIN h ON h.stay_id = s.stay_id
             LEFT JOIN c ON c.stay_id = s.stay_id
             LEFT JOIN k ON k.stay_id = s.stay_id
     ORDER BY s.stay_id
  $q$, stay_sql, obs_sql, window_end, pivot, vec, t, labs, k_stays, k_creat, k_urine, k_weight);
END
$fn$;
COMMENT ON FUNCTION precmed.aki_features(text, text, interval, boolean) IS
  'AKI risk features per stay from long-format observations (stay_id, charttime, variable, value; canonical variable names, see precmed.aki_variable_map) and stays (stay_id, intime, age, female; optional height, weight, icu_type), over hours 0..window_end. NaN = missing. Positions are named by precmed.aki_feature_names(extended).';

-- Reference data: changed only by precmed's own scripts.
CREATE TRIGGER aki_variable_map_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.aki_variable_map
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER aki_variable_map_no_truncate BEFORE TRUNCATE ON precmed.aki_variable_map
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();

-- ---- concrete state types (scale-out): aggregates keep their state in a
-- varlena type so parallel query, postgres_fdw and Citus can distribute them;
-- each aggregate X gains X_state and X_merge.  The internal-state support
-- functions go (their C symbols stay for 0.1.0's SQL).
DROP AGGREGATE precmed.train_xgboost(float8[], float8, jsonb);
DROP AGGREGATE precmed.train_xgboost(float8[], float8);
DROP AGGREGATE precmed.train_logreg(float8[], float8, jsonb);
DROP AGGREGATE precmed.train_logreg(float8[], float8);
DROP FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8, jsonb);
DROP FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8);
DROP FUNCTION precmed_internal.train_rows_combine(internal, internal);
DROP FUNCTION precmed_internal.train_rows_serialize(internal);
DROP FUNCTION precmed_internal.train_rows_deserialize(bytea, internal);
DROP FUNCTION precmed_internal.train_xgboost_final(internal);
DROP FUNCTION precmed_internal.train_logreg_final(internal);
-- ---- precmed.rows_state: the state of the training rows of train_xgboost and train_logreg ----
CREATE TYPE precmed.rows_state;
CREATE FUNCTION precmed_internal.rows_state_in(cstring) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_in(cstring) IS 'Input function of precmed.rows_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.rows_state_out(precmed.rows_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'rows_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_out(precmed.rows_state) IS 'Output function of precmed.rows_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.rows_state_recv(internal) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_recv(internal) IS 'Receive function of precmed.rows_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.rows_state_send(precmed.rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'rows_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_send(precmed.rows_state) IS 'Send function of precmed.rows_state: the state''s bytes.';
CREATE TYPE precmed.rows_state (
  INPUT = precmed_internal.rows_state_in, OUTPUT = precmed_internal.rows_state_out,
  RECEIVE = precmed_internal.rows_state_recv, SEND = precmed_internal.rows_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.rows_state IS
  'Partial state of the training rows of train_xgboost and train_logreg: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It grows with the rows (O(rows), bounded by precmed.max_memory_mb) and is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.rows_state_transfn(precmed.rows_state, float8[], float8, jsonb) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_transfn(precmed.rows_state, float8[], float8, jsonb) IS 'Transition function over precmed.rows_state: adds a row.';
CREATE FUNCTION precmed_internal.rows_state_transfn(precmed.rows_state, float8[], float8) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_transfn(precmed.rows_state, float8[], float8) IS 'Transition function over precmed.rows_state: adds a row.';
CREATE FUNCTION precmed_internal.rows_state_combinefn(precmed.rows_state, precmed.rows_state) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_combinefn(precmed.rows_state, precmed.rows_state) IS 'Combine function over precmed.rows_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.rows_state_mergefn(precmed.rows_state, bytea) RETURNS precmed.rows_state
  AS 'MODULE_PATHNAME', 'rows_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_mergefn(precmed.rows_state, bytea) IS 'Transition function of the _merge aggregates over precmed.rows_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.rows_state_bytes(precmed.rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'rows_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.rows_state_bytes(precmed.rows_state) IS 'Final function of the _state aggregates over precmed.rows_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.train_xgboost_finish(precmed.rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_xgboost_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_xgboost_finish(precmed.rows_state) IS 'Final function of precmed.train_xgboost and precmed.train_xgboost_merge.';
CREATE FUNCTION precmed_internal.train_logreg_finish(precmed.rows_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_logreg_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_logreg_finish(precmed.rows_state) IS 'Final function of precmed.train_logreg and precmed.train_logreg_merge.';
CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_xgboost_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8, jsonb) IS
  'Trains an XGBoost binary classifier (libxgboost C API) on feature vectors (NULL/NaN = missing) and 0/1 labels; params uses XGBoost names ({} = the tuned defaults of docs/aki_risk.md). Returns a model value for precmed.predict.';
CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_xgboost_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8) IS
  'precmed.train_xgboost with the default parameters (see docs/aki_risk.md).';
CREATE AGGREGATE precmed.train_xgboost_state(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.rows_state_bytes,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost_state(float8[], float8, jsonb) IS
  'The state of precmed.train_xgboost over these rows as bytes (a precmed.rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_xgboost_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_xgboost_state(features float8[], label float8) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.rows_state_bytes,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost_state(float8[], float8) IS
  'The state of precmed.train_xgboost over these rows as bytes (a precmed.rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_xgboost_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_xgboost_merge(state bytea) (
  SFUNC = precmed_internal.rows_state_mergefn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_xgboost_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost_merge(bytea) IS
  'precmed.train_xgboost finished from the states precmed.train_xgboost_state (or any _state aggregate of precmed.rows_state) returned where the rows are: the same answer as precmed.train_xgboost over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.train_logreg(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_logreg_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg(float8[], float8, jsonb) IS
  'Fits L2-penalized logistic regression (median imputation, missing indicators, standardization stored in the model) on feature vectors and 0/1 labels; params {"lambda", "max_iter", "tol"}. Returns a model value for precmed.predict.';
CREATE AGGREGATE precmed.train_logreg(features float8[], label float8) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_logreg_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg(float8[], float8) IS
  'precmed.train_logreg with the default parameters (lambda 0.1 per mean log loss).';
CREATE AGGREGATE precmed.train_logreg_state(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.rows_state_bytes,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg_state(float8[], float8, jsonb) IS
  'The state of precmed.train_logreg over these rows as bytes (a precmed.rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_logreg_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_logreg_state(features float8[], label float8) (
  SFUNC = precmed_internal.rows_state_transfn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.rows_state_bytes,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg_state(float8[], float8) IS
  'The state of precmed.train_logreg over these rows as bytes (a precmed.rows_state: header, payload, CRC-32C), to finish elsewhere with precmed.train_logreg_merge; NULL without rows.';
CREATE AGGREGATE precmed.train_logreg_merge(state bytea) (
  SFUNC = precmed_internal.rows_state_mergefn, STYPE = precmed.rows_state,
  FINALFUNC = precmed_internal.train_logreg_finish, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.rows_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg_merge(bytea) IS
  'precmed.train_logreg finished from the states precmed.train_logreg_state (or any _state aggregate of precmed.rows_state) returned where the rows are: the same answer as precmed.train_logreg over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';

DROP AGGREGATE precmed.auroc(float8, boolean);
DROP AGGREGATE precmed.auprc(float8, boolean);
DROP AGGREGATE precmed.brier(float8, boolean);
DROP AGGREGATE precmed.calibration(float8, boolean);
DROP AGGREGATE precmed.roc_curve(float8, boolean);
DROP FUNCTION precmed_internal.score_label_accum(internal, float8, boolean);
DROP FUNCTION precmed_internal.score_label_combine(internal, internal);
DROP FUNCTION precmed_internal.score_label_serialize(internal);
DROP FUNCTION precmed_internal.score_label_deserialize(bytea, internal);
DROP FUNCTION precmed_internal.auroc_final(internal);
DROP FUNCTION precmed_internal.auprc_final(internal);
DROP FUNCTION precmed_internal.brier_final(internal);
DROP FUNCTION precmed_internal.calibration_final(internal);
DROP FUNCTION precmed_internal.roc_curve_final(internal);
-- ---- precmed.scores_state: the state of the (score, label) pairs of the evaluation aggregates (auroc, auprc, brier, calibration, roc_curve) ----
CREATE TYPE precmed.scores_state;
CREATE FUNCTION precmed_internal.scores_state_in(cstring) RETURNS precmed.scores_state
  AS 'MODULE_PATHNAME', 'scores_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_in(cstring) IS 'Input function of precmed.scores_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.scores_state_out(precmed.scores_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'scores_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_out(precmed.scores_state) IS 'Output function of precmed.scores_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.scores_state_recv(internal) RETURNS precmed.scores_state
  AS 'MODULE_PATHNAME', 'scores_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_recv(internal) IS 'Receive function of precmed.scores_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.scores_state_send(precmed.scores_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'scores_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_send(precmed.scores_state) IS 'Send function of precmed.scores_state: the state''s bytes.';
CREATE TYPE precmed.scores_state (
  INPUT = precmed_internal.scores_state_in, OUTPUT = precmed_internal.scores_state_out,
  RECEIVE = precmed_internal.scores_state_recv, SEND = precmed_internal.scores_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.scores_state IS
  'Partial state of the (score, label) pairs of the evaluation aggregates (auroc, auprc, brier, calibration, roc_curve): the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It grows with the rows (O(rows), bounded by precmed.max_memory_mb) and is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.scores_state_transfn(precmed.scores_state, float8, boolean) RETURNS precmed.scores_state
  AS 'MODULE_PATHNAME', 'scores_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_transfn(precmed.scores_state, float8, boolean) IS 'Transition function over precmed.scores_state: adds a row.';
CREATE FUNCTION precmed_internal.scores_state_combinefn(precmed.scores_state, precmed.scores_state) RETURNS precmed.scores_state
  AS 'MODULE_PATHNAME', 'scores_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_combinefn(precmed.scores_state, precmed.scores_state) IS 'Combine function over precmed.scores_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.scores_state_mergefn(precmed.scores_state, bytea) RETURNS precmed.scores_state
  AS 'MODULE_PATHNAME', 'scores_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_mergefn(precmed.scores_state, bytea) IS 'Transition function of the _merge aggregates over precmed.scores_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.scores_state_bytes(precmed.scores_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'scores_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.scores_state_bytes(precmed.scores_state) IS 'Final function of the _state aggregates over precmed.scores_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.auroc_finish(precmed.scores_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'auroc_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.auroc_finish(precmed.scores_state) IS 'Final function of precmed.auroc and precmed.auroc_merge.';
CREATE FUNCTION precmed_internal.auprc_finish(precmed.scores_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'auprc_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.auprc_finish(precmed.scores_state) IS 'Final function of precmed.auprc and precmed.auprc_merge.';
CREATE FUNCTION precmed_internal.brier_finish(precmed.scores_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'brier_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.brier_finish(precmed.scores_state) IS 'Final function of precmed.brier and precmed.brier_merge.';
CREATE FUNCTION precmed_internal.calibration_finish(precmed.scores_state) RETURNS precmed.calibration_fit
  AS 'MODULE_PATHNAME', 'calibration_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.calibration_finish(precmed.scores_state) IS 'Final function of precmed.calibration and precmed.calibration_merge.';
CREATE FUNCTION precmed_internal.roc_curve_finish(precmed.scores_state) RETURNS precmed.roc_point[]
  AS 'MODULE_PATHNAME', 'roc_curve_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.roc_curve_finish(precmed.scores_state) IS 'Final function of precmed.roc_curve and precmed.roc_curve_merge.';
CREATE AGGREGATE precmed.auroc(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.auroc_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auroc(float8, boolean) IS
  'Area under the ROC curve (ties count one half, as scikit-learn roc_auc_score); NULL when either class is absent.';
CREATE AGGREGATE precmed.auroc_state(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.scores_state_bytes,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auroc_state(float8, boolean) IS
  'The state of precmed.auroc over these rows as bytes (a precmed.scores_state: header, payload, CRC-32C), to finish elsewhere with precmed.auroc_merge; NULL without rows.';
CREATE AGGREGATE precmed.auroc_merge(state bytea) (
  SFUNC = precmed_internal.scores_state_mergefn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.auroc_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auroc_merge(bytea) IS
  'precmed.auroc finished from the states precmed.auroc_state (or any _state aggregate of precmed.scores_state) returned where the rows are: the same answer as precmed.auroc over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.auprc(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.auprc_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auprc(float8, boolean) IS
  'Average precision (area under the precision-recall curve, ties grouped, as scikit-learn average_precision_score); NULL without positives.';
CREATE AGGREGATE precmed.auprc_state(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.scores_state_bytes,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auprc_state(float8, boolean) IS
  'The state of precmed.auprc over these rows as bytes (a precmed.scores_state: header, payload, CRC-32C), to finish elsewhere with precmed.auprc_merge; NULL without rows.';
CREATE AGGREGATE precmed.auprc_merge(state bytea) (
  SFUNC = precmed_internal.scores_state_mergefn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.auprc_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auprc_merge(bytea) IS
  'precmed.auprc finished from the states precmed.auprc_state (or any _state aggregate of precmed.scores_state) returned where the rows are: the same answer as precmed.auprc over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.brier(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.brier_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.brier(float8, boolean) IS
  'Brier score: mean squared difference between the probability and the 0/1 outcome (lower is better).';
CREATE AGGREGATE precmed.brier_state(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.scores_state_bytes,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.brier_state(float8, boolean) IS
  'The state of precmed.brier over these rows as bytes (a precmed.scores_state: header, payload, CRC-32C), to finish elsewhere with precmed.brier_merge; NULL without rows.';
CREATE AGGREGATE precmed.brier_merge(state bytea) (
  SFUNC = precmed_internal.scores_state_mergefn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.brier_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.brier_merge(bytea) IS
  'precmed.brier finished from the states precmed.brier_state (or any _state aggregate of precmed.scores_state) returned where the rows are: the same answer as precmed.brier over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.calibration(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.calibration_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.calibration(float8, boolean) IS
  'Calibration slope and intercept (logistic regression of the label on logit(score)) and calibration-in-the-large; see precmed.calibration_fit.';
CREATE AGGREGATE precmed.calibration_state(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.scores_state_bytes,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.calibration_state(float8, boolean) IS
  'The state of precmed.calibration over these rows as bytes (a precmed.scores_state: header, payload, CRC-32C), to finish elsewhere with precmed.calibration_merge; NULL without rows.';
CREATE AGGREGATE precmed.calibration_merge(state bytea) (
  SFUNC = precmed_internal.scores_state_mergefn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.calibration_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.calibration_merge(bytea) IS
  'precmed.calibration finished from the states precmed.calibration_state (or any _state aggregate of precmed.scores_state) returned where the rows are: the same answer as precmed.calibration over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.roc_curve(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.roc_curve_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.roc_curve(float8, boolean) IS
  'ROC curve points for plotting, one per distinct score (descending) after (Infinity, 0, 0), as scikit-learn roc_curve(drop_intermediate=False); unnest() it.';
CREATE AGGREGATE precmed.roc_curve_state(score float8, label boolean) (
  SFUNC = precmed_internal.scores_state_transfn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.scores_state_bytes,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.roc_curve_state(float8, boolean) IS
  'The state of precmed.roc_curve over these rows as bytes (a precmed.scores_state: header, payload, CRC-32C), to finish elsewhere with precmed.roc_curve_merge; NULL without rows.';
CREATE AGGREGATE precmed.roc_curve_merge(state bytea) (
  SFUNC = precmed_internal.scores_state_mergefn, STYPE = precmed.scores_state,
  FINALFUNC = precmed_internal.roc_curve_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.scores_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.roc_curve_merge(bytea) IS
  'precmed.roc_curve finished from the states precmed.roc_curve_state (or any _state aggregate of precmed.scores_state) returned where the rows are: the same answer as precmed.roc_curve over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
