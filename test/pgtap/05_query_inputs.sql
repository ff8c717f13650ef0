-- Hostile query texts given to every query argument of every precmed
-- function: each is refused with a clear error before anything runs, no
-- table changes, and the server stays up.
BEGIN;
SELECT plan(605);

-- a table the hostile texts try to change
CREATE TABLE qi_victim (x int);
INSERT INTO qi_victim VALUES (1), (2), (3);
CREATE FUNCTION qi_proc() RETURNS void LANGUAGE sql AS 'DELETE FROM qi_victim';

-- small valid inputs, so that each call reaches the argument under test
CREATE TABLE qi_stays AS SELECT 1::bigint AS stay_id, 1::bigint AS subject_id,
  '2020-01-01'::timestamp AS intime, '2020-01-05'::timestamp AS outtime;
CREATE TABLE qi_creat AS SELECT 1::bigint AS subject_id, '2020-01-01 06:00'::timestamp AS charttime,
  1.0::float8 AS value_mg_dl;
CREATE TABLE qi_urine AS SELECT 1::bigint AS stay_id, '2020-01-01 06:00'::timestamp AS charttime,
  100.0::float8 AS ml;
CREATE TABLE qi_weight AS SELECT 1::bigint AS stay_id, '2020-01-01'::timestamp AS charttime,
  70.0::float8 AS kg, 'admit'::text AS weight_type;
CREATE TABLE qi_obs AS SELECT 1::bigint AS stay_id, '2020-01-01 06:00'::timestamp AS charttime,
  'creatinine'::text AS variable, 1.0::float8 AS value;
CREATE TABLE qi_aki_stays AS SELECT 1::bigint AS stay_id, '2020-01-01'::timestamp AS intime,
  60.0::float8 AS age, true AS female;
CREATE TABLE qi_assoc (left_id text, right_id text);
INSERT INTO qi_assoc VALUES ('d1', 'x1'), ('d2', 'x2'), ('d3', 'x1'), ('d1', 'x2');
CREATE TABLE qi_lsim (id_a text, id_b text, similarity float8);
INSERT INTO qi_lsim VALUES ('d1', 'd2', 0.5), ('d2', 'd3', 0.2), ('d1', 'd3', 0.1);
CREATE TABLE qi_rsim (id_a text, id_b text, similarity float8);
INSERT INTO qi_rsim VALUES ('x1', 'x2', 0.3);
CREATE TABLE qi_folds AS SELECT left_id, right_id, (row_number() OVER (ORDER BY left_id, right_id) % 2)::int AS fold
  FROM qi_assoc;
CREATE TABLE qi_pairs (id_l text, id_r text, match_probability float8);
INSERT INTO qi_pairs VALUES ('a', 'b', 0.9);

