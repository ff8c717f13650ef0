-- Link prediction (issue 7).  Scores and cross-validation on a small slice
-- of Fdataset are pinned to an independent numpy implementation
-- (bench/linkpred_numpy.py; values printed by bench/linkpred_reference.py):
-- drugs 0..39 of drugs.txt and 32 diseases, 45 associations, 14 drugs and 2
-- diseases with no association in the slice (cold entities).
\set VERBOSITY default
\set ECHO none
\i test/data/linkpred/load_fdataset.sql
\set ECHO all

CREATE TABLE slice_drugs AS SELECT drug_id FROM fdataset.drugs WHERE idx < 40;
CREATE TABLE slice_diseases AS SELECT disease_id FROM fdataset.diseases
 WHERE idx IN (0, 1, 2, 3, 7, 8, 19, 25, 31, 33, 36, 38, 41, 42, 51, 57, 61, 66, 68, 69, 71, 72, 79, 82, 86, 91, 94, 102, 108, 109, 112, 114);
CREATE VIEW s_assoc AS
  SELECT a.drug_id AS left_id, a.disease_id AS right_id
    FROM fdataset.assoc a JOIN slice_drugs USING (drug_id) JOIN slice_diseases USING (disease_id);
CREATE VIEW s_dsim AS
  SELECT * FROM fdataset.drug_sim
   WHERE id_a IN (SELECT drug_id FROM slice_drugs) AND id_b IN (SELECT drug_id FROM slice_drugs);
CREATE VIEW s_ssim AS
  SELECT * FROM fdataset.disease_sim
   WHERE id_a IN (SELECT disease_id FROM slice_diseases) AND id_b IN (SELECT disease_id FROM slice_diseases);

-- every pair is scored, cold entities included
SELECT count(*) AS pairs, count(DISTINCT left_id) AS drugs, count(DISTINCT right_id) AS diseases,
       count(*) FILTER (WHERE known) AS known
  FROM precmed.link_predict('s_assoc', 's_dsim', 's_ssim');

