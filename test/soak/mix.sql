-- One pgbench transaction of the soak test: a call of each of the
-- functions a busy server runs all day, on a shared model table.
\set v random(1, 1000000)
\set k random(1, 100)
SELECT precmed.predict(m.model, ARRAY[:v % 7 / 7.0, (:v % 11) / 11.0, :v % 5, ln(1 + :v % 97),
                                      CASE WHEN :v % 5 = 0 THEN 'NaN'::float8 ELSE :v % 13 / 13.0 END,
                                      :v % 101 / 101.0])
  FROM precmed.models m WHERE m.name = CASE WHEN :v % 2 = 0 THEN 'soak_xgb' ELSE 'soak_logreg' END;
SELECT precmed.ucum_convert(:v / 1000.0, 'mg/dL', 'g/L');
SELECT precmed.lab_convert(:v / 100000.0, 'mg/dL', 'umol/L', '2160-0');
SELECT precmed.jaro_winkler('MARTHA' || (:v % 37), 'MARHTA' || (:v % 41));
SELECT count(*) FROM soak_message s, precmed.hl7v2_observations(s.message, false) o WHERE s.id = 1 + :v % 3;
SELECT precmed.auroc(score, label) FROM soak_scores WHERE bucket = :v % 20;
-- one transaction in a hundred records this backend's memory
INSERT INTO soak_memory SELECT pg_backend_pid(), clock_timestamp(), sum(total_bytes)
  FROM pg_backend_memory_contexts WHERE :k = 1;
