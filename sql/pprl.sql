-- Privacy-preserving record linkage: Bloom-filter encodings against an
-- independent implementation (test/pprl/reference.py, Python's hmac and
-- hashlib: run it to see every expected bit string and position below),
-- Dice by hand, blocking keys, candidates against plain SQL, bad input,
-- and the secret absent from every error.
\set VERBOSITY default
\set SHOW_CONTEXT errors

-- ---- hand-checked encodings ------------------------------------------------
-- 'Anna' as text: normalized 'anna', padded bigrams _a an nn na a_; secret
-- 'key', length 64, k 2, double hashing.  HMAC-SHA-256('key', "f1" 0x1F 0x1F
-- bigram): h1, h2 = first two big-endian 8-byte words; positions
-- h1 mod 64 + j (1 + h2 mod 63) mod 64 (reference.py):
--   _a {9, 5}  an {51, 32}  nn {11, 46}  na {51, 25}  a_ {20, 34}
-- (na and an share 51).  Then 'P' 'M' and the params id.
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}') AS anna;
SELECT array_agg(i ORDER BY i) AS bits_set
  FROM generate_series(0, 63) i
 WHERE get_bit(precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}'), i) = 1;
-- the trailer: 'P' (0x50), 'M' (0x4D), then 6 bytes of SHA-256 over the canonical params
SELECT substring(precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}') FROM 65 FOR 16) = B'0101000001001101' AS magic,
       precmed.clk_info(precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}')) AS info,
       precmed.clk_describe('{"length": 64, "k": 2}') ->> 'params_id' AS described_id;
-- case, blanks and punctuation do not matter to text fields; a different key does
SELECT precmed.clk_encode(ARRAY['  ANNA! '], 'key', '{"length": 64, "k": 2}')
     = precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}') AS normalized,
       precmed.clk_encode(ARRAY['Anna'], 'key2', '{"length": 64, "k": 2}')
     = precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}') AS other_key_same;
