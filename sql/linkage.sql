-- Record linkage: comparators against hand-computed values, comparison
-- levels, Fellegi-Sunter scoring by hand, EM on synthetic pairs whose m/u
-- are known, the same model under a parallel plan, clustering, bad input.
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET datestyle = ISO;

-- ---- Jaro and Jaro-Winkler -------------------------------------------------
-- Hand computation (window = floor(max(|a|,|b|)/2) - 1, t = half the
-- out-of-order matches, integer division; Winkler bonus when Jaro > 0.7):
--   MARTHA/MARHTA   m=6 t=1: Jaro (1+1+5/6)/3 = 0.9444, prefix 3 -> 0.9611
--   DWAYNE/DUANE    m=4 t=0: Jaro (4/6+4/5+1)/3 = 0.8222, prefix 1 -> 0.8400
--   DIXON/DICKSONX  m=4 t=0 (X outside the window of 3): (4/5+4/8+1)/3
--                   = 0.7667, prefix 2 -> 0.8133
--   JONES/JOHNSON   m=4 t=0: (4/5+4/7+1)/3 = 0.7905, prefix 2 -> 0.8324
--   CRATE/TRACE     window 1, m=3 (R,A,E) t=0: (3/5+3/5+1)/3 = 0.7333, no prefix
--   josé/jose       by character: m=3 t=0: (3/4+3/4+1)/3 = 0.8333, prefix 3 -> 0.8833
--   张伟/张玮        window 0, m=1: (1/2+1/2+1)/3 = 0.6667 <= 0.7: no bonus
--   王小明/王晓明    window 0, m=2: (2/3+2/3+1)/3 = 0.7778, prefix 1 -> 0.8000
SELECT a, b, round(precmed.jaro(a, b)::numeric, 4) AS jaro,
       round(precmed.jaro_winkler(a, b)::numeric, 4) AS jaro_winkler
  FROM (VALUES ('MARTHA', 'MARHTA'), ('DWAYNE', 'DUANE'), ('DIXON', 'DICKSONX'),
               ('JONES', 'JOHNSON'), ('CRATE', 'TRACE'), ('josé', 'jose'),
               ('张伟', '张玮'), ('王小明', '王晓明'), ('abc', 'abc'), ('abc', ''),
               ('', ''), ('abc', 'xyz')) AS t(a, b);
-- symmetric, and the prefix scale is a parameter (0 gives plain Jaro)
SELECT precmed.jaro_winkler('DUANE', 'DWAYNE') = precmed.jaro_winkler('DWAYNE', 'DUANE') AS symmetric,
       round(precmed.jaro_winkler('MARTHA', 'MARHTA', 0)::numeric, 4) AS scale_0,
       round(precmed.jaro_winkler('MARTHA', 'MARHTA', 0.25)::numeric, 4) AS scale_025;
-- ASCII strings of up to 64 characters take a bit-parallel path, longer or
-- non-ASCII ones the plain scan; both must agree with the hand computation.
-- 60 x a vs 59 x a + b: window 29, m = 59, t = 0: (59/60 + 59/60 + 1)/3 =
-- 0.988889, prefix 4 -> 0.993333.  70 x a vs 69 x a + b: m = 69:
-- (69/70 + 69/70 + 1)/3 = 0.990476, prefix 4 -> 0.994286.  The same with
-- a trailing é on both sides (non-ASCII): 61 chars, m = 60 (é matches é):
-- (60/61 + 60/61 + 1)/3 = 0.989071, prefix 4 -> 0.993443.
SELECT round(precmed.jaro(repeat('a', 60), repeat('a', 59) || 'b')::numeric, 6) AS jaro_60,
       round(precmed.jaro_winkler(repeat('a', 60), repeat('a', 59) || 'b')::numeric, 6) AS jw_60,
       round(precmed.jaro(repeat('a', 70), repeat('a', 69) || 'b')::numeric, 6) AS jaro_70,
       round(precmed.jaro_winkler(repeat('a', 70), repeat('a', 69) || 'b')::numeric, 6) AS jw_70,
       round(precmed.jaro(repeat('a', 60) || 'é', repeat('a', 59) || 'bé')::numeric, 6) AS jaro_61_utf8,
       round(precmed.jaro_winkler(repeat('a', 60) || 'é', repeat('a', 59) || 'bé')::numeric, 6) AS jw_61_utf8;
