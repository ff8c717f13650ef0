-- 5-fold cross-validation of both shipped models on the creatinine AKI task
-- of PhysioNet 2012 set A (needs ml_seta.features and ml_seta.task, made by
-- load_seta.sql and precmed.aki_features).  Folds are split by stay and
-- stratified by label; the fold of a stay is fixed by a hash of its id.
-- Prints mean +- SD of the per-fold metrics, and the pooled out-of-fold
-- AUROC/AUPRC with 95 % bootstrap intervals (1000 resamples, fixed seed).
DROP TABLE IF EXISTS ml_seta.cv, ml_seta.cv_models, ml_seta.cv_pred;
CREATE TABLE ml_seta.cv AS
  SELECT f.stay_id, t.aki, f.features,
         ntile(5) OVER (PARTITION BY t.aki ORDER BY hashint8(f.stay_id), f.stay_id) AS fold
    FROM ml_seta.features f JOIN ml_seta.task t USING (stay_id);
CREATE TABLE ml_seta.cv_models AS
  SELECT k AS fold,
         precmed.train_xgboost(c.features, c.aki::int::float8, '{}') AS xgb,
         precmed.train_logreg(c.features, c.aki::int::float8, '{}') AS logreg
    FROM generate_series(1, 5) k JOIN ml_seta.cv c ON c.fold <> k
   GROUP BY k;
CREATE TABLE ml_seta.cv_pred AS
  SELECT c.stay_id, c.fold, c.aki, 'xgboost' AS model, precmed.predict(m.xgb, c.features) AS p
    FROM ml_seta.cv c JOIN ml_seta.cv_models m USING (fold)
  UNION ALL
  SELECT c.stay_id, c.fold, c.aki, 'logreg', precmed.predict(m.logreg, c.features)
    FROM ml_seta.cv c JOIN ml_seta.cv_models m USING (fold);

\echo
\echo '== 5-fold cross-validation, creatinine AKI in (24 h, 48 h], set A (mean +- SD over folds)'
SELECT model, count(*) AS folds,
       round(avg(auroc)::numeric, 3) AS auroc, round(stddev(auroc)::numeric, 3) AS auroc_sd,
       round(avg(auprc)::numeric, 3) AS auprc, round(avg(brier)::numeric, 4) AS brier
  FROM (SELECT model, fold, precmed.auroc(p, aki) AS auroc, precmed.auprc(p, aki) AS auprc,
               precmed.brier(p, aki) AS brier
          FROM ml_seta.cv_pred GROUP BY model, fold) f
 GROUP BY model ORDER BY model DESC;

\echo
\echo '== pooled out-of-fold predictions, with 95 % bootstrap intervals'
SELECT setseed(0.2012) \g /dev/null
CREATE TEMP TABLE boot AS
  SELECT b, (random() * (n - 1))::int + 1 AS r
    FROM generate_series(1, 1000) b, (SELECT count(*) AS n FROM ml_seta.cv) c, generate_series(1, c.n);
CREATE TEMP TABLE ranked AS
  SELECT model, p, aki, row_number() OVER (PARTITION BY model ORDER BY stay_id) AS r FROM ml_seta.cv_pred;
CREATE TEMP TABLE boot_metrics AS
  SELECT k.model, b.b, precmed.auroc(k.p, k.aki) AS auroc, precmed.auprc(k.p, k.aki) AS auprc
    FROM boot b JOIN ranked k USING (r) GROUP BY k.model, b.b;
SELECT p.model, round(p.auroc::numeric, 3) AS auroc,
       round(percentile_cont(0.025) WITHIN GROUP (ORDER BY b.auroc)::numeric, 3) AS auroc_lo,
       round(percentile_cont(0.975) WITHIN GROUP (ORDER BY b.auroc)::numeric, 3) AS auroc_hi,
       round(p.auprc::numeric, 3) AS auprc,
       round(percentile_cont(0.025) WITHIN GROUP (ORDER BY b.auprc)::numeric, 3) AS auprc_lo,
       round(percentile_cont(0.975) WITHIN GROUP (ORDER BY b.auprc)::numeric, 3) AS auprc_hi,
       round(p.brier::numeric, 4) AS brier,
       round((p.cal).slope::numeric, 2) AS cal_slope, round((p.cal).intercept::numeric, 2) AS cal_intercept
  FROM (SELECT model, precmed.auroc(p, aki) AS auroc, precmed.auprc(p, aki) AS auprc,
               precmed.brier(p, aki) AS brier, precmed.calibration(p, aki) AS cal
          FROM ml_seta.cv_pred GROUP BY model) p
  JOIN boot_metrics b USING (model)
 GROUP BY p.model, p.auroc, p.auprc, p.brier, p.cal ORDER BY p.model DESC;
