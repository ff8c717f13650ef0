-- The ICU risk panel of docs/decision_support.md on PhysioNet 2012 set A
-- (needs ml_seta from test/data/ml/load_seta.sql and ml_seta.features from
-- precmed.aki_features over hours 0-24).  Labels of every stay, in order:
--   died        in-hospital death (Outcomes-a)
--   long_stay   hospital stay longer than 7 days after ICU admission
--               (NULL where the source has no length of stay, -1)
--   aki_any     KDIGO AKI stage >= 1 (creatinine or urine output) in (24 h, 48 h]
--   aki_creat   creatinine AKI stage >= 1 in (24 h, 48 h]
--   aki_stage2  AKI stage >= 2 in (24 h, 48 h]
-- (stages from precmed.kdigo_stages over hours 0-48, ml_seta.stages).  Folds:
-- 5, by stay, stratified by death and any AKI, fixed by a hash of the stay id.
DROP TABLE IF EXISTS ml_seta.outcomes, ml_seta.panel CASCADE;
CREATE TABLE ml_seta.outcomes (record_id bigint PRIMARY KEY, saps_i int, sofa int,
                               length_of_stay_days int, survival_days int, in_hospital_death int);
\copy ml_seta.outcomes FROM 'test/data/decision/outcomes.csv' CSV HEADER
CREATE TABLE ml_seta.panel AS
  SELECT p.record_id AS stay_id,
         ARRAY[o.in_hospital_death = 1,
               CASE WHEN o.length_of_stay_days >= 0 THEN o.length_of_stay_days > 7 END,
               coalesce(max(s.aki_stage) FILTER (WHERE s.charttime > timestamp '2000-01-02 00:00'), 0) >= 1,
               coalesce(max(s.aki_stage_creat) FILTER (WHERE s.charttime > timestamp '2000-01-02 00:00'), 0) >= 1,
               coalesce(max(s.aki_stage) FILTER (WHERE s.charttime > timestamp '2000-01-02 00:00'), 0) >= 2]
           AS labels
    FROM ml_seta.patients p
    JOIN ml_seta.outcomes o USING (record_id)
    LEFT JOIN ml_seta.stages s ON s.stay_id = p.record_id
   GROUP BY p.record_id, o.in_hospital_death, o.length_of_stay_days;
CREATE TABLE ml_seta.panel_cv AS
  SELECT f.stay_id, p.labels, f.features,
         ntile(5) OVER (PARTITION BY p.labels[1], p.labels[3] ORDER BY hashint8(f.stay_id), f.stay_id) AS fold
    FROM ml_seta.features f JOIN ml_seta.panel p USING (stay_id);
