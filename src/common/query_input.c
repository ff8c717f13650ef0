/*
 * query_input.c: table-shaped inputs given as query text.
 *
 * precmed functions that read whole tables take a SELECT (or a table name)
 * as text, as pgRouting does.  The text is never pasted into other SQL.
 * It is parsed by PostgreSQL's own parser and must be exactly one read-only
 * SELECT (VALUES, TABLE name and WITH ... SELECT included); it is prepared
 * as it stands, its result columns are checked against the caller's spec
 * (each named column once, with a type that has an assignment cast to the
 * spec's type), and its rows are handed to the caller's reader with the
 * spec's columns picked out and cast in C.  The reader is only called for
 * rows of exactly the checked shape.
 */
#include "common/precmed.h"

#include <ctype.h>

#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parser.h"
#include "tcop/cmdtag.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

/* What an error raised while reading a query argument reports. */
typedef struct QueryErrorContext
{
	const char *argname;
	const char *query;			/* the text parsed, for syntax error positions */
} QueryErrorContext;

static void
query_input_context(void *arg)
{
	QueryErrorContext *c = (QueryErrorContext *) arg;
	int			position = geterrposition();

	/* point a syntax error into the argument's text, not the caller's query */
	if (position > 0 && c->query != NULL)
	{
		errposition(0);
		internalerrposition(position);
		internalerrquery(c->query);
	}
	errcontext("query given for argument \"%s\"", c->argname);
}

