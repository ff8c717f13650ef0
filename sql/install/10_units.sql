-- precmed install script, part 10: UCUM units and clinical unit conversion.
-- complain if this file is sourced in psql rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION precmed" to load this file. \quit

-- ---------------------------------------------------------------------------
-- UCUM definitions: ucum-essence.xml v2.2, stored verbatim (see the end of
-- this file).  UCUM's licence forbids modifying it, so the C code parses the
-- original once per backend instead of carrying a transcription.
-- ---------------------------------------------------------------------------
CREATE TABLE precmed.ucum_essence (
  version text PRIMARY KEY,
  xml text NOT NULL,
  notice text NOT NULL
);
COMMENT ON TABLE precmed.ucum_essence IS
  'The unmodified UCUM definition table ucum-essence.xml (version 2.2, 2024-06-17) that precmed''s UCUM engine parses. Copyright 1999-2024 Regenstrief Institute, Inc. All rights reserved. Licensed under the UCUM License, Version 1.1, https://unitsofmeasure.org/license (provided "as is", without warranty).';

CREATE VIEW precmed.ucum_unit AS
  WITH doc AS (SELECT e.xml::xml AS x, ARRAY[ARRAY['u', 'http://unitsofmeasure.org/ucum-essence']] AS ns
                 FROM precmed.ucum_essence e),
  elems AS (
    SELECT 'base' AS kind, n, ns FROM doc, unnest(xpath('/u:root/u:base-unit', x, ns)) n
    UNION ALL
    SELECT 'prefix', n, ns FROM doc, unnest(xpath('/u:root/u:prefix', x, ns)) n
    UNION ALL
    SELECT 'unit', n, ns FROM doc, unnest(xpath('/u:root/u:unit', x, ns)) n)
  SELECT kind,
         (xpath('/*/@Code', n))[1]::text AS code,
         (xpath('/*/@CODE', n))[1]::text AS ci_code,
         (xpath('/*/u:name/text()', n, ns))[1]::text AS name,
         array_to_string(xpath('/*/u:printSymbol//text()', n, ns)::text[], '') AS print_symbol,
         (xpath('/*/u:property/text()', n, ns))[1]::text AS property,
         (xpath('/*/@class', n))[1]::text AS class,
         CASE kind WHEN 'prefix' THEN NULL ELSE coalesce((xpath('/*/@isMetric', n))[1]::text = 'yes', kind = 'base') END AS is_metric,
         coalesce((xpath('/*/@isSpecial', n))[1]::text = 'yes', false) AS is_special,
         coalesce((xpath('/*/@isArbitrary', n))[1]::text = 'yes', false) AS is_arbitrary,
         coalesce((xpath('/*/u:value/@value', n, ns))[1]::text,
                  (xpath('/*/u:value/u:function/@value', n, ns))[1]::text) AS value,
         coalesce((xpath('/*/u:value/u:function/@Unit', n, ns))[1]::text,
                  (xpath('/*/u:value/@Unit', n, ns))[1]::text) AS unit,
         (xpath('/*/u:value/u:function/@name', n, ns))[1]::text AS special_function,
         (xpath('/*/@dim', n))[1]::text AS dimension
    FROM elems;
COMMENT ON VIEW precmed.ucum_unit IS
  'The UCUM atoms and prefixes of ucum-essence.xml, read from precmed.ucum_essence with xpath: kind (base, prefix, unit), case-sensitive and case-insensitive codes, name, print symbol, property, class, metric/special/arbitrary flags, and the definition value x unit (the function name for special units).';

