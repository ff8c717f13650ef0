-- precmed upgrade 0.1.0 -> 0.2.0, part 40: KDIGO AKI staging.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- aggregate support functions move to precmed_internal
ALTER FUNCTION precmed.kdigo_summary_transfn(internal, timestamp, integer) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_finalfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_transfn(internal, float8, float8, float8, timestamp, float8, float8) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_finalfn(internal) SET SCHEMA precmed_internal;

-- ---- concrete state types (scale-out): aggregates keep their state in a
-- varlena type so parallel query, postgres_fdw and Citus can distribute them;
-- each aggregate X gains X_state and X_merge.  The internal-state support
-- functions go (their C symbols stay for 0.1.0's SQL).
DROP AGGREGATE precmed.kdigo_summary(timestamp, int);
DROP FUNCTION precmed_internal.kdigo_summary_transfn(internal, timestamp, int);
DROP FUNCTION precmed_internal.kdigo_summary_combinefn(internal, internal);
DROP FUNCTION precmed_internal.kdigo_summary_serialfn(internal);
DROP FUNCTION precmed_internal.kdigo_summary_deserialfn(bytea, internal);
DROP FUNCTION precmed_internal.kdigo_summary_finalfn(internal);
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

DROP AGGREGATE precmed.kdigo_uo_rate(float8, float8, float8, timestamp, float8, float8);
DROP FUNCTION precmed_internal.kdigo_uo_rate_transfn(internal, float8, float8, float8, timestamp, float8, float8);
DROP FUNCTION precmed_internal.kdigo_uo_rate_combinefn(internal, internal);
DROP FUNCTION precmed_internal.kdigo_uo_rate_serialfn(internal);
DROP FUNCTION precmed_internal.kdigo_uo_rate_deserialfn(bytea, internal);
DROP FUNCTION precmed_internal.kdigo_uo_rate_finalfn(internal);
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
