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
  'One row per value (one for an observation without a value) of each Result, Vital Sign, Procedure Activity, Social History or Smoking Status observation of a C-CDA document or section fragment, parsed by libxml2 without DTDs, entities or network. strict => false turns unreadable parts into rows with status ''error''. See docs/ingest.md.';

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

CREATE FUNCTION precmed.fhir_observations(resource text, strict boolean DEFAULT true)
RETURNS TABLE(source_format text, message_id text, patient_id text,
              observation_code text, observation_system text, observation_display text,
              value_num float8, value_text text, comparator text, unit text, ucum_unit text,
              ref_low float8, ref_high float8, interpretation text,
              effective_time timestamptz, status text, raw text,
              value_code text, value_system text)
  AS 'MODULE_PATHNAME', 'fhir_observations'
  LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION precmed.fhir_observations(text, boolean) IS
  'As fhir_observations(jsonb, boolean) for JSON given as text (files read as text): text that is not JSON is an error (22P02), or with strict => false an error row keeping the text.';

-- A place to keep what was read, and its OMOP CDM v5.4 MEASUREMENT shape.
CREATE TABLE precmed.observation (
  observation_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_name         text,
  loaded_at           timestamptz NOT NULL DEFAULT now(),
  source_format       text NOT NULL,
  message_id          text,
  patient_id          text,
  observation_code    text,
  observation_system  text,
  observation_display text,
  value_num           float8,
  value_text          text,
  comparator          text,
  unit                text,
  ucum_unit           text,
  ref_low             float8,
  ref_high            float8,
  interpretation      text,
  effective_time      timestamptz,
  status              text,
  raw                 text,
  value_code          text,
  value_system        text
);
COMMENT ON TABLE precmed.observation IS
  'Observations read by precmed.hl7v2_observations, ccda_observations and fhir_observations, kept for querying (INSERT INTO precmed.observation (source_name, source_format, ...) SELECT ...). Error rows (status = ''error'') are kept too. Its rows are user data: pg_dump saves them; DROP EXTENSION drops them.';
CREATE INDEX ON precmed.observation (observation_system, observation_code);
CREATE INDEX ON precmed.observation (patient_id, effective_time);
SELECT pg_catalog.pg_extension_config_dump('precmed.observation', '');
SELECT pg_catalog.pg_extension_config_dump('precmed.observation_observation_id_seq', '');

CREATE FUNCTION precmed.omop_operator_concept_id(comparator text) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE comparator WHEN '<' THEN 4171756 WHEN '<=' THEN 4171754 WHEN '=' THEN 4172703
                         WHEN '>=' THEN 4171755 WHEN '>' THEN 4172704 END;
COMMENT ON FUNCTION precmed.omop_operator_concept_id(text) IS
  'OMOP standard concept of a result comparator (domain Meas Value Operator): < 4171756, <= 4171754, = 4172703, >= 4171755, > 4172704; NULL otherwise.';

CREATE VIEW precmed.omop_measurement AS
SELECT o.observation_id                               AS measurement_id,
       NULL::bigint                                   AS person_id,
       NULL::integer                                  AS measurement_concept_id,
       (o.effective_time AT TIME ZONE 'UTC')::date    AS measurement_date,
       (o.effective_time AT TIME ZONE 'UTC')          AS measurement_datetime,
       NULL::varchar(10)                              AS measurement_time,
       NULL::integer                                  AS measurement_type_concept_id,
       precmed.omop_operator_concept_id(o.comparator) AS operator_concept_id,
       o.value_num                                    AS value_as_number,
       NULL::integer                                  AS value_as_concept_id,
       NULL::integer                                  AS unit_concept_id,
       o.ref_low                                      AS range_low,
       o.ref_high                                     AS range_high,
       NULL::bigint                                   AS provider_id,
       NULL::bigint                                   AS visit_occurrence_id,
       NULL::bigint                                   AS visit_detail_id,
       left(o.observation_code, 50)::varchar(50)      AS measurement_source_value,
       NULL::integer                                  AS measurement_source_concept_id,
       left(o.unit, 50)::varchar(50)                  AS unit_source_value,
       NULL::integer                                  AS unit_source_concept_id,
       left(coalesce(o.comparator, '') || coalesce(o.value_num::text, o.value_code, o.value_text), 50)::varchar(50)
                                                      AS value_source_value,
       NULL::bigint                                   AS measurement_event_id,
       NULL::integer                                  AS meas_event_field_concept_id,
       -- beyond the CDM: what the concept joins need
       o.patient_id                                   AS person_source_value,
       o.observation_system                           AS measurement_source_vocabulary,
       o.ucum_unit                                    AS unit_ucum_code,
       o.value_code                                   AS value_source_code,
       o.value_system                                 AS value_source_vocabulary
  FROM precmed.observation o
 WHERE o.status IS DISTINCT FROM 'error'
   AND o.status IS DISTINCT FROM 'entered-in-error'
   AND o.status IS DISTINCT FROM 'cancelled'
   AND o.effective_time IS NOT NULL;
COMMENT ON VIEW precmed.omop_measurement IS
  'precmed.observation in the shape of the OMOP CDM v5.4 MEASUREMENT table (same column names and order, then five source columns). Concept ids other than operator_concept_id are NULL: join your vocabulary tables as docs/ingest.md shows. Error, cancelled and undated rows are left out.';