-- scores of each method against numpy: the 4 best unknown pairs, a cold drug,
-- a cold disease, and the sum over all 1280 pairs
CREATE TABLE ref_scores (method text, left_id text, right_id text, score float8);
INSERT INTO ref_scores VALUES
('krls_gip', 'DB00201', 'D165720', 0.134855237060),
('krls_gip', 'DB00010', 'D125700', 0.131576287693),
('krls_gip', 'DB00136', 'D161900', 0.111969654864),
('krls_gip', 'DB00153', 'D161900', 0.111498860568),
('krls_gip', 'DB00010', 'D102100', -0.004544589726),
('krls_gip', 'DB00017', 'D102100', 0.010002830590),
('krls_gip', '*', 'sum', 40.263539332165),
('knn', 'DB00169', 'D146255', 2.050290000000),
('knn', 'DB00017', 'D125700', 1.853310000000),
('knn', 'DB00104', 'D125700', 1.455560000000),
('knn', 'DB00181', 'D125320', 1.439421000000),
('knn', 'DB00010', 'D102100', 0.000000000000),
('knn', 'DB00017', 'D102100', 0.276870000000),
('knn', '*', 'sum', 344.487968000000),
('hgimc', 'DB00014', 'D150699', 0.857534952972),
('hgimc', 'DB00007', 'D114480', 0.850634935344),
('hgimc', 'DB00169', 'D143880', 0.844944868552),
('hgimc', 'DB00017', 'D102500', 0.840690981127),
('hgimc', 'DB00010', 'D102100', 0.002014386937),
('hgimc', 'DB00017', 'D102100', 0.002773227588),
('hgimc', '*', 'sum', 69.076636574759),
('bnnr', 'DB00169', 'D146255', 0.555904041508),
('bnnr', 'DB00017', 'D125700', 0.494629589266),
('bnnr', 'DB00007', 'D114480', 0.485313000659),
('bnnr', 'DB00191', 'D143465', 0.479479685770),
('bnnr', 'DB00010', 'D102100', 0.078614167543),
('bnnr', 'DB00017', 'D102100', 0.132114626035),
('bnnr', '*', 'sum', 207.242512996777),
('ensemble', 'DB00010', 'D125700', 0.496301435516),
('ensemble', 'DB00201', 'D165720', 0.471194671702),
('ensemble', 'DB00191', 'D143465', 0.437305742168),
('ensemble', 'DB00067', 'D134430', 0.436807356319),
('ensemble', 'DB00010', 'D102100', 0.065237988282),
('ensemble', 'DB00017', 'D102100', 0.105517139136),
('ensemble', '*', 'sum', 216.140646831504);
CREATE TABLE got_scores AS
  SELECT m.method, p.left_id, p.right_id, p.score
    FROM unnest('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[]) AS m(method),
         LATERAL precmed.link_predict('s_assoc', 's_dsim', 's_ssim', m.method) AS p;
SELECT r.method, r.left_id, r.right_id, round(r.score::numeric, 8) AS numpy,
       round(g.score::numeric, 8) AS precmed,
       abs(g.score - r.score) <= 1e-9 * greatest(1, abs(r.score)) AS agree
  FROM ref_scores r
  LEFT JOIN (SELECT method, left_id, right_id, score FROM got_scores
             UNION ALL
             SELECT method, '*', 'sum', sum(score) FROM got_scores GROUP BY method) g
    USING (method, left_id, right_id)
 ORDER BY array_position('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[], r.method), r.right_id = 'sum', r.score DESC;

-- parameters change the model: larger sigma shrinks KRLS scores, k = 1 kNN uses one neighbour
SELECT (SELECT sum(score) FROM precmed.link_predict('s_assoc', 's_dsim', 's_ssim', 'krls_gip', '{"sigma": 50}'))
     < (SELECT sum(score) FROM got_scores WHERE method = 'krls_gip') AS sigma_shrinks;
SELECT round(sum(score)::numeric, 6) AS knn_k1_sum
  FROM precmed.link_predict('s_assoc', 's_dsim', 's_ssim', 'knn', '{"k": 1}');
-- without the cold-entity guard a cold drug's scores change
SELECT count(*) FILTER (WHERE abs(a.score - b.score) > 1e-12) > 0 AS guard_matters
  FROM precmed.link_predict('s_assoc', 's_dsim', 's_ssim', 'krls_gip', '{"guard": false}') a
  JOIN got_scores b ON b.method = 'krls_gip' AND a.left_id = b.left_id AND a.right_id = b.right_id;

-- folds: seeded, balanced, identical to the Python twin of the generator
CREATE TABLE ref_folds (left_id text, right_id text, fold int);
INSERT INTO ref_folds VALUES
('DB00007', 'D131200', 0),
('DB00007', 'D150699', 2),
('DB00014', 'D114480', 3),
('DB00014', 'D131200', 2),
('DB00017', 'D143880', 0),
('DB00017', 'D166710', 2),
('DB00035', 'D125700', 0),
('DB00035', 'D134430', 0),
('DB00067', 'D125700', 3),
('DB00091', 'D152700', 0),
('DB00104', 'D125852', 4),
('DB00122', 'D140600', 4),
('DB00122', 'D147530', 3),
('DB00122', 'D165720', 0),
('DB00136', 'D146255', 2),
('DB00140', 'D145590', 3),
('DB00153', 'D146255', 4),
('DB00162', 'D115300', 2),
('DB00163', 'D104300', 1),
('DB00163', 'D125320', 2),
('DB00169', 'D102500', 3),
('DB00169', 'D166710', 0),
('DB00175', 'D144010', 4),
('DB00176', 'D164230', 4),
('DB00177', 'D161900', 0),
('DB00178', 'D146255', 3),
('DB00178', 'D161900', 1),
('DB00179', 'D106400', 4),
('DB00181', 'D126200', 4),
('DB00181', 'D128101', 1),
('DB00181', 'D143100', 4),
('DB00181', 'D147530', 1),
('DB00182', 'D143465', 1),
('DB00187', 'D161900', 3),
('DB00190', 'D102300', 4),
('DB00190', 'D125320', 1),
('DB00193', 'D102300', 3),
('DB00193', 'D147530', 1),
('DB00195', 'D137750', 1),
('DB00195', 'D161900', 2),
('DB00201', 'D136200', 0),
('DB00201', 'D140600', 2),
('DB00201', 'D145590', 2),
('DB00201', 'D147530', 1),
('DB00201', 'D157300', 3);
SELECT fold, count(*) FROM precmed.link_folds('s_assoc', 5, 42) GROUP BY fold ORDER BY fold;
SELECT count(*) AS mismatches
  FROM ref_folds r FULL JOIN precmed.link_folds('s_assoc', 5, 42) f USING (left_id, right_id)
 WHERE r.fold IS DISTINCT FROM f.fold;
SELECT count(*) FILTER (WHERE a.fold <> b.fold) > 0 AS seed_matters
  FROM precmed.link_folds('s_assoc', 5, 42) a JOIN precmed.link_folds('s_assoc', 5, 7) b USING (left_id, right_id);

-- cross-validation, global protocol, against numpy
CREATE TABLE ref_cv (method text, fold int, auroc float8, auprc float8, n_pos int, n_neg int);
INSERT INTO ref_cv VALUES
('krls_gip', 0, 0.663157894737, 0.070534733920, 9, 1235),
('krls_gip', 1, 0.655555555556, 0.022607826307, 9, 1235),
('krls_gip', 2, 0.751956815115, 0.053503886752, 9, 1235),
('krls_gip', 3, 0.762303193882, 0.125244379325, 9, 1235),
('krls_gip', 4, 0.563652721547, 0.024937486723, 9, 1235),
('knn', 0, 0.653486279802, 0.035694282671, 9, 1235),
('knn', 1, 0.656005398111, 0.015489591656, 9, 1235),
('knn', 2, 0.669140800720, 0.053794901131, 9, 1235),
('knn', 3, 0.744669365722, 0.027478839077, 9, 1235),
('knn', 4, 0.555375618534, 0.013045084938, 9, 1235),
('hgimc', 0, 0.635357624831, 0.018535893087, 9, 1235),
('hgimc', 1, 0.626945569051, 0.023773854126, 9, 1235),
('hgimc', 2, 0.771210076473, 0.046931852683, 9, 1235),
('hgimc', 3, 0.856410256410, 0.046653838184, 9, 1235),
('hgimc', 4, 0.671884840306, 0.023432879119, 9, 1235),
('bnnr', 0, 0.718038686460, 0.061950733735, 9, 1235),
('bnnr', 1, 0.611381016644, 0.019476978562, 9, 1235),
('bnnr', 2, 0.780926675664, 0.060174486264, 9, 1235),
('bnnr', 3, 0.785784975259, 0.049707053672, 9, 1235),
('bnnr', 4, 0.628879892038, 0.029713895920, 9, 1235),
('ensemble', 0, 0.696896086370, 0.132783362022, 9, 1235),
('ensemble', 1, 0.656095366622, 0.022254270926, 9, 1235),
('ensemble', 2, 0.764552406658, 0.060855552795, 9, 1235),
('ensemble', 3, 0.787494376968, 0.114044853299, 9, 1235),
('ensemble', 4, 0.610436347278, 0.026803583546, 9, 1235);
SELECT r.method, r.fold, round(r.auroc::numeric, 6) AS numpy_auroc, round(c.auroc::numeric, 6) AS auroc,
       round(r.auprc::numeric, 6) AS numpy_auprc, round(c.auprc::numeric, 6) AS auprc, c.n_pos, c.n_neg,
       abs(c.auroc - r.auroc) < 1e-9 AND abs(c.auprc - r.auprc) < 1e-9
         AND c.n_pos = r.n_pos AND c.n_neg = r.n_neg AS agree
  FROM ref_cv r
  LEFT JOIN (SELECT m.method, c.* FROM unnest('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[]) AS m(method),
             LATERAL precmed.link_cv('s_assoc', 's_dsim', 's_ssim',
                                     'SELECT * FROM precmed.link_folds(''s_assoc'', 5, 42)', m.method) AS c) c
    USING (method, fold)
 ORDER BY array_position('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[], r.method), r.fold;

-- pooled protocol (DRHGCN-style): every pair has a fold; known pairs keep their
-- link_folds fold, unknown pairs sorted by id get fold i % 5.  Per-fold rows, then one
-- row with fold NULL over the 5 folds' predictions concatenated; against numpy.
CREATE VIEW s_all_folds AS
  SELECT left_id, right_id, fold FROM precmed.link_folds('s_assoc', 5, 42)
  UNION ALL
  SELECT left_id, right_id, ((row_number() OVER (ORDER BY left_id COLLATE "C", right_id COLLATE "C")) - 1)::int % 5
    FROM (SELECT d.drug_id AS left_id, s.disease_id AS right_id FROM slice_drugs d CROSS JOIN slice_diseases s
          EXCEPT SELECT left_id, right_id FROM s_assoc) AS u;
CREATE TABLE ref_pooled (method text, auroc float8, auprc float8);
INSERT INTO ref_pooled VALUES
('krls_gip', 0.676815114710, 0.135762925771),
('knn', 0.657076023392, 0.092029379241),
('hgimc', 0.710877192982, 0.109462653603),
('bnnr', 0.705137201979, 0.130619728068),
('ensemble', 0.698245614035, 0.149934688560);
CREATE TABLE got_pooled AS
  SELECT m.method, c.* FROM unnest('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[]) AS m(method),
         LATERAL precmed.link_cv('s_assoc', 's_dsim', 's_ssim', 's_all_folds', m.method,
                                 '{"protocol": "pooled"}') AS c;
SELECT method, count(*) AS fold_rows, sum(n_pos) AS held_out, sum(n_neg) AS unknown_pairs
  FROM got_pooled WHERE fold IS NOT NULL GROUP BY method ORDER BY method;
SELECT r.method, round(r.auroc::numeric, 6) AS numpy_auroc, round(g.auroc::numeric, 6) AS auroc,
       round(r.auprc::numeric, 6) AS numpy_auprc, round(g.auprc::numeric, 6) AS auprc, g.n_pos, g.n_neg,
       abs(g.auroc - r.auroc) < 1e-9 AND abs(g.auprc - r.auprc) < 1e-9 AS agree
  FROM ref_pooled r LEFT JOIN got_pooled g ON g.method = r.method AND g.fold IS NULL
 ORDER BY array_position('{krls_gip,knn,hgimc,bnnr,ensemble}'::text[], r.method);

-- the 3 best candidate drugs for two diseases, consistent with link_predict
SELECT right_id, rank, left_id, round(score::numeric, 6) AS score
  FROM precmed.link_top_k('s_assoc', 's_dsim', 's_ssim', 3)
 WHERE right_id IN ('D165720', 'D125700') ORDER BY right_id, rank;
SELECT count(*) AS inconsistent
  FROM precmed.link_top_k('s_assoc', 's_dsim', 's_ssim', 3) t
 WHERE (SELECT count(*) FROM got_scores g
         WHERE g.method = 'krls_gip' AND g.right_id = t.right_id AND g.score > t.score
           AND NOT EXISTS (SELECT 1 FROM s_assoc a WHERE a.left_id = g.left_id AND a.right_id = g.right_id)) >= t.rank;
-- per_side = 'left': best diseases for a drug
SELECT left_id, rank, right_id FROM precmed.link_top_k('s_assoc', 's_dsim', 's_ssim', 2, 'left')
 WHERE left_id = 'DB00007' ORDER BY rank;
