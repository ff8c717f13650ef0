-- HL7 v2, C-CDA and FHIR observations in one row shape: values read from the
-- shipped samples (test/data/ingest, see its PROVENANCE files) and from small
-- messages written here, each checked by hand against the source text.
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
\set VERBOSITY default
\set SHOW_CONTEXT never

-- ===================================================================== HL7 v2
-- LAB-ORU-1: UTF-8 BOM, LF segment ends, empty OBX-5 (pending), zone +0700.
\set msg `cat test/data/ingest/hl7v2/ms-fhir-converter/LAB-ORU-1.hl7`
SELECT message_id, patient_id, observation_code, observation_system, observation_display,
       value_num, unit, ucum_unit, interpretation, effective_time, status
  FROM precmed.hl7v2_observations(:'msg');
-- the same message with CR (wire format) and CRLF segment ends, and without its BOM
SELECT count(*) AS rows_differing FROM (
  (SELECT * FROM precmed.hl7v2_observations(:'msg')
   EXCEPT ALL SELECT * FROM precmed.hl7v2_observations(replace(:'msg', E'\n', E'\r')))
  UNION ALL
  (SELECT * FROM precmed.hl7v2_observations(:'msg')
   EXCEPT ALL SELECT * FROM precmed.hl7v2_observations(replace(:'msg', E'\n', E'\r\n')))
  UNION ALL
  (SELECT * FROM precmed.hl7v2_observations(:'msg')
   EXCEPT ALL SELECT * FROM precmed.hl7v2_observations(substr(:'msg', 2)))) d;
SELECT left(:'msg', 1) = U&'\FEFF' AS sample_starts_with_bom;

