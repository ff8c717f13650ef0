-- precmed demo, part 35: linking patients across sites without sharing who they
-- are (docs/linkage.md, "Linking across sites without sharing identities").
-- Two "hospitals" hold FEBRL 2's originals and duplicates; each sends only ids
-- and keyed Bloom-filter encodings; the linkage unit compares encodings.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET search_path = linkage_demo, public;

\echo
\echo '== privacy-preserving linkage: each site encodes names, date of birth, postcode, suburb'
\echo '   with a secret shared by the sites only (here a random one, never printed or stored)'
SELECT encode(sha256(random()::text::bytea), 'hex') AS secret \gset
\set params '{"fields": [{"type": "name", "k": 15}, {"type": "name", "k": 15}, {"type": "text", "k": 10}, {"type": "text", "k": 8}, {"type": "name", "k": 5}]}'
CREATE TABLE site_a_out AS
SELECT rec_id AS id, precmed.clk_encode(ARRAY[given_name, surname, dob, postcode, suburb], :'secret', :'params') AS clk
  FROM person WHERE dataset = 2 AND rec_id LIKE '%-org';
CREATE TABLE site_b_out AS
SELECT rec_id AS id, precmed.clk_encode(ARRAY[given_name, surname, dob, postcode, suburb], :'secret', :'params') AS clk
  FROM person WHERE dataset = 2 AND rec_id LIKE '%-dup-%';
\unset secret
SELECT (SELECT count(*) FROM site_a_out) AS site_a_records, (SELECT count(*) FROM site_b_out) AS site_b_records,
       precmed.clk_info((SELECT clk FROM site_a_out LIMIT 1)) ->> 'filter_bits' AS bits_per_encoding;

\echo
\echo '== the linkage unit: every pair compared in C (Dice >= 0.6), the best site-A record per site-B record'
CREATE TABLE clk_links AS
SELECT DISTINCT ON (right_id) right_id AS b_id, left_id AS a_id, dice
  FROM precmed.clk_candidates('SELECT id, clk FROM linkage_demo.site_a_out',
                              'SELECT id, clk FROM linkage_demo.site_b_out', 0.6, '{"bands": 0}')
 ORDER BY right_id, dice DESC, left_id;
SELECT count(*) AS links,
       count(*) FILTER (WHERE a.entity = b.entity) AS correct,
       (SELECT count(*) FROM site_b_out) AS duplicates_to_find
  FROM clk_links l JOIN person a ON a.dataset = 2 AND a.rec_id = l.a_id
                   JOIN person b ON b.dataset = 2 AND b.rec_id = l.b_id;
\echo '(the secret is random on each run, so the counts move by a few; docs/linkage.md has the FEBRL figures)'