CREATE FUNCTION precmed.ucum_valid(unit text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'ucum_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_valid(text) IS
  'True when unit is a valid case-sensitive UCUM expression (e.g. mg/dL, 10*9/L, mL/min/{1.73_m2}).';

CREATE FUNCTION precmed.ucum_validate(unit text) RETURNS text
  AS 'MODULE_PATHNAME', 'ucum_validate'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_validate(text) IS
  'NULL when unit is valid UCUM, otherwise the reason it is not (e.g. unknown unit symbol "dX" at position 4).';

CREATE FUNCTION precmed.ucum_canonical(unit text) RETURNS text
  AS 'MODULE_PATHNAME', 'ucum_canonical'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_canonical(text) IS
  'The base-unit form of a UCUM unit (m, s, g, rad, K, C, cd and arbitrary units), e.g. g.m-3 for mg/dL; 1 when dimensionless. Raises 22023 for an invalid unit.';

CREATE FUNCTION precmed.ucum_factor(unit text) RETURNS float8
  AS 'MODULE_PATHNAME', 'ucum_factor'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_factor(text) IS
  'The magnitude of one unit in its base-unit form (mg/dL -> 10, i.e. 10 g.m-3). Raises 22023 for an invalid or special (non-ratio) unit.';

CREATE FUNCTION precmed.ucum_commensurable(a text, b text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'ucum_commensurable'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_commensurable(text, text) IS
  'True when UCUM can convert between a and b (same dimension; arbitrary units only to themselves). Raises 22023 for an invalid unit.';

CREATE FUNCTION precmed.ucum_convert(value float8, from_unit text, to_unit text) RETURNS float8
  AS 'MODULE_PATHNAME', 'ucum_convert'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_convert(float8, text, text) IS
  'Converts value from one UCUM unit to another, including special units (Cel, [degF], [pH], ...). Raises 22023 naming both units when one is invalid or they are not commensurable.';

CREATE FUNCTION precmed.ucum_definitions_version() RETURNS text
  AS 'MODULE_PATHNAME', 'ucum_definitions_version'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.ucum_definitions_version() IS
  'Version of the ucum-essence.xml this backend has loaded (2.2).';

CREATE FUNCTION precmed.unit_normalize(unit text) RETURNS text
  AS 'MODULE_PATHNAME', 'unit_normalize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.unit_normalize(text) IS
  'Maps a source unit as labs write it (mg/dl, MG/DL, µmol/L, 10^9/L, x10E3/uL, mEq/L, mIU/L, hour(s), THOUS/MCL, code^text^UCUM) to a valid UCUM code; NULL when no documented rule applies (never a guess). See precmed.unit_normalize_rule.';

CREATE FUNCTION precmed.unit_normalize_rule(unit text) RETURNS text
  AS 'MODULE_PATHNAME', 'unit_normalize_rule'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.unit_normalize_rule(text) IS
  'The rule(s) precmed.unit_normalize applied to unit, joined by +: ucum, preferred_spelling, case_insensitive, micro_sign, synonym, power_of_ten, mc_prefix, international_unit, count_annotation, annotation_from_text, hl7_components; or unmapped (with empty, too_long or refused_negative_power_after_slash).';

-- ---------------------------------------------------------------------------
-- Analytes for mass <-> substance <-> equivalents conversion, keyed by LOINC.
-- ---------------------------------------------------------------------------
CREATE TABLE precmed.analyte (
  loinc text PRIMARY KEY,
  analyte text NOT NULL,
  property text NOT NULL,
  formula text,
  molar_mass float8 CHECK (molar_mass > 0),
  charge int CHECK (charge > 0),
  mass_loinc text,
  molar_loinc text,
  conventional_unit text NOT NULL,
  si_unit text NOT NULL,
  plausible_low float8,
  plausible_high float8,
  conversion text CHECK (conversion IN ('hba1c')),
  molar_mass_source text,
  note text,
  shipped boolean NOT NULL DEFAULT false,
  CHECK (plausible_low <= plausible_high)
);
-- rows users add (shipped = false) are kept by pg_dump; shipped rows come
-- back with CREATE EXTENSION
SELECT pg_catalog.pg_extension_config_dump('precmed.analyte', 'WHERE NOT shipped');
COMMENT ON TABLE precmed.analyte IS
  'Per-LOINC analyte facts used by precmed.lab_convert and precmed.lab_plausible: molar mass (g/mol) and its source, ion charge (for mEq), the LOINC codes of the mass and molar twins, the conventional and SI units, and plausibility limits in the SI unit. See docs/units.md.';

INSERT INTO precmed.analyte (loinc, analyte, property, formula, molar_mass, charge, mass_loinc,
  molar_loinc, conventional_unit, si_unit, plausible_low, plausible_high, conversion,
  molar_mass_source, note, shipped) VALUES
  ('2160-0', 'Creatinine', 'mass concentration, serum/plasma', 'C4H7N3O', 113.12, NULL, '2160-0', '14682-9', 'mg/dL', 'umol/L', 5.0, 4000.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('38483-4', 'Creatinine', 'mass concentration, blood', 'C4H7N3O', 113.12, NULL, '38483-4', '14682-9', 'mg/dL', 'umol/L', 5.0, 4000.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14682-9', 'Creatinine', 'substance concentration, serum/plasma', 'C4H7N3O', 113.12, NULL, '2160-0', '14682-9', 'mg/dL', 'umol/L', 5.0, 4000.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('2345-7', 'Glucose', 'mass concentration, serum/plasma', 'C6H12O6', 180.156, NULL, '2345-7', '14749-6', 'mg/dL', 'mmol/L', 0.5, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('2339-0', 'Glucose', 'mass concentration, blood', 'C6H12O6', 180.156, NULL, '2339-0', '15074-8', 'mg/dL', 'mmol/L', 0.5, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14749-6', 'Glucose', 'substance concentration, serum/plasma', 'C6H12O6', 180.156, NULL, '2345-7', '14749-6', 'mg/dL', 'mmol/L', 0.5, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('15074-8', 'Glucose', 'substance concentration, blood', 'C6H12O6', 180.156, NULL, '2339-0', '15074-8', 'mg/dL', 'mmol/L', 0.5, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('3091-6', 'Urea', 'mass concentration, serum/plasma', 'CH4N2O', 60.056, NULL, '3091-6', '22664-7', 'mg/dL', 'mmol/L', 0.3, 150.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('22664-7', 'Urea', 'substance concentration, serum/plasma', 'CH4N2O', 60.056, NULL, '3091-6', '22664-7', 'mg/dL', 'mmol/L', 0.3, 150.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('3094-0', 'Urea nitrogen (BUN)', 'mass concentration of urea nitrogen, serum/plasma', 'N2', 28.014, NULL, '3094-0', '22664-7', 'mg/dL', 'mmol/L', 0.3, 150.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'BUN is reported as nitrogen: two N per urea, so the molar mass is that of N2 and the substance is urea', true),
  ('6299-2', 'Urea nitrogen (BUN)', 'mass concentration of urea nitrogen, blood', 'N2', 28.014, NULL, '6299-2', '22664-7', 'mg/dL', 'mmol/L', 0.3, 150.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'BUN is reported as nitrogen: two N per urea, so the molar mass is that of N2 and the substance is urea', true),
  ('2093-3', 'Cholesterol', 'mass concentration, serum/plasma', 'C27H46O', 386.664, NULL, '2093-3', '14647-2', 'mg/dL', 'mmol/L', 0.5, 80.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14647-2', 'Cholesterol', 'substance concentration, serum/plasma', 'C27H46O', 386.664, NULL, '2093-3', '14647-2', 'mg/dL', 'mmol/L', 0.5, 80.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('2571-8', 'Triglycerides', 'mass concentration, serum/plasma', 'C57H104O6', 885.453, NULL, '2571-8', '14927-8', 'mg/dL', 'mmol/L', 0.05, 300.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'by convention as triolein; triglycerides are a mixture', true),
  ('14927-8', 'Triglycerides', 'substance concentration, serum/plasma', 'C57H104O6', 885.453, NULL, '2571-8', '14927-8', 'mg/dL', 'mmol/L', 0.05, 300.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'by convention as triolein; triglycerides are a mixture', true),
  ('1975-2', 'Bilirubin, total', 'mass concentration, serum/plasma', 'C33H36N4O6', 584.673, NULL, '1975-2', '14631-6', 'mg/dL', 'umol/L', 0.0, 1500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14631-6', 'Bilirubin, total', 'substance concentration, serum/plasma', 'C33H36N4O6', 584.673, NULL, '1975-2', '14631-6', 'mg/dL', 'umol/L', 0.0, 1500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('3084-1', 'Uric acid', 'mass concentration, serum/plasma', 'C5H4N4O3', 168.112, NULL, '3084-1', '14933-6', 'mg/dL', 'umol/L', 10.0, 2500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14933-6', 'Uric acid', 'substance concentration, serum/plasma', 'C5H4N4O3', 168.112, NULL, '3084-1', '14933-6', 'mg/dL', 'umol/L', 10.0, 2500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('17861-6', 'Calcium', 'mass concentration, serum/plasma', 'Ca', 40.078, 2, '17861-6', '2000-8', 'mg/dL', 'mmol/L', 0.5, 6.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Ca2+: 1 mmol = 2 mEq', true),
  ('49765-1', 'Calcium', 'mass concentration, blood', 'Ca', 40.078, 2, '49765-1', '2000-8', 'mg/dL', 'mmol/L', 0.5, 6.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Ca2+: 1 mmol = 2 mEq', true),
  ('2000-8', 'Calcium', 'substance concentration, serum/plasma', 'Ca', 40.078, 2, '17861-6', '2000-8', 'mg/dL', 'mmol/L', 0.5, 6.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Ca2+: 1 mmol = 2 mEq', true),
  ('19123-9', 'Magnesium', 'mass concentration, serum/plasma', 'Mg', 24.305, 2, '19123-9', '2601-3', 'mg/dL', 'mmol/L', 0.1, 10.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Mg2+: 1 mmol = 2 mEq', true),
  ('2601-3', 'Magnesium', 'substance concentration, serum/plasma', 'Mg', 24.305, 2, '19123-9', '2601-3', 'mg/dL', 'mmol/L', 0.1, 10.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Mg2+: 1 mmol = 2 mEq', true),
  ('2777-1', 'Phosphate (as P)', 'mass concentration, serum/plasma', 'P', 30.974, NULL, '2777-1', '14879-1', 'mg/dL', 'mmol/L', 0.1, 10.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'reported as phosphorus; no fixed charge (HPO4 2- / H2PO4 - mixture), so no mEq conversion', true),
  ('14879-1', 'Phosphate (as P)', 'substance concentration, serum/plasma', 'P', 30.974, NULL, '2777-1', '14879-1', 'mg/dL', 'mmol/L', 0.1, 10.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'reported as phosphorus; no fixed charge (HPO4 2- / H2PO4 - mixture), so no mEq conversion', true),
  ('2498-4', 'Iron', 'mass concentration, serum/plasma', 'Fe', 55.845, NULL, '2498-4', '14798-3', 'ug/dL', 'umol/L', 0.5, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14798-3', 'Iron', 'substance concentration, serum/plasma', 'Fe', 55.845, NULL, '2498-4', '14798-3', 'ug/dL', 'umol/L', 0.5, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('1989-3', '25-hydroxyvitamin D3', 'mass concentration, serum/plasma', 'C27H44O2', 400.647, NULL, '1989-3', '14635-7', 'ng/mL', 'nmol/L', 1.0, 1500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14635-7', '25-hydroxyvitamin D3', 'substance concentration, serum/plasma', 'C27H44O2', 400.647, NULL, '1989-3', '14635-7', 'ng/mL', 'nmol/L', 1.0, 1500.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('2986-8', 'Testosterone', 'mass concentration, serum/plasma', 'C19H28O2', 288.431, NULL, '2986-8', '14913-8', 'ng/dL', 'nmol/L', 0.0, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('14913-8', 'Testosterone', 'substance concentration, serum/plasma', 'C19H28O2', 288.431, NULL, '2986-8', '14913-8', 'ng/dL', 'nmol/L', 0.0, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', NULL, true),
  ('2951-2', 'Sodium', 'substance concentration, serum/plasma', 'Na', 22.99, 1, NULL, '2951-2', 'mmol/L', 'mmol/L', 90.0, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Na+: 1 mmol = 1 mEq', true),
  ('2947-0', 'Sodium', 'substance concentration, blood', 'Na', 22.99, 1, NULL, '2947-0', 'mmol/L', 'mmol/L', 90.0, 200.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Na+: 1 mmol = 1 mEq', true),
  ('2823-3', 'Potassium', 'substance concentration, serum/plasma', 'K', 39.098, 1, NULL, '2823-3', 'mmol/L', 'mmol/L', 1.0, 12.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'K+: 1 mmol = 1 mEq', true),
  ('6298-4', 'Potassium', 'substance concentration, blood', 'K', 39.098, 1, NULL, '6298-4', 'mmol/L', 'mmol/L', 1.0, 12.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'K+: 1 mmol = 1 mEq', true),
  ('2075-0', 'Chloride', 'substance concentration, serum/plasma', 'Cl', 35.45, 1, NULL, '2075-0', 'mmol/L', 'mmol/L', 50.0, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Cl-: 1 mmol = 1 mEq', true),
  ('2069-3', 'Chloride', 'substance concentration, blood', 'Cl', 35.45, 1, NULL, '2069-3', 'mmol/L', 'mmol/L', 50.0, 160.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'Cl-: 1 mmol = 1 mEq', true),
  ('1963-8', 'Bicarbonate', 'substance concentration, serum/plasma', 'HCO3', 61.016, 1, NULL, '1963-8', 'mmol/L', 'mmol/L', 2.0, 60.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'HCO3-: 1 mmol = 1 mEq', true),
  ('1960-4', 'Bicarbonate', 'substance concentration, arterial blood', 'HCO3', 61.016, 1, NULL, '1960-4', 'mmol/L', 'mmol/L', 2.0, 60.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'HCO3-: 1 mmol = 1 mEq', true),
  ('2028-9', 'Carbon dioxide, total', 'substance concentration, serum/plasma', NULL, NULL, 1, NULL, '2028-9', 'mmol/L', 'mmol/L', 2.0, 60.0, NULL, NULL, 'mostly bicarbonate; a sum of species, so no molar mass (mass units are refused)', true),
  ('2524-7', 'Lactate', 'substance concentration, serum/plasma', 'C3H6O3', 90.078, 1, NULL, '2524-7', 'mg/dL', 'mmol/L', 0.1, 35.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'molar mass of lactic acid, the convention of mg/dL reports', true),
  ('32693-4', 'Lactate', 'substance concentration, blood', 'C3H6O3', 90.078, 1, NULL, '32693-4', 'mg/dL', 'mmol/L', 0.1, 35.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'molar mass of lactic acid, the convention of mg/dL reports', true),
  ('59032-3', 'Lactate', 'mass concentration, blood', 'C3H6O3', 90.078, 1, '59032-3', '32693-4', 'mg/dL', 'mmol/L', 0.1, 35.0, NULL, 'IUPAC 2021 abridged standard atomic weights (C 12.011, H 1.008, N 14.007, O 15.999, Ca 40.078, Mg 24.305, P 30.974, Fe 55.845, Na 22.990, K 39.098, Cl 35.45), summed over the formula', 'molar mass of lactic acid, the convention of mg/dL reports', true),
  ('4548-4', 'Hemoglobin A1c', 'mass fraction of total hemoglobin (NGSP/DCCT %)', NULL, NULL, NULL, NULL, NULL, '%', '%', 2.0, 25.0, 'hba1c', NULL, 'NGSP % <-> IFCC mmol/mol by the IFCC-NGSP master equation IFCC = 10.929 (NGSP - 2.15)', true),
  ('17856-6', 'Hemoglobin A1c', 'mass fraction of total hemoglobin by HPLC (NGSP/DCCT %)', NULL, NULL, NULL, NULL, NULL, '%', '%', 2.0, 25.0, 'hba1c', NULL, 'NGSP % <-> IFCC mmol/mol by the IFCC-NGSP master equation IFCC = 10.929 (NGSP - 2.15)', true),
  ('59261-8', 'Hemoglobin A1c', 'substance ratio to total hemoglobin, IFCC (mmol/mol)', NULL, NULL, NULL, NULL, NULL, '%', 'mmol/mol', 0.0, 250.0, 'hba1c', NULL, 'NGSP % <-> IFCC mmol/mol by the IFCC-NGSP master equation IFCC = 10.929 (NGSP - 2.15)', true),
  ('718-7', 'Hemoglobin', 'mass concentration, blood', 'Hb(Fe) monomer', 16114.5, NULL, '718-7', '59260-0', 'g/dL', 'g/L', 10.0, 280.0, NULL, 'ICSH/IFCC convention, Hb(Fe) = 64458/4 g/mol', 'molar mass per haem-iron monomer Hb(Fe), 16114.5 g/mol (a quarter of the tetramer); the tetramer convention gives values 4 times smaller', true),
  ('59260-0', 'Hemoglobin', 'substance concentration, blood', 'Hb(Fe) monomer', 16114.5, NULL, '718-7', '59260-0', 'g/dL', 'mmol/L', 0.6, 17.4, NULL, 'ICSH/IFCC convention, Hb(Fe) = 64458/4 g/mol', 'molar mass per haem-iron monomer Hb(Fe), 16114.5 g/mol (a quarter of the tetramer); the tetramer convention gives values 4 times smaller', true);

CREATE FUNCTION precmed.lab_convert(value float8, from_unit text, to_unit text, loinc text) RETURNS float8
  AS 'MODULE_PATHNAME', 'lab_convert'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.lab_convert(float8, text, text, text) IS
  'Converts a lab value between UCUM units like ucum_convert, and also between mass, substance and equivalents units (mg/dL <-> umol/L, mEq/L <-> mmol/L) with the molar mass and ion charge of the analyte in precmed.analyte for that LOINC code; HbA1c NGSP % <-> IFCC mmol/mol. Raises 22023 for invalid or incommensurable units, an unknown LOINC code, or a missing molar mass or charge.';

CREATE FUNCTION precmed.lab_plausible(loinc text, value float8, unit text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'lab_plausible'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.lab_plausible(text, float8, text) IS
  'False when value (in unit) lies outside the plausibility limits of the analyte (precmed.analyte.plausible_low/high, in its SI unit), e.g. glucose 185 mmol/L; NaN and infinity are implausible. NULL when the analyte has no limits. Raises 22023 for an unknown LOINC code or a unit that does not convert.';

CREATE FUNCTION precmed.lab_twin_loinc(loinc text, unit text) RETURNS text
  AS 'MODULE_PATHNAME', 'lab_twin_loinc'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION precmed.lab_twin_loinc(text, text) IS
  'The LOINC code of the twin of loinc that fits unit: the mass code for a mass unit (mg/dL), the molar code for a substance or equivalents unit (umol/L, meq/L); NULL when the unit has no single amount or there is no such twin. Use it with lab_convert to rewrite the code with the value. Raises 22023 for an invalid unit or an unknown LOINC code.';

-- Reference data: every role that may use the schema may read it (the UCUM
-- and lab functions read these tables as the calling user).
GRANT SELECT ON precmed.ucum_essence, precmed.ucum_unit, precmed.analyte TO PUBLIC;

-- ---------------------------------------------------------------------------
-- ucum-essence.xml, byte for byte as distributed by the UCUM organisation
-- (github.com/ucum-org/ucum, release 2.2); the same file with its licence is
-- test/data/units/ucum-essence.xml and test/data/units/LICENSE-UCUM.md.
-- ---------------------------------------------------------------------------
INSERT INTO precmed.ucum_essence (version, notice, xml) VALUES ('2.2',
'Copyright 1999-2024 Regenstrief Institute, Inc. All rights reserved. Licensed under the UCUM License, Version 1.1 - https://unitsofmeasure.org/license. The Work is provided on an "AS IS" basis, without warranties or conditions of any kind (UCUM License, Section 7).',
$ucum_essence$<?xml version="1.0" encoding="ascii"?>
<root xmlns="http://unitsofmeasure.org/ucum-essence" version="2.2" revision="N/A"
      revision-date="2024-06-17">
   <prefix Code="Y" CODE="YA">
      <name>yotta</name>
      <printSymbol>Y</printSymbol>
      <value value="1e24">1 &#215; 10<sup>24</sup>
      </value>
   </prefix>
   <prefix Code="Z" CODE="ZA">
      <name>zetta</name>
      <printSymbol>Z</printSymbol>
      <value value="1e21">1 &#215; 10<sup>21</sup>
      </value>
   </prefix>
   <prefix Code="E" CODE="EX">
      <name>exa</name>
      <printSymbol>E</printSymbol>
      <value value="1e18">1 &#215; 10<sup>18</sup>
      </value>
   </prefix>
   <prefix Code="P" CODE="PT">
      <name>peta</name>
      <printSymbol>P</printSymbol>
      <value value="1e15">1 &#215; 10<sup>15</sup>
      </value>
   </prefix>
   <prefix Code="T" CODE="TR">
      <name>tera</name>
      <printSymbol>T</printSymbol>
      <value value="1e12">1 &#215; 10<sup>12</sup>
      </value>
   </prefix>
   <prefix Code="G" CODE="GA">
      <name>giga</name>
      <printSymbol>G</printSymbol>
      <value value="1e9">1 &#215; 10<sup>9</sup>
      </value>
   </prefix>
   <prefix Code="M" CODE="MA">
      <name>mega</name>
      <printSymbol>M</printSymbol>
      <value value="1e6">1 &#215; 10<sup>6</sup>
      </value>
   </prefix>
   <prefix Code="k" CODE="K">
      <name>kilo</name>
      <printSymbol>k</printSymbol>
      <value value="1e3">1 &#215; 10<sup>3</sup>
      </value>
   </prefix>
   <prefix Code="h" CODE="H">
      <name>hecto</name>
      <printSymbol>h</printSymbol>
      <value value="1e2">1 &#215; 10<sup>2</sup>
      </value>
   </prefix>
   <prefix Code="da" CODE="DA">
      <name>deka</name>
      <printSymbol>da</printSymbol>
      <value value="1e1">1 &#215; 10<sup>1</sup>
      </value>
   </prefix>
   <prefix Code="d" CODE="D">
      <name>deci</name>
      <printSymbol>d</printSymbol>
      <value value="1e-1">1 &#215; 10<sup>-1</sup>
      </value>
   </prefix>
   <prefix Code="c" CODE="C">
      <name>centi</name>
      <printSymbol>c</printSymbol>
      <value value="1e-2">1 &#215; 10<sup>-2</sup>
      </value>
   </prefix>
   <prefix Code="m" CODE="M">
      <name>milli</name>
      <printSymbol>m</printSymbol>
      <value value="1e-3">1 &#215; 10<sup>-3</sup>
      </value>
   </prefix>
   <prefix Code="u" CODE="U">
      <name>micro</name>
      <printSymbol>&#956;</printSymbol>
      <value value="1e-6">1 &#215; 10<sup>-6</sup>
      </value>
   </prefix>
   <prefix Code="n" CODE="N">
      <name>nano</name>
      <printSymbol>n</printSymbol>
      <value value="1e-9">1 &#215; 10<sup>-9</sup>
      </value>
   </prefix>
   <prefix Code="p" CODE="P">
      <name>pico</name>
      <printSymbol>p</printSymbol>
      <value value="1e-12">1 &#215; 10<sup>-12</sup>
      </value>
   </prefix>
   <prefix Code="f" CODE="F">
      <name>femto</name>
      <printSymbol>f</printSymbol>
      <value value="1e-15">1 &#215; 10<sup>-15</sup>
      </value>
   </prefix>
   <prefix Code="a" CODE="A">
      <name>atto</name>
      <printSymbol>a</printSymbol>
      <value value="1e-18">1 &#215; 10<sup>-18</sup>
      </value>
   </prefix>
   <prefix Code="z" CODE="ZO">
      <name>zepto</name>
      <printSymbol>z</printSymbol>
      <value value="1e-21">1 &#215; 10<sup>-21</sup>
      </value>
   </prefix>
   <prefix Code="y" CODE="YO">
      <name>yocto</name>
      <printSymbol>y</printSymbol>
      <value value="1e-24">1 &#215; 10<sup>-24</sup>
      </value>
   </prefix>
   <base-unit Code="m" CODE="M" dim="L">
      <name>meter</name>
      <printSymbol>m</printSymbol>
      <property>length</property>
   </base-unit>
   <base-unit Code="s" CODE="S" dim="T">
      <name>second</name>
      <printSymbol>s</printSymbol>
      <property>time</property>
   </base-unit>
   <base-unit Code="g" CODE="G" dim="M">
      <name>gram</name>
      <printSymbol>g</printSymbol>
      <property>mass</property>
   </base-unit>
   <base-unit Code="rad" CODE="RAD" dim="A">
      <name>radian</name>
      <printSymbol>rad</printSymbol>
      <property>plane angle</property>
   </base-unit>
   <base-unit Code="K" CODE="K" dim="C">
      <name>kelvin</name>
      <printSymbol>K</printSymbol>
      <property>temperature</property>
   </base-unit>
   <base-unit Code="C" CODE="C" dim="Q">
      <name>coulomb</name>
      <printSymbol>C</printSymbol>
      <property>electric charge</property>
   </base-unit>
   <base-unit Code="cd" CODE="CD" dim="F">
      <name>candela</name>
      <printSymbol>cd</printSymbol>
      <property>luminous intensity</property>
   </base-unit>
   <unit Code="10*" CODE="10*" isMetric="no" class="dimless">
      <name>the number ten for arbitrary powers</name>
      <printSymbol>10</printSymbol>
      <property>number</property>
      <value Unit="1" UNIT="1" value="10">10</value>
   </unit>
   <unit Code="10^" CODE="10^" isMetric="no" class="dimless">
      <name>the number ten for arbitrary powers</name>
      <printSymbol>10</printSymbol>
      <property>number</property>
      <value Unit="1" UNIT="1" value="10">10</value>
   </unit>
   <unit Code="[pi]" CODE="[PI]" isMetric="no" class="dimless">
      <name>the number pi</name>
      <printSymbol>&#960;</printSymbol>
      <property>number</property>
      <value Unit="1" UNIT="1"
             value="3.1415926535897932384626433832795028841971693993751058209749445923">&#960;</value>
   </unit>
   <unit Code="%" CODE="%" isMetric="no" class="dimless">
      <name>percent</name>
      <printSymbol>%</printSymbol>
      <property>fraction</property>
      <value Unit="10*-2" UNIT="10*-2" value="1">1</value>
   </unit>
   <unit Code="[ppth]" CODE="[PPTH]" isMetric="no" class="dimless">
      <name>parts per thousand</name>
      <printSymbol>ppth</printSymbol>
      <property>fraction</property>
      <value Unit="10*-3" UNIT="10*-3" value="1">1</value>
   </unit>
   <unit Code="[ppm]" CODE="[PPM]" isMetric="no" class="dimless">
      <name>parts per million</name>
      <printSymbol>ppm</printSymbol>
      <property>fraction</property>
      <value Unit="10*-6" UNIT="10*-6" value="1">1</value>
   </unit>
   <unit Code="[ppb]" CODE="[PPB]" isMetric="no" class="dimless">
      <name>parts per billion</name>
      <printSymbol>ppb</printSymbol>
      <property>fraction</property>
      <value Unit="10*-9" UNIT="10*-9" value="1">1</value>
   </unit>
   <unit Code="[pptr]" CODE="[PPTR]" isMetric="no" class="dimless">
      <name>parts per trillion</name>
      <printSymbol>pptr</printSymbol>
      <property>fraction</property>
      <value Unit="10*-12" UNIT="10*-12" value="1">1</value>
   </unit>
   <unit Code="mol" CODE="MOL" isMetric="yes" class="si">
      <name>mole</name>
      <printSymbol>mol</printSymbol>
      <property>amount of substance</property>
      <value Unit="10*23" UNIT="10*23" value="6.02214076">6.02214076</value>
   </unit>
   <unit Code="sr" CODE="SR" isMetric="yes" class="si">
      <name>steradian</name>
      <printSymbol>sr</printSymbol>
      <property>solid angle</property>
      <value Unit="rad2" UNIT="RAD2" value="1">1</value>
   </unit>
   <unit Code="Hz" CODE="HZ" isMetric="yes" class="si">
      <name>hertz</name>
      <printSymbol>Hz</printSymbol>
      <property>frequency</property>
      <value Unit="s-1" UNIT="S-1" value="1">1</value>
   </unit>
   <unit Code="N" CODE="N" isMetric="yes" class="si">
      <name>newton</name>
      <printSymbol>N</printSymbol>
      <property>force</property>
      <value Unit="kg.m/s2" UNIT="KG.M/S2" value="1">1</value>
   </unit>
   <unit Code="Pa" CODE="PAL" isMetric="yes" class="si">
      <name>pascal</name>
      <printSymbol>Pa</printSymbol>
      <property>pressure</property>
      <value Unit="N/m2" UNIT="N/M2" value="1">1</value>
   </unit>
   <unit Code="J" CODE="J" isMetric="yes" class="si">
      <name>joule</name>
      <printSymbol>J</printSymbol>
      <property>energy</property>
      <value Unit="N.m" UNIT="N.M" value="1">1</value>
   </unit>
   <unit Code="W" CODE="W" isMetric="yes" class="si">
      <name>watt</name>
      <printSymbol>W</printSymbol>
      <property>power</property>
      <value Unit="J/s" UNIT="J/S" value="1">1</value>
   </unit>
   <unit Code="A" CODE="A" isMetric="yes" class="si">
      <name>amp&#232;re</name>
      <printSymbol>A</printSymbol>
      <property>electric current</property>
      <value Unit="C/s" UNIT="C/S" value="1">1</value>
   </unit>
   <unit Code="V" CODE="V" isMetric="yes" class="si">
      <name>volt</name>
      <printSymbol>V</printSymbol>
      <property>electric potential</property>
      <value Unit="J/C" UNIT="J/C" value="1">1</value>
   </unit>
   <unit Code="F" CODE="F" isMetric="yes" class="si">
      <name>farad</name>
      <printSymbol>F</printSymbol>
      <property>electric capacitance</property>
      <value Unit="C/V" UNIT="C/V" value="1">1</value>
   </unit>
   <unit Code="Ohm" CODE="OHM" isMetric="yes" class="si">
      <name>ohm</name>
      <printSymbol>&#937;</printSymbol>
      <property>electric resistance</property>
      <value Unit="V/A" UNIT="V/A" value="1">1</value>
   </unit>
   <unit Code="S" CODE="SIE" isMetric="yes" class="si">
      <name>siemens</name>
      <printSymbol>S</printSymbol>
      <property>electric conductance</property>
      <value Unit="Ohm-1" UNIT="OHM-1" value="1">1</value>
   </unit>
   <unit Code="Wb" CODE="WB" isMetric="yes" class="si">
      <name>weber</name>
      <printSymbol>Wb</printSymbol>
      <property>magnetic flux</property>
      <value Unit="V.s" UNIT="V.S" value="1">1</value>
   </unit>
   <unit Code="Cel" CODE="CEL" isMetric="yes" isSpecial="yes" class="si">
      <name>degree Celsius</name>
      <printSymbol>&#176;C</printSymbol>
      <property>temperature</property>
      <value Unit="cel(1 K)" UNIT="CEL(1 K)">
         <function name="Cel" value="1" Unit="K"/>
      </value>
   </unit>
   <unit Code="T" CODE="T" isMetric="yes" class="si">
      <name>tesla</name>
      <printSymbol>T</printSymbol>
      <property>magnetic flux density</property>
      <value Unit="Wb/m2" UNIT="WB/M2" value="1">1</value>
   </unit>
   <unit Code="H" CODE="H" isMetric="yes" class="si">
      <name>henry</name>
      <printSymbol>H</printSymbol>
      <property>inductance</property>
      <value Unit="Wb/A" UNIT="WB/A" value="1">1</value>
   </unit>
   <unit Code="lm" CODE="LM" isMetric="yes" class="si">
      <name>lumen</name>
      <printSymbol>lm</printSymbol>
      <property>luminous flux</property>
      <value Unit="cd.sr" UNIT="CD.SR" value="1">1</value>
   </unit>
   <unit Code="lx" CODE="LX" isMetric="yes" class="si">
      <name>lux</name>
      <printSymbol>lx</printSymbol>
      <property>illuminance</property>
      <value Unit="lm/m2" UNIT="LM/M2" value="1">1</value>
   </unit>
   <unit Code="Bq" CODE="BQ" isMetric="yes" class="si">
      <name>becquerel</name>
      <printSymbol>Bq</printSymbol>
      <property>radioactivity</property>
      <value Unit="s-1" UNIT="S-1" value="1">1</value>
   </unit>
   <unit Code="Gy" CODE="GY" isMetric="yes" class="si">
      <name>gray</name>
      <printSymbol>Gy</printSymbol>
      <property>energy dose</property>
      <value Unit="J/kg" UNIT="J/KG" value="1">1</value>
   </unit>
   <unit Code="Sv" CODE="SV" isMetric="yes" class="si">
      <name>sievert</name>
      <printSymbol>Sv</printSymbol>
      <property>dose equivalent</property>
      <value Unit="J/kg" UNIT="J/KG" value="1">1</value>
   </unit>
   <unit Code="gon" CODE="GON" isMetric="no" class="iso1000">
      <name>gon</name>
      <name>grade</name>
      <printSymbol>
         <sup>g</sup>
      </printSymbol>
      <property>plane angle</property>
      <value Unit="deg" UNIT="DEG" value="0.9">0.9</value>
   </unit>
   <unit Code="deg" CODE="DEG" isMetric="no" class="iso1000">
      <name>degree</name>
      <printSymbol>&#176;</printSymbol>
      <property>plane angle</property>
      <value Unit="[pi].rad/360" UNIT="[PI].RAD/360" value="2">2</value>
   </unit>
   <unit Code="'" CODE="'" isMetric="no" class="iso1000">
      <name>minute</name>
      <printSymbol>'</printSymbol>
      <property>plane angle</property>
      <value Unit="deg/60" UNIT="DEG/60" value="1">1</value>
   </unit>
   <unit Code="''" CODE="''" isMetric="no" class="iso1000">
      <name>second</name>
      <printSymbol>''</printSymbol>
      <property>plane angle</property>
      <value Unit="'/60" UNIT="'/60" value="1">1</value>
   </unit>
   <unit Code="l" CODE="L" isMetric="yes" class="iso1000">
      <name>liter</name>
      <printSymbol>l</printSymbol>
      <property>volume</property>
      <value Unit="dm3" UNIT="DM3" value="1">1</value>
   </unit>
   <unit Code="L" CODE="L" isMetric="yes" class="iso1000">
      <name>liter</name>
      <printSymbol>L</printSymbol>
      <property>volume</property>
      <value Unit="l" UNIT="L" value="1">1</value>
   </unit>
   <unit Code="ar" CODE="AR" isMetric="yes" class="iso1000">
      <name>are</name>
      <printSymbol>a</printSymbol>
      <property>area</property>
      <value Unit="m2" UNIT="M2" value="100">100</value>
   </unit>
   <unit Code="min" CODE="MIN" isMetric="no" class="iso1000">
      <name>minute</name>
      <printSymbol>min</printSymbol>
      <property>time</property>
      <value Unit="s" UNIT="S" value="60">60</value>
   </unit>
   <unit Code="h" CODE="HR" isMetric="no" class="iso1000">
      <name>hour</name>
      <printSymbol>h</printSymbol>
      <property>time</property>
      <value Unit="min" UNIT="MIN" value="60">60</value>
   </unit>
   <unit Code="d" CODE="D" isMetric="no" class="iso1000">
      <name>day</name>
      <printSymbol>d</printSymbol>
      <property>time</property>
      <value Unit="h" UNIT="HR" value="24">24</value>
   </unit>
   <unit Code="a_t" CODE="ANN_T" isMetric="no" class="iso1000">
      <name>tropical year</name>
      <printSymbol>a<sub>t</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="d" UNIT="D" value="365.24219">365.24219</value>
   </unit>
   <unit Code="a_j" CODE="ANN_J" isMetric="no" class="iso1000">
      <name>mean Julian year</name>
      <printSymbol>a<sub>j</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="d" UNIT="D" value="365.25">365.25</value>
   </unit>
   <unit Code="a_g" CODE="ANN_G" isMetric="no" class="iso1000">
      <name>mean Gregorian year</name>
      <printSymbol>a<sub>g</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="d" UNIT="D" value="365.2425">365.2425</value>
   </unit>
   <unit Code="a" CODE="ANN" isMetric="no" class="iso1000">
      <name>year</name>
      <printSymbol>a</printSymbol>
      <property>time</property>
      <value Unit="a_j" UNIT="ANN_J" value="1">1</value>
   </unit>
   <unit Code="wk" CODE="WK" isMetric="no" class="iso1000">
      <name>week</name>
      <printSymbol>wk</printSymbol>
      <property>time</property>
      <value Unit="d" UNIT="D" value="7">7</value>
   </unit>
   <unit Code="mo_s" CODE="MO_S" isMetric="no" class="iso1000">
      <name>synodal month</name>
      <printSymbol>mo<sub>s</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="d" UNIT="D" value="29.53059">29.53059</value>
   </unit>
   <unit Code="mo_j" CODE="MO_J" isMetric="no" class="iso1000">
      <name>mean Julian month</name>
      <printSymbol>mo<sub>j</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="a_j/12" UNIT="ANN_J/12" value="1">1</value>
   </unit>
   <unit Code="mo_g" CODE="MO_G" isMetric="no" class="iso1000">
      <name>mean Gregorian month</name>
      <printSymbol>mo<sub>g</sub>
      </printSymbol>
      <property>time</property>
      <value Unit="a_g/12" UNIT="ANN_G/12" value="1">1</value>
   </unit>
   <unit Code="mo" CODE="MO" isMetric="no" class="iso1000">
      <name>month</name>
      <printSymbol>mo</printSymbol>
      <property>time</property>
      <value Unit="mo_j" UNIT="MO_J" value="1">1</value>
   </unit>
   <unit Code="t" CODE="TNE" isMetric="yes" class="iso1000">
      <name>tonne</name>
      <printSymbol>t</printSymbol>
      <property>mass</property>
      <value Unit="kg" UNIT="KG" value="1e3">1 &#215; 10<sup>3</sup>
      </value>
   </unit>
   <unit Code="bar" CODE="BAR" isMetric="yes" class="iso1000">
      <name>bar</name>
      <printSymbol>bar</printSymbol>
      <property>pressure</property>
      <value Unit="Pa" UNIT="PAL" value="1e5">1 &#215; 10<sup>5</sup>
      </value>
   </unit>
   <unit Code="u" CODE="AMU" isMetric="yes" class="iso1000">
      <name>unified atomic mass unit</name>
      <printSymbol>u</printSymbol>
      <property>mass</property>
      <value Unit="g" UNIT="G" value="1.66053906660e-24">1.66053906660 &#215; 10<sup>-24</sup>
      </value>
   </unit>
   <unit Code="eV" CODE="EV" isMetric="yes" class="iso1000">
      <name>electronvolt</name>
      <printSymbol>eV</printSymbol>
      <property>energy</property>
      <value Unit="[e].V" UNIT="[E].V" value="1">1</value>
   </unit>
   <unit Code="AU" CODE="ASU" isMetric="no" class="iso1000">
      <name>astronomic unit</name>
      <printSymbol>AU</printSymbol>
      <property>length</property>
      <value Unit="Mm" UNIT="MAM" value="149597.870691">149597.870691</value>
   </unit>
   <unit Code="pc" CODE="PRS" isMetric="yes" class="iso1000">
      <name>parsec</name>
      <printSymbol>pc</printSymbol>
      <property>length</property>
      <value Unit="m" UNIT="M" value="3.085678e16">3.085678 &#215; 10<sup>16</sup>
      </value>
   </unit>
   <unit Code="[c]" CODE="[C]" isMetric="yes" class="const">
      <name>velocity of light</name>
      <printSymbol>
         <i>c</i>
      </printSymbol>
      <property>velocity</property>
      <value Unit="m/s" UNIT="M/S" value="299792458">299792458</value>
   </unit>
   <unit Code="[h]" CODE="[H]" isMetric="yes" class="const">
      <name>Planck constant</name>
      <printSymbol>
         <i>h</i>
      </printSymbol>
      <property>action</property>
      <value Unit="J.s" UNIT="J.S" value="6.62607015e-34">6.62607015 &#215; 10<sup>-34</sup>
      </value>
   </unit>
   <unit Code="[k]" CODE="[K]" isMetric="yes" class="const">
      <name>Boltzmann constant</name>
      <printSymbol>
         <i>k</i>
      </printSymbol>
      <property>(unclassified)</property>
      <value Unit="J/K" UNIT="J/K" value="1.380649e-23">1.380649 &#215; 10<sup>-23</sup>
      </value>
   </unit>
   <unit Code="[eps_0]" CODE="[EPS_0]" isMetric="yes" class="const">
      <name>permittivity of vacuum</name>
      <printSymbol>
         <i>&#949;<sub>
               <r>0</r>
            </sub>
         </i>
      </printSymbol>
      <property>electric permittivity</property>
      <value Unit="F/m" UNIT="F/M" value="8.854187817e-12">8.854187817 &#215; 10<sup>-12</sup>
      </value>
   </unit>
   <unit Code="[mu_0]" CODE="[MU_0]" isMetric="yes" class="const">
      <name>permeability of vacuum</name>
      <printSymbol>
         <i>&#956;<sub>
               <r>0</r>
            </sub>
         </i>
      </printSymbol>
      <property>magnetic permeability</property>
      <value Unit="4.[pi].10*-7.N/A2" UNIT="4.[PI].10*-7.N/A2" value="1">1</value>
   </unit>
   <unit Code="[e]" CODE="[E]" isMetric="yes" class="const">
      <name>elementary charge</name>
      <printSymbol>
         <i>e</i>
      </printSymbol>
      <property>electric charge</property>
      <value Unit="C" UNIT="C" value="1.602176634e-19">1.602176634 &#215; 10<sup>-19</sup>
      </value>
   </unit>
   <unit Code="[m_e]" CODE="[M_E]" isMetric="yes" class="const">
      <name>electron mass</name>
      <printSymbol>
         <i>m<sub>
               <r>e</r>
            </sub>
         </i>
      </printSymbol>
      <property>mass</property>
      <value Unit="kg" UNIT="kg" value="9.1093837139e-31">9.1093837139 &#215; 10<sup>-31</sup>
      </value>
   </unit>
   <unit Code="[m_p]" CODE="[M_P]" isMetric="yes" class="const">
      <name>proton mass</name>
      <printSymbol>
         <i>m<sub>
               <r>p</r>
            </sub>
         </i>
      </printSymbol>
      <property>mass</property>
      <value Unit="kg" UNIT="kg" value="1.67262192595e-27">1.67262192595 &#215; 10<sup>-27</sup>
      </value>
   </unit>
   <unit Code="[G]" CODE="[GC]" isMetric="yes" class="const">
      <name>Newtonian constant of gravitation</name>
      <printSymbol>
         <i>G</i>
      </printSymbol>
      <property>(unclassified)</property>
      <value Unit="m3.kg-1.s-2" UNIT="M3.KG-1.S-2" value="6.67430e-11">6.67430 &#215; 10<sup>-11</sup>
      </value>
   </unit>
   <unit Code="[g]" CODE="[G]" isMetric="yes" class="const">
      <name>standard acceleration of free fall</name>
      <printSymbol>
         <i>g<sub>n</sub>
         </i>
      </printSymbol>
      <property>acceleration</property>
      <value Unit="m/s2" UNIT="M/S2" value="980665e-5">9.80665</value>
   </unit>
   <unit Code="atm" CODE="ATM" isMetric="no" class="const">
      <name>standard atmosphere</name>
      <printSymbol>atm</printSymbol>
      <property>pressure</property>
      <value Unit="Pa" UNIT="PAL" value="101325">101325</value>
   </unit>
   <unit Code="[ly]" CODE="[LY]" isMetric="yes" class="const">
      <name>light-year</name>
      <printSymbol>l.y.</printSymbol>
      <property>length</property>
      <value Unit="[c].a_j" UNIT="[C].ANN_J" value="1">1</value>
   </unit>
   <unit Code="gf" CODE="GF" isMetric="yes" class="const">
      <name>gram-force</name>
      <printSymbol>gf</printSymbol>
      <property>force</property>
      <value Unit="g.[g]" UNIT="G.[G]" value="1">1</value>
   </unit>
   <unit Code="[lbf_av]" CODE="[LBF_AV]" isMetric="no" class="const">
      <name>pound force</name>
      <printSymbol>lbf</printSymbol>
      <property>force</property>
      <value Unit="[lb_av].[g]" UNIT="[LB_AV].[G]" value="1">1</value>
   </unit>
   <unit Code="Ky" CODE="KY" isMetric="yes" class="cgs">
      <name>Kayser</name>
      <printSymbol>K</printSymbol>
      <property>lineic number</property>
      <value Unit="cm-1" UNIT="CM-1" value="1">1</value>
   </unit>
   <unit Code="Gal" CODE="GL" isMetric="yes" class="cgs">
      <name>Gal</name>
      <printSymbol>Gal</printSymbol>
      <property>acceleration</property>
      <value Unit="cm/s2" UNIT="CM/S2" value="1">1</value>
   </unit>
   <unit Code="dyn" CODE="DYN" isMetric="yes" class="cgs">
      <name>dyne</name>
      <printSymbol>dyn</printSymbol>
      <property>force</property>
      <value Unit="g.cm/s2" UNIT="G.CM/S2" value="1">1</value>
   </unit>
   <unit Code="erg" CODE="ERG" isMetric="yes" class="cgs">
      <name>erg</name>
      <printSymbol>erg</printSymbol>
      <property>energy</property>
      <value Unit="dyn.cm" UNIT="DYN.CM" value="1">1</value>
   </unit>
   <unit Code="P" CODE="P" isMetric="yes" class="cgs">
      <name>Poise</name>
      <printSymbol>P</printSymbol>
      <property>dynamic viscosity</property>
      <value Unit="dyn.s/cm2" UNIT="DYN.S/CM2" value="1">1</value>
   </unit>
   <unit Code="Bi" CODE="BI" isMetric="yes" class="cgs">
      <name>Biot</name>
      <printSymbol>Bi</printSymbol>
      <property>electric current</property>
      <value Unit="A" UNIT="A" value="10">10</value>
   </unit>
   <unit Code="St" CODE="ST" isMetric="yes" class="cgs">
      <name>Stokes</name>
      <printSymbol>St</printSymbol>
      <property>kinematic viscosity</property>
      <value Unit="cm2/s" UNIT="CM2/S" value="1">1</value>
   </unit>
   <unit Code="Mx" CODE="MX" isMetric="yes" class="cgs">
      <name>Maxwell</name>
      <printSymbol>Mx</printSymbol>
      <property>flux of magnetic induction</property>
      <value Unit="Wb" UNIT="WB" value="1e-8">1 &#215; 10<sup>-8</sup>
      </value>
   </unit>
   <unit Code="G" CODE="GS" isMetric="yes" class="cgs">
      <name>Gauss</name>
      <printSymbol>Gs</printSymbol>
      <property>magnetic flux density</property>
      <value Unit="T" UNIT="T" value="1e-4">1 &#215; 10<sup>-4</sup>
      </value>
   </unit>
   <unit Code="Oe" CODE="OE" isMetric="yes" class="cgs">
      <name>Oersted</name>
      <printSymbol>Oe</printSymbol>
      <property>magnetic field intensity</property>
      <value Unit="/[pi].A/m" UNIT="/[PI].A/M" value="250">250</value>
   </unit>
   <unit Code="Gb" CODE="GB" isMetric="yes" class="cgs">
      <name>Gilbert</name>
      <printSymbol>Gb</printSymbol>
      <property>magnetic tension</property>
      <value Unit="Oe.cm" UNIT="OE.CM" value="1">1</value>
   </unit>
   <unit Code="sb" CODE="SB" isMetric="yes" class="cgs">
      <name>stilb</name>
      <printSymbol>sb</printSymbol>
      <property>lum. intensity density</property>
      <value Unit="cd/cm2" UNIT="CD/CM2" value="1">1</value>
   </unit>
   <unit Code="Lmb" CODE="LMB" isMetric="yes" class="cgs">
      <name>Lambert</name>
      <printSymbol>L</printSymbol>
      <property>brightness</property>
      <value Unit="cd/cm2/[pi]" UNIT="CD/CM2/[PI]" value="1">1</value>
   </unit>
   <unit Code="ph" CODE="PHT" isMetric="yes" class="cgs">
      <name>phot</name>
      <printSymbol>ph</printSymbol>
      <property>illuminance</property>
      <value Unit="lx" UNIT="LX" value="1e-4">1 &#215; 10<sup>-4</sup>
      </value>
   </unit>
   <unit Code="Ci" CODE="CI" isMetric="yes" class="cgs">
      <name>Curie</name>
      <printSymbol>Ci</printSymbol>
      <property>radioactivity</property>
      <value Unit="Bq" UNIT="BQ" value="37e9">3.7 &#215; 10<sup>10</sup>
      </value>
   </unit>
   <unit Code="R" CODE="ROE" isMetric="yes" class="cgs">
      <name>Roentgen</name>
      <printSymbol>R</printSymbol>
      <property>ion dose</property>
      <value Unit="C/kg" UNIT="C/KG" value="2.58e-4">2.58 &#215; 10<sup>-4</sup>
      </value>
   </unit>
   <unit Code="RAD" CODE="[RAD]" isMetric="yes" class="cgs">
      <name>radiation absorbed dose</name>
      <printSymbol>RAD</printSymbol>
      <property>energy dose</property>
      <value Unit="erg/g" UNIT="ERG/G" value="100">100</value>
   </unit>
   <unit Code="REM" CODE="[REM]" isMetric="yes" class="cgs">
      <name>radiation equivalent man</name>
      <printSymbol>REM</printSymbol>
      <property>dose equivalent</property>
      <value Unit="RAD" UNIT="[RAD]" value="1">1</value>
   </unit>
   <unit Code="[in_i]" CODE="[IN_I]" isMetric="no" class="intcust">
      <name>inch</name>
      <printSymbol>in</printSymbol>
      <property>length</property>
      <value Unit="cm" UNIT="CM" value="254e-2">2.54</value>
   </unit>
   <unit Code="[ft_i]" CODE="[FT_I]" isMetric="no" class="intcust">
      <name>foot</name>
      <printSymbol>ft</printSymbol>
      <property>length</property>
      <value Unit="[in_i]" UNIT="[IN_I]" value="12">12</value>
   </unit>
   <unit Code="[yd_i]" CODE="[YD_I]" isMetric="no" class="intcust">
      <name>yard</name>
      <printSymbol>yd</printSymbol>
      <property>length</property>
      <value Unit="[ft_i]" UNIT="[FT_I]" value="3">3</value>
   </unit>
   <unit Code="[mi_i]" CODE="[MI_I]" isMetric="no" class="intcust">
      <name>mile</name>
      <printSymbol>mi</printSymbol>
      <property>length</property>
      <value Unit="[ft_i]" UNIT="[FT_I]" value="5280">5280</value>
   </unit>
   <unit Code="[fth_i]" CODE="[FTH_I]" isMetric="no" class="intcust">
      <name>fathom</name>
      <printSymbol>fth</printSymbol>
      <property>depth of water</property>
      <value Unit="[ft_i]" UNIT="[FT_I]" value="6">6</value>
   </unit>
   <unit Code="[nmi_i]" CODE="[NMI_I]" isMetric="no" class="intcust">
      <name>nautical mile</name>
      <printSymbol>n.mi</printSymbol>
      <property>length</property>
      <value Unit="m" UNIT="M" value="1852">1852</value>
   </unit>
   <unit Code="[kn_i]" CODE="[KN_I]" isMetric="no" class="intcust">
      <name>knot</name>
      <printSymbol>knot</printSymbol>
      <property>velocity</property>
      <value Unit="[nmi_i]/h" UNIT="[NMI_I]/H" value="1">1</value>
   </unit>
   <unit Code="[sin_i]" CODE="[SIN_I]" isMetric="no" class="intcust">
      <name>square inch</name>
      <property>area</property>
      <value Unit="[in_i]2" UNIT="[IN_I]2" value="1">1</value>
   </unit>
   <unit Code="[sft_i]" CODE="[SFT_I]" isMetric="no" class="intcust">
      <name>square foot</name>
      <property>area</property>
      <value Unit="[ft_i]2" UNIT="[FT_I]2" value="1">1</value>
   </unit>
   <unit Code="[syd_i]" CODE="[SYD_I]" isMetric="no" class="intcust">
      <name>square yard</name>
      <property>area</property>
      <value Unit="[yd_i]2" UNIT="[YD_I]2" value="1">1</value>
   </unit>
   <unit Code="[cin_i]" CODE="[CIN_I]" isMetric="no" class="intcust">
      <name>cubic inch</name>
      <property>volume</property>
      <value Unit="[in_i]3" UNIT="[IN_I]3" value="1">1</value>
   </unit>
   <unit Code="[cft_i]" CODE="[CFT_I]" isMetric="no" class="intcust">
      <name>cubic foot</name>
      <property>volume</property>
      <value Unit="[ft_i]3" UNIT="[FT_I]3" value="1">1</value>
   </unit>
   <unit Code="[cyd_i]" CODE="[CYD_I]" isMetric="no" class="intcust">
      <name>cubic yard</name>
      <printSymbol>cu.yd</printSymbol>
      <property>volume</property>
      <value Unit="[yd_i]3" UNIT="[YD_I]3" value="1">1</value>
   </unit>
   <unit Code="[bf_i]" CODE="[BF_I]" isMetric="no" class="intcust">
      <name>board foot</name>
      <property>volume</property>
      <value Unit="[in_i]3" UNIT="[IN_I]3" value="144">144</value>
   </unit>
   <unit Code="[cr_i]" CODE="[CR_I]" isMetric="no" class="intcust">
      <name>cord</name>
      <property>volume</property>
      <value Unit="[ft_i]3" UNIT="[FT_I]3" value="128">128</value>
   </unit>
   <unit Code="[mil_i]" CODE="[MIL_I]" isMetric="no" class="intcust">
      <name>mil</name>
      <printSymbol>mil</printSymbol>
      <property>length</property>
      <value Unit="[in_i]" UNIT="[IN_I]" value="1e-3">1 &#215; 10<sup>-3</sup>
      </value>
   </unit>
   <unit Code="[cml_i]" CODE="[CML_I]" isMetric="no" class="intcust">
      <name>circular mil</name>
      <printSymbol>circ.mil</printSymbol>
      <property>area</property>
      <value Unit="[pi]/4.[mil_i]2" UNIT="[PI]/4.[MIL_I]2" value="1">1</value>
   </unit>
   <unit Code="[hd_i]" CODE="[HD_I]" isMetric="no" class="intcust">
      <name>hand</name>
      <printSymbol>hd</printSymbol>
      <property>height of horses</property>
      <value Unit="[in_i]" UNIT="[IN_I]" value="4">4</value>
   </unit>
   <unit Code="[ft_us]" CODE="[FT_US]" isMetric="no" class="us-lengths">
      <name>foot</name>
      <printSymbol>ft<sub>us</sub>
      </printSymbol>
      <property>length</property>
      <value Unit="m/3937" UNIT="M/3937" value="1200">1200</value>
   </unit>
   <unit Code="[yd_us]" CODE="[YD_US]" isMetric="no" class="us-lengths">
      <name>yard</name>
      <property>length</property>
      <value Unit="[ft_us]" UNIT="[FT_US]" value="3">3</value>
   </unit>
   <unit Code="[in_us]" CODE="[IN_US]" isMetric="no" class="us-lengths">
      <name>inch</name>
      <property>length</property>
      <value Unit="[ft_us]/12" UNIT="[FT_US]/12" value="1">1</value>
   </unit>
   <unit Code="[rd_us]" CODE="[RD_US]" isMetric="no" class="us-lengths">
      <name>rod</name>
      <property>length</property>
      <value Unit="[ft_us]" UNIT="[FT_US]" value="16.5">16.5</value>
   </unit>
   <unit Code="[ch_us]" CODE="[CH_US]" isMetric="no" class="us-lengths">
      <name>Gunter's chain</name>
      <name>Surveyor's chain</name>
      <property>length</property>
      <value Unit="[rd_us]" UNIT="[RD_US]" value="4">4</value>
   </unit>
   <unit Code="[lk_us]" CODE="[LK_US]" isMetric="no" class="us-lengths">
      <name>link for Gunter's chain</name>
      <property>length</property>
      <value Unit="[ch_us]/100" UNIT="[CH_US]/100" value="1">1</value>
   </unit>
   <unit Code="[rch_us]" CODE="[RCH_US]" isMetric="no" class="us-lengths">
      <name>Ramden's chain</name>
      <name>Engineer's chain</name>
      <property>length</property>
      <value Unit="[ft_us]" UNIT="[FT_US]" value="100">100</value>
   </unit>
   <unit Code="[rlk_us]" CODE="[RLK_US]" isMetric="no" class="us-lengths">
      <name>link for Ramden's chain</name>
      <property>length</property>
      <value Unit="[rch_us]/100" UNIT="[RCH_US]/100" value="1">1</value>
   </unit>
   <unit Code="[fth_us]" CODE="[FTH_US]" isMetric="no" class="us-lengths">
      <name>fathom</name>
      <property>length</property>
      <value Unit="[ft_us]" UNIT="[FT_US]" value="6">6</value>
   </unit>
   <unit Code="[fur_us]" CODE="[FUR_US]" isMetric="no" class="us-lengths">
      <name>furlong</name>
      <property>length</property>
      <value Unit="[rd_us]" UNIT="[RD_US]" value="40">40</value>
   </unit>
   <unit Code="[mi_us]" CODE="[MI_US]" isMetric="no" class="us-lengths">
      <name>mile</name>
      <property>length</property>
      <value Unit="[fur_us]" UNIT="[FUR_US]" value="8">8</value>
   </unit>
   <unit Code="[acr_us]" CODE="[ACR_US]" isMetric="no" class="us-lengths">
      <name>acre</name>
      <property>area</property>
      <value Unit="[rd_us]2" UNIT="[RD_US]2" value="160">160</value>
   </unit>
   <unit Code="[srd_us]" CODE="[SRD_US]" isMetric="no" class="us-lengths">
      <name>square rod</name>
      <property>area</property>
      <value Unit="[rd_us]2" UNIT="[RD_US]2" value="1">1</value>
   </unit>
   <unit Code="[smi_us]" CODE="[SMI_US]" isMetric="no" class="us-lengths">
      <name>square mile</name>
      <property>area</property>
      <value Unit="[mi_us]2" UNIT="[MI_US]2" value="1">1</value>
   </unit>
   <unit Code="[sct]" CODE="[SCT]" isMetric="no" class="us-lengths">
      <name>section</name>
      <property>area</property>
      <value Unit="[mi_us]2" UNIT="[MI_US]2" value="1">1</value>
   </unit>
   <unit Code="[twp]" CODE="[TWP]" isMetric="no" class="us-lengths">
      <name>township</name>
      <property>area</property>
      <value Unit="[sct]" UNIT="[SCT]" value="36">36</value>
   </unit>
   <unit Code="[mil_us]" CODE="[MIL_US]" isMetric="no" class="us-lengths">
      <name>mil</name>
      <property>length</property>
      <value Unit="[in_us]" UNIT="[IN_US]" value="1e-3">1 &#215; 10<sup>-3</sup>
      </value>
   </unit>
   <unit Code="[in_br]" CODE="[IN_BR]" isMetric="no" class="brit-length">
      <name>inch</name>
      <property>length</property>
      <value Unit="cm" UNIT="CM" value="2.539998">2.539998</value>
   </unit>
   <unit Code="[ft_br]" CODE="[FT_BR]" isMetric="no" class="brit-length">
      <name>foot</name>
      <property>length</property>
      <value Unit="[in_br]" UNIT="[IN_BR]" value="12">12</value>
   </unit>
   <unit Code="[rd_br]" CODE="[RD_BR]" isMetric="no" class="brit-length">
      <name>rod</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="16.5">16.5</value>
   </unit>
   <unit Code="[ch_br]" CODE="[CH_BR]" isMetric="no" class="brit-length">
      <name>Gunter's chain</name>
      <property>length</property>
      <value Unit="[rd_br]" UNIT="[RD_BR]" value="4">4</value>
   </unit>
   <unit Code="[lk_br]" CODE="[LK_BR]" isMetric="no" class="brit-length">
      <name>link for Gunter's chain</name>
      <property>length</property>
      <value Unit="[ch_br]/100" UNIT="[CH_BR]/100" value="1">1</value>
   </unit>
   <unit Code="[fth_br]" CODE="[FTH_BR]" isMetric="no" class="brit-length">
      <name>fathom</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="6">6</value>
   </unit>
   <unit Code="[pc_br]" CODE="[PC_BR]" isMetric="no" class="brit-length">
      <name>pace</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="2.5">2.5</value>
   </unit>
   <unit Code="[yd_br]" CODE="[YD_BR]" isMetric="no" class="brit-length">
      <name>yard</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="3">3</value>
   </unit>
   <unit Code="[mi_br]" CODE="[MI_BR]" isMetric="no" class="brit-length">
      <name>mile</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="5280">5280</value>
   </unit>
   <unit Code="[nmi_br]" CODE="[NMI_BR]" isMetric="no" class="brit-length">
      <name>nautical mile</name>
      <property>length</property>
      <value Unit="[ft_br]" UNIT="[FT_BR]" value="6080">6080</value>
   </unit>
   <unit Code="[kn_br]" CODE="[KN_BR]" isMetric="no" class="brit-length">
      <name>knot</name>
      <property>velocity</property>
      <value Unit="[nmi_br]/h" UNIT="[NMI_BR]/H" value="1">1</value>
   </unit>
   <unit Code="[acr_br]" CODE="[ACR_BR]" isMetric="no" class="brit-length">
      <name>acre</name>
      <property>area</property>
      <value Unit="[yd_br]2" UNIT="[YD_BR]2" value="4840">4840</value>
   </unit>
   <unit Code="[gal_us]" CODE="[GAL_US]" isMetric="no" class="us-volumes">
      <name>Queen&#160;Anne's wine gallon</name>
      <property>fluid volume</property>
      <value Unit="[in_i]3" UNIT="[IN_I]3" value="231">231</value>
   </unit>
   <unit Code="[bbl_us]" CODE="[BBL_US]" isMetric="no" class="us-volumes">
      <name>barrel</name>
      <property>fluid volume</property>
      <value Unit="[gal_us]" UNIT="[GAL_US]" value="42">42</value>
   </unit>
   <unit Code="[qt_us]" CODE="[QT_US]" isMetric="no" class="us-volumes">
      <name>quart</name>
      <property>fluid volume</property>
      <value Unit="[gal_us]/4" UNIT="[GAL_US]/4" value="1">1</value>
   </unit>
   <unit Code="[pt_us]" CODE="[PT_US]" isMetric="no" class="us-volumes">
      <name>pint</name>
      <property>fluid volume</property>
      <value Unit="[qt_us]/2" UNIT="[QT_US]/2" value="1">1</value>
   </unit>
   <unit Code="[gil_us]" CODE="[GIL_US]" isMetric="no" class="us-volumes">
      <name>gill</name>
      <property>fluid volume</property>
      <value Unit="[pt_us]/4" UNIT="[PT_US]/4" value="1">1</value>
   </unit>
   <unit Code="[foz_us]" CODE="[FOZ_US]" isMetric="no" class="us-volumes">
      <name>fluid ounce</name>
      <printSymbol>oz fl</printSymbol>
      <property>fluid volume</property>
      <value Unit="[gil_us]/4" UNIT="[GIL_US]/4" value="1">1</value>
   </unit>
   <unit Code="[fdr_us]" CODE="[FDR_US]" isMetric="no" class="us-volumes">
      <name>fluid dram</name>
      <property>fluid volume</property>
      <value Unit="[foz_us]/8" UNIT="[FOZ_US]/8" value="1">1</value>
   </unit>
   <unit Code="[min_us]" CODE="[MIN_US]" isMetric="no" class="us-volumes">
      <name>minim</name>
      <property>fluid volume</property>
      <value Unit="[fdr_us]/60" UNIT="[FDR_US]/60" value="1">1</value>
   </unit>
   <unit Code="[crd_us]" CODE="[CRD_US]" isMetric="no" class="us-volumes">
      <name>cord</name>
      <property>fluid volume</property>
      <value Unit="[ft_i]3" UNIT="[FT_I]3" value="128">128</value>
   </unit>
   <unit Code="[bu_us]" CODE="[BU_US]" isMetric="no" class="us-volumes">
      <name>bushel</name>
      <property>dry volume</property>
      <value Unit="[in_i]3" UNIT="[IN_I]3" value="2150.42">2150.42</value>
   </unit>
   <unit Code="[gal_wi]" CODE="[GAL_WI]" isMetric="no" class="us-volumes">
      <name>historical winchester gallon</name>
      <property>dry volume</property>
      <value Unit="[bu_us]/8" UNIT="[BU_US]/8" value="1">1</value>
   </unit>
   <unit Code="[pk_us]" CODE="[PK_US]" isMetric="no" class="us-volumes">
      <name>peck</name>
      <property>dry volume</property>
      <value Unit="[bu_us]/4" UNIT="[BU_US]/4" value="1">1</value>
   </unit>
   <unit Code="[dqt_us]" CODE="[DQT_US]" isMetric="no" class="us-volumes">
      <name>dry quart</name>
      <property>dry volume</property>
      <value Unit="[pk_us]/8" UNIT="[PK_US]/8" value="1">1</value>
   </unit>
   <unit Code="[dpt_us]" CODE="[DPT_US]" isMetric="no" class="us-volumes">
      <name>dry pint</name>
      <property>dry volume</property>
      <value Unit="[dqt_us]/2" UNIT="[DQT_US]/2" value="1">1</value>
   </unit>
   <unit Code="[tbs_us]" CODE="[TBS_US]" isMetric="no" class="us-volumes">
      <name>tablespoon</name>
      <property>volume</property>
      <value Unit="[foz_us]/2" UNIT="[FOZ_US]/2" value="1">1</value>
   </unit>
   <unit Code="[tsp_us]" CODE="[TSP_US]" isMetric="no" class="us-volumes">
      <name>teaspoon</name>
      <property>volume</property>
      <value Unit="[tbs_us]/3" UNIT="[TBS_US]/3" value="1">1</value>
   </unit>
   <unit Code="[cup_us]" CODE="[CUP_US]" isMetric="no" class="us-volumes">
      <name>cup</name>
      <property>volume</property>
      <value Unit="[tbs_us]" UNIT="[TBS_US]" value="16">16</value>
   </unit>
   <unit Code="[foz_m]" CODE="[FOZ_M]" isMetric="no" class="us-volumes">
      <name>metric fluid ounce</name>
      <printSymbol>oz fl</printSymbol>
      <property>fluid volume</property>
      <value Unit="mL" UNIT="ML" value="30">30</value>
   </unit>
   <unit Code="[cup_m]" CODE="[CUP_M]" isMetric="no" class="us-volumes">
      <name>metric cup</name>
      <property>volume</property>
      <value Unit="mL" UNIT="ML" value="240">240</value>
   </unit>
   <unit Code="[tsp_m]" CODE="[TSP_M]" isMetric="no" class="us-volumes">
      <name>metric teaspoon</name>
      <property>volume</property>
      <value Unit="mL" UNIT="mL" value="5">5</value>
   </unit>
   <unit Code="[tbs_m]" CODE="[TBS_M]" isMetric="no" class="us-volumes">
      <name>metric tablespoon</name>
      <property>volume</property>
      <value Unit="mL" UNIT="mL" value="15">15</value>
   </unit>
   <unit Code="[gal_br]" CODE="[GAL_BR]" isMetric="no" class="brit-volumes">
      <name>gallon</name>
      <property>volume</property>
      <value Unit="l" UNIT="L" value="4.54609">4.54609</value>
   </unit>
   <unit Code="[pk_br]" CODE="[PK_BR]" isMetric="no" class="brit-volumes">
      <name>peck</name>
      <property>volume</property>
      <value Unit="[gal_br]" UNIT="[GAL_BR]" value="2">2</value>
   </unit>
   <unit Code="[bu_br]" CODE="[BU_BR]" isMetric="no" class="brit-volumes">
      <name>bushel</name>
      <property>volume</property>
      <value Unit="[pk_br]" UNIT="[PK_BR]" value="4">4</value>
   </unit>
   <unit Code="[qt_br]" CODE="[QT_BR]" isMetric="no" class="brit-volumes">
      <name>quart</name>
      <property>volume</property>
      <value Unit="[gal_br]/4" UNIT="[GAL_BR]/4" value="1">1</value>
   </unit>
   <unit Code="[pt_br]" CODE="[PT_BR]" isMetric="no" class="brit-volumes">
      <name>pint</name>
      <property>volume</property>
      <value Unit="[qt_br]/2" UNIT="[QT_BR]/2" value="1">1</value>
   </unit>
   <unit Code="[gil_br]" CODE="[GIL_BR]" isMetric="no" class="brit-volumes">
      <name>gill</name>
      <property>volume</property>
      <value Unit="[pt_br]/4" UNIT="[PT_BR]/4" value="1">1</value>
   </unit>
   <unit Code="[foz_br]" CODE="[FOZ_BR]" isMetric="no" class="brit-volumes">
      <name>fluid ounce</name>
      <property>volume</property>
      <value Unit="[gil_br]/5" UNIT="[GIL_BR]/5" value="1">1</value>
   </unit>
   <unit Code="[fdr_br]" CODE="[FDR_BR]" isMetric="no" class="brit-volumes">
      <name>fluid dram</name>
      <property>volume</property>
      <value Unit="[foz_br]/8" UNIT="[FOZ_BR]/8" value="1">1</value>
   </unit>
   <unit Code="[min_br]" CODE="[MIN_BR]" isMetric="no" class="brit-volumes">
      <name>minim</name>
      <property>volume</property>
      <value Unit="[fdr_br]/60" UNIT="[FDR_BR]/60" value="1">1</value>
   </unit>
   <unit Code="[gr]" CODE="[GR]" isMetric="no" class="avoirdupois">
      <name>grain</name>
      <property>mass</property>
      <value Unit="mg" UNIT="MG" value="64.79891">64.79891</value>
   </unit>
   <unit Code="[lb_av]" CODE="[LB_AV]" isMetric="no" class="avoirdupois">
      <name>pound</name>
      <printSymbol>lb</printSymbol>
      <property>mass</property>
      <value Unit="[gr]" UNIT="[GR]" value="7000">7000</value>
   </unit>
   <unit Code="[oz_av]" CODE="[OZ_AV]" isMetric="no" class="avoirdupois">
      <name>ounce</name>
      <printSymbol>oz</printSymbol>
      <property>mass</property>
      <value Unit="[lb_av]/16" UNIT="[LB_AV]/16" value="1">1</value>
   </unit>
   <unit Code="[dr_av]" CODE="[DR_AV]" isMetric="no" class="avoirdupois">
      <name>dram</name>
      <property>mass</property>
      <value Unit="[oz_av]/16" UNIT="[OZ_AV]/16" value="1">1</value>
   </unit>
   <unit Code="[scwt_av]" CODE="[SCWT_AV]" isMetric="no" class="avoirdupois">
      <name>short hundredweight</name>
      <name>U.S. hundredweight</name>
      <property>mass</property>
      <value Unit="[lb_av]" UNIT="[LB_AV]" value="100">100</value>
   </unit>
   <unit Code="[lcwt_av]" CODE="[LCWT_AV]" isMetric="no" class="avoirdupois">
      <name>long hundredweight</name>
      <name>British hundredweight</name>
      <property>mass</property>
      <value Unit="[lb_av]" UNIT="[LB_AV]" value="112">112</value>
   </unit>
   <unit Code="[ston_av]" CODE="[STON_AV]" isMetric="no" class="avoirdupois">
      <name>short ton</name>
      <name>U.S. ton</name>
      <property>mass</property>
      <value Unit="[scwt_av]" UNIT="[SCWT_AV]" value="20">20</value>
   </unit>
   <unit Code="[lton_av]" CODE="[LTON_AV]" isMetric="no" class="avoirdupois">
      <name>long ton</name>
      <name>British ton</name>
      <property>mass</property>
      <value Unit="[lcwt_av]" UNIT="[LCWT_AV]" value="20">20</value>
   </unit>
   <unit Code="[stone_av]" CODE="[STONE_AV]" isMetric="no" class="avoirdupois">
      <name>stone</name>
      <name>British stone</name>
      <property>mass</property>
      <value Unit="[lb_av]" UNIT="[LB_AV]" value="14">14</value>
   </unit>
   <unit Code="[pwt_tr]" CODE="[PWT_TR]" isMetric="no" class="troy">
      <name>pennyweight</name>
      <property>mass</property>
      <value Unit="[gr]" UNIT="[GR]" value="24">24</value>
   </unit>
   <unit Code="[oz_tr]" CODE="[OZ_TR]" isMetric="no" class="troy">
      <name>ounce</name>
      <property>mass</property>
      <value Unit="[pwt_tr]" UNIT="[PWT_TR]" value="20">20</value>
   </unit>
   <unit Code="[lb_tr]" CODE="[LB_TR]" isMetric="no" class="troy">
      <name>pound</name>
      <property>mass</property>
      <value Unit="[oz_tr]" UNIT="[OZ_TR]" value="12">12</value>
   </unit>
   <unit Code="[sc_ap]" CODE="[SC_AP]" isMetric="no" class="apoth">
      <name>scruple</name>
      <property>mass</property>
      <value Unit="[gr]" UNIT="[GR]" value="20">20</value>
   </unit>
   <unit Code="[dr_ap]" CODE="[DR_AP]" isMetric="no" class="apoth">
      <name>dram</name>
      <name>drachm</name>
      <property>mass</property>
      <value Unit="[sc_ap]" UNIT="[SC_AP]" value="3">3</value>
   </unit>
   <unit Code="[oz_ap]" CODE="[OZ_AP]" isMetric="no" class="apoth">
      <name>ounce</name>
      <property>mass</property>
      <value Unit="[dr_ap]" UNIT="[DR_AP]" value="8">8</value>
   </unit>
   <unit Code="[lb_ap]" CODE="[LB_AP]" isMetric="no" class="apoth">
      <name>pound</name>
      <property>mass</property>
      <value Unit="[oz_ap]" UNIT="[OZ_AP]" value="12">12</value>
   </unit>
   <unit Code="[oz_m]" CODE="[OZ_M]" isMetric="no" class="apoth">
      <name>metric ounce</name>
      <property>mass</property>
      <value Unit="g" UNIT="g" value="28">28</value>
   </unit>
   <unit Code="[lne]" CODE="[LNE]" isMetric="no" class="typeset">
      <name>line</name>
      <property>length</property>
      <value Unit="[in_i]/12" UNIT="[IN_I]/12" value="1">1</value>
   </unit>
   <unit Code="[pnt]" CODE="[PNT]" isMetric="no" class="typeset">
      <name>point</name>
      <property>length</property>
      <value Unit="[lne]/6" UNIT="[LNE]/6" value="1">1</value>
   </unit>
   <unit Code="[pca]" CODE="[PCA]" isMetric="no" class="typeset">
      <name>pica</name>
      <property>length</property>
      <value Unit="[pnt]" UNIT="[PNT]" value="12">12</value>
   </unit>
   <unit Code="[pnt_pr]" CODE="[PNT_PR]" isMetric="no" class="typeset">
      <name>Printer's point</name>
      <property>length</property>
      <value Unit="[in_i]" UNIT="[IN_I]" value="0.013837">0.013837</value>
   </unit>
   <unit Code="[pca_pr]" CODE="[PCA_PR]" isMetric="no" class="typeset">
      <name>Printer's pica</name>
      <property>length</property>
      <value Unit="[pnt_pr]" UNIT="[PNT_PR]" value="12">12</value>
   </unit>
   <unit Code="[pied]" CODE="[PIED]" isMetric="no" class="typeset">
      <name>pied</name>
      <name>French foot</name>
      <property>length</property>
      <value Unit="cm" UNIT="CM" value="32.48">32.48</value>
   </unit>
   <unit Code="[pouce]" CODE="[POUCE]" isMetric="no" class="typeset">
      <name>pouce</name>
      <name>French inch</name>
      <property>length</property>
      <value Unit="[pied]/12" UNIT="[PIED]/12" value="1">1</value>
   </unit>
   <unit Code="[ligne]" CODE="[LIGNE]" isMetric="no" class="typeset">
      <name>ligne</name>
      <name>French line</name>
      <property>length</property>
      <value Unit="[pouce]/12" UNIT="[POUCE]/12" value="1">1</value>
   </unit>
   <unit Code="[didot]" CODE="[DIDOT]" isMetric="no" class="typeset">
      <name>didot</name>
      <name>Didot's point</name>
      <property>length</property>
      <value Unit="[ligne]/6" UNIT="[LIGNE]/6" value="1">1</value>
   </unit>
   <unit Code="[cicero]" CODE="[CICERO]" isMetric="no" class="typeset">
      <name>cicero</name>
      <name>Didot's pica</name>
      <property>length</property>
      <value Unit="[didot]" UNIT="[DIDOT]" value="12">12</value>
   </unit>
   <unit Code="[degF]" CODE="[DEGF]" isMetric="no" isSpecial="yes" class="heat">
      <name>degree Fahrenheit</name>
      <printSymbol>&#176;F</printSymbol>
      <property>temperature</property>
      <value Unit="degf(5 K/9)" UNIT="DEGF(5 K/9)">
         <function name="degF" value="5" Unit="K/9"/>
      </value>
   </unit>
   <unit Code="[degR]" CODE="[degR]" isMetric="no" class="heat">
      <name>degree Rankine</name>
      <printSymbol>&#176;R</printSymbol>
      <property>temperature</property>
      <value value="5" Unit="K/9" UNIT="K/9">5</value>
   </unit>
   <unit Code="[degRe]" CODE="[degRe]" isMetric="no" isSpecial="yes" class="heat">
      <name>degree R&#233;aumur</name>
      <printSymbol>&#176;R&#233;</printSymbol>
      <property>temperature</property>
      <value Unit="degre(5 K/4)" UNIT="DEGRE(5 K/4)">
         <function name="degRe" value="5" Unit="K/4"/>
      </value>
   </unit>
   <unit Code="cal_[15]" CODE="CAL_[15]" isMetric="yes" class="heat">
      <name>calorie at 15&#160;&#176;C</name>
      <printSymbol>cal<sub>15&#176;C</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="J" UNIT="J" value="4.18580">4.18580</value>
   </unit>
   <unit Code="cal_[20]" CODE="CAL_[20]" isMetric="yes" class="heat">
      <name>calorie at 20&#160;&#176;C</name>
      <printSymbol>cal<sub>20&#176;C</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="J" UNIT="J" value="4.18190">4.18190</value>
   </unit>
   <unit Code="cal_m" CODE="CAL_M" isMetric="yes" class="heat">
      <name>mean calorie</name>
      <printSymbol>cal<sub>m</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="J" UNIT="J" value="4.19002">4.19002</value>
   </unit>
   <unit Code="cal_IT" CODE="CAL_IT" isMetric="yes" class="heat">
      <name>international table calorie</name>
      <printSymbol>cal<sub>IT</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="J" UNIT="J" value="4.1868">4.1868</value>
   </unit>
   <unit Code="cal_th" CODE="CAL_TH" isMetric="yes" class="heat">
      <name>thermochemical calorie</name>
      <printSymbol>cal<sub>th</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="J" UNIT="J" value="4.184">4.184</value>
   </unit>
   <unit Code="cal" CODE="CAL" isMetric="yes" class="heat">
      <name>calorie</name>
      <printSymbol>cal</printSymbol>
      <property>energy</property>
      <value Unit="cal_th" UNIT="CAL_TH" value="1">1</value>
   </unit>
   <unit Code="[Cal]" CODE="[CAL]" isMetric="no" class="heat">
      <name>nutrition label Calories</name>
      <printSymbol>Cal</printSymbol>
      <property>energy</property>
      <value Unit="kcal_th" UNIT="KCAL_TH" value="1">1</value>
   </unit>
   <unit Code="[Btu_39]" CODE="[BTU_39]" isMetric="no" class="heat">
      <name>British thermal unit at 39&#160;&#176;F</name>
      <printSymbol>Btu<sub>39&#176;F</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.05967">1.05967</value>
   </unit>
   <unit Code="[Btu_59]" CODE="[BTU_59]" isMetric="no" class="heat">
      <name>British thermal unit at 59&#160;&#176;F</name>
      <printSymbol>Btu<sub>59&#176;F</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.05480">1.05480</value>
   </unit>
   <unit Code="[Btu_60]" CODE="[BTU_60]" isMetric="no" class="heat">
      <name>British thermal unit at 60&#160;&#176;F</name>
      <printSymbol>Btu<sub>60&#176;F</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.05468">1.05468</value>
   </unit>
   <unit Code="[Btu_m]" CODE="[BTU_M]" isMetric="no" class="heat">
      <name>mean British thermal unit</name>
      <printSymbol>Btu<sub>m</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.05587">1.05587</value>
   </unit>
   <unit Code="[Btu_IT]" CODE="[BTU_IT]" isMetric="no" class="heat">
      <name>international table British thermal unit</name>
      <printSymbol>Btu<sub>IT</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.05505585262">1.05505585262</value>
   </unit>
   <unit Code="[Btu_th]" CODE="[BTU_TH]" isMetric="no" class="heat">
      <name>thermochemical British thermal unit</name>
      <printSymbol>Btu<sub>th</sub>
      </printSymbol>
      <property>energy</property>
      <value Unit="kJ" UNIT="kJ" value="1.054350">1.054350</value>
   </unit>
   <unit Code="[Btu]" CODE="[BTU]" isMetric="no" class="heat">
      <name>British thermal unit</name>
      <printSymbol>btu</printSymbol>
      <property>energy</property>
      <value Unit="[Btu_th]" UNIT="[BTU_TH]" value="1">1</value>
   </unit>
   <unit Code="[HP]" CODE="[HP]" isMetric="no" class="heat">
      <name>horsepower</name>
      <property>power</property>
      <value Unit="[ft_i].[lbf_av]/s" UNIT="[FT_I].[LBF_AV]/S" value="550">550</value>
   </unit>
   <unit Code="tex" CODE="TEX" isMetric="yes" class="heat">
      <name>tex</name>
      <printSymbol>tex</printSymbol>
      <property>linear mass density (of textile thread)</property>
      <value value="1" Unit="g/km" UNIT="G/KM">1</value>
   </unit>
   <unit Code="[den]" CODE="[DEN]" isMetric="no" class="heat">
      <name>Denier</name>
      <printSymbol>den</printSymbol>
      <property>linear mass density (of textile thread)</property>
      <value value="1" Unit="g/9/km" UNIT="G/9/KM">1</value>
   </unit>
   <unit Code="m[H2O]" CODE="M[H2O]" isMetric="yes" class="clinical">
      <name>meter of water column</name>
      <printSymbol>m&#160;H<sub>
            <r>2</r>
         </sub>O</printSymbol>
      <property>pressure</property>
      <value Unit="kPa" UNIT="KPAL" value="980665e-5">9.80665</value>
   </unit>
   <unit Code="m[Hg]" CODE="M[HG]" isMetric="yes" class="clinical">
      <name>meter of mercury column</name>
      <printSymbol>m&#160;Hg</printSymbol>
      <property>pressure</property>
      <value Unit="kPa" UNIT="KPAL" value="133.3220">133.3220</value>
   </unit>
   <unit Code="[in_i'H2O]" CODE="[IN_I'H2O]" isMetric="no" class="clinical">
      <name>inch of water column</name>
      <printSymbol>in&#160;H<sub>
            <r>2</r>
         </sub>O</printSymbol>
      <property>pressure</property>
      <value Unit="m[H2O].[in_i]/m" UNIT="M[H2O].[IN_I]/M" value="1">1</value>
   </unit>
   <unit Code="[in_i'Hg]" CODE="[IN_I'HG]" isMetric="no" class="clinical">
      <name>inch of mercury column</name>
      <printSymbol>in&#160;Hg</printSymbol>
      <property>pressure</property>
      <value Unit="m[Hg].[in_i]/m" UNIT="M[HG].[IN_I]/M" value="1">1</value>
   </unit>
   <unit Code="[PRU]" CODE="[PRU]" isMetric="no" class="clinical">
      <name>peripheral vascular resistance unit</name>
      <printSymbol>P.R.U.</printSymbol>
      <property>fluid resistance</property>
      <value Unit="mm[Hg].s/ml" UNIT="MM[HG].S/ML" value="1">1</value>
   </unit>
   <unit Code="[wood'U]" CODE="[WOOD'U]" isMetric="no" class="clinical">
      <name>Wood unit</name>
      <printSymbol>Wood U.</printSymbol>
      <property>fluid resistance</property>
      <value Unit="mm[Hg].min/L" UNIT="MM[HG].MIN/L" value="1">1</value>
   </unit>
   <unit Code="[diop]" CODE="[DIOP]" isMetric="no" class="clinical">
      <name>diopter</name>
      <printSymbol>dpt</printSymbol>
      <property>refraction of a lens</property>
      <value Unit="/m" UNIT="/M" value="1">1</value>
   </unit>
   <unit Code="[p'diop]" CODE="[P'DIOP]" isMetric="no" isSpecial="yes" class="clinical">
      <name>prism diopter</name>
      <printSymbol>PD</printSymbol>
      <property>refraction of a prism</property>
      <value Unit="100tan(1 rad)" UNIT="100TAN(1 RAD)">
         <function name="tanTimes100" value="1" Unit="rad"/>
      </value>
   </unit>
   <unit Code="%[slope]" CODE="%[SLOPE]" isMetric="no" isSpecial="yes" class="clinical">
      <name>percent of slope</name>
      <printSymbol>%</printSymbol>
      <property>slope</property>
      <value Unit="100tan(1 rad)" UNIT="100TAN(1 RAD)">
         <function name="100tan" value="1" Unit="deg"/>
      </value>
   </unit>
   <unit Code="[mesh_i]" CODE="[MESH_I]" isMetric="no" class="clinical">
      <name>mesh</name>
      <property>lineic number</property>
      <value Unit="/[in_i]" UNIT="/[IN_I]" value="1">1</value>
   </unit>
   <unit Code="[Ch]" CODE="[CH]" isMetric="no" class="clinical">
      <name>Charri&#232;re</name>
      <name>french</name>
      <printSymbol>Ch</printSymbol>
      <property>gauge of catheters</property>
      <value Unit="mm/3" UNIT="MM/3" value="1">1</value>
   </unit>
   <unit Code="[drp]" CODE="[DRP]" isMetric="no" class="clinical">
      <name>drop</name>
      <printSymbol>drp</printSymbol>
      <property>volume</property>
      <value Unit="ml/20" UNIT="ML/20" value="1">1</value>
   </unit>
   <unit Code="[hnsf'U]" CODE="[HNSF'U]" isMetric="no" class="clinical">
      <name>Hounsfield unit</name>
      <printSymbol>HF</printSymbol>
      <property>x-ray attenuation</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[MET]" CODE="[MET]" isMetric="no" class="clinical">
      <name>metabolic equivalent</name>
      <printSymbol>MET</printSymbol>
      <property>metabolic cost of physical activity</property>
      <value Unit="mL/min/kg" UNIT="ML/MIN/KG" value="3.5">3.5</value>
   </unit>
   <unit Code="[hp'_X]" CODE="[HP'_X]" isMetric="no" isSpecial="yes" class="clinical">
      <name>homeopathic potency of decimal series (retired)</name>
      <printSymbol>X</printSymbol>
      <property>homeopathic potency (retired)</property>
      <value Unit="hpX(1 1)" UNIT="HPX(1 1)">
         <function name="hpX" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="[hp'_C]" CODE="[HP'_C]" isMetric="no" isSpecial="yes" class="clinical">
      <name>homeopathic potency of centesimal series (retired)</name>
      <printSymbol>C</printSymbol>
      <property>homeopathic potency (retired)</property>
      <value Unit="hpC(1 1)" UNIT="HPC(1 1)">
         <function name="hpC" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="[hp'_M]" CODE="[HP'_M]" isMetric="no" isSpecial="yes" class="clinical">
      <name>homeopathic potency of millesimal series (retired)</name>
      <printSymbol>M</printSymbol>
      <property>homeopathic potency (retired)</property>
      <value Unit="hpM(1 1)" UNIT="HPM(1 1)">
         <function name="hpM" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="[hp'_Q]" CODE="[HP'_Q]" isMetric="no" isSpecial="yes" class="clinical">
      <name>homeopathic potency of quintamillesimal series (retired)</name>
      <printSymbol>Q</printSymbol>
      <property>homeopathic potency (retired)</property>
      <value Unit="hpQ(1 1)" UNIT="HPQ(1 1)">
         <function name="hpQ" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="[hp_X]" CODE="[HP_X]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of decimal hahnemannian series</name>
      <printSymbol>X</printSymbol>
      <property>homeopathic potency (Hahnemann)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[hp_C]" CODE="[HP_C]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of centesimal hahnemannian series</name>
      <printSymbol>C</printSymbol>
      <property>homeopathic potency (Hahnemann)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[hp_M]" CODE="[HP_M]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of millesimal hahnemannian series</name>
      <printSymbol>M</printSymbol>
      <property>homeopathic potency (Hahnemann)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[hp_Q]" CODE="[HP_Q]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of quintamillesimal hahnemannian series</name>
      <printSymbol>Q</printSymbol>
      <property>homeopathic potency (Hahnemann)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[kp_X]" CODE="[KP_X]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of decimal korsakovian series</name>
      <printSymbol>X</printSymbol>
      <property>homeopathic potency (Korsakov)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[kp_C]" CODE="[KP_C]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of centesimal korsakovian series</name>
      <printSymbol>C</printSymbol>
      <property>homeopathic potency (Korsakov)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[kp_M]" CODE="[KP_M]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of millesimal korsakovian series</name>
      <printSymbol>M</printSymbol>
      <property>homeopathic potency (Korsakov)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[kp_Q]" CODE="[KP_Q]" isMetric="no" isArbitrary="yes" class="clinical">
      <name>homeopathic potency of quintamillesimal korsakovian series</name>
      <printSymbol>Q</printSymbol>
      <property>homeopathic potency (Korsakov)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="eq" CODE="EQ" isMetric="yes" class="chemical">
      <name>equivalents</name>
      <printSymbol>eq</printSymbol>
      <property>amount of substance</property>
      <value Unit="mol" UNIT="MOL" value="1">1</value>
   </unit>
   <unit Code="osm" CODE="OSM" isMetric="yes" class="chemical">
      <name>osmole</name>
      <printSymbol>osm</printSymbol>
      <property>amount of substance (dissolved particles)</property>
      <value Unit="mol" UNIT="MOL" value="1">1</value>
   </unit>
   <unit Code="[pH]" CODE="[PH]" isMetric="no" isSpecial="yes" class="chemical">
      <name>pH</name>
      <printSymbol>pH</printSymbol>
      <property>acidity</property>
      <value Unit="pH(1 mol/l)" UNIT="PH(1 MOL/L)">
         <function name="pH" value="1" Unit="mol/l"/>
      </value>
   </unit>
   <unit Code="g%" CODE="G%" isMetric="yes" class="chemical">
      <name>gram percent</name>
      <printSymbol>g%</printSymbol>
      <property>mass concentration</property>
      <value Unit="g/dl" UNIT="G/DL" value="1">1</value>
   </unit>
   <unit Code="[S]" CODE="[S]" isMetric="no" class="chemical">
      <name>Svedberg unit</name>
      <printSymbol>S</printSymbol>
      <property>sedimentation coefficient</property>
      <value Unit="10*-13.s" UNIT="10*-13.S" value="1">1</value>
   </unit>
   <unit Code="[HPF]" CODE="[HPF]" isMetric="no" class="chemical">
      <name>high power field</name>
      <printSymbol>HPF</printSymbol>
      <property>view area in microscope</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[LPF]" CODE="[LPF]" isMetric="no" class="chemical">
      <name>low power field</name>
      <printSymbol>LPF</printSymbol>
      <property>view area in microscope</property>
      <value Unit="1" UNIT="1" value="100">100</value>
   </unit>
   <unit Code="kat" CODE="KAT" isMetric="yes" class="chemical">
      <name>katal</name>
      <printSymbol>kat</printSymbol>
      <property>catalytic activity</property>
      <value Unit="mol/s" UNIT="MOL/S" value="1">1</value>
   </unit>
   <unit Code="U" CODE="U" isMetric="yes" class="chemical">
      <name>Unit</name>
      <printSymbol>U</printSymbol>
      <property>catalytic activity</property>
      <value Unit="umol/min" UNIT="UMOL/MIN" value="1">1</value>
   </unit>
   <unit Code="[iU]" CODE="[IU]" isMetric="yes" isArbitrary="yes" class="chemical">
      <name>international unit</name>
      <printSymbol>IU</printSymbol>
      <property>arbitrary</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[IU]" CODE="[IU]" isMetric="yes" isArbitrary="yes" class="chemical">
      <name>international unit</name>
      <printSymbol>i.U.</printSymbol>
      <property>arbitrary</property>
      <value Unit="[iU]" UNIT="[IU]" value="1">1</value>
   </unit>
   <unit Code="[arb'U]" CODE="[ARB'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>arbitrary unit</name>
      <printSymbol>arb. U</printSymbol>
      <property>arbitrary</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[USP'U]" CODE="[USP'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>United States Pharmacopeia unit</name>
      <printSymbol>U.S.P.</printSymbol>
      <property>arbitrary</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[GPL'U]" CODE="[GPL'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>GPL unit</name>
      <property>biologic activity of anticardiolipin IgG</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[MPL'U]" CODE="[MPL'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>MPL unit</name>
      <property>biologic activity of anticardiolipin IgM</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[APL'U]" CODE="[APL'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>APL unit</name>
      <property>biologic activity of anticardiolipin IgA</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[beth'U]" CODE="[BETH'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>Bethesda unit</name>
      <property>biologic activity of factor VIII inhibitor</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[anti'Xa'U]" CODE="[ANTI'XA'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>anti factor Xa unit</name>
      <property>biologic activity of factor Xa inhibitor (heparin)</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[todd'U]" CODE="[TODD'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>Todd unit</name>
      <property>biologic activity antistreptolysin O</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[dye'U]" CODE="[DYE'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>Dye unit</name>
      <property>biologic activity of amylase</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[smgy'U]" CODE="[SMGY'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>Somogyi unit</name>
      <property>biologic activity of amylase</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[bdsk'U]" CODE="[BDSK'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>Bodansky unit</name>
      <property>biologic activity of phosphatase</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[ka'U]" CODE="[KA'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>King-Armstrong unit</name>
      <property>biologic activity of phosphatase</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[knk'U]" CODE="[KNK'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>Kunkel unit</name>
      <property>arbitrary biologic activity</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[mclg'U]" CODE="[MCLG'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>Mac Lagan unit</name>
      <property>arbitrary biologic activity</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[tb'U]" CODE="[TB'U]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>tuberculin unit</name>
      <property>biologic activity of tuberculin</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[CCID_50]" CODE="[CCID_50]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>50% cell culture infectious dose</name>
      <printSymbol>CCID<sub>50</sub>
      </printSymbol>
      <property>biologic activity (infectivity) of an infectious agent preparation</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[TCID_50]" CODE="[TCID_50]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>50% tissue culture infectious dose</name>
      <printSymbol>TCID<sub>50</sub>
      </printSymbol>
      <property>biologic activity (infectivity) of an infectious agent preparation</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[EID_50]" CODE="[EID_50]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>50% embryo infectious dose</name>
      <printSymbol>EID<sub>50</sub>
      </printSymbol>
      <property>biologic activity (infectivity) of an infectious agent preparation</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[PFU]" CODE="[PFU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>plaque forming units</name>
      <printSymbol>PFU</printSymbol>
      <property>amount of an infectious agent</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[FFU]" CODE="[FFU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>focus forming units</name>
      <printSymbol>FFU</printSymbol>
      <property>amount of an infectious agent</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[CFU]" CODE="[CFU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>colony forming units</name>
      <printSymbol>CFU</printSymbol>
      <property>amount of a proliferating organism</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[IR]" CODE="[IR]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>index of reactivity</name>
      <printSymbol>IR</printSymbol>
      <property>amount of an allergen calibrated through in-vivo testing using the Stallergenes&#174; method</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[BAU]" CODE="[BAU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>bioequivalent allergen unit</name>
      <printSymbol>BAU</printSymbol>
      <property>amount of an allergen calibrated through in-vivo testing based on the ID50EAL method of (intradermal dilution for 50mm sum of erythema diameters</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[AU]" CODE="[AU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>allergen unit</name>
      <printSymbol>AU</printSymbol>
      <property>procedure defined amount of an allergen using some reference standard</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[Amb'a'1'U]" CODE="[AMB'A'1'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>allergen unit for Ambrosia artemisiifolia</name>
      <printSymbol>Amb a 1 U</printSymbol>
      <property>procedure defined amount of the major allergen of ragweed</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[PNU]" CODE="[PNU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>protein nitrogen unit</name>
      <printSymbol>PNU</printSymbol>
      <property>procedure defined amount of a protein substance</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[Lf]" CODE="[LF]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>Limit of flocculation</name>
      <printSymbol>Lf</printSymbol>
      <property>procedure defined amount of an antigen substance</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[D'ag'U]" CODE="[D'AG'U]" isMetric="no" isArbitrary="yes"
         class="chemical">
      <name>D-antigen unit</name>
      <printSymbol/>
      <property>procedure defined amount of a poliomyelitis d-antigen substance</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[FEU]" CODE="[FEU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>fibrinogen equivalent unit</name>
      <printSymbol/>
      <property>amount of fibrinogen broken down into the measured d-dimers</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[ELU]" CODE="[ELU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>ELISA unit</name>
      <printSymbol/>
      <property>arbitrary ELISA unit</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[EU]" CODE="[EU]" isMetric="no" isArbitrary="yes" class="chemical">
      <name>Ehrlich unit</name>
      <printSymbol/>
      <property>Ehrlich unit</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="Np" CODE="NEP" isMetric="yes" isSpecial="yes" class="levels">
      <name>neper</name>
      <printSymbol>Np</printSymbol>
      <property>level</property>
      <value Unit="ln(1 1)" UNIT="LN(1 1)">
         <function name="ln" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="B" CODE="B" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel</name>
      <printSymbol>B</printSymbol>
      <property>level</property>
      <value Unit="lg(1 1)" UNIT="LG(1 1)">
         <function name="lg" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="B[SPL]" CODE="B[SPL]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel sound pressure</name>
      <printSymbol>B(SPL)</printSymbol>
      <property>pressure level</property>
      <value Unit="2lg(2 10*-5.Pa)" UNIT="2LG(2 10*-5.PAL)">
         <function name="lgTimes2" value="2" Unit="10*-5.Pa"/>
      </value>
   </unit>
   <unit Code="B[V]" CODE="B[V]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel volt</name>
      <printSymbol>B(V)</printSymbol>
      <property>electric potential level</property>
      <value Unit="2lg(1 V)" UNIT="2LG(1 V)">
         <function name="lgTimes2" value="1" Unit="V"/>
      </value>
   </unit>
   <unit Code="B[mV]" CODE="B[MV]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel millivolt</name>
      <printSymbol>B(mV)</printSymbol>
      <property>electric potential level</property>
      <value Unit="2lg(1 mV)" UNIT="2LG(1 MV)">
         <function name="lgTimes2" value="1" Unit="mV"/>
      </value>
   </unit>
   <unit Code="B[uV]" CODE="B[UV]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel microvolt</name>
      <printSymbol>B(&#956;V)</printSymbol>
      <property>electric potential level</property>
      <value Unit="2lg(1 uV)" UNIT="2LG(1 UV)">
         <function name="lgTimes2" value="1" Unit="uV"/>
      </value>
   </unit>
   <unit Code="B[10.nV]" CODE="B[10.NV]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel 10 nanovolt</name>
      <printSymbol>B(10 nV)</printSymbol>
      <property>electric potential level</property>
      <value Unit="2lg(10 nV)" UNIT="2LG(10 NV)">
         <function name="lgTimes2" value="10" Unit="nV"/>
      </value>
   </unit>
   <unit Code="B[W]" CODE="B[W]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel watt</name>
      <printSymbol>B(W)</printSymbol>
      <property>power level</property>
      <value Unit="lg(1 W)" UNIT="LG(1 W)">
         <function name="lg" value="1" Unit="W"/>
      </value>
   </unit>
   <unit Code="B[kW]" CODE="B[KW]" isMetric="yes" isSpecial="yes" class="levels">
      <name>bel kilowatt</name>
      <printSymbol>B(kW)</printSymbol>
      <property>power level</property>
      <value Unit="lg(1 kW)" UNIT="LG(1 KW)">
         <function name="lg" value="1" Unit="kW"/>
      </value>
   </unit>
   <unit Code="st" CODE="STR" isMetric="yes" class="misc">
      <name>stere</name>
      <printSymbol>st</printSymbol>
      <property>volume</property>
      <value Unit="m3" UNIT="M3" value="1">1</value>
   </unit>
   <unit Code="Ao" CODE="AO" isMetric="no" class="misc">
      <name>&#197;ngstr&#246;m</name>
      <printSymbol>&#197;</printSymbol>
      <property>length</property>
      <value Unit="nm" UNIT="NM" value="0.1">0.1</value>
   </unit>
   <unit Code="b" CODE="BRN" isMetric="no" class="misc">
      <name>barn</name>
      <printSymbol>b</printSymbol>
      <property>action area</property>
      <value Unit="fm2" UNIT="FM2" value="100">100</value>
   </unit>
   <unit Code="att" CODE="ATT" isMetric="no" class="misc">
      <name>technical atmosphere</name>
      <printSymbol>at</printSymbol>
      <property>pressure</property>
      <value Unit="kgf/cm2" UNIT="KGF/CM2" value="1">1</value>
   </unit>
   <unit Code="mho" CODE="MHO" isMetric="yes" class="misc">
      <name>mho</name>
      <printSymbol>mho</printSymbol>
      <property>electric conductance</property>
      <value Unit="S" UNIT="S" value="1">1</value>
   </unit>
   <unit Code="[psi]" CODE="[PSI]" isMetric="no" class="misc">
      <name>pound per square inch</name>
      <printSymbol>psi</printSymbol>
      <property>pressure</property>
      <value Unit="[lbf_av]/[in_i]2" UNIT="[LBF_AV]/[IN_I]2" value="1">1</value>
   </unit>
   <unit Code="circ" CODE="CIRC" isMetric="no" class="misc">
      <name>circle</name>
      <printSymbol>circ</printSymbol>
      <property>plane angle</property>
      <value Unit="[pi].rad" UNIT="[PI].RAD" value="2">2</value>
   </unit>
   <unit Code="sph" CODE="SPH" isMetric="no" class="misc">
      <name>sphere</name>
      <printSymbol>sph</printSymbol>
      <property>solid angle</property>
      <value Unit="[pi].sr" UNIT="[PI].SR" value="4">4</value>
   </unit>
   <unit Code="[car_m]" CODE="[CAR_M]" isMetric="no" class="misc">
      <name>metric carat</name>
      <printSymbol>ct<sub>m</sub>
      </printSymbol>
      <property>mass</property>
      <value Unit="g" UNIT="G" value="2e-1">0.2</value>
   </unit>
   <unit Code="[car_Au]" CODE="[CAR_AU]" isMetric="no" class="misc">
      <name>carat of gold alloys</name>
      <printSymbol>ct<sub>
            <r>Au</r>
         </sub>
      </printSymbol>
      <property>mass fraction</property>
      <value Unit="/24" UNIT="/24" value="1">1</value>
   </unit>
   <unit Code="[smoot]" CODE="[SMOOT]" isMetric="no" class="misc">
      <name>Smoot</name>
      <printSymbol/>
      <property>length</property>
      <value Unit="[in_i]" UNIT="[IN_I]" value="67">67</value>
   </unit>
   <unit Code="[m/s2/Hz^(1/2)]" CODE="[M/S2/HZ^(1/2)]" isMetric="no" isSpecial="yes"
         class="misc">
      <name>meter per square seconds per square root of hertz</name>
      <printSymbol/>
      <property>amplitude spectral density</property>
      <value Unit="sqrt(1 m2/s4/Hz)" UNIT="SQRT(1 M2/S4/HZ)">
         <function name="sqrt" value="1" Unit="m2/s4/Hz"/>
      </value>
   </unit>
   <unit Code="[NTU]" CODE="[NTU]" isMetric="no" class="misc">
      <name>Nephelometric Turbidity Unit</name>
      <printSymbol/>
      <property>turbidity</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="[FNU]" CODE="[FNU]" isMetric="no" class="misc">
      <name>Formazin Nephelometric Unit</name>
      <printSymbol/>
      <property>turbidity</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="bit_s" CODE="BIT_S" isMetric="no" isSpecial="yes" class="infotech">
      <name>bit</name>
      <printSymbol>bit<sub>s</sub>
      </printSymbol>
      <property>amount of information</property>
      <value Unit="ld(1 1)" UNIT="ld(1 1)">
         <function name="ld" value="1" Unit="1"/>
      </value>
   </unit>
   <unit Code="bit" CODE="BIT" isMetric="yes" class="infotech">
      <name>bit</name>
      <printSymbol>bit</printSymbol>
      <property>amount of information</property>
      <value Unit="1" UNIT="1" value="1">1</value>
   </unit>
   <unit Code="By" CODE="BY" isMetric="yes" class="infotech">
      <name>byte</name>
      <printSymbol>B</printSymbol>
      <property>amount of information</property>
      <value Unit="bit" UNIT="bit" value="8">8</value>
   </unit>
   <unit Code="Bd" CODE="BD" isMetric="yes" class="infotech">
      <name>baud</name>
      <printSymbol>Bd</printSymbol>
      <property>signal transmission rate</property>
      <value Unit="/s" UNIT="/s" value="1">1</value>
   </unit>
   <prefix Code="Ki" CODE="KIB">
      <name>kibi</name>
      <printSymbol>Ki</printSymbol>
      <value value="1024">1024</value>
   </prefix>
   <prefix Code="Mi" CODE="MIB">
      <name>mebi</name>
      <printSymbol>Mi</printSymbol>
      <value value="1048576">1048576</value>
   </prefix>
   <prefix Code="Gi" CODE="GIB">
      <name>gibi</name>
      <printSymbol>Gi</printSymbol>
      <value value="1073741824">1073741824</value>
   </prefix>
   <prefix Code="Ti" CODE="TIB">
      <name>tebi</name>
      <printSymbol>Ti</printSymbol>
      <value value="1099511627776">1099511627776</value>
   </prefix>
</root>$ucum_essence$);

-- Reference data: changed only by precmed's own scripts.
CREATE TRIGGER ucum_essence_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.ucum_essence
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER ucum_essence_no_truncate BEFORE TRUNCATE ON precmed.ucum_essence
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
-- users may add rows of their own (shipped = false) to precmed.analyte
CREATE TRIGGER analyte_shipped_rows_read_only BEFORE INSERT OR UPDATE OR DELETE ON precmed.analyte
  FOR EACH ROW EXECUTE FUNCTION precmed_internal.refuse_reference_change();
CREATE TRIGGER analyte_no_truncate BEFORE TRUNCATE ON precmed.analyte
  FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.refuse_reference_change();