-- Epic: a local MAYO code with the LOINC code as OBX-3 alternate: LOINC wins;
-- no OBX-14, so the time is OBR-7 (no zone: read in the session's zone, UTC).
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Epic_002_Epic_ORU_R01.hl7`
SELECT observation_code, observation_system, observation_display, value_text, effective_time, status
  FROM precmed.hl7v2_observations(:'msg');

-- California newborn screening: 155 OBX under 20 OBR, units with the micro
-- sign, {Ratio}, free-text units; reference ranges "<x", ">=x", "a-b".
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/CA_002_CA_ORU_R01.hl7`
SELECT count(*) AS rows, count(value_num) AS numeric, count(value_text) AS text,
       count(*) FILTER (WHERE status = 'error') AS errors
  FROM precmed.hl7v2_observations(:'msg');
SELECT unit, ucum_unit, count(*)
  FROM precmed.hl7v2_observations(:'msg') WHERE unit IS NOT NULL
 GROUP BY 1, 2 ORDER BY 1;
SELECT observation_code, value_num, unit, ucum_unit, ref_low, ref_high, interpretation
  FROM precmed.hl7v2_observations(:'msg')
 WHERE observation_code IN ('50157-7', '53201-0', '75216-2', '75217-0', '55909-6', '47633-3')
 ORDER BY observation_code;
-- leading zeros ("05.100") and the micro sign (µmol/L)
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Test_Automated_004_CA_ORU_R01_leading_zeroes.hl7`
SELECT observation_code, value_num, unit, ucum_unit, ref_low FROM precmed.hl7v2_observations(:'msg');
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Test_Automated_008_ORU_R01_micro_character_encoding.hl7`
SELECT observation_code, value_num, unit, ucum_unit, effective_time FROM precmed.hl7v2_observations(:'msg');
-- an ADT message's OBX (no coding system named: LOCAL)
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/MN_005_MN_ADT_A01.hl7`
SELECT message_id, patient_id, observation_code, observation_system, value_num, unit, ucum_unit
  FROM precmed.hl7v2_observations(:'msg');

-- Value types written for this test: SN comparator, plain, ratio and range;
-- a comparator in NM; escapes in ST; CWE; OBX-14 with a zone, and OBR-7 as
-- the fallback time.  OBX|8 is not a number: strict fails naming it.
\set sn 'MSH|^~\\&|LAB|FAC|||20240102030405-0500||ORU^R01|M1|P|2.5.1\rPID|1||P123^^^MRN\rOBR|1|||24323-8^Panel^LN|||20240102030000-0500\rOBX|1|SN|2160-0^Creatinine^LN||<^0.5|mg/dL^mg/dL^UCUM|0.6-1.2|L|||F|||20240102031500-0500\rOBX|2|SN|2345-7^Glucose^LN||^182|mg/dl|70 to 105|H|||F\rOBX|3|SN|5196-1^HBsAg titer^LN||^1^:^128||||||F\rOBX|4|SN|2345-7^Glucose^LN||^70^-^105|mg/dL|||||F\rOBX|5|NM|6690-2^WBC^LN||>=10|10*3/uL|4.5-11|H|||C\rOBX|6|ST|8251-1^Comment^LN||Line one\\.br\\Line two \\T\\ more||||||F\rOBX|7|CWE|5195-3^HBsAg^LN||260373001^Detected^SCT||||||F\rOBX|8|NM|718-7^Hemoglobin^LN||4.3 to 6.2|g/dL|||||F'
SELECT observation_code, value_num, value_text, comparator, unit, ucum_unit, ref_low, ref_high,
       interpretation, effective_time, status, value_code, value_system
  FROM precmed.hl7v2_observations(:'sn', strict => false);
SELECT * FROM precmed.hl7v2_observations(:'sn');
\echo :LAST_ERROR_SQLSTATE

-- Two messages in one text (a batch): each keeps its own control id.
SELECT message_id, patient_id, observation_code, value_num
  FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||20240101||ORU^R01|first|P|2.5\rPID|1||X1\rOBX|1|NM|2345-7^Glucose^LN||90|mg/dL\rMSH|^~\\&|A|B|||20240101||ORU^R01|second|P|2.5\rPID|1||X2\rOBX|1|NM|2345-7^Glucose^LN||95|mg/dL\r');

-- The three malformed samples: strict names the problem, tolerant returns it as a row.
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Test_Message_empty.hl7`
SELECT * FROM precmed.hl7v2_observations(:'msg');
\echo :LAST_ERROR_SQLSTATE
SELECT status, value_text, raw FROM precmed.hl7v2_observations(:'msg', strict => false);
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Test_Message_msh_present_but_missing_msh-9.hl7`
SELECT * FROM precmed.hl7v2_observations(:'msg');
\echo :LAST_ERROR_SQLSTATE
SELECT status, message_id, value_text, left(raw, 40) AS raw FROM precmed.hl7v2_observations(:'msg', strict => false);
\set msg `cat test/data/ingest/hl7v2/cdc-trusted-intermediary/Test_Message_msh-12_has_value_2_3.hl7`
SELECT * FROM precmed.hl7v2_observations(:'msg');
\echo :LAST_ERROR_SQLSTATE
SELECT status, message_id, value_text, left(raw, 40) AS raw FROM precmed.hl7v2_observations(:'msg', strict => false);
-- text before any MSH, and a NULL message
SELECT status, value_text, raw FROM precmed.hl7v2_observations('PID|1||X\rOBX|1|NM|1-8^A^LN||1', false);
SELECT * FROM precmed.hl7v2_observations(NULL);
\echo :LAST_ERROR_SQLSTATE
-- Delimiters must be ASCII: a byte of a multibyte character taken as a
-- delimiter would cut characters apart.  The OBX of that message is kept too.
SELECT status, value_text, raw
  FROM precmed.hl7v2_observations(E'MSH|é~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||a~S~b||||||F', false);
SELECT * FROM precmed.hl7v2_observations(E'MSH|é~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||a~S~b||||||F');
\echo :LAST_ERROR_SQLSTATE
-- an OBX-5 of empty repetitions is a row without a value; "obx" is not skipped
SELECT observation_code, value_num, status, value_text
  FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|NM|2345-7^Glucose^LN||~|mg/dL\robx|2|NM|2345-7^Glucose^LN||90|mg/dL', false);

-- ====================================================================== C-CDA
-- Section fragments use xsi: without declaring it; they are read all the same.
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Result_with_greater_than_value.xml`
SELECT observation_code, observation_system, value_num, comparator, unit, ucum_unit, ref_low, ref_high,
       interpretation, effective_time, status
  FROM precmed.ccda_observations(:'doc');
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Result_unstructured_string_value.xml`
SELECT observation_code, observation_display, value_num, value_text, interpretation, effective_time
  FROM precmed.ccda_observations(:'doc');
-- PQ nullFlavor=OTH with a translation carrying the value and a local unit
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Results_Unit_Non-UCUM.xml`
SELECT observation_code, value_num, unit, ucum_unit, ref_low, ref_high FROM precmed.ccda_observations(:'doc');
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Results_with_translation_unit.xml`
SELECT observation_code, value_num, unit, ucum_unit, ref_low, ref_high FROM precmed.ccda_observations(:'doc');
-- BMP: the BUN unit md/dL is not a lab unit (ucum_unit NULL); glucose 185 mmol/L is kept as sent.
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Results_Basic_Metabolic_Panel_with_Troponin.xml`
SELECT observation_code, value_num, unit, ucum_unit, ref_low, ref_high, interpretation, effective_time
  FROM precmed.ccda_observations(:'doc');
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/VitalSigns_Metric_Units.xml`
SELECT observation_code, observation_display, value_num, unit, ucum_unit, effective_time
  FROM precmed.ccda_observations(:'doc');
-- whole documents: ids from ClinicalDocument/id and recordTarget/patientRole/id
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Documents_Progress_Note.xml`
SELECT message_id, patient_id, observation_code, value_num, unit, ref_low, ref_high, interpretation,
       effective_time, status
  FROM precmed.ccda_observations(:'doc');
\set doc `cat test/data/ingest/ccda/hl7-c-cda-examples/Documents_CCD2_CCD.xml`
SELECT message_id, patient_id, observation_code, value_num, value_text, unit, ucum_unit, effective_time
  FROM precmed.ccda_observations(:'doc');

-- XML safety.  An external entity (XXE) and an entity expansion bomb
-- (billion laughs): the document type declaration is refused before its
-- entities are read, so neither is expanded.
\set xxe '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3"><title>&xxe;</title></ClinicalDocument>'
SELECT * FROM precmed.ccda_observations(:'xxe');
\echo :LAST_ERROR_SQLSTATE
SELECT status, value_text, raw = :'xxe' AS raw_kept, raw LIKE '%root:%' AS passwd_leaked
  FROM precmed.ccda_observations(:'xxe', strict => false);
\set lol '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><lolz>&lol9;</lolz>'
SELECT status, value_text, length(raw) = length(:'lol') AS raw_kept_unexpanded
  FROM precmed.ccda_observations(:'lol', strict => false);
-- an entity reference without any declaration is only a well-formedness error
SELECT status, value_text FROM precmed.ccda_observations('<ClinicalDocument>&xxe;</ClinicalDocument>', false);
-- not XML, truncated XML, an unreadable value, a bad time
SELECT * FROM precmed.ccda_observations('this is not xml');
\echo :LAST_ERROR_SQLSTATE
SELECT status, value_text FROM precmed.ccda_observations('<ClinicalDocument><component>', false);
\set bad '<section xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="20240102"/><value xsi:type="PQ" value="ninety" unit="mg/dL"/></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="2024-01-02"/><value xsi:type="PQ" value="90" unit="mg/dL"/></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="2345-7" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="202401021530+0100"/><value xsi:type="PQ" value="91" unit="mg/dL"/></observation></section>'
SELECT status, value_num, effective_time, value_text, left(raw, 30) AS raw
  FROM precmed.ccda_observations(:'bad', strict => false);
SELECT * FROM precmed.ccda_observations(:'bad');
\echo :LAST_ERROR_SQLSTATE

-- a local code with the LOINC code as translation: LOINC wins; CD value; a two-bound IVL_PQ
\set tr '<section xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="GLU-S" codeSystem="1.2.3.4.5" displayName="Glucose, serum"><translation code="2345-7" codeSystem="2.16.840.1.113883.6.1" displayName="Glucose [Mass/volume] in Serum or Plasma"/></code><statusCode code="completed"/><effectiveTime><low value="20240102083000.5+0200"/></effectiveTime><value xsi:type="PQ" value="5.2" unit="mmol/L"/><interpretationCode code="N"/></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="X1" codeSystem="1.2.3.4.5"/><statusCode code="active"/><effectiveTime value="2024"/><value xsi:type="CD" code="260385009" codeSystem="2.16.840.1.113883.6.96" displayName="Negative"/></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.27"/><code code="8480-6" codeSystem="2.16.840.1.113883.6.1"/><effectiveTime value="20240102"/><value xsi:type="IVL_PQ"><low value="110" unit="mm[Hg]"/><high value="120" unit="mm[Hg]"/></value></observation></section>'
SELECT observation_code, observation_system, observation_display, value_num, value_text, unit,
       effective_time, status, value_code, value_system
  FROM precmed.ccda_observations(:'tr');

-- Ratios (RTO) are their HL7 v3 literal n:d in value_text, as HL7 v2 SN and
-- FHIR Ratio give them; an observation with several values gives a row per
-- value (one that cannot be read is an error row; the others stay).
\set rto '<section xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="5196-1" codeSystem="2.16.840.1.113883.6.1" displayName="HBsAg titer"/><value xsi:type="RTO"><numerator xsi:type="INT" value="1"/><denominator xsi:type="INT" value="128"/></value></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="X2" codeSystem="1.2.3.4.5"/><value xsi:type="PQ" value="5.2" unit="mmol/L"/><value xsi:type="RTO_PQ_PQ"><numerator value="5" unit="mg"/><denominator value="1" unit="mL"/></value><value xsi:type="CS" code="POS"/><value xsi:type="RTO"><numerator value="1"/></value><value xsi:type="ED"><reference value="#result1"/></value></observation></section>'
SELECT observation_code, value_num, value_text, unit, status, value_code, value_system
  FROM precmed.ccda_observations(:'rto', strict => false);
SELECT * FROM precmed.ccda_observations(:'rto');
\echo :LAST_ERROR_SQLSTATE

-- ======================================================================= FHIR
CREATE TEMP TABLE fhir_sample (name text, resource jsonb);
\set r `cat test/data/ingest/fhir/us-core/observation-serum-glucose.json`
INSERT INTO fhir_sample VALUES ('glucose', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-serum-creatinine.json`
INSERT INTO fhir_sample VALUES ('creatinine', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-serum-sodium.json`
INSERT INTO fhir_sample VALUES ('sodium', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-serum-potassium.json`
INSERT INTO fhir_sample VALUES ('potassium', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-serum-bun.json`
INSERT INTO fhir_sample VALUES ('bun', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-cbc-hemoglobin.json`
INSERT INTO fhir_sample VALUES ('hemoglobin', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-cbc-leukocytes.json`
INSERT INTO fhir_sample VALUES ('leukocytes', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-cbc-platelets.json`
INSERT INTO fhir_sample VALUES ('platelets', :'r');
\set r `cat test/data/ingest/fhir/us-core/temperature.json`
INSERT INTO fhir_sample VALUES ('temperature', :'r');
\set r `cat test/data/ingest/fhir/us-core/weight.json`
INSERT INTO fhir_sample VALUES ('weight', :'r');
\set r `cat test/data/ingest/fhir/us-core/bmi.json`
INSERT INTO fhir_sample VALUES ('bmi', :'r');
\set r `cat test/data/ingest/fhir/us-core/blood-pressure.json`
INSERT INTO fhir_sample VALUES ('blood-pressure', :'r');
\set r `cat test/data/ingest/fhir/us-core/observation-satO2-fiO2.json`
INSERT INTO fhir_sample VALUES ('satO2-fiO2', :'r');
-- bun has no valueQuantity.code: the unit text goes through the normalizer
SELECT s.name, o.message_id, o.patient_id, o.observation_code, o.observation_system, o.value_num,
       o.comparator, o.unit, o.ucum_unit, o.ref_low, o.ref_high, o.interpretation, o.effective_time, o.status
  FROM fhir_sample s, precmed.fhir_observations(s.resource) o
 ORDER BY s.name, o.observation_code;
-- a DiagnosticReport is not an Observation
\set r `cat test/data/ingest/fhir/us-core/diagnosticreport-metabolic-panel.json`
SELECT * FROM precmed.fhir_observations(:'r');
\echo :LAST_ERROR_SQLSTATE
SELECT status, value_text FROM precmed.fhir_observations(:'r', strict => false);

-- A Bundle written for this test: a coded value, dataAbsentReason, a string,
-- a comparator, a component panel without a value of its own, a Patient
-- (skipped), and an Observation with a bad time (an error row in tolerant mode).
\set b '{"resourceType":"Bundle","id":"b1","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p1"}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://acme.org/lab","code":"GLU"},{"system":"http://loinc.org","code":"2345-7","display":"Glucose"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01-02T10:00:00+01:00","valueQuantity":{"value":5.5,"unit":"mmol/l","system":"http://unitsofmeasure.org","code":"mmol/L"}}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"5195-3"}]},"subject":{"reference":"urn:uuid:p1"},"effectiveDateTime":"2024-01-02","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009","display":"Negative"}]}}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2093-3"}]},"subject":{"reference":"Patient/p1"},"effectiveDateTime":"2024-01","dataAbsentReason":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/data-absent-reason","code":"error"}]}}},{"resource":{"resourceType":"Observation","status":"preliminary","code":{"text":"Urine color"},"subject":{"reference":"Patient/p1"},"valueString":"Amber"}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2160-0"}]},"subject":{"reference":"Patient/p1"},"effectiveInstant":"2024-01-02T10:00:00.250Z","valueQuantity":{"value":0.3,"comparator":"<","unit":"mg/dL"}}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},"subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2024-01-03T08:00:00Z"},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"},"interpretation":[{"coding":[{"code":"N"}]}]},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":80,"unit":"mmHg"}}]}},{"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},"effectiveDateTime":"yesterday","valueQuantity":{"value":6}}}]}'
SELECT message_id, patient_id, observation_code, observation_system, observation_display, value_num,
       value_text, comparator, unit, ucum_unit, interpretation, effective_time, status, value_code, value_system
  FROM precmed.fhir_observations(:'b', strict => false);
SELECT * FROM precmed.fhir_observations(:'b');
\echo :LAST_ERROR_SQLSTATE
SELECT status, value_text FROM precmed.fhir_observations('[1, 2]', false);
SELECT status, value_text FROM precmed.fhir_observations('{"resourceType":"Observation","status":"final"}', false);
SELECT status, value_text FROM precmed.fhir_observations('{"resourceType":"Observation","code":{"coding":[{"code":"x"}]},"valueQuantity":{"value":"12"}}', false);

-- Ratios are n:d as in HL7 v2 and C-CDA; a Range is low-high, or one bound with >= / <=.
SELECT observation_code, value_num, value_text, comparator, unit, ucum_unit
  FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [
    {"resource": {"resourceType": "Observation", "code": {"coding": [{"system": "http://loinc.org", "code": "5196-1"}]}, "valueRatio": {"numerator": {"value": 1}, "denominator": {"value": 128}}}},
    {"resource": {"resourceType": "Observation", "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]}, "valueRange": {"low": {"value": 70, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}, "high": {"value": 105.0, "unit": "mg/dL"}}}},
    {"resource": {"resourceType": "Observation", "code": {"coding": [{"system": "http://loinc.org", "code": "2345-7"}]}, "valueRange": {"high": {"value": 105, "unit": "mg/dL"}}}}]}'::jsonb);
-- A Bundle whose entry is not an array, entries that are not objects or lack
-- a resource, resources without or with a mis-cased resourceType: error rows
-- keeping the entry, in tolerant mode; errors in strict mode.
SELECT status, value_text, raw
  FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": {"resource": {"resourceType": "Observation"}}}'::jsonb, false);
SELECT status, value_text, raw
  FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [null, {"fullUrl": "urn:uuid:1"}, {"request": {"method": "DELETE", "url": "Observation/1"}}, {"resource": {"code": {"text": "x"}}}, {"resource": {"resourceType": "observation", "code": {"text": "x"}}}, {"resource": {"resourceType": "Patient"}}]}'::jsonb, false);
SELECT * FROM precmed.fhir_observations('{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "observation", "code": {"text": "x"}}}]}'::jsonb);
\echo :LAST_ERROR_SQLSTATE

-- JSON as text (a file read as text): checked first, so text that is not JSON is an error row
SELECT status, value_text, raw FROM precmed.fhir_observations('{"resourceType": "Observ'::text, false);
SELECT * FROM precmed.fhir_observations('{"resourceType": "Observ'::text);
\echo :LAST_ERROR_SQLSTATE
SELECT observation_code, value_num, unit FROM precmed.fhir_observations(
  '{"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"2345-7"}]},"valueQuantity":{"value":95,"unit":"mg/dL"}}'::text);

-- ======================================================================= OMOP
INSERT INTO precmed.observation (source_name, source_format, message_id, patient_id, observation_code,
       observation_system, observation_display, value_num, value_text, comparator, unit, ucum_unit,
       ref_low, ref_high, interpretation, effective_time, status, raw, value_code, value_system)
SELECT 'sn-test', o.* FROM precmed.hl7v2_observations(:'sn', strict => false) o;
SELECT measurement_source_value, measurement_date, measurement_datetime, operator_concept_id,
       value_as_number, unit_source_value, unit_ucum_code, range_low, range_high, value_source_value,
       person_source_value, measurement_source_vocabulary
  FROM precmed.omop_measurement ORDER BY measurement_id;
SELECT c, precmed.omop_operator_concept_id(c) FROM unnest(ARRAY['<', '<=', '=', '>=', '>', '<>', NULL]) c;
-- error rows stay in precmed.observation and out of the view
SELECT (SELECT count(*) FROM precmed.observation WHERE status = 'error') AS error_rows_kept,
       (SELECT count(*) FROM precmed.omop_measurement) AS measurement_rows;
