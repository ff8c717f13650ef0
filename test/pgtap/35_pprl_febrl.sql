-- Privacy-preserving linkage on FEBRL (test/data/linkage, see PROVENANCE.md):
-- deduplicate febrl1 and febrl2 from Bloom-filter encodings only, without
-- soc_sec_id, and compare with precmed's plaintext Fellegi-Sunter on the
-- same fields, blocking and comparison levels as test/pgtap/30_linkage_febrl.sql.
-- Targets (docs/linkage.md): encoded F1 within 0.02 of the plaintext F1;
-- pair completeness of the encoded blocking >= 0.99.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(8);

CREATE TEMP TABLE febrl_raw (rec_id text, given_name text, surname text, street_number text,
  address_1 text, address_2 text, suburb text, postcode text, state text,
  date_of_birth text, soc_sec_id text, dataset int);
\copy febrl_raw (rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id) FROM 'test/data/linkage/dataset1.csv' WITH (FORMAT csv, HEADER true)
UPDATE febrl_raw SET dataset = 1;
\copy febrl_raw (rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id) FROM 'test/data/linkage/dataset2.csv' WITH (FORMAT csv, HEADER true)
UPDATE febrl_raw SET dataset = 2 WHERE dataset IS NULL;
CREATE TEMP TABLE febrl AS
SELECT dataset, trim(rec_id) AS rec_id, substring(rec_id FROM 'rec-(\d+)-') AS entity,
       NULLIF(trim(given_name), '') AS given_name, NULLIF(trim(surname), '') AS surname,
       NULLIF(trim(street_number), '') AS street_number, NULLIF(trim(address_1), '') AS address_1,
       NULLIF(trim(address_2), '') AS address_2, NULLIF(trim(suburb), '') AS suburb,
       NULLIF(trim(postcode), '') AS postcode, NULLIF(trim(state), '') AS state,
       NULLIF(trim(date_of_birth), '') AS dob
  FROM febrl_raw;
CREATE TEMP TABLE truth AS
SELECT a.dataset, a.rec_id AS id_l, b.rec_id AS id_r
  FROM febrl a JOIN febrl b ON a.dataset = b.dataset AND a.entity = b.entity AND a.rec_id < b.rec_id;

-- Each site's part: the encodings, made with the shared secret.  One
-- filter per field for the comparison levels, and a record-level encoding
-- of the most telling fields for blocking.
CREATE TEMP TABLE enc AS
SELECT dataset, rec_id,
       precmed.clk_encode_fields(ARRAY[given_name, surname, street_number, address_1, address_2,
                                       suburb, postcode, state, dob], 'febrl-test-secret',
         '{"fields": [{"type": "name"}, {"type": "name"}, {"type": "text"}, {"type": "text"},
                      {"type": "text"}, {"type": "text"}, {"type": "text"}, {"type": "text"},
                      {"type": "text"}]}') AS f,
       precmed.clk_encode(ARRAY[given_name, surname, dob, postcode, suburb], 'febrl-test-secret',
         '{"fields": [{"type": "name", "k": 15}, {"type": "name", "k": 15}, {"type": "text", "k": 10},
                      {"type": "text", "k": 8}, {"type": "name", "k": 5}]}') AS blocking
  FROM febrl;

CREATE TEMP TABLE runs (ds int, encoded boolean, candidates bigint, pc float8, precision_ float8,
                        recall float8, f1 float8, converged boolean, cluster_f1 float8);

-- Score candidate pairs' levels (table cmp: id_l, id_r, lv) and record the metrics.
CREATE FUNCTION pg_temp.evaluate(ds int, is_encoded boolean) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  model bytea;
  tp bigint; fp bigint; ntrue bigint; ncand bigint; pc float8; p float8; r float8;
