-- UCUM engine, lab conversion and plausibility: values against the UCUM
-- definitions, hand-computed examples and published clinical factors; every
-- error path; bad input.
\set ON_ERROR_STOP 1
\set QUIET 1
\set essence_md5 `md5sum test/data/units/ucum-essence.xml | cut -c1-32`
BEGIN;
SELECT plan(99);

CREATE TEMP TABLE cu (c1 text, c2 text, c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text, c10 text);
\copy cu FROM 'test/data/units/TableOfExampleUcumCodesForElectronicMessaging.csv' WITH (FORMAT csv)
CREATE TEMP TABLE common_units AS SELECT c2 AS code FROM cu WHERE c1 ~ '^[0-9]+$';

-- relative closeness
CREATE FUNCTION pg_temp.close(got float8, want float8, rel float8) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS $$ SELECT abs(got - want) <= rel * abs(want) $$;

-- 1-5: the definitions and the common-units table
SELECT is(md5(xml), :'essence_md5', 'precmed.ucum_essence holds test/data/units/ucum-essence.xml byte for byte')
  FROM precmed.ucum_essence;
SELECT is(precmed.ucum_definitions_version(), '2.2', 'UCUM definitions version 2.2 are loaded');
SELECT is(count(*), 848::bigint, 'the common-units table has 848 codes') FROM common_units;
SELECT is(count(*) FILTER (WHERE precmed.ucum_valid(code)), 847::bigint,
          '847 of the 848 common-units codes are valid UCUM') FROM common_units;
SELECT set_eq($$ SELECT code, precmed.ucum_validate(code) FROM common_units WHERE NOT precmed.ucum_valid(code) $$,
              $$ VALUES ('Torr', 'unknown unit symbol "Torr" at position 1') $$,
              'the one exception is Torr, which ucum-essence 2.2 does not define');

-- 6-17: prefixes, exponents, parentheses, 10*, annotations (exact factors, 1e-9)
SELECT ok(pg_temp.close(precmed.ucum_convert(1, 'kg', 'mg'), 1e6, 1e-9), 'kg -> mg: 1e6');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, 'mg/dL', 'g/L'), 0.01, 1e-9), 'mg/dL -> g/L: 0.01');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, 'm2', 'cm2'), 1e4, 1e-9), 'm2 -> cm2: 1e4');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, 'm3', 'L'), 1000, 1e-9), 'm3 -> L: 1000');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, 'kg/(m.s2)', 'Pa'), 1, 1e-9), 'kg/(m.s2) -> Pa: 1');
SELECT ok(pg_temp.close(precmed.ucum_convert(3, 'mL/(kg.min)', 'L/(g.h)'), 3 * 60 / 1e6, 1e-9), 'mL/(kg.min) -> L/(g.h)');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, '10*9/L', '/nL'), 1, 1e-9), '10*9/L -> /nL: 1');
SELECT ok(pg_temp.close(precmed.ucum_convert(5, '10*3/uL', '10*9/L'), 5, 1e-9), '10*3/uL -> 10*9/L: 1');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, '10^3.10*-6', '10*-3'), 1, 1e-9), '10^3.10*-6 -> 10*-3: 1');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, '{cells}/uL', '/mL'), 1000, 1e-9), 'annotations equal 1: {cells}/uL -> /mL');
SELECT ok(precmed.ucum_commensurable('mL/min', 'mL/min/{1.73_m2}'), 'mL/min and mL/min/{1.73_m2} are commensurable in UCUM');
SELECT ok(pg_temp.close(precmed.ucum_convert(1, '[lb_av]', 'kg'), 0.45359237, 1e-9), '[lb_av] -> kg: 0.45359237 (exact by definition)');

