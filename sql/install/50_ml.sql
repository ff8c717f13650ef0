-- precmed install script, part 50: AKI risk models and evaluation metrics.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Training aggregates
-- ---------------------------------------------------------------------------

CREATE FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8, jsonb) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8, jsonb) IS
  'Transition function of precmed.train_xgboost and precmed.train_logreg: collects a training row (features, 0/1 label, params).';

CREATE FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_rows_accum(internal, float8[], float8) IS
  'Transition function of precmed.train_xgboost and precmed.train_logreg without params: collects a training row (features, 0/1 label).';

CREATE FUNCTION precmed_internal.train_rows_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_rows_combine(internal, internal) IS
  'Combine function of the training aggregates: appends the rows gathered by another worker.';

CREATE FUNCTION precmed_internal.train_rows_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_rows_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_rows_serialize(internal) IS
  'Serial function of the training aggregates (state to bytea, for parallel workers).';

CREATE FUNCTION precmed_internal.train_rows_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'train_rows_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_rows_deserialize(bytea, internal) IS
  'Deserial function of the training aggregates (bytea to state, checked).';

CREATE FUNCTION precmed_internal.train_xgboost_final(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_xgboost_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_xgboost_final(internal) IS
  'Final function of precmed.train_xgboost: trains gradient-boosted trees with libxgboost and returns the model value.';

CREATE FUNCTION precmed_internal.train_logreg_final(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'train_logreg_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.train_logreg_final(internal) IS
  'Final function of precmed.train_logreg: fits L2-penalized logistic regression (IRLS, LAPACK) and returns the model value.';

CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_xgboost_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.train_rows_combine,
  SERIALFUNC = precmed_internal.train_rows_serialize, DESERIALFUNC = precmed_internal.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8, jsonb) IS
  'Trains an XGBoost binary classifier (libxgboost C API) on feature vectors (NULL/NaN = missing) and 0/1 labels; params uses XGBoost names ({} = the tuned defaults of docs/aki_risk.md). Returns a model value for precmed.predict.';

CREATE AGGREGATE precmed.train_xgboost(features float8[], label float8) (
  SFUNC = precmed_internal.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_xgboost_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.train_rows_combine,
  SERIALFUNC = precmed_internal.train_rows_serialize, DESERIALFUNC = precmed_internal.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_xgboost(float8[], float8) IS
  'precmed.train_xgboost with the default parameters (see docs/aki_risk.md).';

CREATE AGGREGATE precmed.train_logreg(features float8[], label float8, params jsonb) (
  SFUNC = precmed_internal.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_logreg_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.train_rows_combine,
  SERIALFUNC = precmed_internal.train_rows_serialize, DESERIALFUNC = precmed_internal.train_rows_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.train_logreg(float8[], float8, jsonb) IS
  'Fits L2-penalized logistic regression (median imputation, missing indicators, standardization stored in the model) on feature vectors and 0/1 labels; params {"lambda", "max_iter", "tol"}. Returns a model value for precmed.predict.';

CREATE AGGREGATE precmed.train_logreg(features float8[], label float8) (
  SFUNC = precmed_internal.train_rows_accum, STYPE = internal,
  FINALFUNC = precmed_internal.train_logreg_final, FINALFUNC_MODIFY = SHAREABLE,
  COMBINEFUNC = precmed_internal.train_rows_combine,
  SERIALFUNC = precmed_internal.train_rows_serialize, DESERIALFUNC = precmed_internal.train_rows_deserialize,
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

CREATE FUNCTION precmed_internal.score_label_accum(internal, float8, boolean) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.score_label_accum(internal, float8, boolean) IS
  'Transition function of the evaluation aggregates: collects a (score, label) pair; rows with a NULL score or label are skipped.';

CREATE FUNCTION precmed_internal.score_label_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.score_label_combine(internal, internal) IS
  'Combine function of the evaluation aggregates.';

CREATE FUNCTION precmed_internal.score_label_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'score_label_serialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.score_label_serialize(internal) IS
  'Serial function of the evaluation aggregates.';

CREATE FUNCTION precmed_internal.score_label_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'score_label_deserialize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.score_label_deserialize(bytea, internal) IS
  'Deserial function of the evaluation aggregates (checked).';

CREATE FUNCTION precmed_internal.auroc_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'auroc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.auroc_final(internal) IS 'Final function of precmed.auroc.';
CREATE FUNCTION precmed_internal.auprc_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'auprc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.auprc_final(internal) IS 'Final function of precmed.auprc.';
CREATE FUNCTION precmed_internal.brier_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'brier_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.brier_final(internal) IS 'Final function of precmed.brier.';
CREATE FUNCTION precmed_internal.calibration_final(internal) RETURNS precmed.calibration_fit
  AS 'MODULE_PATHNAME', 'calibration_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.calibration_final(internal) IS 'Final function of precmed.calibration.';
CREATE FUNCTION precmed_internal.roc_curve_final(internal) RETURNS precmed.roc_point[]
  AS 'MODULE_PATHNAME', 'roc_curve_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.roc_curve_final(internal) IS 'Final function of precmed.roc_curve.';

CREATE AGGREGATE precmed.auroc(score float8, label boolean) (
  SFUNC = precmed_internal.score_label_accum, STYPE = internal, FINALFUNC = precmed_internal.auroc_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed_internal.score_label_combine,
  SERIALFUNC = precmed_internal.score_label_serialize, DESERIALFUNC = precmed_internal.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auroc(float8, boolean) IS
  'Area under the ROC curve (ties count one half, as scikit-learn roc_auc_score); NULL when either class is absent.';

CREATE AGGREGATE precmed.auprc(score float8, label boolean) (
  SFUNC = precmed_internal.score_label_accum, STYPE = internal, FINALFUNC = precmed_internal.auprc_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed_internal.score_label_combine,
  SERIALFUNC = precmed_internal.score_label_serialize, DESERIALFUNC = precmed_internal.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.auprc(float8, boolean) IS
  'Average precision (area under the precision-recall curve, ties grouped, as scikit-learn average_precision_score); NULL without positives.';

CREATE AGGREGATE precmed.brier(score float8, label boolean) (
  SFUNC = precmed_internal.score_label_accum, STYPE = internal, FINALFUNC = precmed_internal.brier_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed_internal.score_label_combine,
  SERIALFUNC = precmed_internal.score_label_serialize, DESERIALFUNC = precmed_internal.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.brier(float8, boolean) IS
  'Brier score: mean squared difference between the probability and the 0/1 outcome (lower is better).';

CREATE AGGREGATE precmed.calibration(score float8, label boolean) (
  SFUNC = precmed_internal.score_label_accum, STYPE = internal, FINALFUNC = precmed_internal.calibration_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed_internal.score_label_combine,
  SERIALFUNC = precmed_internal.score_label_serialize, DESERIALFUNC = precmed_internal.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.calibration(float8, boolean) IS
  'Calibration slope and intercept (logistic regression of the label on logit(score)) and calibration-in-the-large; see precmed.calibration_fit.';

CREATE AGGREGATE precmed.roc_curve(score float8, label boolean) (
  SFUNC = precmed_internal.score_label_accum, STYPE = internal, FINALFUNC = precmed_internal.roc_curve_final,
  FINALFUNC_MODIFY = READ_ONLY, COMBINEFUNC = precmed_internal.score_label_combine,
  SERIALFUNC = precmed_internal.score_label_serialize, DESERIALFUNC = precmed_internal.score_label_deserialize,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.roc_curve(float8, boolean) IS
  'ROC curve points for plotting, one per distinct score (descending) after (Infinity, 0, 0), as scikit-learn roc_curve(drop_intermediate=False); unnest() it.';

-- ---------------------------------------------------------------------------
-- AKI features from long-format observations
-- ---------------------------------------------------------------------------

CREATE TABLE precmed.aki_variable_map (
  source      text NOT NULL,
  source_code text NOT NULL,
  variable    text NOT NULL,
  unit        text NOT NULL,
  PRIMARY KEY (source, source_code)
);
COMMENT ON TABLE precmed.aki_variable_map IS
  'Maps source codes (LOINC codes; PhysioNet 2012 variable names) to the canonical variable names precmed.aki_features reads, with the unit the features assume. Both invasive and non-invasive blood pressures map to one series (map, sbp, dbp).';

INSERT INTO precmed.aki_variable_map (source, source_code, variable, unit) VALUES
  ('PhysioNet2012', 'ALP', 'alp', 'IU/L'),
  ('PhysioNet2012', 'ALT', 'alt', 'IU/L'),
  ('PhysioNet2012', 'AST', 'ast', 'IU/L'),
  ('PhysioNet2012', 'Albumin', 'albumin', 'g/dL'),
  ('PhysioNet2012', 'BUN', 'bun', 'mg/dL'),
  ('PhysioNet2012', 'Bilirubin', 'bilirubin', 'mg/dL'),
  ('PhysioNet2012', 'Cholesterol', 'cholesterol', 'mg/dL'),
  ('PhysioNet2012', 'Creatinine', 'creatinine', 'mg/dL'),
  ('PhysioNet2012', 'DiasABP', 'dbp', 'mmHg'),
  ('PhysioNet2012', 'NIDiasABP', 'dbp', 'mmHg'),
  ('PhysioNet2012', 'FiO2', 'fio2', 'fraction (0-1)'),
  ('PhysioNet2012', 'GCS', 'gcs', 'score (3-15)'),
  ('PhysioNet2012', 'Glucose', 'glucose', 'mg/dL'),
  ('PhysioNet2012', 'HCO3', 'hco3', 'mmol/L'),
  ('PhysioNet2012', 'HCT', 'hct', '%'),
  ('PhysioNet2012', 'HR', 'heart_rate', 'beats/min'),
  ('PhysioNet2012', 'K', 'potassium', 'mmol/L'),
  ('PhysioNet2012', 'Lactate', 'lactate', 'mmol/L'),
  ('PhysioNet2012', 'MAP', 'map', 'mmHg'),
  ('PhysioNet2012', 'NIMAP', 'map', 'mmHg'),
  ('PhysioNet2012', 'MechVent', 'mechvent', 'flag (1 = ventilated)'),
  ('PhysioNet2012', 'Mg', 'magnesium', 'mmol/L'),
  ('PhysioNet2012', 'Na', 'sodium', 'mmol/L'),
  ('PhysioNet2012', 'PaCO2', 'paco2', 'mmHg'),
  ('PhysioNet2012', 'PaO2', 'pao2', 'mmHg'),
  ('PhysioNet2012', 'Platelets', 'platelets', '10^3/uL'),
  ('PhysioNet2012', 'RespRate', 'resp_rate', 'breaths/min'),
  ('PhysioNet2012', 'SaO2', 'sao2', '%'),
  ('PhysioNet2012', 'SysABP', 'sbp', 'mmHg'),
  ('PhysioNet2012', 'NISysABP', 'sbp', 'mmHg'),
  ('PhysioNet2012', 'Temp', 'temperature', 'Cel'),
  ('PhysioNet2012', 'TroponinI', 'troponin_i', 'ug/L'),
  ('PhysioNet2012', 'TroponinT', 'troponin_t', 'ug/L'),
  ('PhysioNet2012', 'Urine', 'urine', 'mL (since the previous charting)'),
  ('PhysioNet2012', 'WBC', 'wbc', '10^3/uL'),
  ('PhysioNet2012', 'Weight', 'weight', 'kg'),
  ('PhysioNet2012', 'pH', 'ph', 'pH'),
  ('LOINC', '6768-6', 'alp', 'IU/L'),
  ('LOINC', '1742-6', 'alt', 'IU/L'),
  ('LOINC', '1920-8', 'ast', 'IU/L'),
  ('LOINC', '1751-7', 'albumin', 'g/dL'),
  ('LOINC', '3094-0', 'bun', 'mg/dL'),
  ('LOINC', '1975-2', 'bilirubin', 'mg/dL'),
  ('LOINC', '2093-3', 'cholesterol', 'mg/dL'),
  ('LOINC', '2160-0', 'creatinine', 'mg/dL'),
  ('LOINC', '8462-4', 'dbp', 'mmHg'),
  ('LOINC', '3150-0', 'fio2', 'fraction (0-1)'),
  ('LOINC', '9269-2', 'gcs', 'score (3-15)'),
  ('LOINC', '2345-7', 'glucose', 'mg/dL'),
  ('LOINC', '1963-8', 'hco3', 'mmol/L'),
  ('LOINC', '4544-3', 'hct', '%'),
  ('LOINC', '8867-4', 'heart_rate', 'beats/min'),
  ('LOINC', '2823-3', 'potassium', 'mmol/L'),
  ('LOINC', '2524-7', 'lactate', 'mmol/L'),
  ('LOINC', '8478-0', 'map', 'mmHg'),
  ('LOINC', '19123-9', 'magnesium', 'mmol/L'),
  ('LOINC', '2951-2', 'sodium', 'mmol/L'),
  ('LOINC', '2019-8', 'paco2', 'mmHg'),
  ('LOINC', '2703-7', 'pao2', 'mmHg'),
  ('LOINC', '777-3', 'platelets', '10^3/uL'),
  ('LOINC', '9279-1', 'resp_rate', 'breaths/min'),
  ('LOINC', '2708-6', 'sao2', '%'),
  ('LOINC', '8480-6', 'sbp', 'mmHg'),
  ('LOINC', '8310-5', 'temperature', 'Cel'),
  ('LOINC', '10839-9', 'troponin_i', 'ug/L'),
  ('LOINC', '6598-7', 'troponin_t', 'ug/L'),
  ('LOINC', '9187-6', 'urine', 'mL'),
  ('LOINC', '6690-2', 'wbc', '10^3/uL'),
  ('LOINC', '29463-7', 'weight', 'kg'),
  ('LOINC', '2744-1', 'ph', 'pH');

CREATE FUNCTION precmed.egfr_ckd_epi_2021(creatinine float8, age float8, female boolean) RETURNS float8
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN creatinine > 0 AND age >= 0 THEN
    142.0 * power(least(creatinine / CASE WHEN female THEN 0.7 ELSE 0.9 END, 1.0),
                  CASE WHEN female THEN -0.241 ELSE -0.302 END)
          * power(greatest(creatinine / CASE WHEN female THEN 0.7 ELSE 0.9 END, 1.0), -1.200)
          * power(0.9938, age) * CASE WHEN female THEN 1.012 ELSE 1.0 END
  END;
COMMENT ON FUNCTION precmed.egfr_ckd_epi_2021(float8, float8, boolean) IS
  'Estimated GFR (mL/min/1.73 m2) by the race-free CKD-EPI 2021 creatinine equation (Inker et al., NEJM 2021) from serum creatinine in mg/dL, age in years and sex; NULL for a non-positive creatinine or a negative age.';

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

CREATE FUNCTION precmed.aki_feature_defs(extended boolean DEFAULT false)
  RETURNS TABLE(ordinal int, name text, expression text)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $defs$
WITH parts(part, ord, name, expression) AS (
  SELECT 1, t.o, t.n, t.e
    FROM unnest(ARRAY['age', 'female', 'height', 'weight_admit',
                      'icu_type_1', 'icu_type_2', 'icu_type_3', 'icu_type_4'],
                ARRAY['age', 'female::int', 'height', 'weight',
                      '(icu_type = 1)::int', '(icu_type = 2)::int', '(icu_type = 3)::int', '(icu_type = 4)::int'])
         WITH ORDINALITY AS t(n, e, o)
  UNION ALL
  SELECT 2, a.vo * 100 + b.so, a.v || '_' || b.st, replace(b.e, '@', a.v)
    FROM unnest(ARRAY['creatinine', 'bun']) WITH ORDINALITY AS a(v, vo),
         unnest(ARRAY['last', 'first', 'min', 'max', 'mean', 'count', 'slope', 'hsl',
                      'delta', 'rise', 'ratio_min', 'maxratio', 'lastdiff', 'l6_f6'],
                ARRAY['@__last', '@__first', '@__min', '@__max', '@__mean', 'coalesce(@__n, 0)',
                      '@__slope', '@__hsl', '@__last - @__first', '@__last - @__min',
                      '@__last / nullif(@__min, 0)', '@__max / nullif(@__min, 0)',
                      '@__last - @__prev', '@__l6 - @__f6'])
         WITH ORDINALITY AS b(st, e, so)
  UNION ALL
  SELECT 3, t.o, t.n, t.e
    FROM unnest(ARRAY['bun_creat_ratio', 'egfr_last', 'egfr_min_creat',
                      'weight_24h', 'urine_6h_ml', 'urine_12h_ml', 'urine_24h_ml',
                      'urine_6h_mlkgh', 'urine_12h_mlkgh', 'urine_24h_mlkgh',
                      'urine_count', 'urine_zero_count', 'urine_hsl', 'urine_hours_documented',
                      'urine_doc_mlkgh', 'urine_first_ml',
                      'map_min_below65', 'map_min_below60', 'sbp_min_below90',
                      'shock_index_last', 'shock_index_max', 'pf_last',
                      'mechvent_any', 'mechvent_count', 'mechvent_first_h',
                      'n_lab_vars', 'n_rows',
                      'kdigo_creat_stage_max', 'kdigo_creat_stage_last',
                      'kdigo_uo_stage_max', 'kdigo_uo_stage_last', 'kdigo_stage_max'],
                ARRAY['bun__last / nullif(creatinine__last, 0)',
                      'precmed.egfr_ckd_epi_2021(creatinine__last, age, female)',
                      'precmed.egfr_ckd_epi_2021(creatinine__min, age, female)',
                      'coalesce(weight__last, weight)',
                      'coalesce(urine__s6, 0)', 'coalesce(urine__s12, 0)', 'coalesce(urine__s24, 0)',
                      'coalesce(urine__s6, 0) / nullif(coalesce(weight__last, weight), 0) / 6',
                      'coalesce(urine__s12, 0) / nullif(coalesce(weight__last, weight), 0) / 12',
                      'coalesce(urine__s24, 0) / nullif(coalesce(weight__last, weight), 0) / 24',
                      'coalesce(urine__n, 0)', 'coalesce(urine__zeros, 0)', 'urine__hsl',
                      '(urine__maxmin - urine__minmin) / 60.0',
                      '(urine__sum - urine__first) / nullif(coalesce(weight__last, weight), 0) / nullif((urine__maxmin - urine__minmin) / 60.0, 0)',
                      'urine__first',
                      'CASE WHEN map__n > 0 THEN coalesce(map_below65, 0) END',
                      'CASE WHEN map__n > 0 THEN coalesce(map_below60, 0) END',
                      'CASE WHEN sbp__n > 0 THEN coalesce(sbp_below90, 0) END',
                      'heart_rate__last / nullif(sbp__last, 0)',
                      'heart_rate__max / nullif(sbp__min, 0)',
                      'pao2__last / nullif(fio2__last, 0)',
                      '(coalesce(mechvent__n, 0) > 0)::int', 'coalesce(mechvent__n, 0)',
                      'mechvent__minmin / 60.0',
                      'coalesce(n_lab_vars, 0)', 'coalesce(n_rows, 0)',
                      'creat_stage_max', 'creat_stage_last', 'uo_stage_max', 'uo_stage_last',
                      'stage_max'])
         WITH ORDINALITY AS t(n, e, o)
  UNION ALL
  SELECT 4, a.vo * 100 + b.so, a.v || '_' || b.st, replace(b.e, '@', a.v)
    FROM unnest(ARRAY['alp', 'alt', 'ast', 'albumin', 'bilirubin', 'cholesterol', 'fio2', 'gcs',
                      'glucose', 'hco3', 'hct', 'heart_rate', 'potassium', 'lactate', 'map',
                      'magnesium', 'sodium', 'paco2', 'pao2', 'ph', 'platelets', 'resp_rate',
                      'sao2', 'sbp', 'dbp', 'temperature', 'troponin_i', 'troponin_t', 'wbc'])
         WITH ORDINALITY AS a(v, vo),
         unnest(ARRAY['last', 'min', 'max', 'count', 'first', 'mean', 'slope', 'hsl'],
                ARRAY['@__last', '@__min', '@__max', 'coalesce(@__n, 0)',
                      '@__first', '@__mean', '@__slope', '@__hsl'])
         WITH ORDINALITY AS b(st, e, so)
   WHERE b.so <= 4 OR extended
)
SELECT (row_number() OVER (ORDER BY part, ord))::int, name, expression
  FROM parts ORDER BY part, ord
$defs$;
COMMENT ON FUNCTION precmed.aki_feature_defs(boolean) IS
  'The features precmed.aki_features computes, in vector order: position, name and the SQL expression over the per-stay statistics (see docs/aki_risk.md). extended adds first/mean/slope/hours-since-last for the non-renal variables.';

CREATE FUNCTION precmed.aki_feature_names(extended boolean DEFAULT false) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (SELECT array_agg(d.name ORDER BY d.ordinal) FROM precmed.aki_feature_defs(extended) d);
COMMENT ON FUNCTION precmed.aki_feature_names(boolean) IS
  'Names of the positions of the feature vectors precmed.aki_features returns (1-based, in order).';

CREATE FUNCTION precmed.aki_features(observations text, stays text,
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

-- Reference data: readable by every role that may use the schema.
GRANT SELECT ON precmed.aki_variable_map TO PUBLIC;

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
