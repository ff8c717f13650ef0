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
