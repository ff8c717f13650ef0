-- Robustness of the observation readers: truncated, binary, empty, 10 MB and
-- deeply nested inputs give rows or clear errors, never a crash, and nothing
-- is dropped silently (every OBX or observation comes back, as a value row or
-- as an error row keeping its raw input).
BEGIN;
SELECT plan(34);
SET LOCAL timezone = 'UTC';

\set lab `cat test/data/ingest/hl7v2/ms-fhir-converter/LAB-ORU-1.hl7`
\set ccd `cat test/data/ingest/ccda/ms-fhir-converter/CCD.ccda`
\set glucose `cat test/data/ingest/fhir/us-core/observation-serum-glucose.json`
CREATE TEMP TABLE sample (lab text, ccd text, glucose text);
INSERT INTO sample VALUES (:'lab', :'ccd', :'glucose');

-- ---------------------------------------------------------------- truncated
-- LAB-ORU-1 cut inside its 7th OBX: the 6 whole ones and the cut one all come back
SELECT is((SELECT count(*)::int FROM sample, precmed.hl7v2_observations(left(lab, strpos(lab, '26450-7') + 10), false)),
          7, 'a truncated HL7 message keeps every OBX, the cut one included');
SELECT is((SELECT value_text FROM sample, precmed.hl7v2_observations(left(lab, strpos(lab, '26450-7') + 30), false)
            WHERE observation_code = '26450-7'),
          NULL, 'the cut OBX comes back with the value it had (none yet)');
SELECT is((SELECT string_agg(status || ':' || (raw = ccd)::text, ',')
             FROM sample, precmed.ccda_observations(left(ccd, length(ccd) / 2), false)),
          'error:false', 'a truncated C-CDA document is one error row');
SELECT is((SELECT raw FROM sample, precmed.ccda_observations(left(ccd, length(ccd) / 2), false)),
          (SELECT left(ccd, length(ccd) / 2) FROM sample), 'the error row keeps the whole truncated document');
SELECT throws_ok($$ SELECT * FROM precmed.ccda_observations((SELECT left(ccd, 3000) FROM sample)) $$,
                 '2200M', NULL, 'strict: a truncated C-CDA document raises 2200M');
-- a FHIR Bundle whose last entry lost its resource
SELECT is((SELECT count(*)::int FROM precmed.fhir_observations(
             jsonb_build_object('resourceType', 'Bundle', 'entry',
                                jsonb_build_array(jsonb_build_object('resource', (SELECT glucose::jsonb FROM sample)),
                                                  jsonb_build_object('fullUrl', 'urn:uuid:x'))), false)),
          1, 'a FHIR Bundle with an entry cut short still gives its whole Observation');

-- FHIR JSON given as text (files read as text) and cut short: an error row keeping the text
SELECT is((SELECT status || '|' || (raw = left(glucose, 700))::text
             FROM sample, precmed.fhir_observations(left(glucose, 700), false)),
          'error|true', 'truncated FHIR JSON text is an error row keeping the text');
SELECT throws_ok($$ SELECT * FROM precmed.fhir_observations((SELECT left(glucose, 700) FROM sample)) $$,
                 '22P02', NULL, 'strict: truncated FHIR JSON text raises 22P02');

-- ------------------------------------------------------------------- binary
CREATE TEMP TABLE junk AS
  SELECT string_agg(chr(1 + (abs(hashint4(i)) % 55295)), '') AS t FROM generate_series(1, 20000) i;
SELECT is((SELECT string_agg(status, ',') FROM junk, precmed.hl7v2_observations(t, false)),
          'error', 'random characters as HL7: one error row');
SELECT throws_ok($$ SELECT * FROM precmed.hl7v2_observations((SELECT t FROM junk)) $$,
                 '22P02', NULL, 'strict: random characters as HL7 raise 22P02');
SELECT is((SELECT string_agg(status, ',') FROM junk, precmed.ccda_observations(t, false)),
          'error', 'random characters as C-CDA: one error row');
SELECT is((SELECT raw FROM junk, precmed.ccda_observations(t, false)), (SELECT t FROM junk),
          'the C-CDA error row keeps the input');
