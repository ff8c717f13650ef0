#!/usr/bin/env bash
# Two hospitals and a linkage unit (docs/linkage.md, "Linking across sites
# without sharing identities"): three databases of one cluster.  Each
# hospital holds its FEBRL records (febrl1: originals at hospital A,
# duplicates at hospital B), a key table only its encoding role reads, and
# a view of encodings; the linkage unit reaches only those views through
# postgres_fdw (over the socket), links them, and sends back pairs of
# local ids.  TAP output.
source "$(dirname "${BASH_SOURCE[0]}")/lib.bash"
echo "1..6"

# precmed installed once, copied three times (CREATE EXTENSION takes seconds)
fresh_db pprl_template
psql_db pprl_template -c "SET client_min_messages = warning" -c "CREATE EXTENSION precmed" >/dev/null
for db in pprl_hospital_a pprl_hospital_b pprl_linkage; do
  psql_db postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
    -c "CREATE DATABASE $db TEMPLATE pprl_template" >/dev/null
done
psql_db postgres -c "SET client_min_messages = warning" \
  -c "DROP ROLE IF EXISTS pprl_encoder" -c "DROP ROLE IF EXISTS pprl_linker" \
  -c "CREATE ROLE pprl_encoder" -c "CREATE ROLE pprl_linker LOGIN" >/dev/null

# each hospital: records, the secret in a table only the encoding role
# reads, a SECURITY DEFINER encoder owned by it, and the encodings
for site in a b; do
  if [ $site = a ]; then keep="rec_id LIKE '%-org'"; else keep="rec_id LIKE '%-dup-%'"; fi
  psql_db "pprl_hospital_$site" >"$work/site_$site.log" 2>&1 <<SQL
SET client_min_messages = warning;
CREATE TEMP TABLE raw (rec_id text, given_name text, surname text, street_number text,
  address_1 text, address_2 text, suburb text, postcode text, state text, dob text, ssid text);
\copy raw FROM '$top/test/data/linkage/dataset1.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE patient AS
SELECT trim(rec_id) AS local_id, trim(given_name) AS given_name, trim(surname) AS surname,
       trim(dob) AS dob, trim(postcode) AS postcode, trim(suburb) AS suburb
  FROM raw WHERE $keep;
CREATE TABLE linkage_key (secret text NOT NULL);
INSERT INTO linkage_key VALUES ('two-site-test-secret');
REVOKE ALL ON linkage_key FROM PUBLIC;
ALTER TABLE linkage_key OWNER TO pprl_encoder;
ALTER TABLE patient OWNER TO pprl_encoder;
CREATE FUNCTION encode_patient(given_name text, surname text, dob text, postcode text, suburb text)
  RETURNS bit varying LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS \$\$ SELECT precmed.clk_encode(ARRAY[given_name, surname, dob, postcode, suburb],
                                   (SELECT secret FROM public.linkage_key),
    '{"fields": [{"type": "name", "k": 15}, {"type": "name", "k": 15}, {"type": "text", "k": 10},
                 {"type": "text", "k": 8}, {"type": "name", "k": 5}]}') \$\$;
ALTER FUNCTION encode_patient(text, text, text, text, text) OWNER TO pprl_encoder;
CREATE TABLE outgoing AS
SELECT local_id AS id, encode_patient(given_name, surname, dob, postcode, suburb) AS clk FROM patient;
GRANT SELECT ON outgoing TO pprl_linker;
SQL
  ok $? "hospital $site encodes its records"
done

