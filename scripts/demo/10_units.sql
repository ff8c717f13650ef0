-- precmed demo, part 10: UCUM units and clinical unit conversion.
-- Synthea lab observations (ma107-2023, 107 synthetic patients) put on SI
-- units; messy units from real message samples mapped to UCUM; common
-- chemistry results converted between conventional and SI units.
\set ON_ERROR_STOP 1

\echo
\echo '== units: Synthea ma107-2023 observations, conventional -> SI, per analyte'
CREATE TEMP TABLE obs (date timestamptz, patient text, category text, code text,
                       description text, value float8, units text);
\copy obs FROM 'test/data/units/ma107_observations.csv' WITH (FORMAT csv, HEADER)

-- the SI unit each analyte is reported in (UCUM codes)
CREATE TEMP TABLE si_target (code text PRIMARY KEY, si_unit text);
INSERT INTO si_target VALUES
  ('718-7', 'g/L'), ('786-4', 'g/L'), ('777-3', '10*9/L'), ('6690-2', '10*9/L'),
  ('789-8', '10*12/L'), ('20570-8', 'L/L'), ('57905-2', 'ug/L'), ('785-6', 'pg'),
  ('787-2', 'fL'), ('32623-1', 'fL'), ('32207-3', 'fL'), ('21000-5', 'fL'), ('72514-3', '{score}');

SELECT o.code AS loinc, left(min(o.description), 38) AS analyte, count(*) AS n,
       min(o.units) AS unit_before, round(avg(o.value)::numeric, 2) AS mean_before,
       round(min(o.value)::numeric, 2) || ' - ' || round(max(o.value)::numeric, 2) AS range_before,
       t.si_unit AS unit_after,
       round(avg(precmed.lab_convert(o.value, precmed.unit_normalize(o.units), t.si_unit, o.code))::numeric, 3) AS mean_after,
       round(min(precmed.lab_convert(o.value, precmed.unit_normalize(o.units), t.si_unit, o.code))::numeric, 3) || ' - ' ||
       round(max(precmed.lab_convert(o.value, precmed.unit_normalize(o.units), t.si_unit, o.code))::numeric, 3) AS range_after,
       precmed.ucum_canonical(t.si_unit) AS base_units
  FROM obs o JOIN si_target t USING (code)
 GROUP BY o.code, t.si_unit
 ORDER BY analyte;

\echo
\echo '== units: hemoglobin also as substance concentration (Hb(Fe) monomer, 16114.5 g/mol), via precmed.analyte'
SELECT date::date, value AS "Hb g/dL",
       round(precmed.lab_convert(value, units, 'mmol/L', '718-7')::numeric, 3) AS "Hb mmol/L",
       precmed.lab_plausible('718-7', value, units) AS plausible
  FROM obs WHERE code = '718-7' ORDER BY date;

\echo
\echo '== units: messy units from HL7 v2, C-CDA and FHIR samples -> UCUM (NULL = unmapped, never guessed)'
CREATE TEMP TABLE sample_units (unit text, seen_in text);
\copy sample_units FROM 'test/data/units/sample_units.tsv'
SELECT unit AS source_unit, precmed.unit_normalize(unit) AS ucum, precmed.unit_normalize_rule(unit) AS rule,
       left(seen_in, 60) AS seen_in
  FROM sample_units
 WHERE precmed.unit_normalize_rule(unit) <> 'ucum'
 ORDER BY rule, unit;
SELECT count(*) AS distinct_units,
       count(*) FILTER (WHERE precmed.unit_normalize_rule(unit) = 'ucum') AS already_ucum,
       count(*) FILTER (WHERE precmed.unit_normalize_rule(unit) NOT IN ('ucum') AND precmed.unit_normalize(unit) IS NOT NULL) AS mapped,
       count(*) FILTER (WHERE precmed.unit_normalize(unit) IS NULL) AS unmapped
  FROM sample_units;

\echo
\echo '== units: a basic metabolic panel from two labs, one conventional and one SI, on one scale'
SELECT lab, analyte, value, unit,
       round(precmed.lab_convert(value, precmed.unit_normalize(unit), si, loinc)::numeric, 2) AS si_value, si AS si_unit,
       precmed.lab_plausible(loinc, value, precmed.unit_normalize(unit)) AS plausible
  FROM (VALUES
    ('A', 'creatinine', '2160-0', 1.2, 'mg/dl', 'umol/L'),
    ('B', 'creatinine', '14682-9', 106, 'µmol/L', 'umol/L'),
    ('A', 'glucose', '2345-7', 126, 'MG/DL', 'mmol/L'),
    ('B', 'glucose', '14749-6', 7.0, 'mmol/l', 'mmol/L'),
    ('A', 'urea nitrogen', '3094-0', 18, 'mg/dL', 'mmol/L'),
    ('A', 'calcium', '17861-6', 9.6, 'mg/dL', 'mmol/L'),
    ('B', 'calcium', '2000-8', 4.8, 'mEq/L', 'mmol/L'),
    ('A', 'cholesterol', '2093-3', 200, 'mg/dL', 'mmol/L'),
    ('A', 'HbA1c', '4548-4', 7.0, '%', 'mmol/mol'),
    ('C', 'glucose (C-CDA sample: really mg/dL)', '2345-7', 185, 'mmol/L', 'mmol/L')
  ) AS t(lab, analyte, loinc, value, unit, si)
 ORDER BY analyte, lab;