-- NULL in, NULL out
SELECT precmed.jaro(NULL, 'a') IS NULL AS jaro_null, precmed.jaro_winkler('a', NULL) IS NULL AS jw_null;

-- ---- Damerau-Levenshtein (optimal string alignment) -----------------------
-- kitten/sitting 3 (k->s, e->i, +g); ca/ac 1 (one swap); CA/ABC 3 in OSA
-- (the unrestricted distance would be 2); 张伟/伟张 1 swap of two characters;
-- with max_distance 2 a distance of 3 comes back as 3 = max + 1, and
-- abcdef/'' (6) as 3.
SELECT a, b, precmed.damerau_levenshtein(a, b) AS d,
       precmed.damerau_levenshtein(a, b, 2) AS d_max2
  FROM (VALUES ('kitten', 'sitting'), ('ca', 'ac'), ('CA', 'ABC'), ('张伟', '伟张'),
               ('abcdef', ''), ('', ''), ('19600210', '19600201'), ('smith', 'smyth')) AS t(a, b);
SELECT precmed.damerau_levenshtein(NULL, 'a') IS NULL AS dl_null;

-- ---- comparison levels -------------------------------------------------------
-- thresholds {0.92,0.8}: 3 identical, 2 JW >= 0.92, 1 JW >= 0.8, 0 else
SELECT a, b, precmed.jaro_winkler_level(a, b) AS jw_level,
       precmed.damerau_levenshtein_level(a, b) AS dl_level
  FROM (VALUES ('martha', 'martha'), ('martha', 'marhta'), ('dwayne', 'duane'),
               ('dixon', 'dicksonx'), ('crate', 'trace'), ('martha', NULL),
               (NULL, NULL)) AS t(a, b)
 ORDER BY a NULLS LAST, b NULLS LAST;
SELECT precmed.damerau_levenshtein_level('wa', 'vic', '{}') AS two_levels_differ,
       precmed.damerau_levenshtein_level('wa', 'wa', '{}') AS two_levels_same;
-- dates: within_days {1,30}: 4 same, 3 day/month transposed, 2 <= 1 day,
-- 1 <= 30 days, 0 farther
SELECT a, b, precmed.date_level(a, b, '{1,30}') AS level, precmed.dates_transposed(a, b) AS transposed
  FROM (VALUES ('2001-03-04'::date, '2001-03-04'::date), ('2001-03-04', '2001-04-03'),
               ('2001-03-04', '2001-03-05'), ('2001-03-04', '2001-03-20'),
               ('2001-03-04', '2002-03-04'), ('2001-03-04', '2000-04-03'),
               ('2001-03-04', NULL)) AS t(a, b);
SELECT precmed.date_level('infinity', 'infinity') AS inf_same, precmed.date_level('infinity', '2001-01-01') AS inf_other;
-- numbers: within {1,5}: 3 equal, 2 |a-b| <= 1, 1 <= 5, 0 farther; relative
SELECT precmed.number_level(10, 10, '{1,5}') AS eq, precmed.number_level(10, 10.5, '{1,5}') AS near,
       precmed.number_level(10, 12, '{1,5}') AS mid, precmed.number_level(10, 20, '{1,5}') AS far,
       precmed.number_level(100, 104, '{0.05}', true) AS rel_in, precmed.number_level(100, 110, '{0.05}', true) AS rel_out,
       precmed.number_level(NULL, 1, '{1}') AS missing;