SELECT is((SELECT string_agg(status, ',') FROM precmed.fhir_observations('"\u0001\u0002binary"', false)),
          'error', 'a JSON string instead of a resource: one error row');

-- -------------------------------------------------------------------- empty
SELECT is((SELECT string_agg(status, ',') FROM precmed.hl7v2_observations('', false)), 'error', 'empty HL7: an error row');
SELECT is((SELECT string_agg(status, ',') FROM precmed.hl7v2_observations(E'\r\n\r\n  ', false)), 'error', 'blank HL7: an error row');
SELECT is((SELECT string_agg(status, ',') FROM precmed.ccda_observations('', false)), 'error', 'empty C-CDA: an error row');
SELECT is((SELECT string_agg(status, ',') FROM precmed.fhir_observations('{}', false)), 'error', 'empty FHIR object: an error row');
SELECT throws_ok($$ SELECT * FROM precmed.ccda_observations('   ') $$, '2200M', NULL, 'strict: blank C-CDA raises 2200M');

-- -------------------------------------------------------------------- 10 MB
CREATE TEMP TABLE big_hl7 AS
  SELECT E'MSH|^~\\&|A|B|||20240101||ORU^R01|big|P|2.5\rPID|1||X' ||
         string_agg(format(E'\rOBX|%s|NM|2345-7^Glucose^LN||%s|mg/dL|70-105|N|||F|||20240101120000+0000', i, i), '') AS m
    FROM generate_series(1, 130000) i;
SELECT cmp_ok((SELECT octet_length(m) FROM big_hl7), '>', 10000000, 'the HL7 message is over 10 MB');
SELECT is((SELECT count(*)::int || '/' || sum(value_num)::bigint FROM big_hl7, precmed.hl7v2_observations(m)),
          '130000/8450065000', 'a 10 MB HL7 message: 130000 OBX read, values summed 1..130000');
CREATE TEMP TABLE big_ccda AS
  SELECT '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><component>' ||
         string_agg(format('<observation classCode="OBS" moodCode="EVN"><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="20240101"/><value xsi:type="PQ" value="%s" unit="mg/dL"/></observation>', i), '') ||
         '</component></ClinicalDocument>' AS d
    FROM generate_series(1, 42000) i;
SELECT cmp_ok((SELECT octet_length(d) FROM big_ccda), '>', 10000000, 'the C-CDA document is over 10 MB');
SELECT is((SELECT count(*)::int || '/' || sum(value_num)::bigint FROM big_ccda, precmed.ccda_observations(d)),
          '42000/882021000', 'a 10 MB C-CDA document: 42000 observations read');
CREATE TEMP TABLE big_fhir AS
  SELECT jsonb_build_object('resourceType', 'Bundle', 'type', 'collection', 'entry',
           jsonb_agg(jsonb_build_object('fullUrl', 'urn:uuid:' || i, 'resource',
             jsonb_build_object('resourceType', 'Observation', 'status', 'final',
               'code', jsonb_build_object('coding', jsonb_build_array(jsonb_build_object('system', 'http://loinc.org', 'code', '2345-7', 'display', 'Glucose [Mass/volume] in Serum or Plasma'))),
               'subject', jsonb_build_object('reference', 'Patient/p' || (i % 100)),
               'effectiveDateTime', '2024-01-01T12:00:00Z',
               'valueQuantity', jsonb_build_object('value', i, 'unit', 'mg/dL', 'system', 'http://unitsofmeasure.org', 'code', 'mg/dL'))))) AS b
    FROM generate_series(1, 40000) i;
SELECT cmp_ok((SELECT octet_length(b::text) FROM big_fhir), '>', 10000000, 'the FHIR Bundle is over 10 MB');
SELECT is((SELECT count(*)::int || '/' || sum(value_num)::bigint FROM big_fhir, precmed.fhir_observations(b)),
          '40000/800020000', 'a 10 MB FHIR Bundle: 40000 Observations read');
