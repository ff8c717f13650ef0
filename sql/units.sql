-- Unit normalization: every distinct unit string of the sample messages and
-- the Synthea ma107 observations (test/data/units/sample_units.tsv) either
-- maps to valid UCUM, with the rule that did it, or is reported unmapped.
\set VERBOSITY default

CREATE TEMP TABLE sample_units (unit text, seen_in text);
\copy sample_units FROM 'test/data/units/sample_units.tsv'

SELECT unit, precmed.unit_normalize(unit) AS ucum, precmed.unit_normalize_rule(unit) AS rule
  FROM sample_units ORDER BY unit COLLATE "C";

-- whatever is mapped is valid UCUM
SELECT count(*) AS mapped, count(*) FILTER (WHERE precmed.ucum_valid(precmed.unit_normalize(unit))) AS valid,
       (SELECT count(*) FROM sample_units WHERE precmed.unit_normalize(unit) IS NULL) AS unmapped
  FROM sample_units WHERE precmed.unit_normalize(unit) IS NOT NULL;

-- the messy spellings the standardization notes list, and other lab habits
SELECT u AS unit, precmed.unit_normalize(u) AS ucum, precmed.unit_normalize_rule(u) AS rule
  FROM unnest(ARRAY['mg/dl', 'MG/DL', 'mg/DL', 'umol/l', 'µmol/L', 'μg/mL', '10^9/L', '10^3/ul',
                    'x10E3/uL', 'X10E3/UL', '10E9/L', 'x10^6/uL', 'K/uL', 'mEq/L', 'MEQ/L', 'mmol/l',
                    'mIU/L', 'uIU/mL', 'IU/L', 'mcg/dL', 'mcL', '/hpf', '/LPF', 'cells/uL',
                    'mg/g crea', 'g/l-1', '10*6/uL^million per microliter^UCUM', 'Torr', 'degF',
                    '°C', 'lbs', 'bpm', 'G/L', 'MG', 'Pa', 'h', '{Ratio}', 'ratio', 'mL/min/1.73m2',
                    'md/dL', 'ERU', '', '  ', 'x']) AS u
 ORDER BY u COLLATE "C";

-- bad input: long strings and control characters are unmapped, not errors
SELECT precmed.unit_normalize(repeat('m', 10240)) IS NULL AS long_unmapped,
       precmed.unit_normalize_rule(repeat('m', 10240)) AS long_rule,
       precmed.unit_normalize(E'mg\x01/dL') IS NULL AS control_unmapped;