-- comparator errors
SELECT precmed.jaro_winkler('a', 'b', 0.3);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.damerau_levenshtein('a', 'b', -1);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.jaro_winkler_level('a', 'b', '{0.8,0.9}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.jaro_winkler_level('a', 'b', '{1.5}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.jaro_winkler_level('a', 'b', '{0.9,NULL}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.jaro_winkler_level('a', 'b', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.damerau_levenshtein_level('a', 'b', '{2,1}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.damerau_levenshtein_level('a', 'b', '{{1},{2}}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.date_level('2001-01-01', '2001-01-02', '{0}');
\echo :LAST_ERROR_SQLSTATE
-- limits arrays are checked once and kept while the argument stays the same:
-- one that changes between calls is read again, and a refused one is not
-- kept.  Expected: dwayne/duane (Jaro-Winkler 0.84) is level 1 under
-- {0.9,0.8}; dates 3 and 5 days apart are levels 1 and 0 under {1,4}.
CREATE TEMP TABLE limits_out (levels text);
DO $$
DECLARE
  t text;
  d int;
  out text := '';
BEGIN
  FOREACH t IN ARRAY ARRAY['{0.9,0.8}', '{0.5,0.7}', '{0.9,0.8}'] LOOP
    BEGIN
      out := out || precmed.jaro_winkler_level('dwayne', 'duane', t::float8[]) || ' ';
    EXCEPTION WHEN invalid_parameter_value THEN out := out || 'refused ';
    END;
  END LOOP;
  FOREACH t IN ARRAY ARRAY['{1,4}', '{7,3}', '{1,4}'] LOOP
    BEGIN
      FOR d IN 3..5 BY 2 LOOP
        out := out || precmed.date_level('2001-03-04', '2001-03-04'::date + d, t::int[]) || ' ';
      END LOOP;
    EXCEPTION WHEN invalid_parameter_value THEN out := out || 'refused ';
    END;
  END LOOP;
  INSERT INTO limits_out VALUES (out);
END $$;
SELECT levels FROM limits_out;
SELECT precmed.number_level('NaN', 1, '{1}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.number_level(1, 2, '{-1}');
\echo :LAST_ERROR_SQLSTATE

-- ---- Fellegi-Sunter scoring by hand ---------------------------------------
-- prior 0.1 -> prior weight log2(1/9) = -3.1699.  Field a: level 1 m/u =
-- 0.9/0.1 (BF 9, +3.1699), level 0 0.1/0.9 (-3.1699).  Field b: 3 levels,
-- level 2 0.7/0.1 (BF 7, +2.8074), level 1 0.2/0.3 (-0.5850), level 0 0.1/0.6
-- (-2.5850).  {1,2}: w = -3.1699 + 3.1699 + 2.8074 = 2.8074, p = 7/8 = 0.875.
-- {1,NULL}: w = 0, p = 0.5.  {0,1}: w = -3.1699 - 3.1699 - 0.5850 = -6.9248,
-- p = 1/(1 + 2^6.9248) = 1/(1 + 121.5) = 0.0082.
CREATE TABLE hand AS
SELECT precmed.fs_model('{"prior": 0.1, "fields": ["a", "b"],
                          "m": [[0.1, 0.9], [0.1, 0.2, 0.7]],
                          "u": [[0.9, 0.1], [0.6, 0.3, 0.1]]}') AS model;
SELECT v::text AS comparisons, round(precmed.fs_match_weight(model, v)::numeric, 4) AS weight,
       round(precmed.fs_score(model, v)::numeric, 4) AS probability
  FROM hand, (VALUES ('{1,2}'::int[]), ('{1,NULL}'), ('{0,1}'), ('{NULL,NULL}')) AS t(v);
-- a different model on each row: prior 0.5 (weight 0), {1,2} -> 0 + log2(0.5/0.25)
-- = 1 bit, p = 2/3; alternating with the model above (p = 0.875)
SELECT i, round(precmed.fs_score(CASE WHEN i % 2 = 1 THEN other.model ELSE hand.model END, '{1,2}')::numeric, 4) AS p
  FROM hand, generate_series(1, 4) AS i,
       (SELECT precmed.fs_model('{"prior": 0.5, "m": [[0.5, 0.5], [0.2, 0.3, 0.5]],
                                 "u": [[0.5, 0.5], [0.5, 0.25, 0.25]]}') AS model) AS other
 ORDER BY i;
SELECT field_index, field, level, m, u, round(match_weight::numeric, 4) AS match_weight,
       round(bayes_factor::numeric, 4) AS bayes_factor
  FROM hand, precmed.fs_model_levels(model);
SELECT precmed.fs_model_info(model) - 'levels' AS info FROM hand;
-- scoring errors
SELECT precmed.fs_score(model, '{1}') FROM hand;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_score(model, '{1,3}') FROM hand;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_score(model, '{-1,0}') FROM hand;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_score(model, '{{1,0}}') FROM hand;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_score('\x0102'::bytea, '{1,0}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_model_info(substring(model FROM 1 FOR 60)) FROM hand;
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_model('{"prior": 0.1, "m": [[0.1, 0.8]], "u": [[0.5, 0.5]]}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_model('{"prior": 1, "m": [[0.1, 0.9]], "u": [[0.5, 0.5]]}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_model('{"prior": 0.1, "m": [[0.1, 0.9]], "u": [[0.5, 0.5], [0.5, 0.5]]}');
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_model('{"prior": 0.1, "m": [[0.1, 0.9]], "u": [[0.5, 0.5]], "lambda": 2}');
\echo :LAST_ERROR_SQLSTATE

-- ---- EM on pairs with known m and u ---------------------------------------
-- Three two-level fields; prior 0.2, m(top) = 0.9, 0.8, 0.95, u(top) =
-- 0.1, 0.2, 0.05.  Each of the 8 comparison vectors appears round(100000 x
-- its mixture probability) times, so the maximum-likelihood model is the
-- generating one (to rounding): EM must find it.
CREATE TABLE em3 AS
WITH p AS (SELECT 0.2 AS lam, ARRAY[0.9, 0.8, 0.95] AS m, ARRAY[0.1, 0.2, 0.05] AS u),
     v AS (SELECT ARRAY[a, b, c] AS lv FROM generate_series(0, 1) a, generate_series(0, 1) b, generate_series(0, 1) c),
     n AS (SELECT lv, round(100000 * (
             lam * (SELECT exp(sum(ln(CASE WHEN lv[k] = 1 THEN m[k] ELSE 1 - m[k] END))) FROM generate_series(1, 3) k)
           + (1 - lam) * (SELECT exp(sum(ln(CASE WHEN lv[k] = 1 THEN u[k] ELSE 1 - u[k] END))) FROM generate_series(1, 3) k)
           ))::int AS cnt FROM v, p)
SELECT lv FROM n, generate_series(1, n.cnt);
SELECT count(*) AS pairs FROM em3;
CREATE TABLE em3_model AS SELECT precmed.fs_train(lv, '{"tolerance": 1e-10, "max_iterations": 5000}') AS model FROM em3;
SELECT round((precmed.fs_model_info(model) ->> 'prior')::numeric, 3) AS prior,
       (precmed.fs_model_info(model) ->> 'converged')::boolean AS converged
  FROM em3_model;
SELECT field_index, level, round(m::numeric, 3) AS m, round(u::numeric, 3) AS u, pairs
  FROM em3_model, precmed.fs_model_levels(model);
-- the one-argument form is the default params
SELECT precmed.fs_train(lv) = precmed.fs_train(lv, '{}') AS default_params FROM em3;

-- Four three-level fields, the fourth missing (NULL) in 10% of pairs;
-- prior 0.1.  Missing fields must drop out of both steps.
CREATE TABLE em4 AS
WITH p AS (SELECT 0.1 AS lam,
                  ARRAY[[0.05, 0.15, 0.8], [0.1, 0.1, 0.8], [0.02, 0.08, 0.9], [0.1, 0.2, 0.7]] AS m,
                  ARRAY[[0.8, 0.15, 0.05], [0.7, 0.2, 0.1], [0.9, 0.05, 0.05], [0.5, 0.3, 0.2]] AS u),
     v AS (SELECT ARRAY[a, b, c, d] AS lv FROM generate_series(0, 2) a, generate_series(0, 2) b,
                  generate_series(0, 2) c, generate_series(-1, 2) d),
     n AS (SELECT lv, round(200000 * (CASE WHEN lv[4] = -1 THEN 0.1 ELSE 0.9 END) * (
             lam * (SELECT exp(sum(ln(m[k][lv[k] + 1]))) FROM generate_series(1, 4) k WHERE lv[k] >= 0)
           + (1 - lam) * (SELECT exp(sum(ln(u[k][lv[k] + 1]))) FROM generate_series(1, 4) k WHERE lv[k] >= 0)
           ))::int AS cnt FROM v, p)
SELECT array_replace(lv, -1, NULL) AS lv FROM n, generate_series(1, n.cnt);
SELECT count(*) AS pairs, count(*) FILTER (WHERE lv[4] IS NULL) AS missing_4 FROM em4;
CREATE TABLE em4_model AS
SELECT precmed.fs_train(lv, '{"tolerance": 1e-10, "max_iterations": 5000, "fields": ["a", "b", "c", "d"]}') AS model FROM em4;
SELECT round((precmed.fs_model_info(model) ->> 'prior')::numeric, 3) AS prior FROM em4_model;
SELECT field, level, round(m::numeric, 3) AS m, round(u::numeric, 3) AS u
  FROM em4_model, precmed.fs_model_levels(model);

-- a model survives a round trip through its jsonb form (fs_model_info ->
-- edit -> fs_model): the same scores, to the 15 digits the jsonb keeps
SELECT bool_and(abs(precmed.fs_match_weight(model, lv)
                    - precmed.fs_match_weight(precmed.fs_model(precmed.fs_model_info(model)), lv)) < 1e-9) AS same_weights
  FROM em4_model, (SELECT DISTINCT lv FROM em4) v;

-- u fixed (here at the true values): only m and the prior are estimated,
-- and the model says so; u comes back exactly as given
CREATE TABLE em4_ufixed AS
SELECT precmed.fs_train(lv, '{"u": [[0.8, 0.15, 0.05], [0.7, 0.2, 0.1], [0.9, 0.05, 0.05], [0.5, 0.3, 0.2]],
                              "tolerance": 1e-10, "max_iterations": 5000}') AS model FROM em4;
SELECT precmed.fs_model_info(model) -> 'u' AS u, (precmed.fs_model_info(model) ->> 'u_fixed')::boolean AS u_fixed,
       round((precmed.fs_model_info(model) ->> 'prior')::numeric, 3) AS prior,
       (SELECT array_agg(round(x::numeric, 3)) FROM jsonb_array_elements_text(precmed.fs_model_info(model) -> 'm' -> 0) AS x) AS m_a
  FROM em4_ufixed;
-- level frequencies: the share of pairs per level (here the mixture marginals)
SELECT jsonb_path_query_array(precmed.fs_level_frequencies(lv, '{}'), '$[*].size()') AS levels,
       (SELECT array_agg(round(x::numeric, 4)) FROM jsonb_array_elements_text(precmed.fs_level_frequencies(lv, '{}') -> 3) AS x) AS field_d
  FROM em4;

-- ---- the same model under a parallel plan ---------------------------------
CREATE TABLE em4_serial AS SELECT precmed.fs_train(lv, '{}') AS model, precmed.fs_level_frequencies(lv, '{}') AS freq FROM em4;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT precmed.fs_train(lv, '{}') FROM em4;
SELECT s.model = p.model AS same_model, s.freq = p.freq AS same_frequencies
  FROM em4_serial s,
       (SELECT precmed.fs_train(lv, '{}') AS model, precmed.fs_level_frequencies(lv, '{}') AS freq FROM em4) p;
SET force_parallel_mode = on;
SELECT s.model = p.model AS same_model_forced_parallel
  FROM em4_serial s, (SELECT precmed.fs_train(lv, '{}') AS model FROM em4) p;
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- ---- fs_train bad input -----------------------------------------------------
-- zero pairs
SELECT precmed.fs_train(lv, '{}') FROM em3 WHERE false;
\echo :LAST_ERROR_SQLSTATE
-- every pair identical
SELECT precmed.fs_train(lv, '{}') FROM (VALUES ('{1,0}'::int[]), ('{1,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
-- arrays of differing length
SELECT precmed.fs_train(lv, '{}') FROM (VALUES ('{1,0}'::int[]), ('{1,0,1}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
-- a level out of range: negative, or above the declared levels
SELECT precmed.fs_train(lv, '{}') FROM (VALUES ('{1,0}'::int[]), ('{-1,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{"levels": [2, 3]}') FROM (VALUES ('{1,0}'::int[]), ('{2,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
-- a NULL comparison vector, a two-dimensional one
SELECT precmed.fs_train(lv, '{}') FROM (VALUES ('{1,0}'::int[]), (NULL)) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{}') FROM (VALUES ('{{1,0}}'::int[])) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
-- bad params
SELECT precmed.fs_train(lv, '{"level": [2, 2]}') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{"levels": [2]}') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{"u": [[0.5, 0.6], [0.5, 0.5]]}') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{"prior": 0}') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '{"max_iterations": "many"}') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE
SELECT precmed.fs_train(lv, '[1]') FROM (VALUES ('{1,0}'::int[]), ('{0,0}')) AS t(lv);
\echo :LAST_ERROR_SQLSTATE

-- ---- clusters -----------------------------------------------------------------
-- a-b and b-c above 0.5 chain into one person named a; d-e below: apart;
-- (f, f) declares a record with no candidate pair; g-h has no score.
CREATE TABLE scored_pairs (id_l text, id_r text, p float8);
INSERT INTO scored_pairs VALUES ('b', 'c', 0.6), ('a', 'b', 0.9), ('d', 'e', 0.4),
                                ('f', 'f', 1), ('g', 'h', NULL), ('e', 'c', 0.5);
SELECT * FROM precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored_pairs', 0.5);
SELECT * FROM precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored_pairs', 0.55);
-- stable: the same input in another order gives the same ids
SELECT count(*) AS differences FROM (
  (SELECT * FROM precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored_pairs ORDER BY p DESC', 0.5)
   EXCEPT SELECT * FROM precmed.link_clusters('SELECT id_r AS id_l, id_l AS id_r, p AS match_probability FROM scored_pairs ORDER BY p', 0.5))) d;
-- integer ids are accepted (and come back as text)
SELECT * FROM precmed.link_clusters('SELECT 10 AS id_l, 9 AS id_r, 0.99 AS match_probability', 0.5);
-- errors
SELECT * FROM precmed.link_clusters('SELECT id_l, id_r FROM scored_pairs', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_clusters('SELECT id_l, NULL::text AS id_r, p AS match_probability FROM scored_pairs', 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_clusters('SELECT id_l, id_r, p AS match_probability FROM scored_pairs', 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_clusters(NULL, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.link_clusters('SELECT id_l, id_r, ''NaN''::float8 AS match_probability FROM scored_pairs', 0.5);
\echo :LAST_ERROR_SQLSTATE

-- link_clusters keeps one copy of each record id, not one per pair: two
-- million pairs among ten ids raise the backend's peak memory by far less
-- than the 4 million id copies 0.1.0 made (about 140 MB).
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')::bigint AS hwm_before \gset
SELECT count(*) AS clusters FROM precmed.link_clusters(
  $$SELECT 'record-' || (i % 10) AS id_l, 'record-' || ((i + 1) % 10) AS id_r,
           0.1::float8 AS match_probability FROM generate_series(1, 2000000) i$$, 0.5);
SELECT (substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')::bigint - :hwm_before) / 1024 < 60
       AS peak_growth_below_60_mb;
-- and what it holds is capped by precmed.max_memory_mb (superuser setting)
SET precmed.max_memory_mb = 1;
SELECT count(*) FROM precmed.link_clusters(
  $$SELECT 'record-' || i AS id_l, 'record-' || (i + 1) AS id_r, 0.1::float8 AS match_probability
      FROM generate_series(1, 100000) i$$, 0.5);
\echo :LAST_ERROR_SQLSTATE
RESET precmed.max_memory_mb;
