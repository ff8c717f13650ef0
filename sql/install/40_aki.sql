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

-- ---- precmed.kdigo_summary_state: the state of the stay summary of kdigo_summary ----
CREATE TYPE precmed.kdigo_summary_state;
CREATE FUNCTION precmed_internal.kdigo_summary_state_in(cstring) RETURNS precmed.kdigo_summary_state
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_in(cstring) IS 'Input function of precmed.kdigo_summary_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.kdigo_summary_state_out(precmed.kdigo_summary_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_out(precmed.kdigo_summary_state) IS 'Output function of precmed.kdigo_summary_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.kdigo_summary_state_recv(internal) RETURNS precmed.kdigo_summary_state
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_recv(internal) IS 'Receive function of precmed.kdigo_summary_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.kdigo_summary_state_send(precmed.kdigo_summary_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_send(precmed.kdigo_summary_state) IS 'Send function of precmed.kdigo_summary_state: the state''s bytes.';
CREATE TYPE precmed.kdigo_summary_state (
  INPUT = precmed_internal.kdigo_summary_state_in, OUTPUT = precmed_internal.kdigo_summary_state_out,
  RECEIVE = precmed_internal.kdigo_summary_state_recv, SEND = precmed_internal.kdigo_summary_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.kdigo_summary_state IS
  'Partial state of the stay summary of kdigo_summary: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It has a fixed size and is updated in place. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.kdigo_summary_state_transfn(precmed.kdigo_summary_state, timestamp, int) RETURNS precmed.kdigo_summary_state
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_transfn(precmed.kdigo_summary_state, timestamp, int) IS 'Transition function over precmed.kdigo_summary_state: adds a row.';
CREATE FUNCTION precmed_internal.kdigo_summary_state_combinefn(precmed.kdigo_summary_state, precmed.kdigo_summary_state) RETURNS precmed.kdigo_summary_state
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_combinefn(precmed.kdigo_summary_state, precmed.kdigo_summary_state) IS 'Combine function over precmed.kdigo_summary_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.kdigo_summary_state_mergefn(precmed.kdigo_summary_state, bytea) RETURNS precmed.kdigo_summary_state
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_mergefn(precmed.kdigo_summary_state, bytea) IS 'Transition function of the _merge aggregates over precmed.kdigo_summary_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.kdigo_summary_state_bytes(precmed.kdigo_summary_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'kdigo_summary_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_state_bytes(precmed.kdigo_summary_state) IS 'Final function of the _state aggregates over precmed.kdigo_summary_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.kdigo_summary_finish(precmed.kdigo_summary_state) RETURNS precmed.kdigo_summary
  AS 'MODULE_PATHNAME', 'kdigo_summary_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_summary_finish(precmed.kdigo_summary_state) IS 'Final function of precmed.kdigo_summary and precmed.kdigo_summary_merge.';
CREATE AGGREGATE precmed.kdigo_summary(charttime timestamp, aki_stage int) (
  SFUNC = precmed_internal.kdigo_summary_state_transfn, STYPE = precmed.kdigo_summary_state,
  FINALFUNC = precmed_internal.kdigo_summary_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.kdigo_summary_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_summary(timestamp, int) IS
  'Stay summary of kdigo_stages rows: (max_stage, first_stage1, first_stage2, first_stage3, rows). Rows with a NULL stage are skipped; a window such as the first 48 h is a FILTER clause.';
CREATE AGGREGATE precmed.kdigo_summary_state(charttime timestamp, aki_stage int) (
  SFUNC = precmed_internal.kdigo_summary_state_transfn, STYPE = precmed.kdigo_summary_state,
  FINALFUNC = precmed_internal.kdigo_summary_state_bytes,
  COMBINEFUNC = precmed_internal.kdigo_summary_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_summary_state(timestamp, int) IS
  'The state of precmed.kdigo_summary over these rows as bytes (a precmed.kdigo_summary_state: header, payload, CRC-32C), to finish elsewhere with precmed.kdigo_summary_merge; NULL without rows.';
CREATE AGGREGATE precmed.kdigo_summary_merge(state bytea) (
  SFUNC = precmed_internal.kdigo_summary_state_mergefn, STYPE = precmed.kdigo_summary_state,
  FINALFUNC = precmed_internal.kdigo_summary_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.kdigo_summary_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_summary_merge(bytea) IS
  'precmed.kdigo_summary finished from the states precmed.kdigo_summary_state (or any _state aggregate of precmed.kdigo_summary_state) returned where the rows are: the same answer as precmed.kdigo_summary over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';

-- ---- urine-output rate aggregate ------------------------------------------------
-- ---- precmed.uo_rate_state: the state of the urine-output sums of kdigo_uo_rate ----
CREATE TYPE precmed.uo_rate_state;
CREATE FUNCTION precmed_internal.uo_rate_state_in(cstring) RETURNS precmed.uo_rate_state
  AS 'MODULE_PATHNAME', 'uo_rate_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_in(cstring) IS 'Input function of precmed.uo_rate_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.uo_rate_state_out(precmed.uo_rate_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'uo_rate_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_out(precmed.uo_rate_state) IS 'Output function of precmed.uo_rate_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.uo_rate_state_recv(internal) RETURNS precmed.uo_rate_state
  AS 'MODULE_PATHNAME', 'uo_rate_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_recv(internal) IS 'Receive function of precmed.uo_rate_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.uo_rate_state_send(precmed.uo_rate_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'uo_rate_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_send(precmed.uo_rate_state) IS 'Send function of precmed.uo_rate_state: the state''s bytes.';
CREATE TYPE precmed.uo_rate_state (
  INPUT = precmed_internal.uo_rate_state_in, OUTPUT = precmed_internal.uo_rate_state_out,
  RECEIVE = precmed_internal.uo_rate_state_recv, SEND = precmed_internal.uo_rate_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.uo_rate_state IS
  'Partial state of the urine-output sums of kdigo_uo_rate: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It has a fixed size and is updated in place. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.uo_rate_state_transfn(precmed.uo_rate_state, float8, float8, float8, timestamp, float8, float8) RETURNS precmed.uo_rate_state
  AS 'MODULE_PATHNAME', 'uo_rate_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_transfn(precmed.uo_rate_state, float8, float8, float8, timestamp, float8, float8) IS 'Transition function over precmed.uo_rate_state: adds a row.';
CREATE FUNCTION precmed_internal.uo_rate_state_combinefn(precmed.uo_rate_state, precmed.uo_rate_state) RETURNS precmed.uo_rate_state
  AS 'MODULE_PATHNAME', 'uo_rate_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_combinefn(precmed.uo_rate_state, precmed.uo_rate_state) IS 'Combine function over precmed.uo_rate_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.uo_rate_state_mergefn(precmed.uo_rate_state, bytea) RETURNS precmed.uo_rate_state
  AS 'MODULE_PATHNAME', 'uo_rate_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_mergefn(precmed.uo_rate_state, bytea) IS 'Transition function of the _merge aggregates over precmed.uo_rate_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.uo_rate_state_bytes(precmed.uo_rate_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'uo_rate_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.uo_rate_state_bytes(precmed.uo_rate_state) IS 'Final function of the _state aggregates over precmed.uo_rate_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.kdigo_uo_rate_finish(precmed.uo_rate_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'kdigo_uo_rate_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.kdigo_uo_rate_finish(precmed.uo_rate_state) IS 'Final function of precmed.kdigo_uo_rate and precmed.kdigo_uo_rate_merge.';
CREATE AGGREGATE precmed.kdigo_uo_rate(ml float8, hours float8, kg float8, charttime timestamp, min_hours float8, max_hours float8) (
  SFUNC = precmed_internal.uo_rate_state_transfn, STYPE = precmed.uo_rate_state,
  FINALFUNC = precmed_internal.kdigo_uo_rate_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.uo_rate_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_uo_rate(float8, float8, float8, timestamp, float8, float8) IS
  'Urine-output rate (mL/kg/h, 4 decimals) of kdigo_uo over a window frame: sum(ml) / kg of the latest row / round(sum(hours), 6), NULL unless min_hours <= round(sum(hours), 6) < max_hours (max_hours NULL: no upper bound). hours = hours since the previous urine row (1 for the first).';
CREATE AGGREGATE precmed.kdigo_uo_rate_state(ml float8, hours float8, kg float8, charttime timestamp, min_hours float8, max_hours float8) (
  SFUNC = precmed_internal.uo_rate_state_transfn, STYPE = precmed.uo_rate_state,
  FINALFUNC = precmed_internal.uo_rate_state_bytes,
  COMBINEFUNC = precmed_internal.uo_rate_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_uo_rate_state(float8, float8, float8, timestamp, float8, float8) IS
  'The state of precmed.kdigo_uo_rate over these rows as bytes (a precmed.uo_rate_state: header, payload, CRC-32C), to finish elsewhere with precmed.kdigo_uo_rate_merge; NULL without rows.';
CREATE AGGREGATE precmed.kdigo_uo_rate_merge(state bytea) (
  SFUNC = precmed_internal.uo_rate_state_mergefn, STYPE = precmed.uo_rate_state,
  FINALFUNC = precmed_internal.kdigo_uo_rate_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.uo_rate_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.kdigo_uo_rate_merge(bytea) IS
  'precmed.kdigo_uo_rate finished from the states precmed.kdigo_uo_rate_state (or any _state aggregate of precmed.uo_rate_state) returned where the rows are: the same answer as precmed.kdigo_uo_rate over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
