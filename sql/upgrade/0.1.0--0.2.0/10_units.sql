-- precmed upgrade 0.1.0 -> 0.2.0, part 10: units.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- Reference data: changed only by precmed's own scripts.
CREATE TRIGGER ucum_essence_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.ucum_essence
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER ucum_essence_no_truncate BEFORE TRUNCATE ON precmed.ucum_essence
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
-- users may add rows of their own (shipped = false) to precmed.analyte
CREATE TRIGGER analyte_shipped_rows_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.analyte
  FOR EACH ROW EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER analyte_no_truncate BEFORE TRUNCATE ON precmed.analyte
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
