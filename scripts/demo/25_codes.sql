-- precmed demo, part 25: ICD-9-CM <-> ICD-10-CM with the CMS GEMs, ICD-10-CM titles.
\set ON_ERROR_STOP 1
\echo
\echo '== codes: ICD-9-CM diabetes and a combination code mapped forward (CMS 2018 GEM flags)'
SELECT m.* FROM unnest(ARRAY['250.00', '250.01', '073.0', 'V58.67']) c, precmed.icd9_to_icd10(c) m;
\echo
\echo '== codes: backward, and the ICD-10-CM FY2019 entry (billable or header)'
SELECT m.* FROM precmed.icd10_to_icd9('E11.9') m;
SELECT c.* FROM unnest(ARRAY['E11', 'e11.65', 'S72.001A']) x, precmed.icd10cm(x) c;
\echo
\echo '== codes: forward GEM rows by kind (distinct ICD-9-CM codes per kind; a code with several targets can count under two kinds)'
SELECT CASE WHEN no_map THEN 'no map' WHEN combination THEN 'combination'
            WHEN approximate THEN 'approximate' ELSE 'exact' END AS kind,
       count(DISTINCT icd9) AS icd9_codes
  FROM precmed.gem_icd9_to_icd10 GROUP BY 1 ORDER BY 2 DESC;
