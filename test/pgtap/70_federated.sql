-- precmed.train_logreg_federated on one server: a table partitioned by site
-- (local partitions; the shard suite test/shards/ runs it over postgres_fdw).
-- The federated model must be precmed.train_logreg's on the same rows:
-- medians exactly (odd and even counts, ties, a middle pair split across
-- narrowing ranges, all-missing and constant features), coefficients within
-- 1e-6, predictions within 1e-9.  Then bad input, and forged requests.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(23);

CREATE TEMP TABLE fd (site int, features float8[], label float8) PARTITION BY LIST (site);
CREATE TEMP TABLE fd_1 PARTITION OF fd FOR VALUES IN (1);
CREATE TEMP TABLE fd_2 PARTITION OF fd FOR VALUES IN (2);
CREATE TEMP TABLE fd_3 PARTITION OF fd FOR VALUES IN (3);
-- 1001 rows (odd), features: a spread of values with ties, one with missing
-- values (even count), tiny and huge magnitudes, a constant, all missing but one
SELECT setseed(0.13);
INSERT INTO fd
  SELECT 1 + i % 3,
         ARRAY[round((random() * 100)::numeric, 1)::float8,
               CASE WHEN i % 4 = 0 THEN NULL ELSE (i % 9)::float8 END,
               CASE WHEN i % 2 = 0 THEN -1e-300 * i ELSE 1e150 / i END,
               7.25,
               CASE WHEN i = 500 THEN 3 ELSE NULL END,
               CASE WHEN random() < 0.5 THEN 'NaN'::float8 ELSE random() END],
         (random() < 0.3 + 0.004 * (i % 100))::int
    FROM generate_series(1, 1001) i;

CREATE TEMP TABLE models AS
  SELECT (SELECT precmed.train_logreg(features, label, '{"lambda": 0.05}') FROM fd) AS single,
         precmed.train_logreg_federated('fd', 'features', 'label', 'site', '{"lambda": 0.05}') AS fed;
CREATE TEMP VIEW coefs AS
  SELECT i, cs, cf
    FROM models, jsonb_array_elements(precmed.model_info(single)->'coefficients') WITH ORDINALITY s(cs, i)
    JOIN jsonb_array_elements(precmed.model_info(fed)->'coefficients') WITH ORDINALITY f(cf, j) ON i = j;

SELECT is((SELECT count(*) FROM coefs), 6::bigint, 'six features in both models');
SELECT is_empty($$ SELECT i FROM coefs WHERE (cs->>'median')::float8 IS DISTINCT FROM (cf->>'median')::float8 $$,
                'every median equals the single server''s exactly');
SELECT is((SELECT (cf->>'median')::float8 FROM coefs WHERE i = 4), 7.25::float8, 'constant feature: median 7.25');
SELECT is((SELECT (cf->>'median')::float8 FROM coefs WHERE i = 5), 3::float8, 'one value: its median');
SELECT ok((SELECT bool_and(abs((cs->>'mean')::float8 - (cf->>'mean')::float8) <= 1e-12 * (1 + abs((cs->>'mean')::float8))
                       AND abs((cs->>'sd')::float8 - (cf->>'sd')::float8) <= 1e-12 * (1 + abs((cs->>'sd')::float8))
                       AND cs->'missing_share' IS NOT DISTINCT FROM cf->'missing_share') FROM coefs),
          'means and SDs to 1e-12, missing shares equal');
SELECT ok((SELECT max(greatest(abs((cs->>'coef')::float8 - (cf->>'coef')::float8),
                               coalesce(abs((cs->>'missing_coef')::float8 - (cf->>'missing_coef')::float8), 0))) <= 1e-6
             FROM coefs)
          AND (SELECT abs((precmed.model_info(single)->>'intercept')::float8
                          - (precmed.model_info(fed)->>'intercept')::float8) <= 1e-6 FROM models),
          'coefficients and intercept within 1e-6');
SELECT ok((SELECT max(abs(precmed.predict(m.single, d.features) - precmed.predict(m.fed, d.features))) <= 1e-9
             FROM models m, fd d), 'predictions within 1e-9 on every row');
