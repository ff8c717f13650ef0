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

CREATE TEMP VIEW precmed_functions AS
  SELECT p.oid, p.oid::regprocedure::text AS signature, p.proname, p.prokind,
         p.provolatile, p.proparallel, l.lanname, p.prosrc
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
   WHERE n.nspname = 'precmed';

SELECT plan(10);

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

-- aggregate support functions are documented through their aggregate
SELECT is_empty($$
  SELECT f.signature FROM precmed_functions f
   WHERE NOT EXISTS (SELECT 1 FROM pg_aggregate a
                      WHERE f.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
                                      a.aggserialfn, a.aggdeserialfn))
     AND NOT EXISTS (SELECT 1 FROM doc_lines d WHERE d.line ~ ('\m' || f.proname || '\M'))
$$, 'every function and aggregate has an entry in docs/');

SELECT * FROM finish();
ROLLBACK;
