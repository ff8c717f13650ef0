-- Catalog rules every precmed object follows: documented, deliberately
-- marked, schema-qualified.  The expected markings live in
-- test/markings/<module>.tsv, one line per function; a function that is not
-- listed there, or is marked differently, fails here.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;

CREATE TEMP TABLE expected_markings (signature text, volatility "char", parallel "char");
\copy expected_markings FROM PROGRAM 'cat test/markings/*.tsv | grep -v "^#"'

-- the reference pages, one line per row (CSV mode with unused delimiter and quote: text kept as is)
CREATE TEMP TABLE doc_lines (line text);
\copy doc_lines FROM PROGRAM 'cat docs/*.md' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')

-- precmed's functions: what users call (schema precmed) and the support
-- functions behind them (schema precmed_internal)
CREATE TEMP VIEW precmed_functions AS
  SELECT p.oid, p.oid::regprocedure::text AS signature, p.proname, p.prokind,
         p.provolatile, p.proparallel, l.lanname, p.prosrc, n.nspname
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
   WHERE n.nspname IN ('precmed', 'precmed_internal');

SELECT plan(11);

SELECT ok(extrelocatable = false AND n.nspname = 'precmed',
          'the extension lives in schema precmed and is not relocatable')
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE extname = 'precmed';

SELECT is(precmed.version(), (SELECT extversion FROM pg_extension WHERE extname = 'precmed'),
          'version() reports the installed extension version');

SELECT is((precmed.build_info() ->> 'blas_threads')::int, 1,
          'OpenBLAS runs one thread per backend');

SELECT is_empty($$ SELECT signature FROM precmed_functions
                   WHERE obj_description(oid, 'pg_proc') IS NULL $$,
                'every function has a COMMENT');

SELECT is_empty($$ SELECT c.oid::regclass::text FROM pg_class c
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE n.nspname = 'precmed' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
                     AND obj_description(c.oid, 'pg_class') IS NULL
                   UNION ALL
                   SELECT t.typname::text FROM pg_type t
                   JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'precmed' AND t.typtype IN ('b', 'c', 'd', 'e')
                     AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')
                     AND t.typname !~ '^_'
                     AND obj_description(t.oid, 'pg_type') IS NULL $$,
                'every table, view and type has a COMMENT');

SELECT set_eq($$ SELECT signature, provolatile, proparallel FROM precmed_functions $$,
              $$ SELECT signature, volatility, parallel FROM expected_markings $$,
              'every function is marked exactly as test/markings/*.tsv lists it');

SELECT is_empty($$ SELECT signature FROM precmed_functions
                   WHERE provolatile = 'v' AND proparallel = 's' $$,
                'no volatile function claims to be parallel safe');

-- SQL and PL/pgSQL bodies must name precmed objects with their schema, so a
-- user's search_path cannot redirect them.
SELECT is_empty($$
  SELECT f.signature || ' calls ' || g.name || ' unqualified'
    FROM precmed_functions f,
         (SELECT DISTINCT proname::text AS name FROM precmed_functions) g
   WHERE f.lanname IN ('sql', 'plpgsql')
     AND f.prosrc ~* ('(?<![.\w"])' || g.name || '\s*\(')
  UNION ALL
  SELECT f.signature || ' reads ' || r.name || ' unqualified'
    FROM precmed_functions f,
         (SELECT c.relname::text AS name FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'precmed' AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
          UNION
          SELECT t.typname::text FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname = 'precmed' AND t.typtype IN ('b', 'c', 'd', 'e')) r
   WHERE f.lanname IN ('sql', 'plpgsql')
     AND f.prosrc ~* ('(\mfrom|\mjoin|\minto|\mupdate|\mtable|::)\s*' || r.name || '\M')
$$, 'SQL function bodies schema-qualify precmed functions, tables and types');

SELECT is_empty($$ SELECT signature FROM precmed_functions
                   WHERE lanname = 'c' AND prosrc <> proname $$,
                'C functions have the C name of their SQL name');

