-- precmed upgrade 0.1.0 -> 0.2.0, part 45: live AKI stages and alerts (new in 0.2.0).
\echo Use "ALTER EXTENSION precmed UPDATE TO '0.2.0'" to load this file. \quit


-- ---- state -------------------------------------------------------------------

CREATE TABLE precmed.aki_watch (
    watch_id int PRIMARY KEY DEFAULT 1 CHECK (watch_id = 1),
    stays regclass NOT NULL,
    creatinine regclass NOT NULL,
    urine_output regclass NOT NULL,
    weight regclass NOT NULL,
    smooth_by text NOT NULL,
    stage3_rule text NOT NULL,
    channel text NOT NULL,
    options jsonb NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now());
COMMENT ON TABLE precmed.aki_watch IS
  'The tables precmed.aki_watch_start watches (at most one watch) and its options. See docs/aki_alerts.md.';
SELECT pg_catalog.pg_extension_config_dump('precmed.aki_watch', '');

CREATE TABLE precmed.aki_current (
    stay_id bigint PRIMARY KEY,
    charttime timestamp NOT NULL,
    aki_stage int,
    aki_stage_creat int,
    aki_stage_uo int,
    updated_at timestamptz NOT NULL,
    subject_id bigint NOT NULL,
    aki_stage_smoothed int,
    last_creatinine timestamp,
    last_urine timestamp);
CREATE INDEX aki_current_subject_idx ON precmed.aki_current (subject_id);
COMMENT ON TABLE precmed.aki_current IS
  'Current KDIGO stage of every watched stay: the last row of precmed.kdigo_stages over the watched tables, kept up to date by the watch''s triggers. See docs/aki_alerts.md.';
SELECT pg_catalog.pg_extension_config_dump('precmed.aki_current', '');

CREATE TABLE precmed.aki_alert (
    alert_id bigserial PRIMARY KEY,
    stay_id bigint NOT NULL,
    charttime timestamp NOT NULL,
    kind text NOT NULL CHECK (kind IN ('stage_1', 'stage_2', 'stage_3', 'retracted')),
    stage int NOT NULL CHECK (stage BETWEEN 1 AND 3),
    previous_stage int,
    raised_at timestamptz NOT NULL DEFAULT now(),
    subject_id bigint NOT NULL,
    -- the alert_id of an alert of this table; no self-referencing foreign key, because
    -- pg_dump dumps this config table's rows on their own and warns on circular keys
    retracts bigint UNIQUE,
    CHECK ((kind = 'retracted') = (retracts IS NOT NULL)),
    CHECK (kind = 'retracted' OR kind = 'stage_' || stage));
CREATE INDEX aki_alert_subject_idx ON precmed.aki_alert (subject_id);
COMMENT ON TABLE precmed.aki_alert IS
  'AKI alerts of the watch: stage_1, stage_2, stage_3 when a stay first reaches that stage (charttime: the first time kdigo_stages gives it), retracted when a late or corrected result moves or removes that first time (retracts: the alert it retracts). Never deleted by precmed. See docs/aki_alerts.md.';
SELECT pg_catalog.pg_extension_config_dump('precmed.aki_alert', '');
SELECT pg_catalog.pg_extension_config_dump('precmed.aki_alert_alert_id_seq', '');

CREATE VIEW precmed.aki_dashboard AS
  SELECT c.stay_id, c.subject_id, c.aki_stage, c.aki_stage_creat, c.aki_stage_uo,
         c.charttime AS staged_at,
         LOCALTIMESTAMP - c.last_creatinine AS since_creatinine,
         LOCALTIMESTAMP - c.last_urine AS since_urine,
         ARRAY(SELECT a.kind FROM precmed.aki_alert a
                WHERE a.stay_id = c.stay_id AND a.kind <> 'retracted'
                  AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id)
                ORDER BY a.stage) AS open_alerts,
         (SELECT max(a.raised_at) FROM precmed.aki_alert a WHERE a.stay_id = c.stay_id) AS last_alert_at,
         c.updated_at
    FROM precmed.aki_current c;
COMMENT ON VIEW precmed.aki_dashboard IS
  'The AKI watch for a ward''s screen: per stay its current stage, the time since its last creatinine and urine volume (charttimes are read as local time), the stage alerts in force and when its last alert was raised. See docs/aki_alerts.md.';

