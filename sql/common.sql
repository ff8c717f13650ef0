-- Common input checks: every error path of the helpers in src/common/,
-- reached through the SQL-callable checkers.
\set VERBOSITY default
\set SHOW_CONTEXT errors

SELECT precmed.version() = extversion AS version_matches FROM pg_extension WHERE extname = 'precmed';
SELECT (precmed.build_info() ->> 'blas_threads')::int AS blas_threads;

CREATE TABLE stays (stay_id int, subject_id bigint, intime timestamptz, note text, "Note" text);
INSERT INTO stays VALUES (1, 10, '2020-01-01 00:00+00', 'a', 'b'), (2, 11, '2020-01-02 00:00+00', NULL, NULL);

-- accepted: exact types, implicit and assignment casts, a table name, trailing semicolons
SELECT precmed.check_input('SELECT stay_id, subject_id FROM stays', '{stay_id,subject_id}', '{bigint,bigint}');
SELECT precmed.check_input('stays', '{stay_id,intime}', '{bigint,timestamp}');
SELECT precmed.check_input('  SELECT * FROM stays WHERE stay_id = 1 ;; ', '{stay_id}', '{int}');
SELECT precmed.check_input('VALUES (1.5)', '{column1}', '{float8}');
-- optional column absent, and present
SELECT precmed.check_input('stays', '{stay_id,weight_type?}', '{bigint,text}');
SELECT precmed.check_input('stays', '{stay_id,note?}', '{bigint,text}');

-- NULL query
SELECT precmed.check_input(NULL, '{a}', '{int}');
\echo :LAST_ERROR_SQLSTATE
-- empty query
SELECT precmed.check_input('  ;  ', '{a}', '{int}');
\echo :LAST_ERROR_SQLSTATE
-- missing column
SELECT precmed.check_input('SELECT stay_id FROM stays', '{stay_id,subject_id}', '{bigint,bigint}');
\echo :LAST_ERROR_SQLSTATE
-- names are case sensitive, as quoted identifiers are
SELECT precmed.check_input('stays', '{NOTE}', '{text}');
\echo :LAST_ERROR_SQLSTATE
-- two columns with the same name
SELECT precmed.check_input('SELECT stay_id, subject_id AS stay_id FROM stays', '{stay_id}', '{bigint}');
\echo :LAST_ERROR_SQLSTATE
-- a type that does not cast
SELECT precmed.check_input('SELECT note AS stay_id FROM stays', '{stay_id}', '{bigint}');
\echo :LAST_ERROR_SQLSTATE
-- the query itself is wrong: the context names the argument
SELECT precmed.check_input('SELECT nope FROM stays', '{nope}', '{int}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('no_such_table', '{a}', '{int}');
\echo :LAST_ERROR_SQLSTATE
-- a query that would write is refused
SELECT precmed.check_input('SELECT stay_id FROM stays FOR UPDATE', '{stay_id}', '{int}');
\echo :LAST_ERROR_SQLSTATE
-- malformed column specifications
SELECT precmed.check_input('stays', '{stay_id,subject_id}', '{bigint}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('stays', '{stay_id,NULL}', '{bigint,int}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('stays', '{}', '{}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('stays', '{{a},{b}}', '{{int},{int}}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('stays', NULL, '{int}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_input('stays', '{a}', NULL);
\echo :LAST_ERROR_SQLSTATE

-- vectors
SELECT precmed.check_vector('{1.5, 2, -3e10}');
SELECT precmed.check_vector('{1, 2}', 2);
SELECT precmed.check_vector('{}'::float8[]);
SELECT precmed.check_vector('{}'::float8[], 0);
SELECT precmed.check_vector(NULL);
\echo :LAST_ERROR_SQLSTATE
-- NULL and NaN are missing values, as every model reads them
SELECT precmed.check_vector('{1, NULL, 3}');
SELECT precmed.check_vector('{1, NaN}', 2);
SELECT precmed.check_vector('{Infinity}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_vector('{1, -Infinity}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_vector('{{1, 2}, {3, 4}}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_vector('{1, 2, 3}', 2);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_vector('{}'::float8[], 2);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.check_vector('{1}', -1);
\echo :LAST_ERROR_SQLSTATE

-- settings named precmed.* are reserved for the extension
SET precmed.no_such_setting = 1;
\echo :LAST_ERROR_SQLSTATE
