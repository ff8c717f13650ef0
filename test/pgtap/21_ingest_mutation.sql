-- Mutation test of the three observation readers: the shipped samples
-- (test/data/ingest, see the PROVENANCE files there) are mutated
-- deterministically (hash of a fixed seed and the mutant number: the same
-- mutants on every run and platform) and read in tolerant mode.  For every
-- mutant: no error escapes, every text column is valid in the database
-- encoding, nothing is lost (at least one row per input; for HL7 at least one
-- row per OBX line; for a FHIR Bundle one per Observation entry), and every
-- error row keeps its raw input.
\set QUIET 1
BEGIN;
SELECT plan(14);
SET LOCAL timezone = 'UTC';

-- a non-negative pseudo-random integer from (seed, k)
CREATE FUNCTION pg_temp.h(seed int, k int) RETURNS int LANGUAGE sql IMMUTABLE
  AS $$ SELECT hashint8(seed::bigint * 1000003 + k) & 2147483647 $$;

-- true when t is valid text in the database encoding (convert_to verifies its input)
CREATE FUNCTION pg_temp.valid_text(t text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM convert_to(t, current_setting('server_encoding'));
  RETURN true;
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
  RETURN false;
END $$;

-- Characters the mutations put in: multibyte ones (2, 3 and 4 bytes, a BOM,
-- no-break space), the delimiters and markup of the three formats, line ends.
CREATE TEMP TABLE pool AS
  SELECT ARRAY['é', '中', '😀', 'µ', U&'\00A0', U&'\FEFF', U&'\0001', '|', '^', '~', '\', '&', '#',
               '<', '>', '"', '''', '/', '=', '{', '}', '[', ']', ':', ',', E'\r', E'\n', ' ',
               '0', '9', '.', '-', '+', 'e', 'x', 'Z', 'null', '&#x4E2D;', '&lt;', '\.br\', '\X0D\',
               'MSH|é~\&|', 'OBX|1|NM|', 'resourceType', 'Observation', 'observation',
               '<value xsi:type="RTO"><numerator value="1"/><denominator value="2"/></value>'] AS c;

-- Values put into quotes (XML attributes, JSON strings) and between bars:
-- safe in the markup, hostile to the readers.
CREATE TEMP TABLE value_pool AS
  SELECT ARRAY['é', '中', '😀', 'µ', '', ' ', 'x', '1', '-0', '1e400', 'NaN', '12.5.', '<=', 'RTO', 'PQ', 'IVL_PQ',
               'CD', 'CS', 'ST', 'ED', 'INT', 'ANY', 'observation', 'Observation', 'Bundle',
               '2.16.840.1.113883.10.20.22.4.2', '2.16.840.1.113883.6.1', '2024-13-45', '20241345', 'N',
               '&#x4E2D;', '&#xE9;', '&amp;', 'NM', 'SN', 'CWE', 'TX', '^<^1^:^128', '~', '\T\', 'é~\&'] AS c;

-- 1 to 3 edits of t: a character replaced or inserted, a span deleted or
-- duplicated, a cut, a run inserted (a quarter of them in the first twelve
-- characters: HL7 MSH-1/MSH-2, the XML declaration, the JSON head); a
-- multibyte character put among the HL7 delimiters; a quoted value or an
-- HL7 field replaced; an XML element duplicated (a second <value>) or
-- renamed.
CREATE FUNCTION pg_temp.mutate(t text, seed int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  pool text[] := (SELECT c FROM pool);
  vals text[] := (SELECT c FROM value_pool);
  els text[] := ARRAY['value', 'observation', 'numerator', 'denominator', 'code', 'templateId', 'translation',
                      'low', 'high', 'effectiveTime', 'originalText', 'section'];
  n int;
  p int;
  len int;
  c text;
  v text;
  k int;
  pat text;
BEGIN
  FOR i IN 1 .. 1 + pg_temp.h(seed, 0) % 3 LOOP
    n := length(t);
    p := CASE WHEN pg_temp.h(seed, 10 * i + 1) % 4 = 0 THEN 1 + pg_temp.h(seed, 10 * i + 2) % least(n + 1, 12)
              ELSE 1 + pg_temp.h(seed, 10 * i + 2) % (n + 1) END;
    c := pool[1 + pg_temp.h(seed, 10 * i + 3) % array_length(pool, 1)];
    v := replace(vals[1 + pg_temp.h(seed, 10 * i + 3) % array_length(vals, 1)], '\', '\\');
    len := 1 + pg_temp.h(seed, 10 * i + 4) % 16;
    pat := NULL;
    CASE pg_temp.h(seed, 10 * i + 5) % 12
      WHEN 11 THEN  -- a multibyte character among the HL7 delimiters (MSH-1, MSH-2), often one the text has
        c := CASE WHEN pg_temp.h(seed, 10 * i + 8) % 2 = 0 THEN (regexp_match(t, '[^\x01-\x7F]'))[1] END;
        t := overlay(t PLACING coalesce(c, (ARRAY['é', 'µ', 'ü', '中', '😀'])[1 + pg_temp.h(seed, 10 * i + 7) % 5])
                     FROM 4 + pg_temp.h(seed, 10 * i + 6) % 5 FOR 1);
      WHEN 0 THEN t := overlay(t PLACING c FROM p FOR 1);
      WHEN 1 THEN t := overlay(t PLACING c FROM p FOR 0);
      WHEN 2 THEN t := overlay(t PLACING '' FROM p FOR len);
      WHEN 3 THEN t := overlay(t PLACING substr(t, p, len) FROM p FOR 0);
      WHEN 4 THEN t := left(t, p);
      WHEN 5 THEN t := overlay(t PLACING repeat(c, len) FROM p FOR 0);
      WHEN 6, 7 THEN pat := '"[^"<>\r\n]*"'; v := '"' || v || '"';        -- a quoted value
      WHEN 8 THEN pat := '\|[^|\r\n]*'; v := '|' || v;                     -- an HL7 field
      WHEN 9 THEN pat := '<(value|numerator|low|high|translation)\y[^<>]*/>'; v := '\&\&';  -- twice
      ELSE pat := '<(/?)(' || array_to_string(els, '|') || ')\y';           -- renamed
           v := '<\1' || els[1 + pg_temp.h(seed, 10 * i + 7) % array_length(els, 1)];
    END CASE;
    IF pat IS NOT NULL THEN
      k := regexp_count(t, pat);
      IF k > 0 THEN
        t := regexp_replace(t, pat, v, 1, 1 + pg_temp.h(seed, 10 * i + 6) % k);
      END IF;
    END IF;
  END LOOP;
  RETURN t;
END $$;

-- Every path of a JSON document (keys and array indexes), in a fixed order.
CREATE FUNCTION pg_temp.json_paths(j jsonb) RETURNS text[] LANGUAGE sql AS $$
  WITH RECURSIVE p(path, v) AS (
    SELECT ARRAY[]::text[], j
    UNION ALL
    SELECT p.path || x.k, x.c FROM p, LATERAL (
      SELECT key AS k, value AS c FROM jsonb_each(CASE WHEN jsonb_typeof(p.v) = 'object' THEN p.v END)
      UNION ALL
      SELECT (ord - 1)::text, value
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p.v) = 'array' THEN p.v END) WITH ORDINALITY e(value, ord)) x)
  SELECT array_agg(array_to_string(p.path, E'\x01') ORDER BY p.path) FROM p WHERE cardinality(p.path) > 0
$$;

-- 1 to 3 structural edits of a JSON document at paths it had (one of
-- paths): a member or element replaced by another JSON value, removed, or
-- moved under another (FHIR) name.
CREATE FUNCTION pg_temp.mutate_json(j jsonb, paths text[], seed int) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  repl jsonb[] := ARRAY['null', '1', '-0', '1e300', 'true', '"é中😀"', '[]', '{}', '[null]', '"observation"',
                        '"Observation"', '"Bundle"', '{"value": "x"}', '{"value": 1e400}', '"<"', '"2024-13-45"',
                        '{"resourceType": "Bundle", "entry": {}}', '[{"resource": null}]',
                        '{"numerator": {"value": 1}, "denominator": {"value": 0}}']::jsonb[];
  names text[] := ARRAY['valueCoding', 'valueQuantity', 'valueString', 'valueRatio', 'valueRange', 'component',
                        'entry', 'resource', 'resourceType', 'code', 'coding', 'value', 'effectiveDateTime'];
  -- half the edits near the top (a Bundle's entries, their resources and types)
  short text[] := ARRAY(SELECT p FROM unnest(paths) p WHERE p !~ '(\x01.*){3}');
  n int := coalesce(array_length(paths, 1), 0);
  path text[];
BEGIN
  FOR i IN 1 .. 1 + pg_temp.h(seed, 0) % 3 LOOP
    EXIT WHEN n = 0;
    IF pg_temp.h(seed, 10 * i + 4) % 2 = 0 AND cardinality(short) > 0 THEN
      path := string_to_array(short[1 + pg_temp.h(seed, 10 * i + 1) % cardinality(short)], E'\x01');
    ELSE
      path := string_to_array(paths[1 + pg_temp.h(seed, 10 * i + 1) % n], E'\x01');
    END IF;
    CONTINUE WHEN j #> path IS NULL;  -- gone with an earlier edit
    CASE pg_temp.h(seed, 10 * i + 2) % 3
      WHEN 0 THEN j := jsonb_set(j, path, repl[1 + pg_temp.h(seed, 10 * i + 3) % array_length(repl, 1)]);
      WHEN 1 THEN j := j #- path;
      ELSE
        IF cardinality(path) = 1 OR jsonb_typeof(j #> path[1:cardinality(path) - 1]) = 'object' THEN
          j := jsonb_set(j #- path,
                         path[1:cardinality(path) - 1] || names[1 + pg_temp.h(seed, 10 * i + 3) % array_length(names, 1)],
                         j #> path);
        END IF;
    END CASE;
  END LOOP;
  RETURN j;
END $$;

-- The fewest rows a reader may give for t without losing anything: one per
-- OBX line (HL7); one per value of an observation of a template read, or
-- one for the observation when it has none (C-CDA, when the document is
-- well-formed); one per Bundle entry other than a resource of another type
-- or a bare request/response (FHIR), one for an entry that is not an array,
-- one for any other JSON; one for input with nothing readable (blank, not
-- XML, not JSON).  A message with no observation in it (an ADT, SIU) may
-- give none.
CREATE FUNCTION pg_temp.min_rows(fmt text, t text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  j jsonb;
  d text := replace(t, 'xsi:', 'xsi_');  -- PostgreSQL refuses the samples' undeclared xsi: prefix
  el text := '[namespace-uri()="" or namespace-uri()="urn:hl7-org:v3"]';
  obs text;
BEGIN
  IF fmt = 'hl7v2' THEN
    RETURN greatest((SELECT count(*) FROM regexp_split_to_table(t, '[\r\n]') l WHERE upper(left(l, 3)) = 'OBX'),
                    CASE WHEN btrim(t, E' \t\r\n\f\v') = '' THEN 1 ELSE 0 END);
  ELSIF fmt = 'ccda' THEN
    obs := '//*[local-name()="observation"]' || el || '[*[local-name()="templateId"]' || el ||
           '[@root="2.16.840.1.113883.10.20.22.4.2" or @root="2.16.840.1.113883.10.20.22.4.27" or '
           '@root="2.16.840.1.113883.10.20.22.4.13" or @root="2.16.840.1.113883.10.20.22.4.38" or '
           '@root="2.16.840.1.113883.10.20.22.4.78"]]';
    BEGIN
      RETURN (xpath('count(' || obs || '[not(*[local-name()="value"]' || el || ')]) + count(' ||
                    obs || '/*[local-name()="value"]' || el || ')', xmlparse(DOCUMENT d)))[1]::text::numeric::int;
    EXCEPTION WHEN OTHERS THEN
      RETURN 1;  -- not well-formed (or a namespace error, which precmed tolerates): at least the error row
    END;
  END IF;
  BEGIN
    j := t::jsonb;
  EXCEPTION WHEN OTHERS THEN
    RETURN 1;
  END;
  IF jsonb_typeof(j) <> 'object' OR j->>'resourceType' IS DISTINCT FROM 'Bundle' THEN
    RETURN 1;
  ELSIF NOT j ? 'entry' THEN
    RETURN 0;
  ELSIF jsonb_typeof(j->'entry') <> 'array' THEN
    RETURN 1;
  END IF;
  RETURN (SELECT count(*) FROM jsonb_array_elements(j->'entry') e
           WHERE NOT (jsonb_typeof(e) = 'object' AND
                      ((jsonb_typeof(e->'resource') = 'object' AND jsonb_typeof(e->'resource'->'resourceType') = 'string'
                        AND e->'resource'->>'resourceType' ~ '^[A-Z][A-Za-z]*$'
                        AND e->'resource'->>'resourceType' <> 'Observation')
                       OR (NOT e ? 'resource' AND (e ? 'request' OR e ? 'response')))));
END $$;

-- the shipped samples, read as files are (base64 keeps CRs and BOMs)
CREATE TEMP TABLE sample (fmt text, name text, b64 text, body text);
\copy sample (name, b64) FROM PROGRAM 'for f in test/data/ingest/hl7v2/*/*.hl7 test/data/ingest/ccda/*/*.xml test/data/ingest/ccda/*/*.ccda test/data/ingest/fhir/us-core/*.json test/data/ingest/fhir/synthea-r4/Horacio*.json; do printf "%s\t%s\n" "$f" "$(base64 -w0 "$f")"; done'
UPDATE sample SET body = convert_from(decode(b64, 'base64'), 'UTF8'),
                  fmt = CASE WHEN name LIKE '%.hl7' THEN 'hl7v2' WHEN name LIKE '%.json' THEN 'fhir' ELSE 'ccda' END;
-- a Bundle of the US Core samples and a Patient (collection), mutated as JSON
INSERT INTO sample (fmt, name, body)
SELECT 'fhir-json', 'us-core bundle',
       jsonb_build_object('resourceType', 'Bundle', 'type', 'collection', 'entry',
         jsonb_agg(jsonb_build_object('resource', body::jsonb) ORDER BY name)
         || '[{"resource": {"resourceType": "Patient", "id": "p1"}}]'::jsonb)::text
  FROM sample WHERE name LIKE '%us-core/%';
INSERT INTO sample (fmt, name, body)
SELECT 'fhir-json', name, body FROM sample WHERE name LIKE '%us-core/%';

SELECT is((SELECT string_agg(fmt || ':' || n, ',' ORDER BY fmt)
             FROM (SELECT fmt, count(*) AS n FROM sample GROUP BY fmt) s),
          'ccda:10,fhir:15,fhir-json:15,hl7v2:20', 'the shipped samples are loaded');

-- the mutants (the unmutated sample too, as mutant 0)
ALTER TABLE sample ADD COLUMN paths text[];
UPDATE sample SET paths = pg_temp.json_paths(body::jsonb) WHERE fmt = 'fhir-json';
CREATE TEMP TABLE mutant AS
SELECT s.fmt, s.name, m AS seed,
       CASE WHEN m = 0 THEN s.body
            WHEN s.fmt = 'fhir-json' THEN pg_temp.mutate_json(s.body::jsonb, s.paths, m)::text
            ELSE pg_temp.mutate(s.body, m) END AS input
  FROM sample s,
       generate_series(0, CASE s.fmt WHEN 'hl7v2' THEN 90 WHEN 'ccda' THEN 30
                                     WHEN 'fhir-json' THEN CASE WHEN s.name LIKE '%bundle' THEN 150 ELSE 30 END
                                     ELSE CASE WHEN s.name LIKE '%synthea%' THEN 8 ELSE 20 END END) m;
ALTER TABLE mutant ADD COLUMN min_rows int;
SET LOCAL client_min_messages = error;  -- PostgreSQL's own XML parser warns about some mutants
UPDATE mutant SET min_rows = pg_temp.min_rows(fmt, input);
SET LOCAL client_min_messages = warning;

-- every mutant through its reader, tolerant mode; an escaping error is kept
CREATE TEMP TABLE outcome (fmt text, name text, seed int, rows int, errors int, errors_without_raw int,
                           all_text text, escaped text);
DO $$
DECLARE
  r record;
  n int;
  e int;
  nr int;
  txt text;
BEGIN
  FOR r IN SELECT * FROM mutant LOOP
    n := NULL; e := NULL; nr := NULL; txt := NULL;
    BEGIN
      IF r.fmt = 'hl7v2' THEN
        SELECT count(*), count(*) FILTER (WHERE o.status = 'error'),
               count(*) FILTER (WHERE o.status = 'error' AND o.raw IS NULL), string_agg(o::text, E'\n')
          INTO n, e, nr, txt FROM precmed.hl7v2_observations(r.input, false) o;
      ELSIF r.fmt = 'ccda' THEN
        SELECT count(*), count(*) FILTER (WHERE o.status = 'error'),
               count(*) FILTER (WHERE o.status = 'error' AND o.raw IS NULL), string_agg(o::text, E'\n')
          INTO n, e, nr, txt FROM precmed.ccda_observations(r.input, false) o;
      ELSIF r.fmt = 'fhir' THEN
        SELECT count(*), count(*) FILTER (WHERE o.status = 'error'),
               count(*) FILTER (WHERE o.status = 'error' AND o.raw IS NULL), string_agg(o::text, E'\n')
          INTO n, e, nr, txt FROM precmed.fhir_observations(r.input, false) o;
      ELSE
        SELECT count(*), count(*) FILTER (WHERE o.status = 'error'),
               count(*) FILTER (WHERE o.status = 'error' AND o.raw IS NULL), string_agg(o::text, E'\n')
          INTO n, e, nr, txt FROM precmed.fhir_observations(r.input::jsonb, false) o;
      END IF;
      INSERT INTO outcome VALUES (r.fmt, r.name, r.seed, n, e, nr, txt, NULL);
    EXCEPTION WHEN OTHERS THEN
      -- the message may itself hold invalid bytes: keep it escaped
      INSERT INTO outcome VALUES (r.fmt, r.name, r.seed, NULL, NULL, NULL, NULL,
                                  SQLSTATE || ' ' || encode(textsend(SQLERRM), 'escape'));
    END;
  END LOOP;
END $$;

SELECT cmp_ok((SELECT count(*)::int FROM outcome), '>', 2500, 'over 2500 mutants were read');
SELECT cmp_ok((SELECT count(*)::int FROM mutant m JOIN sample s USING (fmt, name)
                WHERE m.seed > 0 AND m.input IS DISTINCT FROM s.body), '>',
              (SELECT (0.85 * count(*))::int FROM mutant WHERE seed > 0), 'nearly every mutant differs from its sample');

-- 1. no error escapes tolerant mode
SELECT is((SELECT count(*)::int FROM outcome WHERE escaped IS NOT NULL), 0,
          'no error escapes tolerant mode') ;
SELECT diag(fmt || ' ' || name || ' #' || seed || ': ' || escaped) FROM outcome WHERE escaped IS NOT NULL LIMIT 5;

-- 2. every text column is valid in the database encoding
SELECT is((SELECT count(*)::int FROM outcome WHERE NOT pg_temp.valid_text(all_text)), 0,
          'every text the readers return is valid in the database encoding');
SELECT diag(fmt || ' ' || name || ' #' || seed || ' returned invalid text')
  FROM outcome WHERE NOT pg_temp.valid_text(all_text) LIMIT 5;

-- 3. nothing is lost
SELECT is((SELECT count(*)::int FROM outcome o JOIN mutant m USING (fmt, name, seed) WHERE o.rows < m.min_rows), 0,
          'nothing is lost: a row (data or error) per OBX line, C-CDA value, Bundle entry; one for unreadable input');
SELECT diag(fmt || ' ' || name || ' #' || seed || ': ' || o.rows || ' rows, at least ' || m.min_rows || ' expected')
  FROM outcome o JOIN mutant m USING (fmt, name, seed) WHERE o.rows < m.min_rows LIMIT 5;
SELECT cmp_ok((SELECT count(*)::int FROM mutant WHERE min_rows > 0), '>',
              (SELECT (0.75 * count(*))::int FROM mutant), 'most mutants have something that must come back');
SELECT is((SELECT count(*)::int FROM outcome WHERE errors_without_raw > 0), 0, 'every error row keeps its raw input');

-- 4. the mutants exercise the readers: errors and data in every format,
--    including non-ASCII delimiters and the tolerant-mode FHIR entry rows
SELECT ok((SELECT bool_and(e > 0 AND d > 0) FROM
             (SELECT fmt, sum(errors) AS e, sum(rows - errors) AS d FROM outcome GROUP BY fmt) s),
          'every format has both error and data rows among the mutants');
SELECT cmp_ok((SELECT count(*)::int FROM outcome WHERE fmt = 'hl7v2' AND all_text LIKE '%the delimiters must be ASCII%'),
              '>', 0, 'HL7: some mutants put a non-ASCII character among the delimiters');
SELECT cmp_ok((SELECT count(*)::int FROM outcome WHERE fmt = 'fhir-json'
                AND (all_text LIKE '%an entry must be a JSON object%' OR all_text LIKE '%resourceType is missing%'
                     OR all_text LIKE '%case-sensitive%' OR all_text LIKE '%must be a JSON array%'
                     OR all_text LIKE '%not a JSON%')),
              '>', 0, 'FHIR: some mutants break the Bundle structure and are reported');
SELECT cmp_ok((SELECT count(*)::int FROM outcome WHERE fmt = 'ccda' AND all_text LIKE '%not well-formed%'),
              '>', 0, 'C-CDA: some mutants are not well-formed XML');
SELECT cmp_ok((SELECT count(*)::int FROM outcome WHERE fmt = 'ccda' AND rows > errors AND errors > 0),
              '>', 0, 'C-CDA: some well-formed mutants mix data and error rows');

-- the unmutated samples read as before: no error row but in the malformed HL7 samples
SELECT is((SELECT string_agg(regexp_replace(name, '.*/', ''), ',' ORDER BY name) FROM outcome
            WHERE seed = 0 AND errors > 0),
          'diagnosticreport-metabolic-panel.json,diagnosticreport-metabolic-panel.json,Test_Message_empty.hl7,'
          'Test_Message_msh-12_has_value_2_3.hl7,Test_Message_msh_present_but_missing_msh-9.hl7,ORU-R01-01.hl7,OUL-R22-01.hl7',
          'the unmutated samples give error rows only where known: a DiagnosticReport, three malformed messages, two OBX without OBX-3');

SELECT * FROM finish();
ROLLBACK;
