-- ICD code maps: every value below is read from the CMS files (2018_I9gem.txt,
-- 2018_I10gem.txt, icd10cm_order_2019.txt) by hand, e.g. the GEM line
-- "0730  A70  10111" = approximate, combination, scenario 1, choice list 1.
\set VERBOSITY default
\set SHOW_CONTEXT never

-- the shipped tables hold the CMS files' row counts
SELECT (SELECT count(*) FROM precmed.icd10cm) AS icd10cm_codes,
       (SELECT count(*) FROM precmed.icd10cm WHERE billable) AS billable,
       (SELECT count(*) FROM precmed.gem_icd9_to_icd10) AS i9gem_rows,
       (SELECT count(*) FROM precmed.gem_icd10_to_icd9) AS i10gem_rows;

-- ICD-10-CM: with or without the dot, any case; headers are not billable
SELECT * FROM precmed.icd10cm('E11.9');
SELECT * FROM precmed.icd10cm(' e119 ');
SELECT * FROM precmed.icd10cm('E11');
SELECT * FROM precmed.icd10cm('s72.001a');
-- titles rebuilt at install equal the CMS text (a long 7th-character one)
SELECT description FROM precmed.icd10cm('S72.001A');
SELECT description FROM precmed.icd10cm('O09.00');

-- ICD-9-CM -> ICD-10-CM
SELECT * FROM precmed.icd9_to_icd10('250.00');
SELECT * FROM precmed.icd9_to_icd10('v58.67');
SELECT * FROM precmed.icd9_to_icd10('E880.9');
-- a combination: one code from each choice list of scenario 1 (A70 and J17)
SELECT * FROM precmed.icd9_to_icd10('073.0');
-- no map
SELECT * FROM precmed.icd9_to_icd10('36570');
-- one to many, alternatives (not a combination)
SELECT icd10, approximate, combination FROM precmed.icd9_to_icd10('996.74');

-- ICD-10-CM -> ICD-9-CM
SELECT * FROM precmed.icd10_to_icd9('Z79.4');
SELECT * FROM precmed.icd10_to_icd9('A02.1');
SELECT * FROM precmed.icd10_to_icd9('T82.868A');
SELECT * FROM precmed.icd10_to_icd9('A18.01');

-- normal forms
SELECT precmed.icd10cm_normalize('e11.9'), precmed.icd10cm_normalize('S72001A'),
       precmed.icd9cm_normalize('250.00'), precmed.icd9cm_normalize('v5867'),
       precmed.icd9cm_normalize('E880.9');

-- errors: malformed (22P02) and well-formed but unknown (22023); NULL gives nothing
SELECT * FROM precmed.icd10cm('E1.19');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.icd10cm('E11.99');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.icd9_to_icd10('25');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.icd9_to_icd10('250');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.icd10_to_icd9('E11');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM precmed.icd10_to_icd9('E11.9x.');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM precmed.icd10cm(NULL);
