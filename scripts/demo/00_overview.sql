-- precmed demo, part 00: what is installed.
CREATE EXTENSION IF NOT EXISTS precmed;
\echo
\echo '== precmed'
SELECT precmed.version() AS version, precmed.build_info() AS build;
\echo
\echo '== functions (\\df+ precmed.* has the full reference; docs/ has a page per module)'
SELECT p.oid::regprocedure AS function,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       obj_description(p.oid, 'pg_proc') AS description
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'precmed'
 ORDER BY p.proname, p.oid::regprocedure::text;