# the linkage unit: foreign tables over the hospitals' encodings only
psql_db pprl_linkage >"$work/linkage.log" 2>&1 <<SQL
SET client_min_messages = warning;
CREATE EXTENSION postgres_fdw;
CREATE SERVER hospital_a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'pprl_hospital_a', host '${PGHOST:-/var/run/postgresql}', port '${PGPORT:-5432}');
CREATE SERVER hospital_b FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'pprl_hospital_b', host '${PGHOST:-/var/run/postgresql}', port '${PGPORT:-5432}');
CREATE USER MAPPING FOR CURRENT_USER SERVER hospital_a OPTIONS (user 'pprl_linker');
CREATE USER MAPPING FOR CURRENT_USER SERVER hospital_b OPTIONS (user 'pprl_linker');
CREATE FOREIGN TABLE a_clk (id text, clk bit varying) SERVER hospital_a OPTIONS (table_name 'outgoing');
CREATE FOREIGN TABLE b_clk (id text, clk bit varying) SERVER hospital_b OPTIONS (table_name 'outgoing');
-- every duplicate at B has one original at A: keep each B record's best match
CREATE TABLE links AS
SELECT DISTINCT ON (right_id) *
  FROM precmed.clk_candidates('SELECT id, clk FROM a_clk', 'SELECT id, clk FROM b_clk', 0.5, '{"bands": 0}')
 ORDER BY right_id, dice DESC, left_id;
SQL
ok $? "the linkage unit links the encodings it reads through postgres_fdw"

# the linkage unit cannot read the patients or the key
psql_db pprl_hospital_a -U pprl_linker -c "SELECT count(*) FROM patient" >/dev/null 2>&1
a=$?
psql_db pprl_hospital_a -U pprl_linker -c "SELECT secret FROM linkage_key" >/dev/null 2>&1
b=$?
[ $a -ne 0 ] && [ $b -ne 0 ]
ok $? "the linkage role reads neither the patients nor the key at a hospital"

# the links come back to hospital B as (its id, hospital A's id), and are
# right: the same FEBRL entity number
psql_db pprl_linkage -At -c "COPY (SELECT right_id, left_id FROM links) TO STDOUT" >"$work/links.tsv"
psql_db pprl_hospital_b -At >"$work/quality.txt" 2>&1 <<SQL
CREATE TABLE link_back (local_id text, other_site_id text);
\copy link_back FROM '$work/links.tsv'
SELECT count(*), count(*) FILTER (WHERE split_part(local_id, '-', 2) = split_part(other_site_id, '-', 2)),
       (SELECT count(*) FROM patient p WHERE NOT EXISTS (SELECT 1 FROM link_back l WHERE l.local_id = p.local_id)),
       (SELECT count(*) FROM link_back l WHERE NOT EXISTS (SELECT 1 FROM patient p WHERE p.local_id = l.local_id))
  FROM link_back;
SQL
IFS='|' read -r nlinks ncorrect nunlinked nforeign <"$work/quality.txt"
echo "# links $nlinks, correct $ncorrect, hospital B records without a link $nunlinked"
[ "${nforeign:-1}" -eq 0 ] && [ "${nlinks:-0}" -ge 495 ] && [ "$ncorrect" -ge 490 ]
ok $? "links come back as pairs of local ids: $ncorrect of $nlinks right (500 duplicates at B)"

# what left the hospitals: ids and bit strings, no name, no key
psql_db pprl_linkage -At -c "SELECT string_agg(id || ' ' || clk::text, E'\n') FROM (SELECT * FROM a_clk UNION ALL SELECT * FROM b_clk) t" >"$work/shipped.txt"
! grep -qiE 'two-site-test-secret|[a-z]{3,}' <(sed 's/^rec-[0-9]*-\(org\|dup-[0-9]\) //' "$work/shipped.txt")
ok $? "only ids and bits reach the linkage unit"

[ $tap_failed -ne 0 ] && { diag "$work/site_a.log"; diag "$work/linkage.log"; }
for db in pprl_hospital_a pprl_hospital_b pprl_linkage pprl_template; do
  psql_db postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" >/dev/null
done
psql_db postgres -c "DROP ROLE IF EXISTS pprl_encoder" -c "DROP ROLE IF EXISTS pprl_linker" >/dev/null
exit $tap_failed