-- ---- recomputing ---------------------------------------------------------------

-- Per stay of the subjects: kdigo_stages' last row and first time of each stage (C).
CREATE FUNCTION precmed_internal.aki_watch_stage(stays regclass, creatinine regclass,
                                                 urine_output regclass, weight regclass,
                                                 subjects bigint[], smooth_by text, stage3_rule text)
  RETURNS TABLE(stay_id bigint, subject_id bigint, charttime timestamp, aki_stage int,
                aki_stage_creat int, aki_stage_uo int, aki_stage_smoothed int,
                first_stage1 timestamp, first_stage2 timestamp, first_stage3 timestamp,
                last_creatinine timestamp, last_urine timestamp)
  AS 'MODULE_PATHNAME', 'aki_watch_stage'
  LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 10;
COMMENT ON FUNCTION precmed_internal.aki_watch_stage(regclass, regclass, regclass, regclass, bigint[], text, text) IS
  'Internal to the AKI watch: precmed.kdigo_stages over the watched tables for the given subjects (a NULL outtime is an open stay), one row per stay: its last row, the first charttime of stages 1, 2 and 3, and the charttimes of its last creatinine and urine rows.';

-- Stage the given subjects again from the watched tables; update aki_current and
-- aki_alert and notify.  Caller holds the subjects' locks.
CREATE FUNCTION precmed_internal.aki_watch_refresh(w precmed.aki_watch, subjects bigint[], notify boolean)
  RETURNS int
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
  n int;
  sent int;
BEGIN
  IF cardinality(subjects) = 0 THEN
    RETURN 0;
  END IF;
  WITH cur AS MATERIALIZED (
         SELECT k.* FROM precmed_internal.aki_watch_stage(w.stays, w.creatinine, w.urine_output, w.weight,
                                                          subjects, w.smooth_by, w.stage3_rule) k),
       firsts AS (
         SELECT cur.stay_id, cur.subject_id, l.level, l.t
           FROM cur, LATERAL (VALUES (1, cur.first_stage1), (2, cur.first_stage2), (3, cur.first_stage3)) l(level, t)
          WHERE l.t IS NOT NULL),
       old AS (SELECT c.stay_id, c.aki_stage FROM precmed.aki_current c
                WHERE c.subject_id = ANY (subjects)),
       active AS (
         SELECT a.alert_id, a.stay_id, a.subject_id, a.charttime, a.stage FROM precmed.aki_alert a
          WHERE a.subject_id = ANY (subjects) AND a.kind <> 'retracted'
            AND NOT EXISTS (SELECT 1 FROM precmed.aki_alert r WHERE r.retracts = a.alert_id)),
       upserted AS (
         INSERT INTO precmed.aki_current AS c (stay_id, charttime, aki_stage, aki_stage_creat,
                                               aki_stage_uo, updated_at, subject_id, aki_stage_smoothed,
                                               last_creatinine, last_urine)
         SELECT cur.stay_id, cur.charttime, cur.aki_stage, cur.aki_stage_creat, cur.aki_stage_uo,
                now(), cur.subject_id, cur.aki_stage_smoothed, cur.last_creatinine, cur.last_urine FROM cur
         ON CONFLICT (stay_id) DO UPDATE
           SET charttime = excluded.charttime, aki_stage = excluded.aki_stage,
               aki_stage_creat = excluded.aki_stage_creat, aki_stage_uo = excluded.aki_stage_uo,
               updated_at = excluded.updated_at, subject_id = excluded.subject_id,
               aki_stage_smoothed = excluded.aki_stage_smoothed,
               last_creatinine = excluded.last_creatinine, last_urine = excluded.last_urine
           WHERE (c.charttime, c.aki_stage, c.aki_stage_creat, c.aki_stage_uo, c.subject_id, c.aki_stage_smoothed,
                  c.last_creatinine, c.last_urine)
                 IS DISTINCT FROM (excluded.charttime, excluded.aki_stage, excluded.aki_stage_creat,
                                   excluded.aki_stage_uo, excluded.subject_id, excluded.aki_stage_smoothed,
                                   excluded.last_creatinine, excluded.last_urine)),
       removed AS (
         DELETE FROM precmed.aki_current c
          WHERE c.subject_id = ANY (subjects)
            AND NOT EXISTS (SELECT 1 FROM cur WHERE cur.stay_id = c.stay_id)),
       changes AS (
         SELECT coalesce(f.stay_id, a.stay_id) AS stay_id, coalesce(f.subject_id, a.subject_id) AS subject_id,
                coalesce(f.level, a.stage) AS level, f.t, a.alert_id, a.charttime AS alerted
           FROM firsts f FULL JOIN active a ON a.stay_id = f.stay_id AND a.stage = f.level
          WHERE f.t IS DISTINCT FROM a.charttime),
       raised AS (
         INSERT INTO precmed.aki_alert (stay_id, charttime, kind, stage, previous_stage, subject_id, retracts)
         SELECT x.stay_id, x.charttime, x.kind, x.level, o.aki_stage, x.subject_id, x.retracts
           FROM (SELECT ch.stay_id, ch.subject_id, ch.alerted AS charttime, 'retracted' AS kind, ch.level,
                        ch.alert_id AS retracts, 0 AS pass
                   FROM changes ch WHERE ch.alert_id IS NOT NULL
                 UNION ALL
                 SELECT ch.stay_id, ch.subject_id, ch.t, 'stage_' || ch.level, ch.level, NULL, 1
                   FROM changes ch WHERE ch.t IS NOT NULL) x
           LEFT JOIN old o ON o.stay_id = x.stay_id
          ORDER BY x.stay_id, x.pass, x.level
         RETURNING *)
  SELECT count(*),
         count(CASE WHEN notify THEN pg_catalog.pg_notify(w.channel, pg_catalog.json_build_object(
           'alert_id', r.alert_id, 'stay_id', r.stay_id, 'subject_id', r.subject_id,
           'charttime', r.charttime, 'kind', r.kind, 'stage', r.stage,
           'previous_stage', r.previous_stage, 'retracts', r.retracts)::text) END)
    INTO n, sent FROM raised r;
  RETURN n;