-- 18-24: special units
SELECT ok(pg_temp.close(precmed.ucum_convert(37, 'Cel', '[degF]'), 98.6, 1e-9), '37 Cel = 98.6 [degF]');
SELECT ok(pg_temp.close(precmed.ucum_convert(0, 'Cel', 'K'), 273.15, 1e-9), '0 Cel = 273.15 K');
SELECT ok(pg_temp.close(precmed.ucum_convert(-40, '[degF]', 'Cel'), -40, 1e-9), '-40 [degF] = -40 Cel');
-- 10^-7.4 mol/L = 39.810717055349734 nmol/L
SELECT ok(pg_temp.close(precmed.ucum_convert(7.4, '[pH]', 'nmol/L'), 39.810717055349734, 1e-9), 'pH 7.4 = 39.81 nmol/L of H+');
SELECT ok(pg_temp.close(precmed.ucum_convert(39.810717055349734, 'nmol/L', '[pH]'), 7.4, 1e-9), '39.81 nmol/L of H+ = pH 7.4');
SELECT ok(pg_temp.close(precmed.ucum_convert(20, 'dB', '1'), 100, 1e-9), '20 dB = a ratio of 100 (prefix on a special unit)');
SELECT is(precmed.ucum_validate('Cel/h'), 'special unit "Cel" cannot take an exponent or be combined with other units',
          'special units stand alone');

-- 25-27: arbitrary units convert only to themselves
SELECT ok(pg_temp.close(precmed.ucum_convert(1, '[IU]/mL', 'm[IU]/mL'), 1000, 1e-9), '[IU]/mL -> m[IU]/mL: 1000');
SELECT ok(NOT precmed.ucum_commensurable('[IU]', '[arb''U]'), '[IU] and [arb''U] are not commensurable');
SELECT ok(precmed.ucum_commensurable('[IU]/L', '[iU]/L'), '[IU] is defined as [iU]');

-- 28-31: canonical form and factor
SELECT is(precmed.ucum_canonical('mg/dL'), 'g.m-3', 'canonical of mg/dL');
SELECT is(precmed.ucum_canonical('N'), 'm.g.s-2', 'canonical of N (gram, not kilogram, is the UCUM base)');
SELECT is(precmed.ucum_canonical('[IU]/L'), '[iU].m-3', 'canonical of [IU]/L');
SELECT is(precmed.ucum_factor('mg/dL'), 10::float8, 'mg/dL is exactly 10 g.m-3');
-- definitions' decimals are digits * 10^k: 7000 [gr] of 64.79891 mg is exactly the decimal 453.59237
SELECT is(precmed.ucum_factor('[lb_av]'), 453.59237::float8, '[lb_av] is 453.59237 g, the nearest float8 (not 453.5923700000001)');
SELECT is(precmed.ucum_factor('[oz_av]'), 28.349523125::float8, '[oz_av] is 28.349523125 g, the nearest float8');
SELECT is(precmed.ucum_factor('[ft_i]'), 0.3048::float8, '[ft_i] is 0.3048 m, the nearest float8');

-- 32-35: every analyte: molar conversions against independent factors
-- (conventional -> SI = 10^k / molar mass, molar masses summed by hand from
-- IUPAC atomic weights), and against the published rounded factors
SELECT is_empty($$
  SELECT loinc, got, want FROM (VALUES
    ('2160-0', 'mg/dL', 'umol/L', 88.40169731), ('2345-7', 'mg/dL', 'mmol/L', 0.0555074491),
    ('3091-6', 'mg/dL', 'mmol/L', 0.1665112562), ('3094-0', 'mg/dL', 'mmol/L', 0.356964375),
    ('2093-3', 'mg/dL', 'mmol/L', 0.02586224733), ('2571-8', 'mg/dL', 'mmol/L', 0.01129365421),
    ('1975-2', 'mg/dL', 'umol/L', 17.10357756), ('3084-1', 'mg/dL', 'umol/L', 59.48415342),
    ('17861-6', 'mg/dL', 'mmol/L', 0.2495134488), ('19123-9', 'mg/dL', 'mmol/L', 0.4114379757),
    ('2777-1', 'mg/dL', 'mmol/L', 0.3228514238), ('2498-4', 'ug/dL', 'umol/L', 0.1790670606),
    ('1989-3', 'ng/mL', 'nmol/L', 2.49596278), ('2986-8', 'ng/dL', 'nmol/L', 0.0346703371),
    ('2524-7', 'mg/dL', 'mmol/L', 0.1110148982), ('718-7', 'g/dL', 'mmol/L', 0.6205591238),
    ('2951-2', 'mg/dL', 'mmol/L', 0.4349717268), ('2823-3', 'mg/dL', 'mmol/L', 0.2557675584),
    ('2075-0', 'mg/dL', 'mmol/L', 0.2820874471), ('1963-8', 'mg/dL', 'mmol/L', 0.1638914384)
  ) AS t(loinc, f, s, want), LATERAL (SELECT precmed.lab_convert(1, f, s, loinc) AS got) g
  WHERE NOT pg_temp.close(got, want, 1e-4) $$,
  'mass -> substance for each analyte within 1e-4 of independently computed factors');
