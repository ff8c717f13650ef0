-- precmed install script, part 30: probabilistic record linkage.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

-- ---- comparators --------------------------------------------------------

CREATE FUNCTION precmed.jaro(a text, b text) RETURNS float8
  AS 'MODULE_PATHNAME', 'jaro'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.jaro(text, text) IS
  'Jaro similarity of two strings, compared by character (not byte), 0..1; 1 for identical strings (also both empty). Jaro 1989.';

CREATE FUNCTION precmed.jaro_winkler(a text, b text) RETURNS float8
  AS 'MODULE_PATHNAME', 'jaro_winkler'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.jaro_winkler(text, text) IS
  'Jaro-Winkler similarity by character, 0..1: Jaro plus 0.1 per common leading character (at most 4) times (1 - Jaro), when Jaro > 0.7. Winkler 1990.';

CREATE FUNCTION precmed.jaro_winkler(a text, b text, prefix_scale float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'jaro_winkler'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.jaro_winkler(text, text, float8) IS
  'Jaro-Winkler similarity by character with a chosen prefix scale (0..0.25; the standard is 0.1). NULL if a or b is NULL.';

CREATE FUNCTION precmed.damerau_levenshtein(a text, b text, max_distance int DEFAULT NULL) RETURNS int
  AS 'MODULE_PATHNAME', 'damerau_levenshtein'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.damerau_levenshtein(text, text, int) IS
  'Damerau-Levenshtein (optimal string alignment) edit distance by character: insertions, deletions, substitutions and adjacent swaps. With max_distance, returns max_distance + 1 as soon as the distance must exceed it. NULL if a or b is NULL.';

CREATE FUNCTION precmed.jaro_winkler_level(a text, b text, thresholds float8[] DEFAULT '{0.92,0.8}') RETURNS int
  AS 'MODULE_PATHNAME', 'jaro_winkler_level'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.jaro_winkler_level(text, text, float8[]) IS
  'Comparison level of two strings for fs_train: n+1 identical, n-i Jaro-Winkler >= thresholds[i+1] (thresholds decreasing, n of them), 0 otherwise; NULL (missing) if a or b is NULL.';

CREATE FUNCTION precmed.damerau_levenshtein_level(a text, b text, max_distances int[] DEFAULT '{1,2}') RETURNS int
  AS 'MODULE_PATHNAME', 'damerau_levenshtein_level'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.damerau_levenshtein_level(text, text, int[]) IS
  'Comparison level of two strings for fs_train: n+1 identical, n-i edit distance <= max_distances[i+1] (increasing, n of them), 0 otherwise; NULL (missing) if a or b is NULL.';

CREATE FUNCTION precmed.dates_transposed(a date, b date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'dates_transposed'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.dates_transposed(date, date) IS
  'True when two different dates have the same year and day and month swapped (2001-03-04 and 2001-04-03), the usual day-first/month-first entry error.';

CREATE FUNCTION precmed.date_level(a date, b date, within_days int[] DEFAULT '{}') RETURNS int
  AS 'MODULE_PATHNAME', 'date_level'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.date_level(date, date, int[]) IS
  'Comparison level of two dates for fs_train: n+2 same date, n+1 day and month transposed, n-i at most within_days[i+1] days apart (increasing, n of them), 0 otherwise; NULL (missing) if a or b is NULL.';

CREATE FUNCTION precmed.number_level(a float8, b float8, within float8[] DEFAULT '{}', relative boolean DEFAULT false) RETURNS int
  AS 'MODULE_PATHNAME', 'number_level'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed.number_level(float8, float8, float8[], boolean) IS
  'Comparison level of two numbers for fs_train: n+1 equal, n-i |a-b| <= within[i+1] (or |a-b|/max(|a|,|b|) when relative; increasing, n of them), 0 otherwise; NULL (missing) if a or b is NULL.';

-- ---- Fellegi-Sunter model ---------------------------------------------------

-- ---- precmed.fs_state: the state of the comparison-vector counts of fs_train and fs_level_frequencies ----
CREATE TYPE precmed.fs_state;
CREATE FUNCTION precmed_internal.fs_state_in(cstring) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_in(cstring) IS 'Input function of precmed.fs_state: the state''s bytes in hexadecimal, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_out(precmed.fs_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'fs_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_out(precmed.fs_state) IS 'Output function of precmed.fs_state: the state''s bytes in hexadecimal.';
CREATE FUNCTION precmed_internal.fs_state_recv(internal) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_recv(internal) IS 'Receive function of precmed.fs_state: the state''s bytes, checked (22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_send(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_send(precmed.fs_state) IS 'Send function of precmed.fs_state: the state''s bytes.';
CREATE TYPE precmed.fs_state (
  INPUT = precmed_internal.fs_state_in, OUTPUT = precmed_internal.fs_state_out,
  RECEIVE = precmed_internal.fs_state_recv, SEND = precmed_internal.fs_state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended);
COMMENT ON TYPE precmed.fs_state IS
  'Partial state of the comparison-vector counts of fs_train and fs_level_frequencies: the concrete state type PostgreSQL''s parallel query, postgres_fdw and Citus pass between processes and servers. It grows with the rows (O(rows), bounded by precmed.max_memory_mb) and is updated in place as an expanded object. Text form: its bytes in hexadecimal (header PMST, format version, kind, CRC-32C).';
CREATE FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[], jsonb) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[], jsonb) IS 'Transition function over precmed.fs_state: adds a row.';
CREATE FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[]) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_transfn(precmed.fs_state, int[]) IS 'Transition function over precmed.fs_state: adds a row.';
CREATE FUNCTION precmed_internal.fs_state_combinefn(precmed.fs_state, precmed.fs_state) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_combinefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_combinefn(precmed.fs_state, precmed.fs_state) IS 'Combine function over precmed.fs_state: the state of both inputs'' rows.';
CREATE FUNCTION precmed_internal.fs_state_mergefn(precmed.fs_state, bytea) RETURNS precmed.fs_state
  AS 'MODULE_PATHNAME', 'fs_state_mergefn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_mergefn(precmed.fs_state, bytea) IS 'Transition function of the _merge aggregates over precmed.fs_state: adds the rows of a state''s bytes (checked: 22P03 when bad).';
