-- The observation readers in databases whose encoding is not UTF-8: every
-- text they return is valid in the database encoding.  libxml2 reads and
-- writes UTF-8, so C-CDA text goes in converted to UTF-8 and each row comes
-- back converted to the database encoding; a character the database cannot
-- hold makes the row an error row (raw writes it as an XML character
-- reference).  HL7 delimiters must be ASCII in any encoding.
\set VERBOSITY default
\set SHOW_CONTEXT never
\set regress_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS precmed_regress_latin1;
DROP DATABASE IF EXISTS precmed_regress_euc_jp;
CREATE DATABASE precmed_regress_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE precmed_regress_euc_jp ENCODING 'EUC_JP' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

-- ================================================================ LATIN1
\c precmed_regress_latin1
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION precmed;
SHOW server_encoding;
\set obs '<section xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="5778-6" codeSystem="2.16.840.1.113883.6.1" displayName="Farbe des Urins"/>'
-- é, ü and µ are LATIN1 characters: read as such, not as UTF-8 bytes
SELECT observation_display, value_text, unit, ucum_unit, length(value_text) AS chars, octet_length(value_text) AS bytes
  FROM precmed.ccda_observations(:'obs' || '<value xsi:type="ST">trübe, gelb (é)</value></observation><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="14682-9" codeSystem="2.16.840.1.113883.6.1"/><value xsi:type="PQ" value="80" unit="µmol/L"/></observation></section>');
-- a character LATIN1 has not (U+4E2D, given as a reference): an error row,
-- raw writing it as &#x4E2D; and keeping é; strict raises 22P05
SELECT status, value_text, raw
  FROM precmed.ccda_observations(:'obs' || '<value xsi:type="ST">é &#x4E2D;</value></observation></section>', false);
SELECT * FROM precmed.ccda_observations(:'obs' || '<value xsi:type="ST">é &#x4E2D;</value></observation></section>');
\echo :LAST_ERROR_SQLSTATE
-- the document's own declaration does not matter: the text is already in the database encoding
SELECT value_text FROM precmed.ccda_observations('<?xml version="1.0" encoding="UTF-8"?>' || :'obs' || '<value xsi:type="ST">é</value></observation></section>');
-- HL7: é among the delimiters is the byte E9 here, still not ASCII
SELECT status, value_text FROM precmed.hl7v2_observations(E'MSH|é~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||a~S~b||||||F', false);
-- text values keep their LATIN1 characters
SELECT value_text FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123||Trübe\\.br\\gelb||||||F');
-- a UTF-8 byte order mark is a UTF-8 thing: here its bytes are the text "ï»¿"
SELECT status, value_text FROM precmed.hl7v2_observations(E'ï»¿MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|NM|2345-7^Glucose^LN||90', false);

-- ================================================================ EUC_JP
\c precmed_regress_euc_jp
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION precmed;
SHOW server_encoding;
\set obs '<section xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><observation><templateId root="2.16.840.1.113883.10.20.22.4.2"/><code code="5778-6" codeSystem="2.16.840.1.113883.6.1"/>'
-- 中 written as such and as a reference: both EUC_JP text (UTF-8 bytes would be invalid here)
SELECT value_text, length(value_text) AS chars, encode(convert_to(value_text, 'EUC_JP'), 'hex') AS euc_jp_bytes
  FROM precmed.ccda_observations(:'obs' || '<value xsi:type="ST">中 &#x4E2D;x</value></observation></section>');
SELECT observation_code, value_text FROM precmed.hl7v2_observations(E'MSH|^~\\&|A|B|||2024||ORU^R01|M1|P|2.5\rOBX|1|ST|123^尿の色^L||黄色||||||F');

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE precmed_regress_latin1;
DROP DATABASE precmed_regress_euc_jp;