SELECT is_empty($$
  SELECT loinc, got, published FROM (VALUES
    ('2160-0', 'mg/dL', 'umol/L', 88.40), ('2345-7', 'mg/dL', 'mmol/L', 0.05551),
    ('3091-6', 'mg/dL', 'mmol/L', 0.1665), ('3094-0', 'mg/dL', 'mmol/L', 0.3570),
    ('2093-3', 'mg/dL', 'mmol/L', 0.02586), ('2571-8', 'mg/dL', 'mmol/L', 0.01129),
    ('1975-2', 'mg/dL', 'umol/L', 17.10), ('3084-1', 'mg/dL', 'umol/L', 59.48),
    ('17861-6', 'mg/dL', 'mmol/L', 0.2495), ('19123-9', 'mg/dL', 'mmol/L', 0.4114),
    ('2777-1', 'mg/dL', 'mmol/L', 0.3229), ('2498-4', 'ug/dL', 'umol/L', 0.1791),
    ('1989-3', 'ng/mL', 'nmol/L', 2.496), ('2986-8', 'ng/dL', 'nmol/L', 0.03467)
  ) AS t(loinc, f, s, published), LATERAL (SELECT precmed.lab_convert(1, f, s, loinc) AS got) g
  WHERE NOT pg_temp.close(got, published, 5e-4) $$,
  'and within the rounding of the published clinical factors (standardization notes, section 1)');
SELECT is_empty($$
  SELECT loinc FROM precmed.analyte a
  WHERE conversion IS NULL AND NOT pg_temp.close(
     precmed.lab_convert(precmed.lab_convert(42.5, a.conventional_unit, a.si_unit, a.loinc),
                         a.si_unit, a.conventional_unit, a.loinc), 42.5, 1e-12) $$,
  'every analyte round-trips conventional -> SI -> conventional');
SELECT is_empty($$
  SELECT loinc FROM precmed.analyte a
  WHERE molar_mass IS NOT NULL AND molar_loinc IS NOT NULL AND NOT pg_temp.close(
     precmed.lab_convert(1, 'g/L', 'mol/L', a.loinc), 1 / a.molar_mass, 1e-12) $$,
  'every analyte with a molar mass converts 1 g/L to 1/M mol/L');

-- 36-43: equivalents, HbA1c, BUN, fallbacks
SELECT ok(pg_temp.close(precmed.lab_convert(4, 'meq/L', 'mmol/L', '17861-6'), 2, 1e-12), 'calcium: 4 mEq/L = 2 mmol/L (charge 2)');
SELECT ok(pg_temp.close(precmed.lab_convert(140, 'meq/L', 'mmol/L', '2951-2'), 140, 1e-12), 'sodium: 140 mEq/L = 140 mmol/L');
SELECT ok(pg_temp.close(precmed.lab_convert(2, 'mg/dL', 'meq/L', '19123-9'), 2 * 10 / 24.305 * 2, 1e-9), 'magnesium: mg/dL -> mEq/L');
-- IFCC = 10.929 (NGSP - 2.15): 7 % -> 53.00565 mmol/mol
SELECT ok(pg_temp.close(precmed.lab_convert(7, '%', 'mmol/mol', '4548-4'), 53.00565, 1e-9), 'HbA1c 7 % = 53.0 mmol/mol (IFCC-NGSP master equation)');
SELECT ok(pg_temp.close(precmed.lab_convert(48, 'mmol/mol', '%', '59261-8'), 48 / 10.929 + 2.15, 1e-9), 'HbA1c 48 mmol/mol = 6.54 %');
SELECT ok(pg_temp.close(precmed.lab_convert(precmed.lab_convert(6.1, '%', 'mmol/mol', '4548-4'), 'mmol/mol', '%', '4548-4'), 6.1, 1e-12), 'HbA1c round trip');
SELECT ok(pg_temp.close(precmed.lab_convert(1, 'g/L', 'mg/dL', '2160-0'), 100, 1e-12), 'commensurable units need no molar mass');
SELECT ok(pg_temp.close(precmed.lab_convert(98.6, '[degF]', 'Cel', '8310-5'), 37, 1e-9), 'special units convert as in UCUM');

