-- Drug repositioning demo (docs/repositioning.md): Fdataset, 10-fold
-- cross-validation, and the best candidate drugs for three diseases.
\set QUIET 1
\pset footer off
\echo
\echo '== Drug repositioning on Fdataset (Gottlieb et al. 2011): loading 593 drugs, 313 diseases, 1933 known indications'
\i test/data/linkpred/load_fdataset.sql
\set QUIET 1
CREATE TABLE fdataset.names (id text PRIMARY KEY, name text);
\copy fdataset.names FROM 'test/data/linkpred/demo_names.tsv'

SELECT (SELECT count(*) FROM fdataset.drugs) AS drugs, (SELECT count(*) FROM fdataset.diseases) AS diseases,
       (SELECT count(*) FROM fdataset.assoc) AS known_indications,
       (SELECT count(*) FROM fdataset.drug_sim) AS drug_similarities,
       (SELECT count(*) FROM fdataset.disease_sim) AS disease_similarities;

\echo
\echo '== 10-fold cross-validation, global protocol (held-out indications against all 183,676 unknown pairs), seed 0 folds'
\echo '   mean and standard deviation over the 10 folds; the fast methods run here (a few seconds)'
SELECT c.method, round(avg(auroc)::numeric, 4) AS auroc, round(stddev_pop(auroc)::numeric, 4) AS auroc_sd,
       round(avg(auprc)::numeric, 3) AS auprc, sum(n_pos) AS held_out
  FROM unnest('{krls_gip,knn}'::text[]) AS c(method),
       LATERAL precmed.link_cv('SELECT drug_id AS left_id, disease_id AS right_id FROM fdataset.assoc',
                               'fdataset.drug_sim', 'fdataset.disease_sim',
                               'SELECT drug_id AS left_id, disease_id AS right_id, fold FROM fdataset.folds WHERE seed = 0',
                               c.method)
 GROUP BY c.method ORDER BY auroc DESC;
\echo '   hgimc, bnnr and ensemble retrain an iterative model per fold (1 to 5 minutes for 10 folds each). Run them with'
\echo '     bash scripts/run.sh bench linkpred_cv            (all methods, seeds 0, 1, 2)'
\echo '   or the query above with method hgimc, bnnr or ensemble. Measured (seed 0): hgimc 0.9235, bnnr 0.9376 (AUPR 0.329),'
\echo '   ensemble 0.9557 (AUPR 0.338); see docs/repositioning.md.'

\echo
\echo '== Ten best candidate drugs (KRLS-GIP, all known indications used) for three diseases'
CREATE TEMP TABLE candidates AS
  SELECT * FROM precmed.link_top_k('SELECT drug_id AS left_id, disease_id AS right_id FROM fdataset.assoc',
                                   'fdataset.drug_sim', 'fdataset.disease_sim', 10)
   WHERE right_id IN ('D104300', 'D168600', 'D181500');
SELECT coalesce(dn.name, c.right_id) || ' (OMIM ' || substr(c.right_id, 2) || ')' AS disease, c.rank,
       c.left_id AS drugbank_id, coalesce(n.name, '(name not shipped)') AS drug, round(c.score::numeric, 3) AS score
  FROM candidates c
  LEFT JOIN fdataset.names n ON n.id = c.left_id
  LEFT JOIN fdataset.names dn ON dn.id = c.right_id
 ORDER BY c.right_id, c.rank;
\echo '   Each disease borrows the drugs of its most similar diseases and of drugs similar to its own: Alzheimer and'
\echo '   Parkinson disease exchange drugs here; rivastigmine, ranked 3rd for Parkinson disease, is approved for'
\echo '   Parkinson disease dementia.'
\echo '   Scores are model outputs for ranking, not probabilities; names: test/data/linkpred/demo_names.tsv.'
