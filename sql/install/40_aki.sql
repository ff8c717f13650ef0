-- precmed install script, part 40: KDIGO acute kidney injury staging (docs/aki.md).
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

CREATE FUNCTION precmed.kdigo_stages(
    stays text,
    creatinine text,
    urine_output text,
    weight text,
    crrt text DEFAULT NULL,
    smooth_by text DEFAULT 'subject',
    stage3_rule text DEFAULT 'current')
  RETURNS TABLE(subject_id bigint, stay_id bigint, charttime timestamp,
                creat_low_past_7day float8, creat_low_past_48hr float8, creat float8,
                aki_stage_creat int, uo_rt_6hr float8, uo_rt_12hr float8, uo_rt_24hr float8,
                aki_stage_uo int, aki_stage_crrt int, aki_stage int, aki_stage_smoothed int)
  AS 'MODULE_PATHNAME', 'kdigo_stages'
  LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 10000;
COMMENT ON FUNCTION precmed.kdigo_stages(text, text, text, text, text, text, text) IS
  'KDIGO AKI stage at every creatinine, urine-output and CRRT time of each ICU stay, row for row as mimic-code''s MIMIC-IV kdigo_stages (commit 8bcbd190). Inputs are queries: stays(stay_id, subject_id, intime, outtime), creatinine(subject_id, charttime, value_mg_dl), urine_output(stay_id, charttime, ml), weight(stay_id, charttime, kg, weight_type) or weight intervals (stay_id, starttime, endtime, kg), crrt(stay_id, charttime[, crrt_mode]). smooth_by ''subject'' (reference) or ''stay''; stage3_rule ''current'' or ''legacy'' (pre-2026). See docs/aki.md.';

CREATE FUNCTION precmed.kdigo_creat_stage(creat float8, creat_low_past_7day float8,
                                          creat_low_past_48hr float8,
                                          stage3_rule text DEFAULT 'current')
  RETURNS int
  AS 'MODULE_PATHNAME', 'kdigo_creat_stage'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.kdigo_creat_stage(float8, float8, float8, text) IS
  'KDIGO creatinine stage (0-3) of a creatinine value (mg/dL) given the lowest earlier value of the past 7 days and of the past 48 hours, as mimic-code''s kdigo_stages: 3 if >= 3x the 7-day low, or >= 4.0 with a +0.3 rise in 48 h or >= 1.5x (legacy: or 48-h low <= 3.7); 2 if >= 2x; 1 if >= +0.3 or >= 1.5x; a NULL low makes its rule fall through.';

CREATE FUNCTION precmed.kdigo_uo_stage(charttime timestamp, intime timestamp,
                                       uo_rt_6hr float8, uo_rt_12hr float8, uo_rt_24hr float8,
                                       uo_tm_6hr float8, uo_tm_12hr float8, uo_tm_24hr float8)
  RETURNS int
  AS 'MODULE_PATHNAME', 'kdigo_uo_stage'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.kdigo_uo_stage(timestamp, timestamp, float8, float8, float8, float8, float8, float8) IS
  'KDIGO urine-output stage from the 6/12/24-h rates (mL/kg/h, rounded to 4 decimals) and documented hours, as mimic-code''s kdigo_stages: NULL without a 6-h rate, 0 up to intime + 6 h, 3 if the 24-h rate < 0.3 over >= 24 h or anuria over >= 12 h, 2 if the 12-h rate < 0.5 over >= 12 h, 1 if the 6-h rate < 0.5 over >= 6 h.';

