/*
 * watch_stage.c: precmed_internal.aki_watch_stage, the staging behind the
 * AKI watch's triggers: precmed.kdigo_stages over the watched tables,
 * restricted to some subjects and summarized per stay.
 *
 * How it works: the four queries (the watched tables' rows of the subjects
 * in $1, tables named by schema-qualified, quoted names) are prepared once
 * per backend and kept (SPI_keepplan), so a trigger neither parses nor
 * plans; a relcache callback drops them when any watched table changes, and
 * they are planned again when a table has more than doubled in size since
 * (a plan made on empty tables would scan them whole once they are full,
 * and rows written in one long transaction are invisible to ANALYZE).
 * Each call reads the rows with kdigo_stages' readers, stages them with its
 * core (aki_stage_all) and writes one row per stay: its last row (greatest
 * charttime), the first charttime of each stage and the last creatinine and
 * urine times, exactly what the triggers would otherwise take from
 * kdigo_stages' rows.
 */
#include "alerts/alerts.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/params.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "storage/bufmgr.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

/* The kept queries of one set of watched tables. */
typedef struct WatchPlans
{
	Oid			rel[AKI_WATCH_TABLES];
	PmQueryInput *in[AKI_WATCH_TABLES];
	BlockNumber blocks[AKI_WATCH_TABLES];	/* the tables' sizes when planned */
	MemoryContext cxt;			/* the inputs' checks and casts */
	bool		valid;			/* false: free and prepare again */
} WatchPlans;

static WatchPlans plans;
static bool callback_registered = false;

static const char *const table_args[AKI_WATCH_TABLES] = {
	"stays", "creatinine", "urine_output", "weight"
};

/* Any change to a watched table (or a full reset) makes the plans stale. */
static void
watch_relcache_callback(Datum arg, Oid relid)
{
	for (int i = 0; i < AKI_WATCH_TABLES; i++)
		if (relid == InvalidOid || relid == plans.rel[i])
			plans.valid = false;
}

/* Free the kept plans, if any. */
static void
free_plans(void)
{
	for (int i = 0; i < AKI_WATCH_TABLES; i++)
		if (plans.in[i] != NULL)
			SPI_freeplan(plans.in[i]->plan);
	if (plans.cxt != NULL)
		MemoryContextDelete(plans.cxt);
	memset(&plans, 0, sizeof(plans));
}

/* The size of each watched table now, in blocks (0 for a partitioned table). */
static void
table_sizes(const Oid *rel, BlockNumber *blocks)
{
	for (int i = 0; i < AKI_WATCH_TABLES; i++)
	{
		Relation	r = try_table_open(rel[i], AccessShareLock);

		blocks[i] = 0;
		if (r == NULL)
			continue;			/* dropped: preparing its query reports it */
		if (RELKIND_HAS_STORAGE(r->rd_rel->relkind))
			blocks[i] = RelationGetNumberOfBlocks(r);
		table_close(r, NoLock);
	}
}

/* True when some table has grown past twice its size at planning (and 8 blocks). */
static bool
tables_grew(const BlockNumber *now)
{
	for (int i = 0; i < AKI_WATCH_TABLES; i++)
		if (now[i] > 8 && now[i] > 2 * plans.blocks[i])
			return true;
	return false;
}

/* schema.table of rel, quoted; 42P01 when it no longer exists. */
static char *
qualified_name(Oid rel, const char *argname)
{
	char	   *name = get_rel_name(rel);
	char	   *schema = name ? get_namespace_name(get_rel_namespace(rel)) : NULL;

	if (name == NULL || schema == NULL)
		pm_error(ERRCODE_UNDEFINED_TABLE,
				 errmsg("the watched table for \"%s\" (OID %u) does not exist", argname, rel),
				 errdetail("It was dropped while the AKI watch was running."),
				 errhint("Stop the watch with precmed.aki_watch_stop() and start it again."));
	return quote_qualified_identifier(schema, name);
}