CREATE FUNCTION precmed_internal.fs_state_bytes(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_state_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_state_bytes(precmed.fs_state) IS 'Final function of the _state aggregates over precmed.fs_state: the state''s bytes (header, payload, CRC-32C).';
CREATE FUNCTION precmed_internal.fs_train_finish(precmed.fs_state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_train_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_train_finish(precmed.fs_state) IS 'Final function of precmed.fs_train and precmed.fs_train_merge.';
CREATE FUNCTION precmed_internal.fs_level_frequencies_finish(precmed.fs_state) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'fs_level_frequencies_finish' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION precmed_internal.fs_level_frequencies_finish(precmed.fs_state) IS 'Final function of precmed.fs_level_frequencies and precmed.fs_level_frequencies_merge.';
CREATE AGGREGATE precmed.fs_train(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train(int[], jsonb) IS
  'Fellegi-Sunter model by EM over candidate pairs: per field and level the m (given match) and u (given non-match) probabilities, and the prior match probability. Each row is one pair''s comparison levels (NULL element = field missing). params: levels, fields, max_iterations, tolerance, prior, m (start), u (fixed). See docs/linkage.md.';
CREATE AGGREGATE precmed.fs_train(comparisons int[]) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train(int[]) IS
  'fs_train(comparisons, ''{}''): a Fellegi-Sunter model by EM with the default parameters.';
CREATE AGGREGATE precmed.fs_train_state(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_state(int[], jsonb) IS
  'The state of precmed.fs_train over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_train_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_train_state(comparisons int[]) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_state(int[]) IS
  'The state of precmed.fs_train over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_train_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_train_merge(state bytea) (
  SFUNC = precmed_internal.fs_state_mergefn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_train_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_train_merge(bytea) IS
  'precmed.fs_train finished from the states precmed.fs_train_state (or any _state aggregate of precmed.fs_state) returned where the rows are: the same answer as precmed.fs_train over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';
CREATE AGGREGATE precmed.fs_level_frequencies(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_level_frequencies_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies(int[], jsonb) IS
  'Share of pairs at each level of each field, as a jsonb array of arrays (missing fields left out; params as fs_train: levels, smoothing). Over random record pairs this estimates the u table: pass it to fs_train as params "u".';
CREATE AGGREGATE precmed.fs_level_frequencies_state(comparisons int[], params jsonb) (
  SFUNC = precmed_internal.fs_state_transfn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_state_bytes,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies_state(int[], jsonb) IS
  'The state of precmed.fs_level_frequencies over these rows as bytes (a precmed.fs_state: header, payload, CRC-32C), to finish elsewhere with precmed.fs_level_frequencies_merge; NULL without rows.';
CREATE AGGREGATE precmed.fs_level_frequencies_merge(state bytea) (
  SFUNC = precmed_internal.fs_state_mergefn, STYPE = precmed.fs_state,
  FINALFUNC = precmed_internal.fs_level_frequencies_finish, FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = precmed_internal.fs_state_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE precmed.fs_level_frequencies_merge(bytea) IS
  'precmed.fs_level_frequencies finished from the states precmed.fs_level_frequencies_state (or any _state aggregate of precmed.fs_state) returned where the rows are: the same answer as precmed.fs_level_frequencies over all their rows. A bad, truncated or other-kind state is 22P03; NULL states are skipped.';

CREATE FUNCTION precmed.fs_model(spec jsonb) RETURNS bytea
  AS 'MODULE_PATHNAME', 'fs_model'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.fs_model(jsonb) IS
  'A Fellegi-Sunter model from given probabilities: {"prior": p, "m": [[...],...], "u": [[...],...], "fields": [...]} (one row per field, one value per level, each row summing to 1).';

CREATE FUNCTION precmed.fs_match_weight(model bytea, comparisons int[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'fs_match_weight'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.fs_match_weight(bytea, int[]) IS
  'Match weight of a pair in bits: log2(prior/(1-prior)) + sum over non-missing fields of log2(m/u) at the pair''s level (Fellegi-Sunter 1969, as Splink).';

CREATE FUNCTION precmed.fs_score(model bytea, comparisons int[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'fs_score'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.fs_score(bytea, int[]) IS
  'Match probability of a pair, 0..1: 2^w / (1 + 2^w) with w = fs_match_weight(model, comparisons).';

CREATE FUNCTION precmed.fs_model_info(model bytea) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'fs_model_info'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.fs_model_info(bytea) IS
  'A Fellegi-Sunter model as jsonb: fields, prior, pairs, iterations, converged, u_fixed, the m and u tables, and per field and level m, u, match weight, Bayes factor and training pairs.';

CREATE FUNCTION precmed.fs_model_levels(model bytea)
  RETURNS TABLE (field_index int, field text, level int, m float8, u float8,
                 match_weight float8, bayes_factor float8, pairs float8)
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT x.field_index, x.field, x.level, x.m, x.u, x.match_weight, x.bayes_factor, x.pairs
      FROM jsonb_to_recordset(precmed.fs_model_info(model) -> 'levels')
           AS x(field_index int, field text, level int, m float8, u float8,
                match_weight float8, bayes_factor float8, pairs float8)
     ORDER BY x.field_index, x.level DESC
  $$;
COMMENT ON FUNCTION precmed.fs_model_levels(bytea) IS
  'The m/u table of a Fellegi-Sunter model, one row per field and level (top level first): m, u, match weight log2(m/u), Bayes factor m/u, training pairs at that level.';

-- ---- clustering -------------------------------------------------------------

CREATE FUNCTION precmed.link_clusters(pairs text, threshold float8)
  RETURNS TABLE (record_id text, cluster_id text)
  AS 'MODULE_PATHNAME', 'link_clusters'
  LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.link_clusters(text, float8) IS
  'Person clusters: connected components of the pairs (query with id_l, id_r, match_probability) scored >= threshold. Every record named in a pair gets a row; cluster_id is the smallest record_id of its cluster, so ids are stable. Ordered by cluster_id, record_id.';
