-- precmed install script, part 00: common support.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

COMMENT ON SCHEMA precmed IS
  'precmed: clinical data standardization and scoring. See docs/index.md.';

-- Any role may call precmed's functions and read its reference tables; what a
-- function reads of the user's own tables is still checked against the caller.
GRANT USAGE ON SCHEMA precmed TO PUBLIC;

-- Functions users do not call themselves (aggregate support functions,
-- trigger functions, the readers behind aki_features) live in a schema of
-- their own, out of the way of \df precmed.*
CREATE SCHEMA precmed_internal;
COMMENT ON SCHEMA precmed_internal IS
  'precmed: support functions of precmed''s aggregates, triggers and SQL functions; not called directly.';
GRANT USAGE ON SCHEMA precmed_internal TO PUBLIC;

CREATE FUNCTION precmed.version() RETURNS text
  AS 'MODULE_PATHNAME', 'version'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.version() IS
  'Version of the loaded precmed library, e.g. 0.2.0.';

CREATE FUNCTION precmed.build_info() RETURNS jsonb
  AS 'MODULE_PATHNAME', 'build_info'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.build_info() IS
  'Versions precmed was built against and runs with: PostgreSQL, OpenBLAS (and its thread count), libxml2, XGBoost.';

CREATE FUNCTION precmed.check_input(query text, columns text[], types regtype[]) RETURNS bigint
  AS 'MODULE_PATHNAME', 'check_input'
  LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.check_input(text, text[], regtype[]) IS
  'Checks a query (or table name) the way precmed reads table inputs: each named column must exist once and cast to its type (a name ending in ? may be absent). Runs it and returns its row count.';

CREATE FUNCTION precmed.check_vector(x float8[], expected_length int DEFAULT NULL) RETURNS int
  AS 'MODULE_PATHNAME', 'check_vector'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.check_vector(float8[], int) IS
  'Checks a feature vector as precmed''s models read it: one-dimensional, NULL or NaN elements are missing values, no infinity, and of expected_length when given. Returns its length.';


-- Shipped reference tables refuse changes outside precmed's own scripts
-- (src/common/reference_data.c): functions cache them, pg_dump leaves them out.
CREATE FUNCTION precmed_internal.refuse_reference_change() RETURNS trigger
  AS 'MODULE_PATHNAME', 'refuse_reference_change'
  LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed_internal.refuse_reference_change() IS
  'Trigger function on precmed''s reference tables: refuses INSERT, UPDATE, DELETE and TRUNCATE (42501) except from precmed''s install and update scripts.';