/* The query of input k over the tables rel, taking the subjects as $1. */
static char *
watch_query(int k, const Oid *rel)
{
	char	   *stays = qualified_name(rel[AKI_IN_STAYS], "stays");
	char	   *table = qualified_name(rel[k], table_args[k]);

	/*
	 * Each query walks from the subjects in $1 to their rows through a
	 * LATERAL subquery that cannot be flattened (OFFSET 0), so its plan is
	 * an index lookup per subject or stay whatever the tables' statistics
	 * were when it was made.
	 */
	switch (k)
	{
		case AKI_IN_STAYS:
			return psprintf("SELECT s.stay_id, s.subject_id, s.intime, s.outtime"
							" FROM (SELECT DISTINCT x.id FROM unnest($1) x(id)) x,"
							" LATERAL (SELECT * FROM %s s WHERE s.subject_id = x.id OFFSET 0) s", table);
		case AKI_IN_CREATININE:
			return psprintf("SELECT c.subject_id, c.charttime, c.value_mg_dl"
							" FROM (SELECT DISTINCT x.id FROM unnest($1) x(id)) x,"
							" LATERAL (SELECT * FROM %s c WHERE c.subject_id = x.id OFFSET 0) c", table);
		case AKI_IN_URINE:
			return psprintf("SELECT u.stay_id, u.charttime, u.ml"
							" FROM (SELECT DISTINCT s.stay_id FROM unnest($1) x(id),"
							"       LATERAL (SELECT s.stay_id FROM %s s WHERE s.subject_id = x.id OFFSET 0) s) s,"
							" LATERAL (SELECT * FROM %s u WHERE u.stay_id = s.stay_id OFFSET 0) u",
							stays, table);
		default:
			/* weights come as times or as intervals: all the table's columns */
			return psprintf("SELECT w.*"
							" FROM (SELECT DISTINCT s.stay_id FROM unnest($1) x(id),"
							"       LATERAL (SELECT s.stay_id FROM %s s WHERE s.subject_id = x.id OFFSET 0) s) s,"
							" LATERAL (SELECT * FROM %s w WHERE w.stay_id = s.stay_id OFFSET 0) w",
							stays, table);
	}
}

