-- Rebuild the compacted titles: "=<n>:<k>" is the title of the code's first
-- n characters followed by ending k.  Parents come first in depth, so a few
-- passes resolve every level.
DO $$
DECLARE
  pass int := 0;
  changed bigint;
BEGIN
  LOOP
    UPDATE precmed.icd10cm c
       SET description = p.description || e.ending
      FROM precmed.icd10cm p, precmed.icd10cm_title_ending e
     WHERE c.description LIKE '=%'
       AND p.code = left(c.code, split_part(substr(c.description, 2), ':', 1)::int)
       AND p.description NOT LIKE '=%'
       AND e.ending_no = split_part(c.description, ':', 2)::int;
    GET DIAGNOSTICS changed = ROW_COUNT;
    pass := pass + 1;
    EXIT WHEN changed = 0 OR pass > 10;
  END LOOP;
  IF EXISTS (SELECT 1 FROM precmed.icd10cm WHERE description LIKE '=%') THEN
    RAISE EXCEPTION 'precmed install: ICD-10-CM titles could not be rebuilt';
  END IF;
END
$$;
DROP TABLE precmed.icd10cm_title_ending;

CREATE INDEX ON precmed.gem_icd9_to_icd10 (icd9);
CREATE INDEX ON precmed.gem_icd10_to_icd9 (icd10);

CREATE FUNCTION precmed.icd10cm_normalize(code text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  c text := upper(btrim(code));
BEGIN
  IF c ~ '^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$' THEN
    RETURN replace(c, '.', '');
  END IF;
  RAISE EXCEPTION USING
    ERRCODE = '22P02',
    MESSAGE = format('"%s" is not an ICD-10-CM code', code),
    DETAIL = 'An ICD-10-CM code is a letter, a digit, a digit or letter, then up to four digits or letters, with an optional dot after the third character.',
    HINT = 'Write it as E11.9 or E119 (case does not matter).';
END
$$;
COMMENT ON FUNCTION precmed.icd10cm_normalize(text) IS
  'An ICD-10-CM code in the form the tables use: upper case, no dot (E11.9, e119 -> E119). Raises 22P02 when the text cannot be an ICD-10-CM code.';

CREATE FUNCTION precmed.icd9cm_normalize(code text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  c text := upper(btrim(code));
BEGIN
  IF c ~ '^[0-9]{3}(\.?[0-9]{1,2})?$' OR c ~ '^V[0-9]{2}(\.?[0-9]{1,2})?$'
     OR c ~ '^E[0-9]{3}(\.?[0-9])?$' THEN
    RETURN replace(c, '.', '');
  END IF;
  RAISE EXCEPTION USING
    ERRCODE = '22P02',
    MESSAGE = format('"%s" is not an ICD-9-CM diagnosis code', code),
    DETAIL = 'An ICD-9-CM diagnosis code is three digits (keep leading zeros), V and two digits, or E and three digits, then up to two (E codes: one) more digits, with an optional dot after the category.',
    HINT = 'Write it as 250.00 or 25000, V58.67, E880.9 (case does not matter).';
END
$$;
COMMENT ON FUNCTION precmed.icd9cm_normalize(text) IS
  'An ICD-9-CM diagnosis code in the form the GEM tables use: upper case, no dot (250.00 -> 25000). Raises 22P02 when the text cannot be an ICD-9-CM diagnosis code.';

CREATE FUNCTION precmed.icd10cm(code text)
RETURNS TABLE(icd10_code text, dotted text, description text, billable boolean)
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
  c text := precmed.icd10cm_normalize(code);
BEGIN
  RETURN QUERY
    SELECT t.code,
           CASE WHEN length(t.code) > 3 THEN left(t.code, 3) || '.' || substr(t.code, 4) ELSE t.code END,
           t.description, t.billable
      FROM precmed.icd10cm t WHERE t.code = c;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = '22023',
      MESSAGE = format('"%s" is not in the ICD-10-CM FY2019 code list', code),
      DETAIL = 'The list (CMS FY2019) holds every billable code and every header code above them.',
      HINT = 'Check the code, or query precmed.icd10cm with LIKE to browse its neighbours.';
  END IF;
END
$$;
COMMENT ON FUNCTION precmed.icd10cm(text) IS
  'The ICD-10-CM FY2019 entry of a code (dot and case optional): the code without and with its dot, its long title, and whether it is billable (a header code is not). Raises 22P02 for malformed and 22023 for unknown codes.';

CREATE FUNCTION precmed.icd9_to_icd10(code text)
RETURNS TABLE(icd9 text, icd10 text, icd10_description text, approximate boolean,
              no_map boolean, combination boolean, scenario smallint, choice_list smallint)
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
  c text := precmed.icd9cm_normalize(code);
BEGIN
  RETURN QUERY
    SELECT g.icd9, g.icd10, t.description, g.approximate, g.no_map, g.combination,
           g.scenario, g.choice_list
      FROM precmed.gem_icd9_to_icd10 g
      LEFT JOIN precmed.icd10cm t ON t.code = g.icd10
     WHERE g.icd9 = c
     ORDER BY g.scenario, g.choice_list, g.icd10;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = '22023',
      MESSAGE = format('"%s" is not an ICD-9-CM code of the CMS 2018 GEMs', code),
      DETAIL = 'The forward GEM lists every valid ICD-9-CM diagnosis code (FY2015, the last ICD-9-CM release).',
      HINT = 'Check the code; header codes such as 250 are not valid ICD-9-CM codes, use 250.00.';
  END IF;
END
$$;
COMMENT ON FUNCTION precmed.icd9_to_icd10(text) IS
  'Every ICD-10-CM target of an ICD-9-CM diagnosis code in the CMS 2018 forward GEM, with its flags: approximate, no_map (icd10 = NoDx), combination (the target is one part of a combination), scenario and choice_list (a combination needs one code from each choice list of one scenario). Raises 22P02 for malformed and 22023 for unknown codes.';

CREATE FUNCTION precmed.icd10_to_icd9(code text)
RETURNS TABLE(icd10 text, icd9 text, approximate boolean, no_map boolean,
              combination boolean, scenario smallint, choice_list smallint)
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
#variable_conflict use_column
DECLARE
  c text := precmed.icd10cm_normalize(code);
BEGIN
  RETURN QUERY
    SELECT g.icd10, g.icd9, g.approximate, g.no_map, g.combination, g.scenario, g.choice_list
      FROM precmed.gem_icd10_to_icd9 g
     WHERE g.icd10 = c
     ORDER BY g.scenario, g.choice_list, g.icd9;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING
      ERRCODE = '22023',
      MESSAGE = format('"%s" is not an ICD-10-CM code of the CMS 2018 GEMs', code),
      DETAIL = 'The backward GEM lists every billable ICD-10-CM code of FY2018; header codes (E11) and codes added later are not in it.',
      HINT = 'Use a billable code (see precmed.icd10cm(code)).';
  END IF;
END
$$;
COMMENT ON FUNCTION precmed.icd10_to_icd9(text) IS
  'Every ICD-9-CM target of an ICD-10-CM code in the CMS 2018 backward GEM, with its flags (approximate, no_map, combination, scenario, choice_list). Raises 22P02 for malformed and 22023 for unknown codes.';

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
