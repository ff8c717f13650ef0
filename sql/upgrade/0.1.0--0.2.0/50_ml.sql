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
    -- float sums take their rows in a fixed order (ORDER BY inside the aggregate), so the
    -- same rows give the same bits whatever the plan or where a synchronized scan starts
    vs AS (
      SELECT o.stay_id, o.variable, count(*) AS n, min(o.value) AS min, max(o.value) AS max,
             avg(o.value ORDER BY o.minutes, o.value) AS mean,
             (array_agg(o.value ORDER BY o.minutes DESC, o.value DESC))[1] AS last,
             (array_agg(o.value ORDER BY o.minutes DESC, o.value DESC))[2] AS prev,
             (array_agg(o.value ORDER BY o.minutes, o.value))[1] AS first,
             regr_slope(o.value, o.minutes / 60.0 ORDER BY o.minutes, o.value) AS slope,
             (%6$s - max(o.minutes)) / 60.0 AS hsl,
             min(o.minutes) AS minmin, max(o.minutes) AS maxmin,
             avg(o.value ORDER BY o.minutes, o.value) FILTER (WHERE o.minutes > %6$s - 360) AS l6,
             avg(o.value ORDER BY o.minutes, o.value) FILTER (WHERE o.minutes <= 360) AS f6,
             sum(o.value ORDER BY o.minutes, o.value) AS sum, count(*) FILTER (WHERE o.value = 0) AS zeros,
             sum(o.value ORDER BY o.minutes, o.value) FILTER (WHERE o.minutes > %6$s - 360) AS s6,
             sum(o.value ORDER BY o.minutes, o.value) FILTER (WHERE o.minutes > %6$s - 720) AS s12,
             sum(o.value ORDER BY o.minutes, o.value) FILTER (WHERE o.minutes > %6$s - 1440) AS s24
        FROM o GROUP BY o.stay_id, o.variable
    ),
    w AS (SELECT vs.stay_id, %4$s FROM vs GROUP BY vs.stay_id),
    h AS (
      SELECT x.stay_id,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60) ORDER BY x.variable, x.minutes, x.value) FILTER (WHERE x.variable = 'map' AND x.value < 65) AS map_below65,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60) ORDER BY x.variable, x.minutes, x.value) FILTER (WHERE x.variable = 'map' AND x.value < 60) AS map_below60,
             sum(least(coalesce(x.nxt, %6$s) - x.minutes, 60) ORDER BY x.variable, x.minutes, x.value) FILTER (WHERE x.variable = 'sbp' AND x.value < 90) AS sbp_below90
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

-- why a model gives the risk it gives (docs/explanations.md)
CREATE FUNCTION precmed.predict_contributions(model bytea, features float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'predict_contributions'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.predict_contributions(bytea, float8[]) IS
  'Contribution of each feature to the model''s margin (log-odds) for a feature vector, then the bias: exact TreeSHAP for XGBoost (as XGBoost''s pred_contribs), coefficient times standardized value for logistic regression. The values sum to the margin. NULL features give NULL.';

CREATE FUNCTION precmed.top_reasons(model bytea, features float8[], names text[], k int DEFAULT 3)
  RETURNS TABLE(rank int, feature text, value float8, contribution float8)
  AS 'MODULE_PATHNAME', 'top_reasons'
  LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION precmed.top_reasons(bytea, float8[], text[], int) IS
  'The k features that raise the model''s risk for a feature vector most (positive contributions of predict_contributions, largest first), with their names (e.g. aki_feature_names()), values (NULL = missing) and contributions to the log-odds.';