/* The kept plans for the tables rel, prepared now if stale.  Caller holds SPI. */
static PmQueryInput **
watch_plans(const Oid *rel, MemoryContext work)
{
	Oid			argtype = INT8ARRAYOID;
	MemoryContext cxt;
	MemoryContext old;
	PmQueryInput *in[AKI_WATCH_TABLES];
	BlockNumber blocks[AKI_WATCH_TABLES];

	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(watch_relcache_callback, (Datum) 0);
		callback_registered = true;
	}
	table_sizes(rel, blocks);
	if (plans.valid && memcmp(plans.rel, rel, sizeof(plans.rel)) == 0 && !tables_grew(blocks))
		return plans.in;
	free_plans();

	/* built in the call's memory: an error leaves nothing behind */
	cxt = AllocSetContextCreate(work, "aki watch plans", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	for (int k = 0; k < AKI_WATCH_TABLES; k++)
		in[k] = aki_prepare_input((AkiInputArg) k, watch_query(k, rel), 1, &argtype);
	MemoryContextSwitchTo(old);
	for (int k = 0; k < AKI_WATCH_TABLES; k++)
		if (SPI_keepplan(in[k]->plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
	MemoryContextSetParent(cxt, TopMemoryContext);
	memcpy(plans.rel, rel, sizeof(plans.rel));
	memcpy(plans.in, in, sizeof(in));
	memcpy(plans.blocks, blocks, sizeof(blocks));
	plans.cxt = cxt;
	plans.valid = true;
	return plans.in;
}

/* One result row: stay run rows[0..n) summarized (n > 0, one stay). */
static void
emit_stay(ReturnSetInfo *rsinfo, const AkiRow *rows, size_t n)
{
	const AkiRow *last = NULL;
	Timestamp	first[4] = {0, 0, 0, 0};
	bool		reached[4] = {false, false, false, false};
	const AkiRow *creat = NULL;		/* the last row with a creatinine value */
	const AkiRow *urine = NULL;		/* the last row at a urine time */
	Datum		v[12];
	bool		nulls[12];

	for (size_t i = 0; i < n; i++)
	{
		const AkiRow *r = &rows[i];

		if (r->t_null)
			continue;
		if (last == NULL || r->t > last->t)
			last = r;
		if (r->has_creat && (creat == NULL || r->t > creat->t))
			creat = r;
		if (r->has_uo && (urine == NULL || r->t > urine->t))
			urine = r;
		for (int s = 1; s <= r->stage; s++)
			if (!reached[s] || r->t < first[s])
			{
				first[s] = r->t;
				reached[s] = true;
			}
	}
	if (last == NULL)
		return;					/* kdigo_stages gives the stay no timed row */
	memset(nulls, 0, sizeof(nulls));
	v[0] = Int64GetDatum(last->stay_id);
	v[1] = Int64GetDatum(last->subject_id);
	v[2] = TimestampGetDatum(last->t);
	v[3] = Int32GetDatum(last->stage);
	v[4] = Int32GetDatum(last->stage_creat);
	nulls[4] = last->stage_creat < 0;
	v[5] = Int32GetDatum(last->stage_uo);
	nulls[5] = last->stage_uo < 0;
	v[6] = Int32GetDatum(last->smoothed);
	for (int s = 1; s <= 3; s++)
	{
		v[6 + s] = TimestampGetDatum(first[s]);
		nulls[6 + s] = !reached[s];
	}
	v[10] = TimestampGetDatum(creat ? creat->t : 0);
	nulls[10] = creat == NULL;
	v[11] = TimestampGetDatum(urine ? urine->t : 0);
	nulls[11] = urine == NULL;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nulls);
}

/* The subject's staged rows, one stay after another, summarized per stay. */
static void
emit_summaries(void *arg, const AkiRow *rows, size_t n)
{
	size_t		start = 0;

	for (size_t i = 1; i <= n; i++)
		if (i == n || rows[i].stay_id != rows[start].stay_id)
		{
			emit_stay((ReturnSetInfo *) arg, rows + start, i - start);
			start = i;
		}
}

/*
 * precmed_internal.aki_watch_stage(stays, creatinine, urine_output, weight
 * regclass, subjects bigint[], smooth_by, stage3_rule text): per stay of the
 * subjects, kdigo_stages' last row, the first time of stages 1, 2, 3 and
 * the last creatinine and urine times.
 */
PG_FUNCTION_INFO_V1(aki_watch_stage);
Datum
aki_watch_stage(PG_FUNCTION_ARGS)
{
	Oid			rel[AKI_WATCH_TABLES];
	AkiStage3Rule rule;
	bool		smooth_by_stay;
	ParamListInfo params;
	PmQueryInput **in;
	AkiState	st;
	PmCall		call;

	for (int i = 0; i < AKI_WATCH_TABLES; i++)
	{
		if (PG_ARGISNULL(i))
			pm_error_null_argument(table_args[i]);
		rel[i] = PG_GETARG_OID(i);
	}
	if (PG_ARGISNULL(4))
		pm_error_null_argument("subjects");
	smooth_by_stay = aki_parse_smooth_by(pm_text_arg(fcinfo, 5, "smooth_by"));
	rule = aki_parse_stage3_rule(pm_text_arg(fcinfo, 6, "stage3_rule"));

	pm_call_begin(&call, fcinfo, "aki_watch_stage");
	aki_state_init(&st, call.work, rule, smooth_by_stay);
	st.open_stays = true;

	params = makeParamList(1);
	params->params[0].value = PG_GETARG_DATUM(4);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = INT8ARRAYOID;

	in = watch_plans(rel, call.work);
	PG_TRY();
	{
		for (int k = 0; k < AKI_WATCH_TABLES; k++)
		{
			in[k]->params = params;
			aki_read_input(&st, (AkiInputArg) k, in[k]);
			in[k]->params = NULL;
		}
	}
	PG_CATCH();
	{
		/* the kept inputs must not point at this call's memory */
		for (int k = 0; k < AKI_WATCH_TABLES; k++)
			in[k]->params = NULL;
		PG_RE_THROW();
	}
	PG_END_TRY();
	aki_read_input(&st, AKI_IN_CRRT, NULL);
	pm_spi_finish(call.work);

	aki_bucket_inputs(&st);
	aki_stage_all(&st, emit_summaries, call.rsinfo);
	pm_call_end(&call);
	return (Datum) 0;
}
