/*
 * query_input.c: table-shaped inputs given as query text.
 *
 * precmed functions that read whole tables take a SELECT (or a table name)
 * as text, as pgRouting does.  The query is described first so that a
 * missing or mistyped column is reported by name before any work is done,
 * then rewritten to select just the needed columns cast to the types the
 * C code reads, so int/bigint or timestamp/timestamptz differences cost
 * the caller nothing.
 */
#include "common/precmed.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

static void
query_input_context(void *arg)
{
	errcontext("query given for argument \"%s\"", (const char *) arg);
}

/* Errors raised while cb is pushed say which argument's query they came from. */
static void
push_query_context(ErrorContextCallback *cb, const char *argname)
{
	cb->callback = query_input_context;
	cb->arg = (void *) argname;
	cb->previous = error_context_stack;
	error_context_stack = cb;
}

/* A bare (optionally schema-qualified) table name rather than a query? */
static bool
is_relation_name(const char *s)
{
	if (!(isalpha((unsigned char) *s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char) *s) || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Trim white space and trailing semicolons; turn a table name into TABLE. */
static char *
normalize_query(const char *argname, const char *query)
{
	const char *start = query;
	int			len;
	char	   *q;

	while (*start && isspace((unsigned char) *start))
		start++;
	len = strlen(start);
	while (len > 0 && (isspace((unsigned char) start[len - 1]) || start[len - 1] == ';'))
		len--;
	if (len == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 psprintf("query for argument \"%s\" is empty", argname),
				 NULL,
				 "Give a SELECT statement or a table name.");
	q = pnstrdup(start, len);
	if (is_relation_name(q))
		return psprintf("TABLE %s", q);
	return q;
}

static const char *
describe_columns(TupleDesc desc)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		appendStringInfo(&buf, "%s%s %s", buf.len ? ", " : "",
						 NameStr(att->attname), format_type_be(att->atttypid));
	}
	return buf.len ? buf.data : "(no columns)";
}

static const char *
describe_spec(const PmColumn *spec, int nspec)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < nspec; i++)
		appendStringInfo(&buf, "%s%s %s%s", i ? ", " : "", spec[i].name,
						 format_type_be(spec[i].type),
						 spec[i].optional ? " (optional)" : "");
	return buf.data;
}

PmQueryInput *
pm_query_input(const char *argname, const char *query,
			   const PmColumn *spec, int nspec)
{
	ErrorContextCallback errcb;
	PmQueryInput *input;
	char	   *q;
	TupleDesc	desc;
	StringInfoData sql;
	StringInfoData all;
	int			ret;

	if (query == NULL)
		pm_error_null_argument(argname);
	q = normalize_query(argname, query);

	push_query_context(&errcb, argname);

	ret = SPI_execute(psprintf("SELECT * FROM (%s) AS precmed_input LIMIT 0", q),
					  true, 0);
	if (ret != SPI_OK_SELECT || SPI_tuptable == NULL)
		elog(ERROR, "describing the query for argument \"%s\" failed: %s",
			 argname, SPI_result_code_string(ret));
	desc = SPI_tuptable->tupdesc;

	input = palloc0(sizeof(PmQueryInput));
	input->argname = argname;
	input->attno = palloc0(sizeof(int) * nspec);

	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ");
	initStringInfo(&all);
	appendStringInfoString(&all, "SELECT ");
	for (int s = 0; s < nspec; s++)
	{
		int			found = 0;
		Oid			type = InvalidOid;

		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (att->attisdropped || strcmp(NameStr(att->attname), spec[s].name) != 0)
				continue;
			if (found)
				pm_error(ERRCODE_AMBIGUOUS_COLUMN,
						 psprintf("query for argument \"%s\" has more than one column named \"%s\"",
								  argname, spec[s].name),
						 psprintf("The query returns: %s.", describe_columns(desc)),
						 "Give each column a distinct name with AS.");
			found = i + 1;
			type = att->atttypid;
		}
		if (!found)
		{
			if (spec[s].optional)
			{
				appendStringInfo(&all, "%sNULL::%s AS %s", s ? ", " : "",
								 format_type_be_qualified(spec[s].type),
								 quote_identifier(spec[s].name));
				continue;
			}
			pm_error(ERRCODE_UNDEFINED_COLUMN,
					 psprintf("query for argument \"%s\" has no column \"%s\"",
							  argname, spec[s].name),
					 psprintf("The query returns: %s.", describe_columns(desc)),
					 psprintf("The query must return the columns %s; rename with AS.",
							  describe_spec(spec, nspec)));
		}
		if (type != spec[s].type &&
			!can_coerce_type(1, &type, (Oid *) &spec[s].type, COERCION_ASSIGNMENT))
			pm_error(ERRCODE_DATATYPE_MISMATCH,
					 psprintf("column \"%s\" of the query for argument \"%s\" has type %s, not %s",
							  spec[s].name, argname, format_type_be(type),
							  format_type_be(spec[s].type)),
					 NULL,
					 psprintf("Cast it in the query: %s::%s.",
							  quote_identifier(spec[s].name), format_type_be(spec[s].type)));

		input->ncolumns++;
		input->attno[s] = input->ncolumns;
		appendStringInfo(&sql, "%sprecmed_input.%s::%s",
						 input->ncolumns > 1 ? ", " : "",
						 quote_identifier(spec[s].name),
						 format_type_be_qualified(spec[s].type));
		appendStringInfo(&all, "%sprecmed_input.%s::%s AS %s", s ? ", " : "",
						 quote_identifier(spec[s].name),
						 format_type_be_qualified(spec[s].type),
						 quote_identifier(spec[s].name));
	}
	if (input->ncolumns == 0)
		appendStringInfoString(&sql, "NULL");
	appendStringInfo(&sql, " FROM (%s) AS precmed_input", q);
	appendStringInfo(&all, " FROM (%s) AS precmed_input", q);
	input->sql = sql.data;
	input->sql_all_columns = all.data;

	error_context_stack = errcb.previous;
	return input;
}

