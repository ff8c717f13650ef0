-- Robustness of the observation readers: truncated, binary, empty, 10 MB and
-- deeply nested inputs give rows or clear errors, never a crash, and nothing
-- is dropped silently (every OBX or observation comes back, as a value row or
-- as an error row keeping its raw input).
BEGIN;
SELECT plan(56);
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
-- a FHIR Bundle whose last entry lost its resource: the whole Observation, and the cut entry as an error row
SELECT is((SELECT string_agg(coalesce(observation_code, '') || '/' || coalesce(status, '') || '/' ||
                             coalesce(value_text, '') || '/' || (raw = '{"fullUrl": "urn:uuid:x"}')::text, ' | ')
             FROM precmed.fhir_observations(
             jsonb_build_object('resourceType', 'Bundle', 'entry',
                                jsonb_build_array(jsonb_build_object('resource', (SELECT glucose::jsonb FROM sample)),
                                                  jsonb_build_object('fullUrl', 'urn:uuid:x'))), false)),
          '2345-7/final//false | /error/$.entry[1]: the entry has neither a resource nor a request or response/true',
          'a FHIR Bundle with an entry cut short gives its whole Observation, and the cut entry as an error row');

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
-- force_parallel_mode is called debug_parallel_query since PostgreSQL 16
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET LOCAL :force_parallel = on;
SELECT is((SELECT count(*)::int || '/' || sum(o.value_num)::bigint || '/' || count(o.ucum_unit)::int
             FROM pm_ingest_parallel, precmed.hl7v2_observations(msg, false) o),
          (SELECT count(*)::int || '/' || sum(o.value_num)::bigint || '/' || count(o.ucum_unit)::int
             FROM batch, precmed.hl7v2_observations(msg, false) o),
          'a parallel plan gives the same rows as a serial one');


