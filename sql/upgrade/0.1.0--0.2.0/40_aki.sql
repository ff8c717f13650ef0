-- precmed upgrade 0.1.0 -> 0.2.0, part 40: KDIGO AKI staging.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- aggregate support functions move to precmed_internal
ALTER FUNCTION precmed.kdigo_summary_transfn(internal, timestamp, integer) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_summary_finalfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_transfn(internal, float8, float8, float8, timestamp, float8, float8) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_combinefn(internal, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_serialfn(internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_deserialfn(bytea, internal) SET SCHEMA precmed_internal;
ALTER FUNCTION precmed.kdigo_uo_rate_finalfn(internal) SET SCHEMA precmed_internal;