uint64
pm_query_run(PmQueryInput *input)
{
	ErrorContextCallback errcb;
	int			ret;

	push_query_context(&errcb, input->argname);

	ret = SPI_execute(input->sql, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed for argument \"%s\": %s",
			 input->argname, SPI_result_code_string(ret));

	error_context_stack = errcb.previous;
	return SPI_processed;
}

Portal
pm_query_cursor(PmQueryInput *input)
{
	ErrorContextCallback errcb;
	Portal		portal;

	push_query_context(&errcb, input->argname);

	portal = SPI_cursor_open_with_args(NULL, input->sql, 0, NULL, NULL, NULL,
									   true, CURSOR_OPT_NO_SCROLL);

	error_context_stack = errcb.previous;
	return portal;
}

Datum
pm_query_value(PmQueryInput *input, HeapTuple row, TupleDesc desc,
			   int spec_index, bool *isnull)
{
	int			attno = input->attno[spec_index];

	if (attno == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	return SPI_getbinval(row, desc, attno, isnull);
}

/* A DestReceiver that hands each row straight to a PmRowReader. */
typedef struct StreamReceiver
{
	DestReceiver pub;
	PmQueryInput *input;
	PmRowReader reader;
	void	   *arg;
	MemoryContext work;
	uint64		rows;
	ErrorContextCallback *caller_context;
} StreamReceiver;

static bool
stream_receive(TupleTableSlot *slot, DestReceiver *self)
{
	StreamReceiver *r = (StreamReceiver *) self;
	ErrorContextCallback *executor_context = error_context_stack;
	MemoryContext old;

	slot_getallattrs(slot);
	old = MemoryContextSwitchTo(r->work);
	/* an error about a row names the row; the internal SELECT would only confuse */
	error_context_stack = r->caller_context;
	r->reader(r->arg, r->input, slot->tts_values, slot->tts_isnull);
	error_context_stack = executor_context;
	MemoryContextSwitchTo(old);
	if ((++r->rows & 0xffff) == 0)
		CHECK_FOR_INTERRUPTS();
	return true;
}

static void
stream_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
stream_noop(DestReceiver *self)
{
}

uint64
pm_query_stream(PmQueryInput *input, PmRowReader reader, void *arg,
				MemoryContext work)
{
	StreamReceiver recv;
	SPIExecuteOptions opts;
	ErrorContextCallback errcb;
	int			ret;

	memset(&recv, 0, sizeof(recv));
	recv.pub.receiveSlot = stream_receive;
	recv.pub.rStartup = stream_startup;
	recv.pub.rShutdown = stream_noop;
	recv.pub.rDestroy = stream_noop;
	recv.pub.mydest = DestNone;
	recv.input = input;
	recv.reader = reader;
	recv.arg = arg;
	recv.work = work;
	recv.caller_context = error_context_stack;

	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = &recv.pub;

	push_query_context(&errcb, input->argname);
	ret = SPI_execute_extended(input->sql, &opts);
	/* a SELECT into a receiver other than SPI's reports SPI_OK_UTILITY */
	if (ret != SPI_OK_SELECT && ret != SPI_OK_UTILITY)
		elog(ERROR, "running the query for argument \"%s\" failed: %s",
			 input->argname, SPI_result_code_string(ret));
	error_context_stack = errcb.previous;
	return recv.rows;
}