/* Errors raised while cb is pushed say which argument's query they came from. */
static void
push_query_context(ErrorContextCallback *cb, QueryErrorContext *c,
				   const char *argname, const char *query)
{
	c->argname = argname;
	c->query = query;
	cb->callback = query_input_context;
	cb->arg = (void *) c;
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

/*
 * The query to prepare for the text of argument argname: the text itself,
 * or for a table name, TABLE with the name's parts quoted (the name is
 * split as the parser would, never pasted).
 */
static char *
query_text(const char *argname, const char *text)
{
	const char *start = text;
	int			len;
	char	   *name;
	List	   *parts;
	StringInfoData buf;
	ListCell   *lc;

	while (*start && isspace((unsigned char) *start))
		start++;
	len = strlen(start);
	while (len > 0 && isspace((unsigned char) start[len - 1]))
		len--;
	if (len == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("query for argument \"%s\" is empty", argname),
				 errhint("Give a SELECT statement or a table name."));
	name = pnstrdup(start, len);
	if (!is_relation_name(name))
		return pstrdup(text);

	if (!SplitIdentifierString(name, '.', &parts) || list_length(parts) > 3)
		pm_error(ERRCODE_INVALID_NAME,
				 errmsg("\"%s\" given for argument \"%s\" is not a valid table name",
						name, argname),
				 errhint("Give a table name such as stays or myschema.stays, or a SELECT statement."));
	initStringInfo(&buf);
	appendStringInfoString(&buf, "TABLE ");
	foreach(lc, parts)
		appendStringInfo(&buf, "%s%s", foreach_current_index(lc) ? "." : "",
						 quote_identifier((const char *) lfirst(lc)));
	return buf.data;
}

static void
refuse_statement(const char *argname, const char *what, const char *hint)
{
	pm_error(ERRCODE_FEATURE_NOT_SUPPORTED,
			 errmsg("query for argument \"%s\" must be a read-only SELECT, not %s",
					argname, what),
			 errdetail("precmed reads each table input with exactly one read-only query: "
					   "SELECT, VALUES, TABLE name, or WITH ... SELECT."),
			 errhint("%s", hint));
}

/* Walker: refuse whatever in a SELECT would write or lock. */
static bool
refuse_writes(Node *node, void *context)
{
	const char *argname = (const char *) context;

	if (node == NULL)
		return false;
	if (IsA(node, SelectStmt))
	{
		SelectStmt *select = (SelectStmt *) node;

		if (select->intoClause != NULL)
			refuse_statement(argname, "SELECT INTO",
							 "Remove the INTO clause: precmed reads the rows itself.");
		if (select->lockingClause != NIL)
			refuse_statement(argname, "a SELECT that locks rows (FOR UPDATE or FOR SHARE)",
							 "Remove the FOR UPDATE / FOR SHARE clause.");
	}
	else if (IsA(node, CommonTableExpr))
	{
		CommonTableExpr *cte = (CommonTableExpr *) node;

		if (cte->ctequery != NULL && !IsA(cte->ctequery, SelectStmt))
			refuse_statement(argname,
							 psprintf("a query whose WITH clause \"%s\" runs %s",
									  cte->ctename,
									  GetCommandTagName(CreateCommandTag(cte->ctequery))),
							 "Run data-modifying statements separately, then select from their result.");
	}
	return raw_expression_tree_walker(node, refuse_writes, context);
}

/*
 * Parse query with PostgreSQL's parser and check it is exactly one
 * statement, a SELECT that neither writes nor locks.
 */
static void
check_one_select(const char *argname, const char *query)
{
	List	   *statements = raw_parser(query, RAW_PARSE_DEFAULT);
	Node	   *statement;

	if (list_length(statements) == 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("query for argument \"%s\" is empty", argname),
				 errdetail("It holds no statement, only comments or semicolons."),
				 errhint("Give a SELECT statement or a table name."));
	if (list_length(statements) > 1)
		pm_error(ERRCODE_SYNTAX_ERROR,
				 errmsg("query for argument \"%s\" must be one statement, not %d",
						argname, list_length(statements)),
				 errdetail("precmed reads each table input with exactly one SELECT."),
				 errhint("Remove the other statements; combine queries with UNION ALL or WITH."));
	statement = linitial_node(RawStmt, statements)->stmt;
	if (!IsA(statement, SelectStmt))
		refuse_statement(argname, GetCommandTagName(CreateCommandTag(statement)),
						 "Give a SELECT statement or a table name.");
	(void) refuse_writes(statement, (void *) argname);
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

/*
 * The cast of a value of type source to type target, evaluated in C; NULL
 * when none is needed.  The value to cast arrives as the expression
 * context's CASE test value.
 */
static ExprState *
pm_column_cast(const char *argname, const char *column, Oid source, Oid target)
{
	CaseTestExpr *value;
	Node	   *cast;

	if (source == target)
		return NULL;
	value = makeNode(CaseTestExpr);
	value->typeId = source;
	value->typeMod = -1;
	value->collation = get_typcollation(source);
	cast = coerce_to_target_type(NULL, (Node *) value, source, target, -1,
								 COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST, -1);
	if (cast == NULL)
		pm_error(ERRCODE_DATATYPE_MISMATCH,
				 errmsg("column \"%s\" of the query for argument \"%s\" has type %s, not %s",
						column, argname, format_type_be(source), format_type_be(target)),
				 errhint("Cast it in the query: %s::%s.",
						 quote_identifier(column), format_type_be(target)));
	/* binary-coercible types need no work at all */
	if (IsA(cast, RelabelType) && ((RelabelType *) cast)->arg == (Expr *) value)
		return NULL;
	return ExecInitExpr((Expr *) cast, NULL);
}

/* Match each spec column to the query's result columns. */
static void
match_columns(PmQueryInput *input, const PmColumn *spec, int nspec)
{
	TupleDesc	desc = input->desc;

	for (int s = 0; s < nspec; s++)
	{
		int			found = 0;

		for (int t = 0; t < s; t++)
			if (strcmp(spec[t].name, spec[s].name) == 0)
				pm_error(ERRCODE_DUPLICATE_COLUMN,
						 errmsg("column \"%s\" is asked for twice", spec[s].name),
						 errdetail("The columns asked for are: %s.", describe_spec(spec, nspec)),
						 errhint("Name each column once."));
		for (int i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (att->attisdropped || strcmp(NameStr(att->attname), spec[s].name) != 0)
				continue;
			if (found)
				pm_error(ERRCODE_AMBIGUOUS_COLUMN,
						 errmsg("query for argument \"%s\" returns more than one column named \"%s\"",
								input->argname, spec[s].name),
						 errdetail("The query returns: %s.", describe_columns(desc)),
						 errhint("Give each column a distinct name with AS."));
			found = i + 1;
		}
		if (!found && !spec[s].optional)
			pm_error(ERRCODE_UNDEFINED_COLUMN,
					 errmsg("query for argument \"%s\" has no column \"%s\"",
							input->argname, spec[s].name),
					 errdetail("The query returns: %s.", describe_columns(desc)),
					 errhint("The query must return the columns %s; rename with AS.",
							 describe_spec(spec, nspec)));
		input->attno[s] = found;
		if (found)
			input->cast[s] = pm_column_cast(input->argname, spec[s].name,
											TupleDescAttr(desc, found - 1)->atttypid,
											spec[s].type);
	}
}

PmQueryInput *
pm_query_input(const char *argname, const char *query,
			   const PmColumn *spec, int nspec)
{
	return pm_query_input_params(argname, query, 0, NULL, spec, nspec);
}

PmQueryInput *
pm_query_input_params(const char *argname, const char *query, int nargs, Oid *argtypes,
					  const PmColumn *spec, int nspec)
{
	ErrorContextCallback errcb;
	QueryErrorContext errctx;
	PmQueryInput *input;
	char	   *text;
	SPIPrepareOptions options;
	List	   *sources;
	CachedPlanSource *source;
	MemoryContext caller = CurrentMemoryContext;

	if (query == NULL)
		pm_error_null_argument(argname);
	text = query_text(argname, query);

	push_query_context(&errcb, &errctx, argname, text);
	check_one_select(argname, text);
	/* the parser has said its piece; SPI reports positions of its own errors */
	errctx.query = NULL;

	memset(&options, 0, sizeof(options));
	options.parseMode = RAW_PARSE_DEFAULT;
	options.cursorOptions = CURSOR_OPT_PARALLEL_OK;
	input = palloc0(sizeof(PmQueryInput));
	input->argname = argname;
	if (nargs == 0)
		input->plan = SPI_prepare_extended(text, &options);
	else
		/* precmed's own parameterized queries are kept and run often: plan them once */
		input->plan = SPI_prepare_cursor(text, nargs, argtypes,
										 CURSOR_OPT_PARALLEL_OK | CURSOR_OPT_GENERIC_PLAN);
	if (input->plan == NULL)
		elog(ERROR, "preparing the query for argument \"%s\" failed: %s",
			 argname, SPI_result_code_string(SPI_result));
	/* SPI returns in its own procedure context; the input lives in the caller's */
	MemoryContextSwitchTo(caller);

	/* what was prepared is what was checked: one SELECT that returns rows */
	sources = SPI_plan_get_plan_sources(input->plan);
	source = list_length(sources) == 1 ? linitial(sources) : NULL;
	if (source == NULL || source->commandTag != CMDTAG_SELECT || source->resultDesc == NULL)
		elog(ERROR, "the query for argument \"%s\" did not prepare as one SELECT", argname);
	input->desc = CreateTupleDescCopy(source->resultDesc);

	input->nspec = nspec;
	input->attno = palloc0(sizeof(int) * nspec);
	input->cast = palloc0(sizeof(ExprState *) * nspec);
	match_columns(input, spec, nspec);

	error_context_stack = errcb.previous;
	return input;
}

/* A DestReceiver that hands each row, picked and cast, to a PmRowReader. */
typedef struct StreamReceiver
{
	DestReceiver pub;
	PmQueryInput *input;
	PmRowReader reader;
	void	   *arg;
	MemoryContext work;			/* where the reader runs */
	MemoryContext row;			/* casts' results, reset per row */
	ExprContext *econtext;		/* for the casts */
	TupleDesc	checked;		/* a row descriptor found to match input->desc */
	Datum	   *values;			/* per spec column */
	bool	   *nulls;
	uint64		rows;
	ErrorContextCallback *caller_context;
} StreamReceiver;

/* Refuse rows whose shape is not the one the columns were checked against. */
static void
check_row_shape(StreamReceiver *r, TupleDesc desc)
{
	PmQueryInput *input = r->input;
	bool		same = desc->natts == input->desc->natts;

	for (int i = 0; same && i < desc->natts; i++)
		same = TupleDescAttr(desc, i)->atttypid == TupleDescAttr(input->desc, i)->atttypid;
	if (!same)
		pm_error(ERRCODE_DATATYPE_MISMATCH,
				 errmsg("rows of the query for argument \"%s\" changed shape while it ran",
						input->argname),
				 errdetail("Checked: %s. Received: %s.", describe_columns(input->desc),
						   describe_columns(desc)),
				 errhint("Run the call again; do not alter the tables it reads while it runs."));
	r->checked = desc;
}

static bool
stream_receive(TupleTableSlot *slot, DestReceiver *self)
{
	StreamReceiver *r = (StreamReceiver *) self;
	PmQueryInput *input = r->input;
	ErrorContextCallback *executor_context = error_context_stack;
	MemoryContext old;

	CHECK_FOR_INTERRUPTS();
	if (slot->tts_tupleDescriptor != r->checked)
		check_row_shape(r, slot->tts_tupleDescriptor);
	slot_getallattrs(slot);

	MemoryContextReset(r->row);
	old = MemoryContextSwitchTo(r->row);
	for (int s = 0; s < input->nspec; s++)
	{
		int			attno = input->attno[s];

		if (attno == 0)
		{
			r->values[s] = (Datum) 0;
			r->nulls[s] = true;
			continue;
		}
		r->values[s] = slot->tts_values[attno - 1];
		r->nulls[s] = slot->tts_isnull[attno - 1];
		if (input->cast[s] != NULL && !r->nulls[s])
		{
			r->econtext->caseValue_datum = r->values[s];
			r->econtext->caseValue_isNull = false;
			r->values[s] = ExecEvalExpr(input->cast[s], r->econtext, &r->nulls[s]);
		}
	}

	MemoryContextSwitchTo(r->work);
	/* an error about a row names the row; the executor's context would only confuse */
	error_context_stack = r->caller_context;
	r->reader(r->arg, input, r->values, r->nulls);
	error_context_stack = executor_context;
	MemoryContextSwitchTo(old);
	r->rows++;
	return true;
}

static void
stream_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	check_row_shape((StreamReceiver *) self, typeinfo);
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
	QueryErrorContext errctx;
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
	recv.row = AllocSetContextCreate(CurrentMemoryContext, "precmed query row",
									 ALLOCSET_SMALL_SIZES);
	recv.econtext = CreateStandaloneExprContext();
	recv.values = palloc(sizeof(Datum) * Max(input->nspec, 1));
	recv.nulls = palloc(sizeof(bool) * Max(input->nspec, 1));
	recv.caller_context = error_context_stack;

	memset(&opts, 0, sizeof(opts));
	opts.read_only = true;
	opts.dest = &recv.pub;
	opts.params = input->params;

	push_query_context(&errcb, &errctx, input->argname, NULL);
	ret = SPI_execute_plan_extended(input->plan, &opts);
	/* a SELECT into a receiver other than SPI's reports SPI_OK_UTILITY */
	if (ret != SPI_OK_SELECT && ret != SPI_OK_UTILITY)
		elog(ERROR, "running the query for argument \"%s\" failed: %s",
			 input->argname, SPI_result_code_string(ret));
	error_context_stack = errcb.previous;

	FreeExprContext(recv.econtext, true);
	MemoryContextDelete(recv.row);
	return recv.rows;
}

/* A row reader that keeps nothing: check_input only counts. */
static void
count_only(void *arg, PmQueryInput *input, Datum *values, bool *nulls)
{
}

uint64
pm_query_count(PmQueryInput *input)
{
	return pm_query_stream(input, count_only, NULL, CurrentMemoryContext);
}

/* A row reader that appends each row to a set-returning function's result. */
static void
append_row(void *arg, PmQueryInput *input, Datum *values, bool *nulls)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) arg;

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

void
pm_query_materialize(FunctionCallInfo fcinfo, const char *argname, const char *query,
					 const PmColumn *spec, int nspec)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext caller = CurrentMemoryContext;
	PmQueryInput *input;

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != nspec)
		elog(ERROR, "%s: the result has %d columns, the spec %d",
			 argname, rsinfo->setDesc->natts, nspec);
	for (int i = 0; i < nspec; i++)
		if (TupleDescAttr(rsinfo->setDesc, i)->atttypid != spec[i].type)
			elog(ERROR, "%s: result column %d is not of the spec's type", argname, i + 1);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	input = pm_query_input(argname, query, spec, nspec);
	(void) pm_query_stream(input, append_row, rsinfo, caller);
	SPI_finish();
}
