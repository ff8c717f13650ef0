-- The coordinator of the shard suite (run by test/shards/shards.sh with
-- @SOCKn@/@PORTn@ replaced by the shard servers' socket folders and ports):
-- postgres_fdw servers for the three hospitals (async_capable, extensions
-- 'precmed'), and schema net holding tables partitioned by hospital whose
-- partitions are foreign tables on the shards.
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER hospital_1 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '@SOCK1@', port '@PORT1@', dbname 'hospital', async_capable 'true',
           extensions 'precmed', fetch_size '10000');
CREATE SERVER hospital_2 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '@SOCK2@', port '@PORT2@', dbname 'hospital', async_capable 'true',
           extensions 'precmed', fetch_size '10000');
CREATE SERVER hospital_3 FOREIGN DATA WRAPPER postgres_fdw
  OPTIONS (host '@SOCK3@', port '@PORT3@', dbname 'hospital', async_capable 'true',
           extensions 'precmed', fetch_size '10000');
-- a throwaway cluster trusts its Unix socket; real servers: docs/scale-out.md
CREATE USER MAPPING FOR CURRENT_USER SERVER hospital_1 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER hospital_2 OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER hospital_3 OPTIONS (user 'postgres');

DROP SCHEMA IF EXISTS net CASCADE;
CREATE SCHEMA net;
CREATE TABLE net.patients (hospital int, LIKE ml_seta.patients) PARTITION BY LIST (hospital);
CREATE TABLE net.creatinine (hospital int, LIKE ml_seta.creatinine, unit text) PARTITION BY LIST (hospital);
CREATE TABLE net.kdigo (hospital int, LIKE ml_seta.stages) PARTITION BY LIST (hospital);
CREATE TABLE net.pairs (hospital int, id_a bigint, id_b bigint, comparisons int[]) PARTITION BY LIST (hospital);
CREATE TABLE net.train (hospital int, stay_id bigint, aki boolean, label float8, features float8[])
  PARTITION BY LIST (hospital);
DO $$
DECLARE
  t text;
BEGIN
  FOR h IN 1..3 LOOP
    FOREACH t IN ARRAY ARRAY['patients', 'creatinine', 'kdigo', 'pairs', 'train'] LOOP
      EXECUTE format('CREATE FOREIGN TABLE net.%I PARTITION OF net.%I FOR VALUES IN (%s) '
                     'SERVER %I OPTIONS (schema_name %L, table_name %L)',
                     t || '_' || h, t, h, 'hospital_' || h, 'h', t);
    END LOOP;
  END LOOP;
END $$;
ANALYZE net.patients, net.creatinine, net.train;