-- ------------------------------------------- text valid in the database encoding
-- true when t is valid in the database encoding (convert_to checks its input)
CREATE FUNCTION pg_temp.valid_text(t text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM convert_to(t, current_setting('server_encoding'));
  RETURN true;
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
  RETURN false;
END $$;
-- the DETAIL of the error q raises, or NULL
CREATE FUNCTION pg_temp.error_detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;

-- A non-ASCII character among the MSH delimiters (found by a mutation fuzz:
-- the é's first byte became the component separator, the second the
-- repetition separator, and "a~S~b" came back as the bytes 61 c3 62).
\set nonascii 'MSH|é~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||a~S~b||||||F'
SELECT is((SELECT string_agg(status || ': ' || value_text || ' [' || raw || ']', ' | ')
             FROM precmed.hl7v2_observations(:'nonascii', false)),
          'error: MSH-2 (segment 1): the delimiters must be ASCII characters; byte 5 of the segment is 0xC3 [MSH|é~\&|A|B|||2024||ORU^R01|M1|P|2.5]'
          ' | error: segment 2: an OBX outside any message whose MSH could be read [OBX|1|ST|123||a~S~b||||||F]',
          'HL7: a non-ASCII MSH-2 character is an error row keeping the segment, and the OBX of that message too');
SELECT throws_ok($$ SELECT * FROM precmed.hl7v2_observations(E'MSH|é~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||a~S~b||||||F') $$,
                 '22P02', 'invalid hl7v2 input at MSH-2 (segment 1): the delimiters must be ASCII characters; byte 5 of the segment is 0xC3',
                 'HL7 strict: a non-ASCII MSH-2 character raises 22P02');
SELECT throws_ok($$ SELECT * FROM precmed.hl7v2_observations(E'MSH中^~\\&中A中B中中中2024中中ORU^R01中M1中P中2.5\rOBX中1中NM中2345-7^Glucose^LN中中90') $$,
                 '22P02', 'invalid hl7v2 input at MSH-1 (segment 1): the delimiters must be ASCII characters; byte 4 of the segment is 0xE4',
                 'HL7 strict: a non-ASCII field separator (MSH-1) raises 22P02');
-- every multibyte character (2, 3, 4 bytes) at every place of MSH-1 and MSH-2
CREATE TEMP TABLE delim_mutant AS
  SELECT c, pos, overlay(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rPID|1||P1\rOBX|1|ST|123||a~S~b\\F\\c&d^e||||||F\rOBX|2|NM|2345-7^Glucose^LN||90~91|mg/dL'
                         PLACING c FROM pos FOR 1) AS m
    FROM unnest(ARRAY['é', '中', '😀', U&'\00A0']) c, generate_series(4, 8) pos;
SELECT is((SELECT count(*)::int FROM delim_mutant d, precmed.hl7v2_observations(d.m, false) o
            WHERE NOT pg_temp.valid_text(o::text)), 0,
          'HL7 tolerant: no row is invalid text whatever multibyte character stands among the delimiters');
SELECT is((SELECT count(*)::int FROM delim_mutant d
            WHERE (SELECT count(*) FILTER (WHERE o.status = 'error' AND o.value_text LIKE 'MSH-_ (segment 1): the delimiters must be ASCII%')
                     FROM precmed.hl7v2_observations(d.m, false) o) <> 1), 0,
          'HL7 tolerant: each such message is one MSH error row');

-- the input shown in a strict error is cut at 200 bytes between characters, never inside one
SELECT is(pg_temp.valid_text(pg_temp.error_detail(
            $$ SELECT * FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|NM|1-8^X^LN||' || repeat('é', 100)) $$)),
          true, 'HL7 strict: the DETAIL (the input cut at 200 bytes) is valid text');
SELECT is(pg_temp.error_detail(
            $$ SELECT * FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|NM|1-8^X^LN||' || repeat('é', 100)) $$),
          'The input there is: OBX|1|NM|1-8^X^LN||' || repeat('é', 90) || '...',
          'HL7 strict: the DETAIL keeps the whole characters that fit in 200 bytes');
-- libxml2's message (kept up to 511 bytes; here 510 are whole characters) is cut between characters too
SELECT is((SELECT pg_temp.valid_text(value_text) FROM precmed.ccda_observations('<a' || repeat('é', 300) || '></x>', false)),
          true, 'C-CDA: a long libxml2 message with multibyte names is valid text');
SELECT is((SELECT value_text FROM precmed.ccda_observations('<a' || repeat('é', 300) || '></x>', false)),
          'line 1: not well-formed XML: Opening and ending tag mismatch: a' || repeat('é', 238),
          'C-CDA: the message keeps the whole characters that fit');

-- ------------------------------------------------------ no silent loss
-- HL7: an OBX whose value has only empty repetitions; a segment name in lower case
SELECT is((SELECT string_agg(coalesce(observation_code, '-') || ':' || coalesce(value_num::text, 'no value'), ',')
             FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|NM|2345-7^Glucose^LN||~~|mg/dL', false)),
          '2345-7:no value', 'HL7: an NM OBX-5 of empty repetitions is a row without a value, not nothing');
SELECT is((SELECT string_agg(status || ': ' || value_text, ' | ')
             FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\robx|1|NM|2345-7^Glucose^LN||90|mg/dL', false)),
          'error: segment 2: segment names are upper case: "obx" is not OBX',
          'HL7: an OBX written "obx" is an error row, not skipped');

-- FHIR: Bundle.entry not an array; null, non-object and resource-less entries;
-- resources without resourceType or with a mis-cased one
SELECT is((SELECT string_agg(status || ': ' || value_text || ' [' || raw || ']', ' | ')
             FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": {"resource": {"resourceType": "Observation", "code": {"text": "x"}, "valueString": "a"}}}'::jsonb, false)),
          'error: $.entry: Bundle.entry must be a JSON array [{"resource": {"code": {"text": "x"}, "valueString": "a", "resourceType": "Observation"}}]',
          'FHIR tolerant: an entry that is an object is an error row keeping it');
SELECT throws_ok($$ SELECT * FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": {"resource": {}}}'::jsonb) $$,
                 '22032', 'invalid fhir input at $.entry: Bundle.entry must be a JSON array',
                 'FHIR strict: an entry that is an object raises 22032');
\set entries '{"resourceType": "Bundle", "entry": [null, "x", {"resource": null}, {"fullUrl": "urn:uuid:1"}, {"request": {"method": "DELETE", "url": "Observation/1"}}, {"resource": {"code": {"text": "x"}, "valueString": "a"}}, {"resource": {"resourceType": "observation", "code": {"text": "x"}, "valueString": "b"}}, {"resource": {"resourceType": "Patient"}}, {"resource": {"resourceType": "Observation", "code": {"text": "x"}, "valueString": "c"}}]}'
SELECT is((SELECT string_agg(coalesce(status, '-') || ': ' || value_text || ' [' || raw || ']', E'\n')
             FROM precmed.fhir_observations(:'entries'::jsonb, false)),
          E'error: $.entry[0]: an entry must be a JSON object [null]\n'
          'error: $.entry[1]: an entry must be a JSON object ["x"]\n'
          'error: $.entry[2].resource: a resource must be a JSON object [{"resource": null}]\n'
          'error: $.entry[3]: the entry has neither a resource nor a request or response [{"fullUrl": "urn:uuid:1"}]\n'
          'error: $.entry[5].resource.resourceType: not a FHIR resource: resourceType is missing or not a string [{"code": {"text": "x"}, "valueString": "a"}]\n'
          'error: $.entry[6].resource.resourceType: "observation" is not a FHIR resource type: resource types are case-sensitive (Observation) [{"code": {"text": "x"}, "valueString": "b", "resourceType": "observation"}]\n'
          '-: c [{"code": {"text": "x"}, "valueString": "c", "resourceType": "Observation"}]',
          'FHIR tolerant: each unreadable entry is an error row with its text and the reason; a DELETE request and a Patient are skipped');
SELECT throws_ok($$ SELECT * FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [null]}'::jsonb) $$,
                 '22032', 'invalid fhir input at $.entry[0]: an entry must be a JSON object',
                 'FHIR strict: a null entry raises 22032');
SELECT throws_ok($$ SELECT * FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "observation"}}]}'::jsonb) $$,
                 '22032', 'invalid fhir input at $.entry[0].resource.resourceType: "observation" is not a FHIR resource type: resource types are case-sensitive (Observation)',
                 'FHIR strict: a mis-cased resourceType raises 22032');
SELECT throws_ok($$ SELECT * FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [{"resource": {"id": "1"}}]}'::jsonb) $$,
                 '22032', 'invalid fhir input at $.entry[0].resource.resourceType: not a FHIR resource: resourceType is missing or not a string',
                 'FHIR strict: an entry resource without resourceType raises 22032');
-- members of the wrong JSON kind, unknown and double value[x]
SELECT is((SELECT string_agg(status || ': ' || value_text, ' | ' ORDER BY value_text)
             FROM precmed.fhir_observations(
               '{"resourceType": "Bundle", "entry": ['
               '{"resource": {"resourceType": "Observation", "code": {"text": "a"}, "component": {"code": {"text": "c"}, "valueQuantity": {"value": 1}}}},'
               '{"resource": {"resourceType": "Observation", "code": {"text": "b"}, "valueQuantity": 5}},'
               '{"resource": {"resourceType": "Observation", "code": {"text": "c"}, "valueCoding": {"code": "x"}}},'
               '{"resource": {"resourceType": "Observation", "code": {"text": "d"}, "valueString": "x", "valueBoolean": true}},'
               '{"resource": {"resourceType": "Observation", "code": {"text": "e"}, "effectiveDateTime": 2024}}]}'::jsonb, false)),
          'error: $.entry[0].resource.component: not a JSON array'
          ' | error: $.entry[1].resource.valueQuantity: not a JSON object'
          ' | error: $.entry[2].resource.valueCoding: "valueCoding" is not a value[x] of a FHIR R4 Observation'
          ' | error: $.entry[3].resource.value[x]: more than one value[x] (valueString and valueBoolean)'
          ' | error: $.entry[4].resource.effectiveDateTime: not a JSON string',
          'FHIR tolerant: a component object, a value or time of the wrong kind, an unknown or a second value[x] are error rows');

-- ------------------------------------------------------------- ratios
SELECT is((SELECT string_agg(coalesce(value_text, '-') || '/' || coalesce(value_num::text, '-') || '/' || coalesce(comparator, '-'), ' | ')
             FROM precmed.ccda_observations('<section xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="5196-1" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="RTO"><numerator xsi:type="INT" value="1"/><denominator xsi:type="INT" value="128"/></value></observation></section>')),
          '1:128/-/-', 'C-CDA: an RTO value is its literal 1:128 (value_num NULL), as HL7 v2 SN gives');
SELECT is((SELECT string_agg(coalesce(value_text, '-') || '/' || coalesce(value_num::text, '-') || '/' || coalesce(comparator, '-'), ' | ')
             FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|SN|5196-1^HBsAg titer^LN||^1^:^128')),
          '1:128/-/-', 'HL7 v2: an SN ratio is the literal 1:128');
SELECT is((SELECT string_agg(coalesce(value_text, '-') || '/' || coalesce(value_num::text, '-') || '/' || coalesce(comparator, '-'), ' | ')
             FROM precmed.fhir_observations('{"resourceType": "Observation", "code": {"text": "titer"}, "valueRatio": {"numerator": {"value": 1}, "denominator": {"value": 128}}}'::jsonb)),
          '1:128/-/-', 'FHIR: a valueRatio is the literal 1:128');
-- C-CDA: several values of one observation are one row each
SELECT is((SELECT string_agg(coalesce(value_text, value_num::text), ',')
             FROM precmed.ccda_observations('<section xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="X" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="PQ" value="5" unit="mg"/><value xsi:type="ST">second</value></observation></section>')),
          '5,second', 'C-CDA: a second <value> is a second row, not dropped');

SELECT * FROM finish();
ROLLBACK;
