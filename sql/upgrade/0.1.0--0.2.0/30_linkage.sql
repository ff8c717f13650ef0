-- precmed upgrade 0.1.0 -> 0.2.0, part 30: record linkage.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- aggregate support functions move to precmed_internal
ALTER FUNCTION precmed.fs_train_transfn(internal, integer[], jsonb) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_transfn(internal, integer[]) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_train_finalfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.fs_level_frequencies_finalfn(internal) SET SCHEMA precmed_internal;