-- every query argument: the call, with %s where the hostile text goes
CREATE TEMP TABLE qi_call (name text, template text);
INSERT INTO qi_call VALUES
  ('check_input(query)', $$SELECT precmed.check_input(%s, '{x}', '{int}')$$),
  ('kdigo_stages(stays)', $$SELECT count(*) FROM precmed.kdigo_stages(%s, 'qi_creat', 'qi_urine', 'qi_weight')$$),
  ('kdigo_stages(creatinine)', $$SELECT count(*) FROM precmed.kdigo_stages('qi_stays', %s, 'qi_urine', 'qi_weight')$$),
  ('kdigo_stages(urine_output)', $$SELECT count(*) FROM precmed.kdigo_stages('qi_stays', 'qi_creat', %s, 'qi_weight')$$),
  ('kdigo_stages(weight)', $$SELECT count(*) FROM precmed.kdigo_stages('qi_stays', 'qi_creat', 'qi_urine', %s)$$),
  ('kdigo_stages(crrt)', $$SELECT count(*) FROM precmed.kdigo_stages('qi_stays', 'qi_creat', 'qi_urine', 'qi_weight', %s)$$),
  ('aki_features(observations)', $$SELECT count(*) FROM precmed.aki_features(%s, 'qi_aki_stays')$$),
  ('aki_features(stays)', $$SELECT count(*) FROM precmed.aki_features('qi_obs', %s)$$),
  ('aki_observation_rows', $$SELECT count(*) FROM precmed_internal.aki_observation_rows(%s)$$),
  ('aki_stay_rows', $$SELECT count(*) FROM precmed_internal.aki_stay_rows(%s)$$),
  ('link_predict(associations)', $$SELECT count(*) FROM precmed.link_predict(%s, 'qi_lsim', 'qi_rsim')$$),
  ('link_predict(left_similarity)', $$SELECT count(*) FROM precmed.link_predict('qi_assoc', %s, 'qi_rsim')$$),
  ('link_predict(right_similarity)', $$SELECT count(*) FROM precmed.link_predict('qi_assoc', 'qi_lsim', %s)$$),
  ('link_cv(associations)', $$SELECT count(*) FROM precmed.link_cv(%s, 'qi_lsim', 'qi_rsim', 'qi_folds')$$),
  ('link_cv(left_similarity)', $$SELECT count(*) FROM precmed.link_cv('qi_assoc', %s, 'qi_rsim', 'qi_folds')$$),
  ('link_cv(right_similarity)', $$SELECT count(*) FROM precmed.link_cv('qi_assoc', 'qi_lsim', %s, 'qi_folds')$$),
  ('link_cv(folds)', $$SELECT count(*) FROM precmed.link_cv('qi_assoc', 'qi_lsim', 'qi_rsim', %s)$$),
  ('link_folds(associations)', $$SELECT count(*) FROM precmed.link_folds(%s, 2)$$),
  ('link_top_k(associations)', $$SELECT count(*) FROM precmed.link_top_k(%s, 'qi_lsim', 'qi_rsim')$$),
  ('link_top_k(left_similarity)', $$SELECT count(*) FROM precmed.link_top_k('qi_assoc', %s, 'qi_rsim')$$),
  ('link_top_k(right_similarity)', $$SELECT count(*) FROM precmed.link_top_k('qi_assoc', 'qi_lsim', %s)$$),
  ('link_clusters(pairs)', $$SELECT count(*) FROM precmed.link_clusters(%s, 0.5)$$);

-- the hostile texts and the SQLSTATE each must get
CREATE TEMP TABLE qi_hostile (label text, query text, sqlstate text);
INSERT INTO qi_hostile VALUES
  ('closing parenthesis, then more statements',
   'SELECT 1 AS x) AS precmed_input; DELETE FROM qi_victim; SELECT * FROM (SELECT 1 AS x', '42601'),
  ('a SELECT, then DROP', 'SELECT 1 AS x; DROP TABLE qi_victim', '42601'),
  ('a comment, then DELETE', 'SELECT 1 AS x /* */; DELETE FROM qi_victim', '42601'),
  ('a table name, then DELETE', 'qi_victim; DELETE FROM qi_victim', '42601'),
  ('two VALUES', 'VALUES (1); VALUES (2)', '42601'),
  ('DROP TABLE', 'DROP TABLE qi_victim', '0A000'),
  ('DELETE RETURNING', 'DELETE FROM qi_victim RETURNING x', '0A000'),
  ('INSERT RETURNING', 'INSERT INTO qi_victim VALUES (9) RETURNING x', '0A000'),
  ('UPDATE RETURNING', 'UPDATE qi_victim SET x = 0 RETURNING x', '0A000'),
  ('MERGE', 'MERGE INTO qi_victim v USING (SELECT 1 AS x) s ON v.x = s.x WHEN MATCHED THEN DELETE', '0A000'),
  ('data-modifying CTE', 'WITH d AS (DELETE FROM qi_victim RETURNING x) SELECT * FROM d', '0A000'),
  ('data-modifying CTE in a subquery',
   'SELECT * FROM (WITH e AS (UPDATE qi_victim SET x = 0 RETURNING x) SELECT * FROM e) s', '0A000'),
  ('SELECT INTO', 'SELECT x INTO qi_new FROM qi_victim', '0A000'),
  ('FOR UPDATE', 'SELECT x FROM qi_victim FOR UPDATE', '0A000'),
  ('FOR SHARE in a subquery', 'SELECT * FROM (SELECT x FROM qi_victim FOR SHARE) s', '0A000'),
  ('FOR UPDATE in a CTE', 'WITH l AS (SELECT x FROM qi_victim FOR NO KEY UPDATE) SELECT * FROM l', '0A000'),
  ('COPY', 'COPY qi_victim TO STDOUT', '0A000'),
  ('CREATE TABLE AS', 'CREATE TABLE qi_new AS SELECT 1 AS x', '0A000'),
  ('DO', $$DO 'BEGIN DELETE FROM qi_victim; END'$$, '0A000'),
  ('EXPLAIN ANALYZE DELETE', 'EXPLAIN ANALYZE DELETE FROM qi_victim', '0A000'),
  ('PREPARE', 'PREPARE qi_p AS DELETE FROM qi_victim', '0A000'),
  ('TRUNCATE', 'TRUNCATE qi_victim', '0A000'),
  ('LOCK', 'LOCK TABLE qi_victim', '0A000'),
  ('SET ROLE', 'SET ROLE postgres', '0A000'),
  ('CALL', 'CALL qi_proc()', '0A000'),
  ('only semicolons', ' ;; ', '22023'),
  ('empty', '', '22023');

