-- precmed upgrade 0.1.0 -> 0.2.0, part 25: codes.
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit

-- Reference data: changed only by precmed's own scripts.
CREATE TRIGGER icd10cm_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.icd10cm
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER icd10cm_no_truncate BEFORE TRUNCATE ON precmed.icd10cm
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER gem_icd9_to_icd10_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.gem_icd9_to_icd10
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER gem_icd9_to_icd10_no_truncate BEFORE TRUNCATE ON precmed.gem_icd9_to_icd10
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER gem_icd10_to_icd9_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.gem_icd10_to_icd9
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER gem_icd10_to_icd9_no_truncate BEFORE TRUNCATE ON precmed.gem_icd10_to_icd9
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
