-- precmed install script, part 20: HL7 v2, C-CDA and FHIR observations in one row shape.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

CREATE FUNCTION precmed.hl7v2_observations(message text, strict boolean DEFAULT true)
RETURNS TABLE(source_format text, message_id text, patient_id text,
              observation_code text, observation_system text, observation_display text,
              value_num float8, value_text text, comparator text, unit text, ucum_unit text,
              ref_low float8, ref_high float8, interpretation text,
              effective_time timestamptz, status text, raw text,
              value_code text, value_system text)
  AS 'MODULE_PATHNAME', 'hl7v2_observations'
  LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION precmed.hl7v2_observations(text, boolean) IS
  'One row per OBX value of the HL7 v2 message(s) in message (CR, LF or CRLF segment ends, optional BOM, batches). strict => false turns unreadable parts into rows with status ''error'' (reason in value_text, segment in raw). See docs/ingest.md.';

CREATE FUNCTION precmed.ccda_observations(document text, strict boolean DEFAULT true)
RETURNS TABLE(source_format text, message_id text, patient_id text,
              observation_code text, observation_system text, observation_display text,
              value_num float8, value_text text, comparator text, unit text, ucum_unit text,
              ref_low float8, ref_high float8, interpretation text,
              effective_time timestamptz, status text, raw text,
              value_code text, value_system text)
  AS 'MODULE_PATHNAME', 'ccda_observations'
  LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION precmed.ccda_observations(text, boolean) IS
  'One row per Result or Vital Sign observation of a C-CDA document or section fragment, parsed by libxml2 without DTDs, entities or network. strict => false turns unreadable parts into rows with status ''error''. See docs/ingest.md.';

CREATE FUNCTION precmed.fhir_observations(resource jsonb, strict boolean DEFAULT true)
RETURNS TABLE(source_format text, message_id text, patient_id text,
              observation_code text, observation_system text, observation_display text,
              value_num float8, value_text text, comparator text, unit text, ucum_unit text,
              ref_low float8, ref_high float8, interpretation text,
              effective_time timestamptz, status text, raw text,
              value_code text, value_system text)
  AS 'MODULE_PATHNAME', 'fhir_observations'
  LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION precmed.fhir_observations(jsonb, boolean) IS
  'One row per FHIR R4 Observation (and per component) in an Observation or a Bundle. strict => false turns unreadable parts into rows with status ''error'' (reason in value_text, JSON in raw). See docs/ingest.md.';
