-- precmed upgrade 0.1.0 -> 0.2.0, part 00: common support.
-- Each module adds its changes to SQL objects in its own piece (NN_<module>.sql,
-- the same numbering as sql/install/); the test/lifecycle upgrade test checks
-- that an upgraded database has exactly the objects of a fresh install.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- Functions users do not call themselves move out of \df precmed.*
CREATE SCHEMA precmed_internal;
COMMENT ON SCHEMA precmed_internal IS
  'precmed: support functions of precmed''s aggregates, triggers and SQL functions; not called directly.';
GRANT USAGE ON SCHEMA precmed_internal TO PUBLIC;

COMMENT ON FUNCTION precmed.version() IS
  'Version of the loaded precmed library, e.g. 0.2.0.';

-- Shipped reference tables refuse changes outside precmed's own scripts
-- (src/common/reference_data.c): functions cache them, pg_dump leaves them out.
CREATE FUNCTION precmed_internal.refuse_reference_change() RETURNS trigger
  AS 'MODULE_PATHNAME', 'refuse_reference_change'
  LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed_internal.refuse_reference_change() IS
  'Trigger function on precmed''s reference tables: refuses INSERT, UPDATE, DELETE and TRUNCATE (42501) except from precmed''s install and update scripts.';

-- check_vector reads a vector by the one feature-vector rule (NULL and NaN
-- are missing values); check_matrix checked a shape no function takes.
COMMENT ON FUNCTION precmed.check_vector(float8[], int) IS
  'Checks a feature vector as precmed''s models read it: one-dimensional, NULL or NaN elements are missing values, no infinity, and of expected_length when given. Returns its length.';
DROP FUNCTION precmed.check_matrix(float8[]);