-- 44-45: round trips and the per-call-site cache (more pairs than its 8 slots)
SELECT is_empty($$
  SELECT a, b FROM (VALUES ('mg/dL','g/L'), ('10*3/uL','10*9/L'), ('Cel','[degF]'), ('[pH]','mol/L'),
     ('[in_i]','cm'), ('mm[Hg]','kPa'), ('[IU]/L','m[IU]/mL'), ('mL/min','L/h'), ('dB','1'),
     ('%','1'), ('[lb_av]','g'), ('ng/mL','ug/m3'), ('kg/m2','g/cm2'), ('/min','Hz')) p(a, b),
     LATERAL (SELECT precmed.ucum_convert(precmed.ucum_convert(7.25, a, b), b, a) AS back) r
  WHERE NOT pg_temp.close(back, 7.25, 1e-12) $$,
  'A -> B -> A gives the value back');
SELECT is_empty($$
  SELECT i, a, b FROM generate_series(1, 60) i,
     LATERAL (SELECT (ARRAY['kg','g','mg','ug','ng','pg','fg','dg','cg','hg'])[1 + i % 10] AS a,
                     (ARRAY['g','mg','kg'])[1 + i % 3] AS b) u
  WHERE NOT pg_temp.close(precmed.ucum_convert(i, a, b),
                          i * precmed.ucum_factor(a) / precmed.ucum_factor(b), 1e-12) $$,
  'a column of many unit pairs converts right through the cache');

-- 46-51: plausibility
SELECT is(precmed.lab_plausible('2345-7', 185, 'mmol/L'), false, 'glucose 185 mmol/L is implausible');
SELECT is(precmed.lab_plausible('2345-7', 185, 'mg/dL'), true, 'glucose 185 mg/dL is plausible');
SELECT is(precmed.lab_plausible('2823-3', 25, 'mmol/L'), false, 'potassium 25 mmol/L is implausible');
SELECT is(precmed.lab_plausible('2160-0', 1.1, 'mg/dL'), true, 'creatinine 1.1 mg/dL is plausible');
SELECT is(precmed.lab_plausible('2160-0', 'NaN', 'mg/dL'), false, 'NaN is implausible');
SELECT is(precmed.lab_plausible('2160-0', '-Infinity', 'mg/dL'), false, '-Infinity is implausible');

-- 52-68: error paths
SELECT throws_ok($$ SELECT precmed.ucum_convert(1, 'mg/dX', 'g/L') $$, '22023',
  'invalid UCUM unit "mg/dX" in argument from_unit: unknown unit symbol "dX" at position 4', 'invalid from_unit');
SELECT throws_ok($$ SELECT precmed.ucum_convert(1, 'g/L', 'mEq/L') $$, '22023',
  'invalid UCUM unit "mEq/L" in argument to_unit: unknown unit symbol "mEq" at position 1', 'invalid to_unit');
SELECT throws_ok($$ SELECT precmed.ucum_convert(1, 'mg/dL', 'umol/L') $$, '22023',
  'cannot convert from "mg/dL" to "umol/L": the units are not commensurable', 'incommensurable units, both named');
SELECT throws_ok($$ SELECT precmed.ucum_canonical('mg/dX') $$, '22023', NULL, 'ucum_canonical of an invalid unit');
SELECT throws_ok($$ SELECT precmed.ucum_commensurable('mg', 'x') $$, '22023', NULL, 'ucum_commensurable of an invalid unit');
SELECT throws_ok($$ SELECT precmed.ucum_factor('Cel') $$, '22023', 'special unit "Cel" has no factor', 'special units have no factor');
SELECT throws_ok($$ SELECT precmed.lab_convert(1, 'mg/dL', 'umol/L', '9999-9') $$, '22023',
  'LOINC 9999-9 is not in precmed.analyte', 'unknown LOINC code');