END
$fn$;
COMMENT ON FUNCTION precmed_internal.aki_watch_refresh(precmed.aki_watch, bigint[], boolean) IS
  'Internal to the AKI watch: stages the given subjects again with precmed.kdigo_stages and brings precmed.aki_current and precmed.aki_alert up to date.';

-- Lock the subjects' lock buckets (transaction-level advisory locks, in key order).
CREATE FUNCTION precmed_internal.aki_watch_lock(subjects bigint[])
  RETURNS void
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
BEGIN
  -- 1024 buckets bound the locks a statement holds; key order keeps writers deadlock-free
  PERFORM pg_catalog.pg_advisory_xact_lock(1347240267, b.bucket)
     FROM (SELECT DISTINCT (pg_catalog.hashint8(s) & 1023) AS bucket FROM unnest(subjects) s ORDER BY 1) b;
END
$fn$;
COMMENT ON FUNCTION precmed_internal.aki_watch_lock(bigint[]) IS
  'Internal to the AKI watch: takes the transaction-level advisory locks (1347240267, hashint8(subject_id) & 1023) of the subjects, in key order.';

-- Every subject the watch may have to stage again: the stays table's, and those
-- aki_current or an alert still names.
CREATE FUNCTION precmed_internal.aki_watch_all_subjects(w precmed.aki_watch)
  RETURNS bigint[]
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
  subjects bigint[];
BEGIN
  EXECUTE format('SELECT coalesce(array_agg(x.subject_id ORDER BY x.subject_id), %L)'
                 ' FROM (SELECT s.subject_id FROM %s s UNION SELECT c.subject_id FROM precmed.aki_current c'
                 '       UNION SELECT a.subject_id FROM precmed.aki_alert a) x'
                 ' WHERE x.subject_id IS NOT NULL', '{}', w.stays)
    INTO subjects;
  RETURN subjects;
END
$fn$;
COMMENT ON FUNCTION precmed_internal.aki_watch_all_subjects(precmed.aki_watch) IS
  'Internal to the AKI watch: the subjects of the watched stays table, of precmed.aki_current and of precmed.aki_alert.';

-- The statement trigger on each watched table (TG_ARGV[0]: its role): the
-- subjects the statement touched, locked in order, staged again.
CREATE FUNCTION precmed_internal.aki_watch_trigger()
  RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
  w precmed.aki_watch;
  stay_ids bigint[];
  subjects bigint[];
  known bigint;