-- The signatures the reference pages give in their headings: every
-- "precmed.name(arg type, ...)" of a Markdown heading, its types resolved as
-- PostgreSQL resolves them (float8 = double precision), an optional
-- "[, arg type]" part giving the signature with and without it.
CREATE FUNCTION pg_temp.type_or_null(t text) RETURNS text LANGUAGE plpgsql AS $fn$
BEGIN
  RETURN to_regtype(t)::text;
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END
$fn$;
CREATE FUNCTION pg_temp.doc_signatures() RETURNS TABLE(name text, types text[])
LANGUAGE plpgsql AS $fn$
DECLARE
  m text[];
  args text;
  parts text[];
  depth int;
  cur text;
  c text;
  required text[];
  optional text[];
  in_optional bool;
  quoted bool := false;
  t text;
BEGIN
  FOR m IN SELECT regexp_matches(line, 'precmed\.([a-z_0-9]+)\(([^()]*(\([^()]*\)[^()]*)*)\)', 'g')
             FROM doc_lines WHERE line ~ '^#'
  LOOP
    args := regexp_replace(m[2], '\s*\[\s*,', ',[', 'g');
    -- split on commas outside brackets; "[, x t]" marks an optional tail
    required := '{}'; optional := '{}'; in_optional := false; cur := ''; depth := 0;
    FOREACH c IN ARRAY regexp_split_to_array(args || ',', '')
    LOOP
      IF c = chr(39) THEN quoted := NOT quoted; END IF;
      IF quoted THEN cur := cur || c; CONTINUE; END IF;
      IF c = '[' AND depth = 0 AND cur !~ '\S' THEN in_optional := true; CONTINUE; END IF;
      IF c = '(' THEN depth := depth + 1; END IF;
      IF c = ')' THEN depth := depth - 1; END IF;
      IF c = ',' AND depth = 0 THEN
        cur := btrim(cur);
        -- the "]" closing an optional part, not one of an array type's "[]"
        IF in_optional AND length(cur) - length(replace(cur, ']', '')) > length(cur) - length(replace(cur, '[', '')) THEN
          cur := btrim(regexp_replace(cur, '\]\s*$', ''));
        END IF;
        IF cur <> '' THEN
          cur := regexp_replace(cur, '\s+DEFAULT\s.*$', '', 'i');
          -- "name type": the type follows the first word, unless the entry is a type alone
          t := CASE WHEN pg_temp.type_or_null(cur) IS NOT NULL THEN cur ELSE regexp_replace(cur, '^\S+\s+', '') END;
          t := coalesce(pg_temp.type_or_null(t), '?' || t);
          IF in_optional THEN optional := optional || t; ELSE required := required || t; END IF;
        END IF;
        cur := '';
      ELSE
        cur := cur || c;
      END IF;
    END LOOP;
    name := m[1]; types := required; RETURN NEXT;
    IF cardinality(optional) > 0 THEN types := required || optional; RETURN NEXT; END IF;
  END LOOP;
END
$fn$;

-- users' schema lists what users call: every support function is internal
SELECT is_empty($$
  SELECT f.signature FROM precmed_functions f JOIN pg_proc p ON p.oid = f.oid
   WHERE f.nspname = 'precmed'
     AND (p.prorettype = 'trigger'::regtype
          OR EXISTS (SELECT 1 FROM pg_aggregate a
                      WHERE f.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
                                      a.aggserialfn, a.aggdeserialfn)))
$$, 'aggregate support and trigger functions live in precmed_internal, out of \df precmed.*');

-- every function users call has a heading with its exact signature; aggregate
-- support functions are documented through their aggregate, trigger
-- functions through the tables they guard
SELECT is_empty($$
  SELECT f.signature FROM precmed_functions f JOIN pg_proc p ON p.oid = f.oid
   WHERE f.nspname = 'precmed'
     AND NOT EXISTS (SELECT 1 FROM pg_aggregate a
                      WHERE f.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
                                      a.aggserialfn, a.aggdeserialfn))
     AND p.prorettype <> 'trigger'::regtype
     AND NOT EXISTS (SELECT 1 FROM pg_temp.doc_signatures() d
                      WHERE d.name = f.proname
                        AND d.types = ARRAY(SELECT format_type(t, NULL)
                                              FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)
                                             ORDER BY i))
$$, 'every function and aggregate has a heading in docs/ with its signature');

SELECT * FROM finish();
ROLLBACK;