SELECT is((SELECT precmed.model_info(fed)->'iterations' FROM models),
          (SELECT precmed.model_info(single)->'iterations' FROM models), 'same number of Newton iterations');
SELECT is((SELECT (precmed.model_info(fed)->'federated'->>'sites')::int FROM models), 3, 'three sites answered');

-- an even count whose two middle values fall in different narrowing ranges
CREATE TEMP TABLE fe (site int, features float8[], label float8) PARTITION BY LIST (site);
CREATE TEMP TABLE fe_1 PARTITION OF fe FOR VALUES IN (1);
CREATE TEMP TABLE fe_2 PARTITION OF fe FOR VALUES IN (2);
INSERT INTO fe VALUES (1, '{-1e150}', 0), (1, '{1}', 1), (2, '{1e140}', 0), (2, '{1e150}', 1);
SELECT is((SELECT (precmed.model_info(precmed.train_logreg_federated('fe', 'features', 'label', 'site'))
                     ->'coefficients'->0->>'median')::float8),
          (SELECT (precmed.model_info(precmed.train_logreg(features, label))->'coefficients'->0->>'median')::float8 FROM fe),
          'even count, middle values 1 and 1e140 in different ranges: median as on one server');

-- bad input
CREATE TEMP TABLE fh (LIKE fe);
INSERT INTO fh VALUES (1, '{-1e300}', 0), (1, '{1}', 1), (2, '{1e300}', 0), (2, '{1e308}', 1);
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fh', 'features', 'label', 'site') $$, '22003',
                 NULL, 'values whose squares overflow: 22003, not a model with an infinite scale');
SELECT throws_ok($$ SELECT precmed.train_logreg_federated(NULL, 'features', 'label', 'site') $$, '22004',
                 'argument "relation" must not be NULL', 'NULL relation: 22004');
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fd', 'features', NULL, 'site') $$, '22004',
                 'argument "label" must not be NULL', 'NULL label column: 22004');
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fd', 'features', 'label', 'site', '{"lambda": -1}') $$,
                 '22023', NULL, 'negative lambda: 22023');
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fd', 'no_such_column', 'label', 'site') $$,
                 '42703', NULL, 'a column the relation lacks: 42703');
CREATE TEMP TABLE fx (LIKE fe);
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fx', 'features', 'label', 'site') $$, '22023',
                 'training set is empty', 'no rows: 22023');
INSERT INTO fx VALUES (1, '{1}', 1), (2, '{2}', 1);
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fx', 'features', 'label', 'site') $$, '22023',
                 'training set has only one class: 2 rows, all labelled 1', 'one class: 22023');
INSERT INTO fx VALUES (2, '{2, 3}', 0);
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fx', 'features', 'label', 'site') $$, '2202E',
                 NULL, 'vectors of different lengths: 2202E');
DELETE FROM fx WHERE cardinality(features) = 2;
INSERT INTO fx VALUES (1, '{4}', 2);
SELECT throws_ok($$ SELECT precmed.train_logreg_federated('fx', 'features', 'label', 'site') $$, '22023',
                 'argument "label" is 2 in a training row; labels must be 0 or 1', 'label 2: 22023');

-- forged requests to the per-site aggregate: errors, never a crash
SELECT throws_ok($$ SELECT precmed_internal.logreg_fed_state(features, label, '\x00'::bytea) FROM fd $$, '22P03',
                 NULL, 'a request without the marker: 22P03');
SELECT throws_ok($$ SELECT precmed_internal.logreg_fed_state(features, label,
                      '\x504d4644010002000600000000000000'::bytea) FROM fd $$, '22P03',
                 NULL, 'a sums request without its numbers: 22P03');
SELECT throws_ok($$ SELECT precmed_internal.logreg_fed_state(features, label,
                      '\x504d4644010004000600000063000000'::bytea || decode(repeat('00', 8 * 135), 'hex')) FROM fd $$,
                 '22P03', NULL, 'a Newton request with zero scales: 22P03');
SELECT throws_ok($$ SELECT precmed_internal.logreg_fed_state(features, label, NULL) FROM fd $$, '22004',
                 'argument "request" must not be NULL', 'NULL request: 22004');

SELECT * FROM finish();
ROLLBACK;