BEGIN
  SELECT * INTO w FROM precmed.aki_watch WHERE watch_id = 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  -- static statements: PL/pgSQL compiles a trigger function once per trigger, and
  -- prepares a statement when it first runs, so each names only columns its table has
  IF TG_OP = 'TRUNCATE' THEN
    subjects := precmed_internal.aki_watch_all_subjects(w);
  ELSIF TG_ARGV[0] IN ('stays', 'creatinine') THEN
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(DISTINCT t.subject_id ORDER BY t.subject_id) INTO subjects FROM pm_new t;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(DISTINCT t.subject_id ORDER BY t.subject_id) INTO subjects FROM pm_old t;
    ELSE
      SELECT array_agg(t.subject_id ORDER BY t.subject_id) INTO subjects
        FROM (SELECT n.subject_id FROM pm_new n UNION SELECT o.subject_id FROM pm_old o) t;
    END IF;
  ELSE
    IF TG_OP = 'INSERT' THEN
      SELECT array_agg(DISTINCT t.stay_id) INTO stay_ids FROM pm_new t WHERE t.stay_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
      SELECT array_agg(DISTINCT t.stay_id) INTO stay_ids FROM pm_old t WHERE t.stay_id IS NOT NULL;
    ELSE
      SELECT array_agg(t.stay_id) INTO stay_ids
        FROM (SELECT n.stay_id FROM pm_new n UNION SELECT o.stay_id FROM pm_old o) t WHERE t.stay_id IS NOT NULL;
    END IF;
    -- a urine or weight row names a stay: its subject as precmed.aki_current has it when the
    -- stay is staged already (kept current by the stays table's own trigger), else
    -- from the stays table; a stay in neither is unknown and stages nothing
    SELECT array_agg(DISTINCT c.subject_id ORDER BY c.subject_id), count(*) INTO subjects, known
      FROM precmed.aki_current c WHERE c.stay_id = ANY (stay_ids);
    IF known < cardinality(stay_ids) THEN
      EXECUTE format('SELECT array_agg(DISTINCT s.subject_id ORDER BY s.subject_id) FROM %s s'
                     ' WHERE s.stay_id = ANY ($1)', w.stays) INTO subjects USING stay_ids;
    END IF;
  END IF;
  subjects := array_remove(subjects, NULL);
  IF cardinality(subjects) > 0 THEN
    PERFORM precmed_internal.aki_watch_lock(subjects);
    PERFORM precmed_internal.aki_watch_refresh(w, subjects, true);
  END IF;
  RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION precmed_internal.aki_watch_trigger() IS
  'Internal to the AKI watch: statement trigger of the watched tables; stages the subjects the statement touched again.';

-- ---- starting and stopping -------------------------------------------------------

-- Watch four tables: triggers on each, aki_current and aki_alert brought up to date.
CREATE FUNCTION precmed.aki_watch_start(stays regclass, creatinine regclass, urine_output regclass,
                                        weight regclass, options jsonb DEFAULT '{}')
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
  w precmed.aki_watch;
  tables regclass[] := ARRAY[stays, creatinine, urine_output, weight];
  roles text[] := ARRAY['stays', 'creatinine', 'urine_output', 'weight'];
  bad text;
  n bigint;
BEGIN
  FOR i IN 1..4 LOOP
    IF tables[i] IS NULL THEN
      RAISE EXCEPTION 'argument "%" of aki_watch_start is NULL', roles[i]
        USING ERRCODE = 'null_value_not_allowed', DETAIL = 'The watch needs all four tables.',
              HINT = 'Name the table, for example ''my_schema.' || roles[i] || '''::regclass.';
    END IF;
    IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = tables[i]) NOT IN ('r', 'p') THEN
      RAISE EXCEPTION 'argument "%" of aki_watch_start, %, is not a table', roles[i], tables[i]
        USING ERRCODE = 'wrong_object_type',
              DETAIL = 'The watch installs statement triggers, which only ordinary and partitioned tables have.',
              HINT = 'Watch the table the view or foreign table reads.';
    END IF;
  END LOOP;
  IF options IS NULL OR pg_catalog.jsonb_typeof(options) <> 'object' THEN
    RAISE EXCEPTION 'options of aki_watch_start must be a JSON object'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = 'Got ' || coalesce(options::text, 'NULL') || '.',
            HINT = 'Pass ''{}'' for the defaults.';
  END IF;
  SELECT pg_catalog.string_agg(k, ', ') INTO bad FROM pg_catalog.jsonb_object_keys(options) k
   WHERE k NOT IN ('smooth_by', 'stage3_rule', 'channel');
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unknown option % of aki_watch_start', bad
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Options are smooth_by, stage3_rule and channel.';
  END IF;
  w.watch_id := 1;
  w.stays := stays;
  w.creatinine := creatinine;
  w.urine_output := urine_output;
  w.weight := weight;
  w.smooth_by := coalesce(options ->> 'smooth_by', 'subject');
  w.stage3_rule := coalesce(options ->> 'stage3_rule', 'current');
  w.channel := coalesce(options ->> 'channel', 'precmed_aki');
  w.options := options;
  w.started_at := now();
  IF w.smooth_by NOT IN ('subject', 'stay') OR w.stage3_rule NOT IN ('current', 'legacy') THEN
    RAISE EXCEPTION 'option smooth_by "%" or stage3_rule "%" of aki_watch_start is not known', w.smooth_by, w.stage3_rule
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'smooth_by is ''subject'' or ''stay''; stage3_rule is ''current'' or ''legacy'', as in kdigo_stages.';
  END IF;
  IF w.channel = '' OR pg_catalog.octet_length(w.channel) > 63 THEN
    RAISE EXCEPTION 'option channel of aki_watch_start must have 1 to 63 bytes'
      USING ERRCODE = 'invalid_parameter_value', HINT = 'LISTEN takes an identifier of at most 63 bytes.';
  END IF;
  IF EXISTS (SELECT 1 FROM precmed.aki_watch) THEN
    RAISE EXCEPTION 'an AKI watch is already running'
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'precmed keeps one watch: aki_current has one row per stay.',
            HINT = 'Stop it first with SELECT precmed.aki_watch_stop().';
  END IF;
  INSERT INTO precmed.aki_watch SELECT w.*;
  -- writers wait until the triggers are in place and the first staging is done
  FOR i IN 1..4 LOOP
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', tables[i]);
  END LOOP;
  FOR i IN 1..4 LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS pm_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.aki_watch_trigger(%L)',
                   'precmed_aki_' || roles[i] || '_insert', tables[i], roles[i]);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS pm_old NEW TABLE AS pm_new'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.aki_watch_trigger(%L)',
                   'precmed_aki_' || roles[i] || '_update', tables[i], roles[i]);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS pm_old'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.aki_watch_trigger(%L)',
                   'precmed_aki_' || roles[i] || '_delete', tables[i], roles[i]);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION precmed_internal.aki_watch_trigger(%L)',
                   'precmed_aki_' || roles[i] || '_truncate', tables[i], roles[i]);
  END LOOP;
  -- everything, once; history found now is recorded in aki_alert but not notified
  PERFORM precmed_internal.aki_watch_refresh(w, precmed_internal.aki_watch_all_subjects(w), false);
  SELECT count(*) INTO n FROM precmed.aki_current;
  RETURN n;
END
$fn$;
COMMENT ON FUNCTION precmed.aki_watch_start(regclass, regclass, regclass, regclass, jsonb) IS
  'Watch the tables of precmed.kdigo_stages (stays, creatinine, urine_output, weight; same columns): statement triggers keep precmed.aki_current and precmed.aki_alert up to date and NOTIFY new alerts on commit. options: smooth_by, stage3_rule (as kdigo_stages), channel (default precmed_aki). Returns the number of stays staged. See docs/aki_alerts.md.';

-- Remove the watch's triggers; aki_current and aki_alert are kept.
CREATE FUNCTION precmed.aki_watch_stop()
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE AS $fn$
DECLARE
  t record;
BEGIN
  -- the triggers, by function: a watched table may have been renamed or dropped
  FOR t IN SELECT g.tgname, g.tgrelid::regclass AS rel FROM pg_catalog.pg_trigger g
            WHERE g.tgfoid = 'precmed_internal.aki_watch_trigger()'::regprocedure
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
  END LOOP;
  DELETE FROM precmed.aki_watch;
  RETURN FOUND;
END
$fn$;
COMMENT ON FUNCTION precmed.aki_watch_stop() IS
  'Stop the AKI watch: drops its triggers; precmed.aki_current and precmed.aki_alert are kept. Returns false when no watch was running. See docs/aki_alerts.md.';