-- one text node beyond libxml2's 10 MB limit: refused, not a crash
SELECT is((SELECT status FROM precmed.ccda_observations('<ClinicalDocument>' || repeat('x', 11000000) || '</ClinicalDocument>', false)),
          'error', 'an 11 MB text node is an error row (libxml2 size limit)');

-- ------------------------------------------------------------ deeply nested
SELECT is((SELECT status FROM precmed.ccda_observations(repeat('<a>', 50000) || repeat('</a>', 50000), false)),
          'error', 'XML nested 50000 deep is an error row (libxml2 depth limit)');
SELECT throws_ok($$ SELECT * FROM precmed.ccda_observations(repeat('<a>', 50000) || repeat('</a>', 50000)) $$,
                 '2200M', NULL, 'strict: XML nested too deep raises 2200M');
SELECT is((SELECT count(*)::int FROM precmed.fhir_observations(
             ((SELECT glucose FROM sample)::jsonb || jsonb_build_object('extension',
                (repeat('[', 5000) || '1' || repeat(']', 5000))::jsonb)))),
          1, 'an Observation carrying JSON nested 5000 deep is read');
SELECT is((SELECT status || ': ' || value_text FROM precmed.fhir_observations(
             (SELECT repeat('{"resourceType":"Bundle","entry":[{"resource":', 12) || '{}' || repeat('}]}', 12))::jsonb, false)),
          'error: $.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource.entry[0].resource: Bundles are nested more than 8 deep',
          'Bundles nested 12 deep: an error row naming the path');
SELECT is((SELECT status FROM precmed.fhir_observations(repeat('[', 100000), false)),
          'error', 'JSON text nested 100000 deep is an error row, not a stack overflow');
SELECT is((SELECT count(*)::int FROM precmed.hl7v2_observations(
             E'MSH|^~\\&|A|B|||20240101||ORU^R01|n|P|2.5\rOBX|1|ST|1-8^X^LN||' || repeat('a^b&c~', 100000))),
          1, 'an HL7 field with 100000 components and repetitions is one text row');

-- ------------------------------------------------ no silent loss in a batch
CREATE TEMP TABLE batch AS
  SELECT i, CASE WHEN i % 10 = 0
                 THEN format(E'MSH|^~\\&|A|B|||20240101||ORU^R01|m%s|P|2.5\rPID|1||P%s\rOBX|1|NM|2345-7^Glucose^LN||n/a|mg/dL', i, i)
                 ELSE format(E'MSH|^~\\&|A|B|||20240101||ORU^R01|m%s|P|2.5\rPID|1||P%s\rOBX|1|NM|2345-7^Glucose^LN||%s|mg/dL', i, i, 80 + i % 40)
            END AS msg
    FROM generate_series(1, 1000) i;
SELECT is((SELECT count(*) FILTER (WHERE o.status = 'error')::int || '/' || count(*)::int
             FROM batch, precmed.hl7v2_observations(msg, false) o),
          '100/1000', 'a batch of 1000 messages with 100 bad values: 1000 rows, 100 of them errors');
SELECT is((SELECT string_agg(DISTINCT o.raw, ',') FROM batch, precmed.hl7v2_observations(msg, false) o
            WHERE o.status = 'error' AND o.message_id = 'm10'),
          'OBX|1|NM|2345-7^Glucose^LN||n/a|mg/dL', 'each error row names its message and keeps the OBX');

-- ------------------------------------------------ under a parallel plan
-- workers read messages (and normalize units) as the leader does
CREATE TABLE pm_ingest_parallel AS SELECT msg FROM batch;
ANALYZE pm_ingest_parallel;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL force_parallel_mode = on;
SELECT is((SELECT count(*)::int || '/' || sum(o.value_num)::bigint || '/' || count(o.ucum_unit)::int
             FROM pm_ingest_parallel, precmed.hl7v2_observations(msg, false) o),
          (SELECT count(*)::int || '/' || sum(o.value_num)::bigint || '/' || count(o.ucum_unit)::int
             FROM batch, precmed.hl7v2_observations(msg, false) o),
          'a parallel plan gives the same rows as a serial one');

SELECT * FROM finish();
ROLLBACK;