SELECT throws_ok($$ SELECT precmed.lab_convert(1, 'mg/dL', 'mmol/L', '2028-9') $$, '22023',
  'no molar mass for LOINC 2028-9 (Carbon dioxide, total)', 'missing molar mass');
SELECT throws_ok($$ SELECT precmed.lab_convert(1, 'meq/L', 'mmol/L', '2777-1') $$, '22023',
  'no ion charge for LOINC 2777-1 (Phosphate (as P))', 'missing ion charge');
SELECT throws_ok($$ SELECT precmed.lab_convert(1, 'mg/dL', 'mmol/h', '2160-0') $$, '22023',
  'cannot convert from "mg/dL" to "mmol/h" for LOINC 2160-0: the units are not commensurable', 'lab units that differ beyond the amount');
SELECT throws_ok($$ SELECT precmed.lab_convert(7, '%', 'mmol/L', '4548-4') $$, '22023', NULL, 'HbA1c to a concentration');
SELECT throws_ok($$ SELECT precmed.lab_plausible('9999-9', 1, 'mg/dL') $$, '22023', NULL, 'plausibility of an unknown LOINC code');
SELECT throws_ok($$ SELECT precmed.lab_plausible('2160-0', 1, 'mg/h') $$, '22023', NULL, 'plausibility in a unit that does not convert');
SELECT throws_ok($$ SELECT precmed.ucum_convert(0, 'mol/L', '[pH]') $$, '2201E', NULL, 'pH of zero concentration');
SELECT throws_ok($$ SELECT precmed.ucum_convert(1e300, 'Gg', 'ug') $$, '22003', 'converting 1e+300 overflows float8', 'overflow');
SELECT throws_ok($$ SELECT precmed.ucum_convert('Infinity', 'Cel', 'K') $$, '22003', NULL, 'infinity into a special unit');
SELECT throws_ok($$ SELECT precmed.ucum_convert(1, repeat('x', 10240), 'g') $$, '22023',
  'invalid UCUM unit "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (10240 bytes) in argument from_unit: unknown unit symbol "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"... (10240 bytes) at position 1',
  'a 10 kB unit is reported shortened');

-- 69-80: bad input never crashes
SELECT is(precmed.ucum_validate(''), 'it is empty', 'empty unit');
SELECT is(precmed.ucum_valid(repeat('m.', 5000) || 'm'), false, '10 kB of m.m.m... exceeds the exponent limit');
SELECT is(precmed.ucum_validate(repeat('(', 6000) || 'm' || repeat(')', 6000)), 'parentheses nested too deeply', 'deep nesting');
SELECT is(precmed.ucum_validate('mg/(dL'), 'unbalanced ''('' at position 4', 'unbalanced (');
SELECT is(precmed.ucum_validate('mg)'), 'unbalanced '')'' at position 3', 'unbalanced )');
SELECT is(precmed.ucum_validate('[in_i'), 'unbalanced ''['' at position 1', 'unbalanced [');
SELECT is(precmed.ucum_validate('mg{x'), 'unbalanced ''{'' at position 3', 'unbalanced {');
SELECT is(precmed.ucum_validate('m99999'), 'exponent "99999" is too large (at most 1000)', 'huge exponent');
SELECT is(precmed.ucum_validate('10*400'), 'its magnitude is out of the range of float8', 'huge power of ten');
SELECT ok(precmed.ucum_convert('NaN', 'mg', 'g') = 'NaN'::float8, 'NaN converts to NaN');
SELECT is(precmed.ucum_convert('-Infinity', 'mg', 'g'), '-Infinity'::float8, '-Infinity converts to -Infinity');
SELECT is(precmed.ucum_convert(NULL, 'mg', 'g'), NULL, 'NULL in, NULL out');