-- random hashing, k 9: two HMAC blocks per token (message + 0x00 + block)
--   _j {11, 2, 29, 43, 12, 15, 35, 35, 29}  jo {63, 29, 18, 40, 25, 4, 27, 48, 47}
--   o_ {22, 47, 10, 24, 0, 4, 11, 13, 61}
SELECT precmed.clk_encode(ARRAY['Jo'], 'key', '{"length": 64, "k": 9, "hashing": "random"}') AS jo_random;
-- balanced: the filter and its complement, permuted under the key: 128 bits, 64 set
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2, "balanced": true}') AS anna_balanced,
       (precmed.clk_info(precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2, "balanced": true}')) ->> 'bits_set') AS bits_set;
-- field types and weights, salted with field 3:
--   name O'Brien -> obrien, k 3: _o {25,55,21} ob {60,19,42} br {13,25,37} ri {14,54,30}
--     ie {33,54,11} en {16,55,30} n_ {51,54,57}
--   date 1980-07-03, k 2: y:1980 {13,30} m:07 {6,1} d:03 {54,26} md:03-07 {13,1}
--   number 2612, step 5, neighbours 1, k 1: cells 521..523: g:521 {4} g:522 {41} g:523 {15}
\set p3 '{"length": 64, "salt_field": 3, "fields": [{"type": "name", "k": 3}, {"type": "date", "k": 2}, {"type": "number", "k": 1, "step": 5, "neighbours": 1}]}'
SELECT precmed.clk_describe(:'p3') ->> 'canonical' AS canonical;
SELECT precmed.clk_encode(ARRAY['O''Brien', '1980-07-03', '2612'], 'key', :'p3') AS record;
SELECT i, e AS field_filter
  FROM unnest(precmed.clk_encode_fields(ARRAY['O''Brien', '1980-07-03', '2612'], 'key', :'p3')) WITH ORDINALITY AS u(e, i);
-- dates in other forms, numbers written otherwise, and 2611 (the same cell) encode alike
SELECT precmed.clk_encode(ARRAY['OBRIEN', '19800703', ' 2612.0 '], 'key', :'p3')
     = precmed.clk_encode(ARRAY['O''Brien', '1980/07/03', '2612'], 'key', :'p3') AS same_forms;
-- a day-month swap keeps the year and the unordered pair: 2 of the 4 date tokens
SELECT round(precmed.dice(f[2], g[2])::numeric, 4) AS swapped_date_dice
  FROM (SELECT precmed.clk_encode_fields(ARRAY['x', '1980-07-03', '1'], 'key', :'p3') AS f,
               precmed.clk_encode_fields(ARRAY['x', '1980-03-07', '1'], 'key', :'p3') AS g) t;

-- ---- Dice -------------------------------------------------------------------
-- Anna Smith / Ana Smith, length 128 (reference.py): 149 bits set together,
-- 74 and 75 set, 73 shared: 2 * 73 / 149 = 0.9798657718
SELECT round(precmed.dice(a, b)::numeric, 10) AS dice,
       round((2 * bit_count(substring(a FROM 1 FOR 128) & substring(b FROM 1 FOR 128))::numeric
              / (bit_count(substring(a FROM 1 FOR 128)) + bit_count(substring(b FROM 1 FOR 128))))::numeric, 10) AS dice_sql,
       precmed.dice(a, a) AS self
  FROM (SELECT precmed.clk_encode(ARRAY['Anna', 'Smith'], 'key', '{"length": 128}') AS a,
               precmed.clk_encode(ARRAY['Ana', 'Smith'], 'key', '{"length": 128}') AS b) t;
-- levels: 3 identical, 2 >= 0.9, 1 >= 0.7, 0 below; NULL for a missing field
SELECT precmed.dice_level(a, a) AS same, precmed.dice_level(a, b) AS close,
       precmed.dice_level(a, c) AS far, precmed.dice_level(a, NULL) AS missing,
       precmed.dice_level(a, b, '{0.99}') AS one_threshold
  FROM (SELECT precmed.clk_encode(ARRAY['Anna', 'Smith'], 'key', '{"length": 128}') AS a,
               precmed.clk_encode(ARRAY['Ana', 'Smith'], 'key', '{"length": 128}') AS b,
               precmed.clk_encode(ARRAY['Zoe', 'Brown'], 'key', '{"length": 128}') AS c) t;

-- ---- missing fields -----------------------------------------------------------
-- NULL elements and empty or blank values are missing: they set no bit; a
-- record with every field missing has no encoding (NULL), and so has a NULL array
SELECT precmed.clk_encode(ARRAY['Anna', NULL], 'key', '{"length": 64, "k": 2}')
     = precmed.clk_encode(ARRAY['Anna', ''], 'key', '{"length": 64, "k": 2}') AS null_is_empty,
       precmed.clk_encode(ARRAY[NULL, ' ', '!?'], 'key') IS NULL AS all_missing,
       precmed.clk_encode(NULL, 'key') IS NULL AS null_array,
       precmed.clk_encode_fields(ARRAY['Anna', NULL], 'key', '{"length": 64}')::text LIKE '%,NULL}' AS field_null;

-- ---- blocking keys ---------------------------------------------------------------
-- one key per band, "band:hex"; identical encodings share all, the key
-- width follows band_bits
SELECT array_length(k, 1) AS bands, k[1] ~ '^0:[0-9a-f]{2}$' AS key_form,
       k = precmed.clk_blocks(precmed.clk_encode(ARRAY['anna'], 'key'), '{"bands": 3, "band_bits": 8}') AS same_keys
  FROM (SELECT precmed.clk_blocks(precmed.clk_encode(ARRAY['Anna'], 'key'), '{"bands": 3, "band_bits": 8}') AS k) t;
-- a band's key is the filter's bits at the sampled positions: with band_bits
-- 64 on a 64-bit filter every position is sampled once, so the key has as
-- many ones as the filter
SELECT length(replace(((('x' || lpad(split_part(k[1], ':', 2), 16, '0'))::bit(64))::text), '0', '')) AS key_ones,
       (precmed.clk_info(c) ->> 'bits_set')::int AS filter_ones
  FROM (SELECT c, precmed.clk_blocks(c, '{"bands": 1, "band_bits": 64}') AS k
          FROM (SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 64, "k": 2}') AS c) s) t;

-- ---- candidates ----------------------------------------------------------------
-- 300 synthetic people, each twice (one typo): every pair at Dice >= 0.6 by
-- plain SQL, and clk_candidates comparing every pair ("bands": 0) and with
-- blocking must agree with it
CREATE TEMP TABLE people AS
SELECT g::text || CASE WHEN v = 1 THEN 'a' ELSE 'b' END AS id,
       precmed.clk_encode(ARRAY[
         (ARRAY['anna','john','mary','peter','linda','james','susan','mark','karen','paul'])[1 + g % 10]
           || CASE WHEN v = 2 AND g % 3 = 0 THEN 'h' ELSE '' END,
         (ARRAY['smith','jones','brown','taylor','wilson','davies','evans','thomas','roberts','walker',
                'wright','white','hughes','green','hall','wood','harris','clark','lewis','king'])[1 + (g / 10) % 20],
         (1930 + g % 60)::text || '-0' || (1 + g % 9)::text || '-1' || (g % 9)::text], 'key',
         '{"fields": [{"type": "name"}, {"type": "name"}, {"type": "date", "k": 20}]}') AS clk
  FROM generate_series(1, 300) g, generate_series(1, 2) v;
CREATE TEMP TABLE by_sql AS
SELECT a.id AS left_id, b.id AS right_id, precmed.dice(a.clk, b.clk) AS dice
  FROM people a JOIN people b ON a.id < b.id WHERE precmed.dice(a.clk, b.clk) >= 0.6;
SELECT count(*) AS pairs, count(*) FILTER (WHERE left(left_id, -1) = left(right_id, -1)) AS same_person
  FROM by_sql;
SELECT count(*) AS all_pairs_mismatches FROM (
  (SELECT * FROM by_sql EXCEPT ALL SELECT * FROM precmed.clk_candidates('SELECT id, clk FROM people', NULL, 0.6, '{"bands": 0}'))
  UNION ALL
  (SELECT * FROM precmed.clk_candidates('SELECT id, clk FROM people', NULL, 0.6, '{"bands": 0}') EXCEPT ALL SELECT * FROM by_sql)) d;
-- blocking proposes a subset of the pairs; all 300 true pairs are among them here
SELECT count(*) AS blocked_pairs, count(*) FILTER (WHERE left(left_id, -1) = left(right_id, -1)) AS same_person,
       bool_and(EXISTS (SELECT 1 FROM by_sql s WHERE s.left_id = c.left_id AND s.right_id = c.right_id AND s.dice = c.dice)) AS subset
  FROM precmed.clk_candidates('SELECT id, clk FROM people', NULL, 0.6, '{"bands": 30, "band_bits": 16}') c;
-- regression: with 5000 encodings the bit counts of the records used to be
-- allocated in SPI's memory, freed before the comparison (Dice values
-- wrong, pairs lost); every Dice must equal dice()'s
CREATE TEMP TABLE many AS
SELECT g::text AS id, precmed.clk_encode(ARRAY[left(md5((g % 1000)::text), 10), left(md5((g % 37)::text), 6)],
                                         'key', '{"length": 256, "k": 4}') AS clk
  FROM generate_series(1, 5000) g;
SELECT count(*) AS pairs, bool_and(c.dice = precmed.dice(a.clk, b.clk)) AS dice_right,
       count(*) FILTER (WHERE a.id::int % 1000 = b.id::int % 1000) AS same_name
  FROM precmed.clk_candidates('SELECT id, clk FROM many', NULL, 0.5, '{"bands": 20, "band_bits": 16}') c
  JOIN many a ON a.id = c.left_id JOIN many b ON b.id = c.right_id;
-- two sides: left and right queries, ids as given, ordered by left_id, right_id
SELECT * FROM precmed.clk_candidates($$SELECT id, clk FROM people WHERE id LIKE '1_a' OR id LIKE '2_a'$$,
                                     $$SELECT id, clk FROM people WHERE id LIKE '1_b' OR id LIKE '2_b'$$,
                                     0.95, '{"bands": 0}');
-- nothing on one side: no pairs
SELECT count(*) AS none FROM precmed.clk_candidates('SELECT id, clk FROM people WHERE false', 'SELECT id, clk FROM people', 0.5);

-- ---- bad input ---------------------------------------------------------------------
SELECT precmed.clk_encode(ARRAY['Anna'], '');
SELECT precmed.clk_encode(ARRAY['Anna'], NULL);
SELECT precmed.clk_encode('{}'::text[], 'key');
SELECT precmed.clk_encode(ARRAY[ARRAY['a'], ARRAY['b']], 'key');
SELECT precmed.clk_encode(array_fill('x'::text, ARRAY[65]), 'key');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', NULL);
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 100}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"length": 1000000}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"lenght": 1024}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"k": 0}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"hashing": "md5"}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"fields": [{"type": "name"}, {"type": "date"}]}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"fields": [{"type": "name", "step": 2}]}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"fields": [{"type": "number", "neighbours": 2}]}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', '{"salt_field": 2}');
SELECT precmed.clk_encode(ARRAY['Anna'], 'key', jsonb_build_object('fields', '[]'::jsonb, 'pad', repeat('x', 70000)));
SELECT precmed.clk_encode(ARRAY['1980-02-30'], 'key', '{"fields": [{"type": "date"}]}');
SELECT precmed.clk_encode(ARRAY['12,5'], 'key', '{"fields": [{"type": "number"}]}');
SELECT precmed.clk_encode(ARRAY['1980-02-30'], 'key', '{"fields": [{"type": "date", "invalid": "missing"}]}') IS NULL AS invalid_missing;
-- dice: encodings of other lengths or params, and bit strings that are no encoding
SELECT precmed.dice(precmed.clk_encode(ARRAY['a'], 'key', '{"length": 64}'), precmed.clk_encode(ARRAY['a'], 'key', '{"length": 128}'));
SELECT precmed.dice(precmed.clk_encode(ARRAY['a'], 'key', '{"length": 64}'), precmed.clk_encode(ARRAY['a'], 'key', '{"length": 64, "k": 9}'));
SELECT precmed.dice((precmed.clk_encode_fields(ARRAY['a', 'b'], 'key', '{"length": 64}'))[1],
                    (precmed.clk_encode_fields(ARRAY['a', 'b'], 'key', '{"length": 64}'))[2]);