BEGIN
  SELECT precmed.fs_train(lv) INTO model FROM cmp;
  SELECT count(*) INTO ntrue FROM truth WHERE dataset = ds;
  SELECT count(*) INTO ncand FROM cmp;
  SELECT count(*)::float8 / ntrue INTO pc FROM cmp JOIN truth t USING (id_l, id_r) WHERE t.dataset = ds;
  DROP TABLE IF EXISTS scored;
  CREATE TEMP TABLE scored AS
    SELECT id_l, id_r, precmed.fs_score(model, lv) AS p FROM cmp WHERE precmed.fs_score(model, lv) >= 0.5;
  SELECT count(*) FILTER (WHERE t.id_l IS NOT NULL), count(*) FILTER (WHERE t.id_l IS NULL)
    INTO tp, fp FROM scored s LEFT JOIN truth t ON t.dataset = ds AND t.id_l = s.id_l AND t.id_r = s.id_r;
  p := tp::float8 / (tp + fp);
  r := tp::float8 / ntrue;
  INSERT INTO runs VALUES (ds, is_encoded, ncand, pc, p, r, 2 * p * r / (p + r),
                           (precmed.fs_model_info(model) ->> 'converged')::boolean);
  -- persons from link_clusters, their pairs against the truth
  SELECT count(*) FILTER (WHERE t.id_l IS NOT NULL), count(*) FILTER (WHERE t.id_l IS NULL)
    INTO tp, fp
    FROM precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored', 0.5) a
    JOIN precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored', 0.5) b
      ON a.cluster_id = b.cluster_id AND a.record_id < b.record_id
    LEFT JOIN truth t ON t.dataset = ds AND t.id_l = a.record_id AND t.id_r = b.record_id;
  UPDATE runs SET cluster_f1 = 2.0 * tp / (2 * tp + fp + (ntrue - tp))
   WHERE runs.ds = evaluate.ds AND encoded = is_encoded;
END
$fn$;

-- Plaintext: the blocking rules and levels of 30_linkage_febrl.sql, without soc_sec_id.
CREATE FUNCTION pg_temp.plaintext(ds int) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP TABLE IF EXISTS recs, cand, cmp;
  CREATE TEMP TABLE recs AS SELECT * FROM febrl WHERE dataset = ds;
  CREATE TEMP TABLE cand AS
    SELECT a.rec_id AS id_l, b.rec_id AS id_r FROM recs a JOIN recs b
        ON a.postcode = b.postcode AND a.rec_id < b.rec_id
    UNION
    SELECT a.rec_id, b.rec_id FROM recs a JOIN recs b
        ON left(a.surname, 3) = left(b.surname, 3) AND left(a.dob, 4) = left(b.dob, 4) AND a.rec_id < b.rec_id
    UNION
    SELECT a.rec_id, b.rec_id FROM recs a JOIN recs b
        ON left(a.given_name, 3) = left(b.given_name, 3) AND substr(a.dob, 5, 4) = substr(b.dob, 5, 4)
       AND a.rec_id < b.rec_id;
  CREATE TEMP TABLE cmp AS
    SELECT c.id_l, c.id_r, ARRAY[
      precmed.jaro_winkler_level(a.given_name, b.given_name, '{0.92,0.8}'),
      precmed.jaro_winkler_level(a.surname, b.surname, '{0.92,0.8}'),
      precmed.damerau_levenshtein_level(a.street_number, b.street_number, '{1}'),
      precmed.jaro_winkler_level(a.address_1, b.address_1, '{0.92,0.8}'),
      precmed.jaro_winkler_level(a.address_2, b.address_2, '{0.92,0.8}'),
      precmed.jaro_winkler_level(a.suburb, b.suburb, '{0.92,0.8}'),
      precmed.damerau_levenshtein_level(a.postcode, b.postcode, '{1}'),
      precmed.damerau_levenshtein_level(a.state, b.state, '{}'),
      precmed.damerau_levenshtein_level(a.dob, b.dob, '{1,2}')] AS lv
    FROM cand c JOIN recs a ON a.rec_id = c.id_l JOIN recs b ON b.rec_id = c.id_r;
  PERFORM pg_temp.evaluate(ds, false);
END
$fn$;

