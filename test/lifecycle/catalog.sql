-- The SQL objects of the installed precmed extension, one line each with
-- everything that defines them, sorted: two databases hold the same
-- extension exactly when this prints the same lines (used by the upgrade
-- and dump/restore tests).  Reference tables are compared by their rows'
-- md5; tables registered for pg_dump (users' rows) by shape only.
WITH ext AS (
  SELECT e.oid, e.extversion, e.extconfig FROM pg_extension e WHERE e.extname = 'precmed'
), member AS (
  SELECT d.classid, d.objid FROM pg_depend d, ext
   WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), lines(line) AS (
  SELECT 'extension version ' || extversion FROM ext
  UNION ALL
  -- plain functions and procedures: their whole definition
  SELECT 'function ' || p.oid::regprocedure || E'\n' || pg_get_functiondef(p.oid)
         || E'\n  parallel ' || p.proparallel::text || ' cost ' || p.procost || ' rows ' || p.prorows
         || E'\n  acl ' || coalesce(p.proacl::text, '(default)')
         || E'\n  comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '(none)')
    FROM member m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
   WHERE p.prokind IN ('f', 'p')
  UNION ALL
  -- aggregates: their support functions and state
  SELECT 'aggregate ' || p.oid::regprocedure || ' returns ' || format_type(p.prorettype, NULL)
         || ' strict ' || p.proisstrict || ' parallel ' || p.proparallel::text || ' kind ' || a.aggkind::text::text
         || E'\n  sfunc ' || a.aggtransfn::regprocedure || ' stype ' || format_type(a.aggtranstype, NULL)
         || ' sspace ' || a.aggtransspace || ' initcond ' || coalesce(a.agginitval, '(null)')
         || E'\n  finalfunc ' || a.aggfinalfn::regprocedure::text || ' extra ' || a.aggfinalextra
         || ' modify ' || a.aggfinalmodify::text
         || E'\n  combine ' || a.aggcombinefn::regprocedure::text
         || ' serial ' || a.aggserialfn::regprocedure::text
         || ' deserial ' || a.aggdeserialfn::regprocedure::text
         || E'\n  moving ' || a.aggmtransfn::regprocedure::text || ' ' || a.aggminvtransfn::regprocedure::text
         || ' ' || a.aggmfinalfn::regprocedure::text || ' sortop ' || a.aggsortop
         || E'\n  acl ' || coalesce(p.proacl::text, '(default)')
         || E'\n  comment ' || coalesce(obj_description(p.oid, 'pg_proc'), '(none)')
    FROM member m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
    JOIN pg_aggregate a ON a.aggfnoid = p.oid
  UNION ALL
  -- tables, views, sequences: columns, constraints, indexes, definition
  SELECT 'relation ' || c.oid::regclass || ' kind ' || c.relkind::text || ' persistence ' || c.relpersistence::text
         || ' options ' || coalesce(c.reloptions::text, '()')
         || E'\n  acl ' || coalesce(c.relacl::text, '(default)')
         || E'\n  comment ' || coalesce(obj_description(c.oid, 'pg_class'), '(none)')
         || coalesce(E'\n  view ' || pg_get_viewdef(c.oid), '')
         || coalesce((SELECT string_agg(E'\n  column ' || a.attnum || ' ' || quote_ident(a.attname) || ' '
                                        || format_type(a.atttypid, a.atttypmod)
                                        || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                                        || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
                                        || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
                                        || CASE WHEN a.attgenerated <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
                                        || coalesce(' comment ' || col_description(c.oid, a.attnum), ''),
                                        '' ORDER BY a.attnum)
                        FROM pg_attribute a
                        LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '')
         || coalesce((SELECT string_agg(E'\n  constraint ' || con.conname || ' ' || pg_get_constraintdef(con.oid),
                                        '' ORDER BY con.conname)
                        FROM pg_constraint con WHERE con.conrelid = c.oid), '')
         || coalesce((SELECT string_agg(E'\n  index ' || pg_get_indexdef(i.indexrelid), '' ORDER BY 1)
                        FROM pg_index i WHERE i.indrelid = c.oid), '')
         || coalesce((SELECT string_agg(E'\n  trigger ' || pg_get_triggerdef(t.oid), '' ORDER BY t.tgname)
                        FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal), '')
         || CASE WHEN c.oid = ANY ((SELECT extconfig FROM ext)::oid[])
                 THEN E'\n  dumped with the user''s data'
                 ELSE '' END
    FROM member m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
  UNION ALL
  SELECT 'type ' || t.oid::regtype || ' type ' || t.typtype::text || ' category ' || t.typcategory::text
         || ' len ' || t.typlen || ' align ' || t.typalign::text || ' storage ' || t.typstorage::text
         || ' in ' || t.typinput::regproc || ' out ' || t.typoutput::regproc
         || ' receive ' || t.typreceive::regproc || ' send ' || t.typsend::regproc
         || ' relation ' || t.typrelid::regclass::text
         || ' element ' || t.typelem::regtype::text
         || coalesce(' base ' || nullif(t.typbasetype, 0)::regtype::text, '')
         || coalesce(E'\n  labels ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                                          FROM pg_enum e WHERE e.enumtypid = t.oid), '')
         || E'\n  comment ' || coalesce(obj_description(t.oid, 'pg_type'), '(none)')
    FROM member m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
  UNION ALL
  SELECT 'operator ' || o.oid::regoperator || ' function ' || o.oprcode::regproc
    FROM member m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
  UNION ALL
  SELECT 'cast ' || format_type(c.castsource, NULL) || ' -> ' || format_type(c.casttarget, NULL)
         || ' ' || c.castcontext::text || ' ' || c.castmethod::text || ' ' || c.castfunc::regprocedure::text
    FROM member m JOIN pg_cast c ON m.classid = 'pg_cast'::regclass AND c.oid = m.objid
  UNION ALL
  SELECT 'schema ' || n.nspname || ' acl ' || coalesce(n.nspacl::text, '(default)')
         || E'\n  comment ' || coalesce(obj_description(n.oid, 'pg_namespace'), '(none)')
    FROM pg_namespace n WHERE n.nspname LIKE 'precmed%'
  UNION ALL
  SELECT 'other member ' || pg_describe_object(m.classid, m.objid, 0)
    FROM member m
   WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass, 'pg_type'::regclass,
                           'pg_operator'::regclass, 'pg_cast'::regclass)
)
SELECT line FROM lines ORDER BY line;
