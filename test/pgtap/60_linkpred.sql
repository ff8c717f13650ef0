-- Link prediction: reference figures on Fdataset, cancellation, memory release.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
\i test/data/linkpred/load_fdataset.sql
\set QUIET 1

SELECT plan(11);

-- Fdataset, global protocol, shipped folds of seed 0: the figures of
-- docs/repositioning.md (an independent numpy implementation, docs Part 2):
-- KRLS-GIP 0.9535 +- 0.0100, AP 0.316; kNN (k = 15) 0.8709 +- 0.0155, AP 0.055.
CREATE TEMP TABLE cv AS
  SELECT m.method, c.*
    FROM unnest('{krls_gip,knn}'::text[]) AS m(method),
         LATERAL precmed.link_cv('SELECT drug_id AS left_id, disease_id AS right_id FROM fdataset.assoc',
                                 'fdataset.drug_sim', 'fdataset.disease_sim',
                                 'SELECT drug_id AS left_id, disease_id AS right_id, fold FROM fdataset.folds WHERE seed = 0',
                                 m.method) AS c;
SELECT is((SELECT round(avg(auroc)::numeric, 4) FROM cv WHERE method = 'krls_gip'), 0.9535,
          'KRLS-GIP, Fdataset seed 0: mean AUROC over 10 folds = 0.9535 (docs: 0.9535)');
SELECT is((SELECT round(avg(auprc)::numeric, 3) FROM cv WHERE method = 'krls_gip'), 0.316,
          'KRLS-GIP, Fdataset seed 0: mean AUPR = 0.316 (docs: 0.316)');
SELECT is((SELECT round(avg(auroc)::numeric, 3) FROM cv WHERE method = 'knn'), 0.871,
          'kNN (k = 15), Fdataset seed 0: mean AUROC = 0.871 (docs: 0.8709)');
SELECT is((SELECT sum(n_pos)::int FROM cv WHERE method = 'krls_gip'), 1933,
          'every known association is held out exactly once');
SELECT is((SELECT min(n_neg) FROM cv), 183676,
          'global protocol: negatives are all 593 x 313 - 1933 unknown pairs');

-- Pooled protocol (every pair in a fold; one AUROC / AP over the concatenated folds):
-- docs Part 2, KRLS-GIP seed 0 pooled AUROC / AP = 0.9533 / 0.591.
CREATE TEMP TABLE cv_pooled AS
  SELECT * FROM precmed.link_cv('SELECT drug_id AS left_id, disease_id AS right_id FROM fdataset.assoc',
                                'fdataset.drug_sim', 'fdataset.disease_sim',
                                'SELECT drug_id AS left_id, disease_id AS right_id, fold FROM fdataset.fold_matrix WHERE seed = 0',
                                'krls_gip', '{"protocol": "pooled"}')
   WHERE fold IS NULL;
SELECT is((SELECT round(auroc::numeric, 4) FROM cv_pooled), 0.9533,
          'KRLS-GIP, Fdataset seed 0, pooled protocol: AUROC = 0.9533 (docs: 0.9533)');
SELECT is((SELECT round(auprc::numeric, 3) FROM cv_pooled), 0.591,
          'KRLS-GIP, Fdataset seed 0, pooled protocol: AP = 0.591 (docs: 0.591)');

-- Cancellation: a statement timeout raises the same query-cancel interrupt as
-- pg_cancel_backend.  The inputs are read in milliseconds; the ADMM below would
-- run for hours (tolerances 0), so a prompt cancel proves the compute loops check
-- for interrupts.
CREATE TEMP TABLE big_assoc AS
  SELECT format('d%s', i) AS left_id, format('x%s', (i * 7) % 200) AS right_id FROM generate_series(0, 399) i;
CREATE TEMP TABLE big_lsim AS
  SELECT format('d%s', i) AS id_a, format('d%s', (i + 1) % 400) AS id_b, 0.5::float8 AS similarity FROM generate_series(0, 399) i;
CREATE TEMP TABLE big_rsim AS
  SELECT format('x%s', i) AS id_a, format('x%s', (i + 1) % 200) AS id_b, 0.5::float8 AS similarity FROM generate_series(0, 199) i;
CREATE FUNCTION pg_temp.run_until_cancel(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE q;
  RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
  RETURN CASE WHEN clock_timestamp() - t0 < interval '5 s' THEN 'cancelled promptly'
              ELSE 'cancelled late: ' || (clock_timestamp() - t0)::text END;
END $$;

SET statement_timeout = '1s';
SELECT is(pg_temp.run_until_cancel($q$
  SELECT count(*) FROM precmed.link_predict('big_assoc', 'big_lsim', 'big_rsim', 'bnnr',
                                            '{"tol1": 0, "tol2": 0, "max_iter": 100000000}') $q$),
  'cancelled promptly', 'a long BNNR run is cancelled within seconds (statement_timeout)');
SELECT is(pg_temp.run_until_cancel($q$
  SELECT count(*) FROM precmed.link_cv('big_assoc', 'big_lsim', 'big_rsim',
                                       'SELECT * FROM precmed.link_folds(''big_assoc'', 10, 0)', 'hgimc',
                                       '{"tol1": 0, "tol2": 0, "max_iter": 100000000}') $q$),
  'cancelled promptly', 'a long HGIMC cross-validation is cancelled within seconds (statement_timeout)');
RESET statement_timeout;

-- The working memory lives in a context of its own, gone after the call and after an error.
SELECT is((SELECT count(*)::int FROM precmed.link_predict('big_assoc', 'big_lsim', 'big_rsim')), 80000,
          'KRLS-GIP scores 400 x 200 pairs');
SELECT is((SELECT count(*)::int FROM pg_backend_memory_contexts WHERE name = 'linkpred'), 0,
          'no linkpred memory context survives the calls');

SELECT * FROM finish();
ROLLBACK;