-- Encoded: blocking by Dice of the blocking encodings, compared in C; per
-- field Dice levels with as many levels as the plaintext comparators have.
CREATE FUNCTION pg_temp.encoded(ds int) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP TABLE IF EXISTS cmp;
  CREATE TEMP TABLE cmp AS
    SELECT c.left_id AS id_l, c.right_id AS id_r, ARRAY[
      precmed.dice_level(a.f[1], b.f[1], '{0.8,0.6}'),
      precmed.dice_level(a.f[2], b.f[2], '{0.8,0.6}'),
      precmed.dice_level(a.f[3], b.f[3], '{0.5}'),
      precmed.dice_level(a.f[4], b.f[4], '{0.8,0.6}'),
      precmed.dice_level(a.f[5], b.f[5], '{0.8,0.6}'),
      precmed.dice_level(a.f[6], b.f[6], '{0.8,0.6}'),
      precmed.dice_level(a.f[7], b.f[7], '{0.7}'),
      precmed.dice_level(a.f[8], b.f[8], '{}'),
      precmed.dice_level(a.f[9], b.f[9], '{0.8,0.6}')] AS lv
    FROM precmed.clk_candidates(format('SELECT rec_id AS id, blocking AS clk FROM enc WHERE dataset = %s', ds),
                                NULL, 0.48, '{"bands": 0}') c
    JOIN enc a ON a.dataset = ds AND a.rec_id = c.left_id
    JOIN enc b ON b.dataset = ds AND b.rec_id = c.right_id;
  PERFORM pg_temp.evaluate(ds, true);
END
$fn$;

DO $$ BEGIN PERFORM pg_temp.plaintext(1), pg_temp.plaintext(2), pg_temp.encoded(1), pg_temp.encoded(2); END $$;

SELECT diag(format('febrl%s %-9s candidates %7s  PC %s  P %s  R %s  F1 %s  (clusters: F1 %s)',
                   ds, CASE WHEN encoded THEN 'encoded' ELSE 'plaintext' END, candidates,
                   round(pc::numeric, 4), round(precision_::numeric, 4), round(recall::numeric, 4),
                   round(f1::numeric, 4), round(cluster_f1::numeric, 4)))
  FROM runs ORDER BY ds, encoded;

SELECT ok(e.f1 >= p.f1 - 0.02, format('febrl%s: F1 from encodings %s within 0.02 of plaintext F1 %s (or above)',
                                      p.ds, round(e.f1::numeric, 4), round(p.f1::numeric, 4)))
  FROM runs p JOIN runs e ON e.ds = p.ds AND e.encoded AND NOT p.encoded ORDER BY p.ds;
SELECT ok(pc >= 0.99, format('febrl%s: pair completeness of the encoded blocking %s >= 0.99', ds, round(pc::numeric, 4)))
  FROM runs WHERE encoded ORDER BY ds;
SELECT ok(bool_and(converged), 'EM converged in every run') FROM runs;
SELECT ok(bool_and(recall <= pc), 'recall never exceeds pair completeness') FROM runs;

-- the C candidates are exactly the pairs plain SQL finds with the same Dice
-- (febrl1, every pair): reading and comparing the encodings loses nothing
SELECT is((SELECT count(*) FROM (
            (SELECT a.rec_id, b.rec_id, precmed.dice(a.blocking, b.blocking)
               FROM enc a JOIN enc b ON a.dataset = 1 AND b.dataset = 1 AND a.rec_id < b.rec_id
              WHERE precmed.dice(a.blocking, b.blocking) >= 0.48
             EXCEPT ALL
             SELECT * FROM precmed.clk_candidates('SELECT rec_id AS id, blocking AS clk FROM enc WHERE dataset = 1',
                                                  NULL, 0.48, '{"bands": 0}'))
            UNION ALL
            (SELECT * FROM precmed.clk_candidates('SELECT rec_id AS id, blocking AS clk FROM enc WHERE dataset = 1',
                                                  NULL, 0.48, '{"bands": 0}')
             EXCEPT ALL
             SELECT a.rec_id, b.rec_id, precmed.dice(a.blocking, b.blocking)
               FROM enc a JOIN enc b ON a.dataset = 1 AND b.dataset = 1 AND a.rec_id < b.rec_id
              WHERE precmed.dice(a.blocking, b.blocking) >= 0.48)) d),
          0::bigint, 'clk_candidates returns the pairs and Dice values plain SQL returns');

SELECT ok(bool_and(cluster_f1 >= f1 - 0.01), 'persons from link_clusters keep the pair F1 (within 0.01)')
  FROM runs WHERE encoded;
SELECT * FROM finish();
ROLLBACK;
