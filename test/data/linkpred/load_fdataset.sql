-- Load Fdataset (see PROVENANCE.md in this folder) into schema fdataset.
-- Run with psql from the repository root:  psql -f test/data/linkpred/load_fdataset.sql
-- Tables: drugs(idx, drug_id), diseases(idx, disease_id), assoc(drug_id, disease_id),
-- drug_sim / disease_sim(id_a, id_b, similarity) (non-zero entries; missing pairs are 0),
-- folds(seed, drug_id, disease_id, fold) (the shipped 10-fold splits, known pairs only),
-- fold_matrix(seed, drug_id, disease_id, fold) (the same for every pair: the pooled protocol).
\set QUIET 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS fdataset CASCADE;
RESET client_min_messages;
CREATE SCHEMA fdataset;
CREATE TABLE fdataset.drugs (idx int GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0), drug_id text NOT NULL);
CREATE TABLE fdataset.diseases (idx int GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0), disease_id text NOT NULL);
\copy fdataset.drugs (drug_id) FROM 'test/data/linkpred/drugs.txt'
\copy fdataset.diseases (disease_id) FROM 'test/data/linkpred/diseases.txt'

CREATE TEMP TABLE assoc_idx (drug_index int, disease_index int);
\copy assoc_idx FROM 'test/data/linkpred/drug_disease.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE fdataset.assoc AS
  SELECT d.drug_id, s.disease_id
    FROM assoc_idx a JOIN fdataset.drugs d ON d.idx = a.drug_index
    JOIN fdataset.diseases s ON s.idx = a.disease_index;

CREATE TEMP TABLE raw (rn int GENERATED ALWAYS AS IDENTITY (MINVALUE 0 START 0), line text);
\copy raw (line) FROM PROGRAM 'gzip -dc test/data/linkpred/drug_sim.csv.gz'
CREATE TABLE fdataset.drug_sim AS
  SELECT a.drug_id AS id_a, b.drug_id AS id_b, u.v::float8 AS similarity
    FROM raw JOIN fdataset.drugs a ON a.idx = raw.rn
    CROSS JOIN LATERAL unnest(string_to_array(raw.line, ',')) WITH ORDINALITY AS u(v, j)
    JOIN fdataset.drugs b ON b.idx = u.j - 1
   WHERE u.v::float8 <> 0;
TRUNCATE raw;
ALTER TABLE raw ALTER COLUMN rn RESTART;
\copy raw (line) FROM PROGRAM 'gzip -dc test/data/linkpred/disease_sim.csv.gz'
CREATE TABLE fdataset.disease_sim AS
  SELECT a.disease_id AS id_a, b.disease_id AS id_b, u.v::float8 AS similarity
    FROM raw JOIN fdataset.diseases a ON a.idx = raw.rn
    CROSS JOIN LATERAL unnest(string_to_array(raw.line, ',')) WITH ORDINALITY AS u(v, j)
    JOIN fdataset.diseases b ON b.idx = u.j - 1
   WHERE u.v::float8 <> 0;

CREATE TABLE fdataset.folds (seed int, drug_id text, disease_id text, fold int);
CREATE TEMP TABLE fraw (seed int, rn int, line text);
TRUNCATE raw; ALTER TABLE raw ALTER COLUMN rn RESTART;
\copy raw (line) FROM PROGRAM 'gzip -dc test/data/linkpred/folds/fold_matrix_seed0.csv.gz'
INSERT INTO fraw SELECT 0, rn, line FROM raw;
TRUNCATE raw; ALTER TABLE raw ALTER COLUMN rn RESTART;
\copy raw (line) FROM PROGRAM 'gzip -dc test/data/linkpred/folds/fold_matrix_seed1.csv.gz'
INSERT INTO fraw SELECT 1, rn, line FROM raw;
TRUNCATE raw; ALTER TABLE raw ALTER COLUMN rn RESTART;
\copy raw (line) FROM PROGRAM 'gzip -dc test/data/linkpred/folds/fold_matrix_seed2.csv.gz'
INSERT INTO fraw SELECT 2, rn, line FROM raw;
CREATE TABLE fdataset.fold_matrix AS
  SELECT f.seed, d.drug_id, s.disease_id, u.v::int AS fold
    FROM fraw f JOIN fdataset.drugs d ON d.idx = f.rn
    CROSS JOIN LATERAL unnest(string_to_array(f.line, ',')) WITH ORDINALITY AS u(v, j)
    JOIN fdataset.diseases s ON s.idx = u.j - 1;
INSERT INTO fdataset.folds
  SELECT m.seed, m.drug_id, m.disease_id, m.fold
    FROM fdataset.fold_matrix m JOIN fdataset.assoc a USING (drug_id, disease_id);
DROP TABLE raw, fraw, assoc_idx;
ANALYZE fdataset.assoc; ANALYZE fdataset.drug_sim; ANALYZE fdataset.disease_sim; ANALYZE fdataset.folds; ANALYZE fdataset.fold_matrix;
\unset QUIET