SELECT precmed.dice(B'1010', B'1010');
SELECT precmed.dice(repeat('1', 128)::varbit, repeat('1', 128)::varbit);
SELECT precmed.dice_level(precmed.clk_encode(ARRAY['a'], 'key'), precmed.clk_encode(ARRAY['a'], 'key'), '{0.7,0.9}');
SELECT precmed.dice_level(precmed.clk_encode(ARRAY['a'], 'key'), precmed.clk_encode(ARRAY['a'], 'key'), '{1.5}');
SELECT precmed.clk_blocks(precmed.clk_encode(ARRAY['a'], 'key'), '{"bands": 0}');
SELECT precmed.clk_blocks(precmed.clk_encode(ARRAY['a'], 'key'), '{"band_bits": 65}');
SELECT * FROM precmed.clk_candidates('SELECT id, clk FROM people', NULL, 1.5);
SELECT * FROM precmed.clk_candidates('SELECT id FROM people', NULL, 0.5);
SELECT * FROM precmed.clk_candidates('DELETE FROM people RETURNING id, clk', NULL, 0.5);
SELECT * FROM precmed.clk_candidates($$SELECT 'x' AS id, precmed.clk_encode(ARRAY['a'], 'key', '{"length": 64}') AS clk$$,
                                     'SELECT id, clk FROM people', 0.5);