-- 81-84: generated junk: no crash, and whatever normalizes is valid UCUM
CREATE TEMP TABLE junk AS
  SELECT string_agg((ARRAY['mg','dL','10*','10^','[in_i]','Cel','[pH]','(',')','{a}','/','.','-3','2',
                           'mol','eq','[IU]','dB','m','[',']','{','}','^','UCUM','x10E','mc','IU','cells',' ',
                           'µ','MG','L','%','°'])[1 + (abs(hashint4(i * 31 + j)) % 35)], '') AS u
    FROM generate_series(1, 20000) i, generate_series(1, 8) j
   WHERE j <= 1 + abs(hashint4(i)) % 8
   GROUP BY i;
SELECT is(count(*), 20000::bigint, 'every generated string is checked without error')
  FROM junk WHERE precmed.ucum_valid(u) OR precmed.ucum_validate(u) IS NOT NULL;
SELECT is_empty($$ SELECT u, precmed.unit_normalize(u) FROM junk
                   WHERE precmed.unit_normalize(u) IS NOT NULL AND NOT precmed.ucum_valid(precmed.unit_normalize(u)) $$,
                'every normalized result is valid UCUM');
SELECT is_empty($$ SELECT u FROM unnest(ARRAY['n', 'mc', 'µ', 'Cel^x', '{a} IU']) u WHERE precmed.unit_normalize(u) IS NOT NULL $$,
                'no guesses: lower case read as case-insensitive UCUM (n -> N), a lone micro sign, a single caret, a second annotation');
SELECT is(precmed.unit_normalize_rule('{a} IU'), 'annotation_from_text+invalid_result+unmapped',
          'a rewrite that yields invalid UCUM is dropped');

-- 85-86: users extend precmed.analyte (their rows are dumped by pg_dump)
SELECT is(count(*), 49::bigint, '49 shipped analyte rows') FROM precmed.analyte WHERE shipped;
INSERT INTO precmed.analyte (loinc, analyte, property, formula, molar_mass, conventional_unit, si_unit)
  VALUES ('LOCAL-CREA', 'Creatinine (local code)', 'mass concentration', 'C4H7N3O', 113.12, 'mg/dL', 'umol/L');
SELECT ok(pg_temp.close(precmed.lab_convert(1, 'mg/dL', 'umol/L', 'LOCAL-CREA'), 88.40169731, 1e-9),
          'a row added by the user converts like the shipped ones');

-- 87-89: every atom of ucum-essence parses, and takes every prefix when metric
SELECT results_eq($$ SELECT kind, count(*) FROM precmed.ucum_unit GROUP BY kind ORDER BY kind $$,
                  $$ VALUES ('base', 7::bigint), ('prefix', 24::bigint), ('unit', 305::bigint) $$,
                  'precmed.ucum_unit lists 7 base units, 24 prefixes and 305 units');
SELECT is_empty($$ SELECT code, precmed.ucum_validate(code) FROM precmed.ucum_unit
                   WHERE kind <> 'prefix' AND NOT precmed.ucum_valid(code) $$,
                'each of the 312 atoms is a valid unit on its own (every definition resolves)');
SELECT is_empty($$ SELECT p.code || u.code FROM precmed.ucum_unit p, precmed.ucum_unit u
                   WHERE p.kind = 'prefix' AND u.kind <> 'prefix' AND u.is_metric AND NOT u.is_special
                     AND NOT pg_temp.close(precmed.ucum_factor(p.code || u.code),
                                           p.value::float8 * precmed.ucum_factor(u.code), 1e-12) $$,
                'each of the 2064 prefix x metric unit pairs is worth the prefix times the unit');

-- 90: the other special units, against their definitions worked by hand
SELECT is_empty($$
  SELECT v, f, t, want, precmed.ucum_convert(v, f, t) FROM (VALUES
    (20, 'dB[SPL]', 'uPa', 200),               -- 20 uPa x 10^(2/2)
    (80, '[degRe]', 'Cel', 100),               -- 80 x 5/4
    (100, '%[slope]', 'deg', 45),              -- atan(1)
    (100, '[p''diop]', 'rad', pi() / 4),       -- atan(100/100)
    (2, '[hp''_C]', '1', 1e-4),                -- 100^-2
    (3, '[hp''_X]', '1', 1e-3),                -- 10^-3
    (8, 'bit_s', '1', 256),                    -- 2^8
    (1, 'Np', '1', exp(1)),                    -- e^1
    (1, 'B[kW]', 'W', 10000),                  -- 1 kW x 10^1
    (6, 'B[V]', 'V', 1000),                    -- 1 V x 10^(6/2)
    (2, '[m/s2/Hz^(1/2)]', 'm2/s4/Hz', 4)      -- 2^2
  ) AS c(v, f, t, want)
  WHERE NOT pg_temp.close(precmed.ucum_convert(v, f, t), want, 1e-9) $$,
  'logarithmic, trigonometric, homeopathic and root special units');

