-- precmed.predict_contributions on the AKI XGBoost model (PhysioNet 2012 set
-- A, docs/aki_risk.md) against XGBoost's own pred_contribs for 1,000 stays,
-- computed once by python3-xgboost 1.7.4 (test/data/ml/treeshap, see its
-- PROVENANCE.md): every contribution within 1e-5.  Also: the contributions
-- add up to predict's margin, and top_reasons ranks them.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(8);

CREATE TEMP TABLE raw_model (hex text);
\copy raw_model FROM PROGRAM 'gzip -dc test/data/ml/treeshap/model.hex.gz'
CREATE TEMP TABLE model AS SELECT decode(hex, 'hex') AS model FROM raw_model;
CREATE TEMP TABLE raw_feat (line text);
\copy raw_feat FROM PROGRAM 'gzip -dc test/data/ml/treeshap/features.csv.gz' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
CREATE TEMP TABLE raw_ref (line text);
\copy raw_ref FROM PROGRAM 'gzip -dc test/data/ml/treeshap/contributions.csv.gz' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
-- "stay_id,v1,...": empty = missing
CREATE TEMP TABLE feat AS
  SELECT split_part(line, ',', 1)::bigint AS stay_id,
         string_to_array(substr(line, strpos(line, ',') + 1), ',', '')::float8[] AS features
    FROM raw_feat;
CREATE TEMP TABLE ref AS
  SELECT split_part(line, ',', 1)::bigint AS stay_id,
         string_to_array(substr(line, strpos(line, ',') + 1), ',')::float8[] AS contributions
    FROM raw_ref;
CREATE TEMP TABLE ours AS
  SELECT f.stay_id, precmed.predict_contributions(m.model, f.features) AS contributions,
         precmed.predict(m.model, f.features) AS p
    FROM feat f, model m;

SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (stay_id)), 1000::bigint,
          '1,000 stays with a reference');
SELECT is((SELECT min(cardinality(contributions)) || '-' || max(cardinality(contributions)) FROM ours),
          '185-185', 'each vector: 184 features and the bias');
SELECT ok((SELECT count(*) FROM feat WHERE 'NaN'::float8 = ANY (features)) > 900,
          'most stays have missing features (default directions are exercised)');
SELECT is((SELECT count(*) FROM ref r JOIN ours o USING (stay_id),
                  generate_series(1, 185) j
            WHERE abs(r.contributions[j] - o.contributions[j]) > 1e-5), 0::bigint,
          'every contribution within 1e-5 of XGBoost''s pred_contribs');
SELECT cmp_ok((SELECT max(abs(r.contributions[185] - o.contributions[185])) FROM ref r JOIN ours o USING (stay_id)),
              '<', 1e-6::float8, 'the bias (logit(base_score) + the trees'' expected values) as XGBoost''s');
SELECT ok((SELECT count(DISTINCT j) FROM ref, generate_series(1, 184) j WHERE contributions[j] <> 0) > 50,
          'the comparison covers many features');
SELECT cmp_ok((SELECT max(abs((SELECT sum(c) FROM unnest(contributions) c) - ln(p / (1 - p)))) FROM ours),
              '<', 1e-9::float8, 'the contributions add up to predict''s margin');
-- top_reasons: the largest positive contributions, in order, by name
CREATE TEMP TABLE names AS SELECT precmed.aki_feature_names() AS n;
SELECT is((SELECT count(*) FROM feat f, model m, ours o, names,
                  LATERAL (SELECT array_agg(r.feature ORDER BY r.rank) AS names
                             FROM precmed.top_reasons(m.model, f.features, names.n) r) t,
                  LATERAL (SELECT array_agg(names.n[j] ORDER BY o.contributions[j] DESC, j) AS names
                             FROM (SELECT j FROM generate_series(1, 184) j WHERE o.contributions[j] > 0
                                    ORDER BY o.contributions[j] DESC, j LIMIT 3) s) e
            WHERE o.stay_id = f.stay_id AND t.names IS DISTINCT FROM e.names), 0::bigint,
          'top_reasons lists the three largest positive contributions by name');

SELECT * FROM finish();
ROLLBACK;