SELECT throws_ok(format(c.template, quote_literal(h.query)), h.sqlstate, NULL,
                 c.name || ': ' || h.label || ' is refused with ' || h.sqlstate)
  FROM qi_call c CROSS JOIN qi_hostile h
 ORDER BY c.name, h.label;

-- the first report: a multi-statement text that crashed the server in 0.1.0
SELECT throws_ok($q$SELECT count(*) FROM precmed.kdigo_stages(
  'SELECT * FROM qi_stays', 'SELECT * FROM qi_creat',
  'SELECT 1::bigint AS stay_id, now()::timestamp AS charttime, 1::float8 AS ml WHERE false',
  $w$SELECT 1::bigint AS stay_id, '2020-01-01'::timestamp AS charttime, 70::float8 AS kg, 'admit'::text AS weight_type) AS precmed_input; SELECT 1::bigint, '2020-01-01'::timestamp, 70::float8, 123456789::bigint; SELECT * FROM (SELECT 1::bigint AS stay_id, '2020-01-01'::timestamp AS charttime, 70::float8 AS kg, 'admit'::text AS weight_type$w$)$q$,
  '42601', NULL, 'the 0.1.0 crash report: refused as a syntax error, the server stays up');

-- a syntax error points into the argument's own text
SELECT throws_like($$SELECT precmed.check_input('SELEC 1', '{x}', '{int}')$$,
                   'syntax error at or near "SELEC"', 'a syntax error names the argument text');

-- nothing changed, nothing was created
SELECT results_eq('SELECT x FROM qi_victim ORDER BY x', ARRAY[1, 2, 3], 'qi_victim is untouched');
SELECT hasnt_table('qi_new', 'no table was created');

-- what is still accepted: the forms of a read-only query
SELECT is(precmed.check_input('qi_victim', '{x}', '{int}'), 3::bigint, 'a table name');
SELECT is(precmed.check_input('public.qi_victim', '{x}', '{int}'), 3::bigint, 'a schema-qualified table name');
SELECT is(precmed.check_input('  TABLE qi_victim ;  ', '{x}', '{int}'), 3::bigint, 'TABLE with a trailing semicolon');
SELECT is(precmed.check_input('VALUES (1), (2)', '{column1}', '{int}'), 2::bigint, 'VALUES');
SELECT is(precmed.check_input('WITH w AS (SELECT x FROM qi_victim) SELECT x FROM w -- note; DELETE',
                              '{x}', '{int}'), 3::bigint, 'WITH ... SELECT, a comment holding a semicolon');
SELECT is(precmed.check_input('SELECT x::numeric AS x FROM qi_victim UNION ALL SELECT 4.0', '{x}', '{bigint}'),
          4::bigint, 'UNION ALL, numeric cast to bigint');

-- casts happen in C and give the values a cast in SQL would
SELECT results_eq($$SELECT stay_id, intime, age, female, height, weight, icu_type FROM precmed_internal.aki_stay_rows(
                     'SELECT 7::int AS stay_id, ''2020-01-01 10:00+00''::timestamptz AS intime, 61.5::numeric AS age, true AS female')$$,
                  $$VALUES (7::bigint, '2020-01-01 10:00+00'::timestamptz::timestamp, 61.5::float8, true,
                            NULL::float8, NULL::float8, NULL::int)$$,
                  'int, timestamptz and numeric columns are cast to bigint, timestamp and float8; absent optional columns are NULL');

SELECT * FROM finish();
ROLLBACK;