-- ---- baselines ---------------------------------------------------------------
CREATE FUNCTION precmed.creatinine_baseline_mdrd(age float8, female boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'creatinine_baseline_mdrd'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.creatinine_baseline_mdrd(float8, boolean) IS
  'Serum creatinine (mg/dL) that the simplified MDRD equation gives for an eGFR of 75 mL/min/1.73 m2 (KDIGO/ADQI back-calculated baseline): (75 / (186 * age^-0.203 * 0.742 if female))^(-1/1.154). NULL under 18 years, as mimic-code''s creatinine_baseline.';

CREATE FUNCTION precmed.creatinine_baseline(scr_min float8, age float8, female boolean, ckd boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'creatinine_baseline'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.creatinine_baseline(float8, float8, boolean, boolean) IS
  'Admission baseline creatinine (mg/dL) as mimic-code''s creatinine_baseline: scr_min (the admission''s lowest creatinine) when <= 1.1 or with CKD, else the MDRD estimate at eGFR 75. NULL under 18 years.';

-- ---- stay summary aggregate -------------------------------------------------------
CREATE TYPE precmed.kdigo_summary AS (
  max_stage int, first_stage1 timestamp, first_stage2 timestamp, first_stage3 timestamp, rows bigint);
COMMENT ON TYPE precmed.kdigo_summary IS
  'Result of precmed.kdigo_summary: worst KDIGO stage, first time at stage >= 1, >= 2 and 3, number of staged rows.';

CREATE FUNCTION precmed_internal.kdigo_summary_transfn(internal, timestamp, int) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_summary_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_transfn(internal, timestamp, int) IS 'Transition function of precmed.kdigo_summary.';
CREATE FUNCTION precmed_internal.kdigo_summary_combinefn(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_summary_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_combinefn(internal, internal) IS 'Combine function of precmed.kdigo_summary.';
CREATE FUNCTION precmed_internal.kdigo_summary_serialfn(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'kdigo_summary_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_serialfn(internal) IS 'Serial function of precmed.kdigo_summary.';
CREATE FUNCTION precmed_internal.kdigo_summary_deserialfn(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_summary_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_deserialfn(bytea, internal) IS 'Deserial function of precmed.kdigo_summary.';
CREATE FUNCTION precmed_internal.kdigo_summary_finalfn(internal) RETURNS precmed.kdigo_summary
  AS 'MODULE_PATHNAME', 'kdigo_summary_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_finalfn(internal) IS 'Final function of precmed.kdigo_summary.';

CREATE AGGREGATE precmed.kdigo_summary(charttime timestamp, aki_stage int) (
  SFUNC = precmed_internal.kdigo_summary_transfn, STYPE = internal, SSPACE = 64,
  FINALFUNC = precmed_internal.kdigo_summary_finalfn,
  COMBINEFUNC = precmed_internal.kdigo_summary_combinefn,
  SERIALFUNC = precmed_internal.kdigo_summary_serialfn, DESERIALFUNC = precmed_internal.kdigo_summary_deserialfn,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_summary(timestamp, int) IS
  'Stay summary of kdigo_stages rows: (max_stage, first_stage1, first_stage2, first_stage3, rows). Rows with a NULL stage are skipped; a window such as the first 48 h is a FILTER clause.';

-- ---- urine-output rate aggregate ------------------------------------------------
CREATE FUNCTION precmed_internal.kdigo_uo_rate_transfn(internal, float8, float8, float8, timestamp, float8, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_transfn(internal, float8, float8, float8, timestamp, float8, float8) IS 'Transition function of precmed.kdigo_uo_rate.';
CREATE FUNCTION precmed_internal.kdigo_uo_rate_combinefn(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_combinefn(internal, internal) IS 'Combine function of precmed.kdigo_uo_rate.';
CREATE FUNCTION precmed_internal.kdigo_uo_rate_serialfn(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_serialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_serialfn(internal) IS 'Serial function of precmed.kdigo_uo_rate.';
CREATE FUNCTION precmed_internal.kdigo_uo_rate_deserialfn(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_deserialfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_deserialfn(bytea, internal) IS 'Deserial function of precmed.kdigo_uo_rate.';
CREATE FUNCTION precmed_internal.kdigo_uo_rate_finalfn(internal) RETURNS float8
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_finalfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_finalfn(internal) IS 'Final function of precmed.kdigo_uo_rate.';

CREATE AGGREGATE precmed.kdigo_uo_rate(ml float8, hours float8, kg float8, charttime timestamp,
                                       min_hours float8, max_hours float8) (
  SFUNC = precmed_internal.kdigo_uo_rate_transfn, STYPE = internal, SSPACE = 72,
  FINALFUNC = precmed_internal.kdigo_uo_rate_finalfn,
  COMBINEFUNC = precmed_internal.kdigo_uo_rate_combinefn,
  SERIALFUNC = precmed_internal.kdigo_uo_rate_serialfn, DESERIALFUNC = precmed_internal.kdigo_uo_rate_deserialfn,
  PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_uo_rate(float8, float8, float8, timestamp, float8, float8) IS
  'Urine-output rate (mL/kg/h, 4 decimals) of kdigo_uo over a window frame: sum(ml) / kg of the latest row / round(sum(hours), 6), NULL unless min_hours <= round(sum(hours), 6) < max_hours (max_hours NULL: no upper bound). hours = hours since the previous urine row (1 for the first).';
