-- precmed upgrade 0.1.0 -> 0.2.0, part 30: record linkage.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- aggregate support functions move to precmed_internal
ALTER FUNCTION precmed.fs_train_transfn(internal, integer[], jsonb) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_transfn(internal, integer[]) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_finalfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_level_frequencies_finalfn(internal) SET SCHEMA precmed_internal;

-- ---- concrete state types (scale-out): aggregates keep their state in a
-- varlena type so parallel query, postgres_fdw and Citus can distribute them;
-- each aggregate X gains X_state and X_merge.  The internal-state support
-- functions go (their C symbols stay for 0.1.0's SQL).
DROP AGGREGATE precmed.fs_train(int[], jsonb);
DROP AGGREGATE precmed.fs_train(int[]);
DROP AGGREGATE precmed.fs_level_frequencies(int[], jsonb);
DROP FUNCTION precmed_internal.fs_train_transfn(internal, int[], jsonb);
DROP FUNCTION precmed_internal.fs_train_transfn(internal, int[]);
DROP FUNCTION precmed_internal.fs_train_combinefn(internal, internal);
DROP FUNCTION precmed_internal.fs_train_serialfn(internal);
DROP FUNCTION precmed_internal.fs_train_deserialfn(bytea, internal);
DROP FUNCTION precmed_internal.fs_train_finalfn(internal);
DROP FUNCTION precmed_internal.fs_level_frequencies_finalfn(internal);
-- ---- precmed.fs_state: the state of the comparison-vector counts of fs_train and fs_level_frequencies ----
CREATE TYPE precmed.fs_state;
CREATE FUNCTION precmed_internal.fs_state_in(cstring) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_in(cstring) IS 'Input function of precmed.fs_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_out(precmed.fs_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'fs_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_out(precmed.fs_state) IS 'Output function of precmed.fs_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.fs_state_recv(internal) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_recv(internal) IS 'Receive function of precmed.fs_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_send(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_send(precmed.fs_state) IS 'Send function of precmed.fs_state: the state''s bytes.';
CREATE TYPE precmed.fs_state (
  INPUT = precmed_internal.fs_state_in, OUTPUT = precmed_internal.fs_state_out,
  RECEIVE = precmed_internal.fs_state_recv, SEND = precmed_internal.fs_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.fs_state IS
  'Partial state of the comparison-vector counts of fs_train and fs_level_frequencies: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It grows with the rows (O(rows), bounded by precmed.max_memory_mb) and is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[], jsonb) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[], jsonb) IS 'Transition function over precmed.fs_state: adds a row.';
CREATE FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[]) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[]) IS 'Transition function over precmed.fs_state: adds a row.';
CREATE FUNCTION precmed_internal.fs_state_combinefn(precmed.fs_state, precmed.fs_state) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_combinefn(precmed.fs_state, precmed.fs_state) IS 'Combine function over precmed.fs_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.fs_state_mergefn(precmed.fs_state, bytea) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_mergefn(precmed.fs_state, bytea) IS 'Transition function of the _merge aggregates over precmed.fs_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_bytes(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_bytes(precmed.fs_state) IS 'Final function of the _state aggregates over precmed.fs_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.fs_train_finish(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_train_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_train_finish(precmed.fs_state) IS 'Final function of precmed.fs_train and precmed.fs_train_merge.';
CREATE FUNCTION precmed_internal.fs_level_frequencies_finish(precmed.fs_state) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'fs_level_frequencies_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_level_frequencies_finish(precmed.fs_state) IS 'Final function of precmed.fs_level_frequencies and precmed.fs_level_frequencies_merge.';
CREATE AGGREGATE precmed.fs_train(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train(int[], jsonb) IS
  'Fellegi-Sunter model by EM over candidate pairs: per field and level the m (given match) and u (given non-match) probabilities, and the prior match probability. Each row is one pair''s comparison levels (NULL element = field missing). params: levels, fields, max_iterations, tolerance, prior, m (start), u (fixed). See docs/linkage.md.';
CREATE AGGREGATE precmed.fs_train(comparisons int[]) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train(int[]) IS
  'fs_train(comparisons, ''{}''): a Fellegi-Sunter model by EM with the default parameters.';
CREATE AGGREGATE precmed.fs_train_state(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_state(int[], jsonb) IS
  'The state of precmed.fs_train over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_train_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_train_state(comparisons int[]) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_state(int[]) IS
  'The state of precmed.fs_train over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_train_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_train_merge(state bytea) (
  SFUNC = precmed_internal.fs_state_mergefn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_merge(bytea) IS
  'precmed.fs_train finished from the states precmed.fs_train_state (or any _state aggregate of precmed.fs_state) returned where the rows are: the same answer as precmed.fs_train over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.fs_level_frequencies(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_level_frequencies_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies(int[], jsonb) IS
  'Share of pairs at each level of each field, as a jsonb array of arrays (missing fields left out; params as fs_train: levels, smoothing). Over random record pairs this estimates the u table: pass it to fs_train as params "u".';
CREATE AGGREGATE precmed.fs_level_frequencies_state(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies_state(int[], jsonb) IS
  'The state of precmed.fs_level_frequencies over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_level_frequencies_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_level_frequencies_merge(state bytea) (
  SFUNC = precmed_internal.fs_state_mergefn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_level_frequencies_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies_merge(bytea) IS
  'precmed.fs_level_frequencies finished from the states precmed.fs_level_frequencies_state (or any _state aggregate of precmed.fs_state) returned where the rows are: the same answer as precmed.fs_level_frequencies over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