SELECT * FROM precmed.clk_candidates($$SELECT NULL::text AS id, precmed.clk_encode(ARRAY['a'], 'key') AS clk$$, NULL, 0.5);

-- ---- the secret never shows ---------------------------------------------------------
-- Provoke every error of clk_encode and clk_encode_fields with a secret one
-- cannot miss, passed as a parameter (a literal would be in the statement
-- text, which the error context may quote); it must be in no message,
-- detail, hint or context.  The count checks that each call did fail.
CREATE FUNCTION pg_temp.secret_leaks(secret text) RETURNS TABLE (failed int, leaked int)
LANGUAGE plpgsql AS $$
DECLARE
  calls text[] := ARRAY[
    $q$SELECT precmed.clk_encode(ARRAY['Anna'], $1, '{"length": 100}')$q$,
    $q$SELECT precmed.clk_encode(ARRAY['Anna'], $1, '{"nope": 1}')$q$,
    $q$SELECT precmed.clk_encode(ARRAY['Anna'], $1, NULL)$q$,
    $q$SELECT precmed.clk_encode('{}'::text[], $1)$q$,
    $q$SELECT precmed.clk_encode(ARRAY[ARRAY['a'], ARRAY['b']], $1)$q$,
    $q$SELECT precmed.clk_encode(array_fill('x'::text, ARRAY[65]), $1)$q$,
    $q$SELECT precmed.clk_encode(ARRAY['Anna'], $1, '{"fields": [{"type": "name"}, {"type": "date"}]}')$q$,
    $q$SELECT precmed.clk_encode(ARRAY[$1], $1, '{"fields": [{"type": "date"}]}')$q$,
    $q$SELECT precmed.clk_encode(ARRAY[$1], $1, '{"fields": [{"type": "number"}]}')$q$,
    $q$SELECT precmed.clk_encode(ARRAY['Anna'], $1, '{"salt_field": 2}')$q$,
    $q$SELECT precmed.clk_encode_fields(ARRAY['1e5'], $1, '{"balanced": true, "fields": [{"type": "number", "step": 1e-300}]}')$q$,
    $q$SELECT precmed.clk_encode_fields(ARRAY['Anna'], $1, '{"length": 7}')$q$,
    $q$SELECT precmed.dice(precmed.clk_encode(ARRAY['a'], $1, '{"length": 64}'), precmed.clk_encode(ARRAY['a'], $1))$q$];
  q text;
  m text; d text; h text; c text;
BEGIN
  failed := 0; leaked := 0;
  FOREACH q IN ARRAY calls LOOP
    BEGIN
      EXECUTE q USING secret;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT, c = PG_EXCEPTION_CONTEXT;
      failed := failed + 1;
      IF strpos(concat_ws('|', m, d, h, c), secret) > 0 THEN
        leaked := leaked + 1;
        RAISE WARNING 'secret in: % | % | % | %', m, d, h, c;
      END IF;
    END;
  END LOOP;
  RETURN NEXT;
END $$;
SELECT * FROM pg_temp.secret_leaks('S3cr3t-Zebra-1984');
-- the secret is in no stored value either: encodings hold filter bits and the
-- params id only, which clk_describe computes without any secret
SELECT position('S3cr3t' IN precmed.clk_describe('{}')::text) AS in_description;
