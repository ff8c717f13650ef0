-- precmed install script, part 35: privacy-preserving record linkage
-- (Bloom-filter encodings).
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

CREATE FUNCTION precmed.clk_encode(fields text[], secret text, params jsonb DEFAULT '{}')
  RETURNS bit varying
  AS 'MODULE_PATHNAME', 'clk_encode'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.clk_encode(text[], text, jsonb) IS
  'Bloom-filter encoding (cryptographic long-term key) of a record''s identifying fields: the q-grams or other tokens of each field hashed with HMAC-SHA-256 under the secret into one filter of params.length bits, then a 64-bit trailer naming the params. NULL elements are missing fields; NULL when every field is missing. The secret appears in no output or message. See docs/linkage.md.';

CREATE FUNCTION precmed.clk_encode_fields(fields text[], secret text, params jsonb DEFAULT '{}')
  RETURNS bit varying[]
  AS 'MODULE_PATHNAME', 'clk_encode_fields'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.clk_encode_fields(text[], text, jsonb) IS
  'Field-level Bloom filters: one encoding per field (as clk_encode, each with its own filter), NULL for a missing field; compare them with dice_level for per-field comparison levels.';

CREATE FUNCTION precmed.clk_describe(params jsonb DEFAULT '{}') RETURNS jsonb
  AS 'MODULE_PATHNAME', 'clk_describe'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.clk_describe(jsonb) IS
  'The params of an encoding with every default filled in, their canonical text and the params ids the encodings carry: sites compare it to check they encode alike.';

CREATE FUNCTION precmed.clk_info(clk bit varying) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'clk_info'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.clk_info(bit varying) IS
  'An encoding''s filter length, bits set and params id (from its trailer).';

CREATE FUNCTION precmed.dice(a bit varying, b bit varying) RETURNS float8
  AS 'MODULE_PATHNAME', 'dice'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.dice(bit varying, bit varying) IS
  'Dice coefficient 2|A and B|/(|A|+|B|) of two encodings made with the same params (an error otherwise), 0..1; NULL when neither has a bit set.';

CREATE FUNCTION precmed.dice_level(a bit varying, b bit varying, thresholds float8[] DEFAULT '{0.9,0.7}')
  RETURNS int
  AS 'MODULE_PATHNAME', 'dice_level'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.dice_level(bit varying, bit varying, float8[]) IS
  'Comparison level of two encodings for fs_train: n+1 identical filters, n-i Dice >= thresholds[i+1] (decreasing, n of them), 0 otherwise; NULL (missing) if a or b is NULL.';

CREATE FUNCTION precmed.clk_blocks(clk bit varying, params jsonb DEFAULT '{}') RETURNS text[]
  AS 'MODULE_PATHNAME', 'clk_blocks'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.clk_blocks(bit varying, jsonb) IS
  'Hamming LSH blocking keys of an encoding, one "band:hex" text per band (params bands, band_bits, seed): encodings sharing a key are candidate pairs (equi-join on unnest, or a GIN index with &&). NULL for a NULL clk.';

CREATE FUNCTION precmed.clk_candidates("left" text, "right" text, threshold float8,
                                       params jsonb DEFAULT '{}')
  RETURNS TABLE (left_id text, right_id text, dice float8)
  AS 'MODULE_PATHNAME', 'clk_candidates'
  LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.clk_candidates(text, text, float8, jsonb) IS
  'Candidate pairs of encodings: queries with id and clk; pairs sharing an LSH band key (params bands, band_bits, seed; bands 0 = every pair) with Dice >= threshold, compared in C. right NULL deduplicates left (left_id < right_id). Ordered by left_id, right_id.';
