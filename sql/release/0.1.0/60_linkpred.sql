-- precmed install script, part 60: drug repositioning (link prediction).
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

CREATE FUNCTION precmed.link_predict(
    associations text,
    left_similarity text,
    right_similarity text,
    method text DEFAULT 'krls_gip',
    params jsonb DEFAULT '{}')
  RETURNS TABLE(left_id text, right_id text, score float8, known boolean)
  AS 'MODULE_PATHNAME', 'link_predict'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.link_predict(text, text, text, text, jsonb) IS
  'Scores every left x right pair (e.g. drug x disease) from known associations (query with left_id, right_id) and a similarity on each side (queries with id_a, id_b, similarity in [0,1]). Methods: krls_gip (default), knn, hgimc, bnnr, ensemble. See docs/repositioning.md.';

CREATE FUNCTION precmed.link_cv(
    associations text,
    left_similarity text,
    right_similarity text,
    folds text,
    method text DEFAULT 'krls_gip',
    params jsonb DEFAULT '{}')
  RETURNS TABLE(fold int, auroc float8, auprc float8, n_pos int, n_neg int)
  AS 'MODULE_PATHNAME', 'link_cv'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.link_cv(text, text, text, text, text, jsonb) IS
  'Cross-validates a link prediction method, global protocol: per fold (query with left_id, right_id, fold for every known pair) the model is retrained without that fold''s pairs and AUROC / average precision are computed on the held-out pairs against every unknown pair. See docs/repositioning.md.';

CREATE FUNCTION precmed.link_folds(associations text, k int DEFAULT 10, seed bigint DEFAULT 0)
  RETURNS TABLE(left_id text, right_id text, fold int)
  AS 'MODULE_PATHNAME', 'link_folds'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE;
COMMENT ON FUNCTION precmed.link_folds(text, int, bigint) IS
  'Assigns each known association (query with left_id, right_id) to one of k folds (0..k-1, sizes differing by at most one), by a seeded shuffle that depends only on the pairs and the seed.';

CREATE FUNCTION precmed.link_top_k(
    associations text,
    left_similarity text,
    right_similarity text,
    k int DEFAULT 10,
    per_side text DEFAULT 'right',
    method text DEFAULT 'krls_gip',
    params jsonb DEFAULT '{}')
  RETURNS TABLE(left_id text, right_id text, score float8, rank int)
  LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
  AS $$
BEGIN
  IF k IS NULL OR k < 1 THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('k = %s must be a positive number of candidates', coalesce(k::text, 'NULL')),
      HINT = 'Use for example k => 10.';
  END IF;
  IF per_side IS NULL OR per_side NOT IN ('left', 'right') THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = format('per_side = %s must be ''left'' or ''right''', coalesce(quote_literal(per_side), 'NULL')),
      HINT = '''right'' ranks left candidates (drugs) for each right entity (disease); ''left'' the reverse.';
  END IF;
  RETURN QUERY
  SELECT r.left_id, r.right_id, r.score, r.rnk::int
    FROM (SELECT p.left_id, p.right_id, p.score,
                 row_number() OVER (PARTITION BY CASE WHEN per_side = 'right' THEN p.right_id ELSE p.left_id END
                                    ORDER BY p.score DESC, p.left_id, p.right_id) AS rnk
            FROM precmed.link_predict(associations, left_similarity, right_similarity, method, params) AS p
           WHERE NOT p.known) AS r
   WHERE r.rnk <= k
   ORDER BY CASE WHEN per_side = 'right' THEN r.right_id ELSE r.left_id END, r.rnk;
END
$$;
COMMENT ON FUNCTION precmed.link_top_k(text, text, text, int, text, text, jsonb) IS
  'The k best unknown candidates per entity: per_side = ''right'' gives, for each right entity (disease), its k highest-scored left entities (drugs) not already associated; ''left'' the reverse. Ties are broken by id.';