-- 91: NaN and infinities through lab_convert and special units
SELECT is(ARRAY[precmed.lab_convert('NaN', 'mg/dL', 'umol/L', '2160-0'),
                precmed.lab_convert('Infinity', 'mg/dL', 'umol/L', '2160-0'),
                precmed.lab_convert('NaN', '%', 'mmol/mol', '4548-4'),
                precmed.lab_convert('-Infinity', '%', 'mmol/mol', '4548-4'),
                precmed.ucum_convert('NaN', 'Cel', 'K')],
          ARRAY['NaN', 'Infinity', 'NaN', '-Infinity', 'NaN']::float8[],
          'NaN stays NaN and infinities stay infinite where the conversion is monotone');

-- 92-93: the LOINC twin that fits a unit
SELECT is(ARRAY[precmed.lab_twin_loinc('2160-0', 'umol/L'), precmed.lab_twin_loinc('14682-9', 'mg/dL'),
                precmed.lab_twin_loinc('2160-0', 'mg/dL'), precmed.lab_twin_loinc('17861-6', 'meq/L'),
                precmed.lab_twin_loinc('2160-0', '1'), precmed.lab_twin_loinc('2951-2', 'mg/dL')],
          ARRAY['14682-9', '2160-0', '2160-0', '2000-8', NULL, NULL],
          'mass unit -> mass code, substance or equivalents unit -> molar code, else NULL');
SELECT throws_ok($$ SELECT precmed.lab_twin_loinc('9999-9', 'mg/dL') $$, '22023',
  'LOINC 9999-9 is not in precmed.analyte', 'twin of an unknown LOINC code');

-- 94-96: a PL/pgSQL expression keeps its per-call-site cache from call to
-- call while its parameters change: the conversion follows the values given
CREATE FUNCTION pg_temp.uc(v float8, f text, t text) RETURNS float8 LANGUAGE plpgsql
  AS $$ BEGIN RETURN precmed.ucum_convert(v, f, t); END $$;
CREATE FUNCTION pg_temp.lc(v float8, f text, t text, loinc text) RETURNS float8 LANGUAGE plpgsql
  AS $$ BEGIN RETURN precmed.lab_convert(v, f, t, loinc); END $$;
CREATE FUNCTION pg_temp.lp(loinc text, v float8, u text) RETURNS boolean LANGUAGE plpgsql
  AS $$ BEGIN RETURN precmed.lab_plausible(loinc, v, u); END $$;
SELECT is(ARRAY[pg_temp.uc(1, 'mg/dL', 'g/L'), pg_temp.uc(1, 'g/L', 'g/L'), pg_temp.uc(1, 'kg/L', 'g/L')],
          ARRAY[0.01, 1, 1000]::float8[], 'ucum_convert in PL/pgSQL follows its unit parameters from call to call');
SELECT ok(pg_temp.close(pg_temp.lc(1, 'mg/dL', 'umol/L', '2160-0'), 88.40169731258841, 1e-12)
          AND pg_temp.close(pg_temp.lc(1, 'g/L', 'umol/L', '2160-0'), 8840.169731258839, 1e-12)
          AND pg_temp.close(pg_temp.lc(1, 'mmol/L', 'mg/dL', '2345-7'), 18.0156, 1e-12),
          'lab_convert in PL/pgSQL follows its unit and LOINC parameters from call to call');
SELECT is(ARRAY[pg_temp.lp('2345-7', 185, 'mmol/L'), pg_temp.lp('2345-7', 185, 'mg/dL'),
                pg_temp.lp('2823-3', 25, 'mmol/L')],
          ARRAY[false, true, false], 'lab_plausible in PL/pgSQL follows its parameters from call to call');

SELECT * FROM finish();
ROLLBACK;
