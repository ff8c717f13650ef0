/*
 * agg_state.c: the concrete state types of precmed's aggregates (see
 * agg_state.h).
 *
 * How it works.  A family keeps its state as a C struct, written and read by
 * its own payload functions.  As a SQL value the state is either
 *  - an expanded object (states that grow with the rows: score/label pairs,
 *    training rows, comparison patterns): the transition function updates
 *    the struct and returns the same read-write pointer, so PostgreSQL never
 *    copies the state per row; when the value must leave the process (a
 *    parallel worker's partial result, a tuple, a client) PostgreSQL asks
 *    for its flat form, which is the state's bytes; or
 *  - a flat value holding the struct itself (fixed-size states), updated in
 *    place, converted to the state's bytes by the output functions.
 * The state's bytes: a 16-byte header then the payload.
 *
 *   0  "PMST"    magic
 *   4  uint16    format version (1)
 *   6  uint16    kind (PmStateKind)
 *   8  uint32    payload length
 *  12  uint32    CRC-32C of the payload
 *
 * Numbers in the server's byte order, as in the model format.  Bytes coming
 * from outside (input, receive, X_merge) are checked in full before use:
 * a truncated, altered or other-kind state is 22P03, never a crash.
 */
#include "common/agg_state.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

typedef struct PmStateHeader
{
	char		magic[4];
	uint16		format;
	uint16		kind;
	uint32		payload_len;
	uint32		crc;
} PmStateHeader;

StaticAssertDecl(sizeof(PmStateHeader) == PM_STATE_HEADER_SIZE,
				 "the state header is 16 bytes without padding");

/* A fixed-size state as a flat value: varlena header, kind, then the struct (8-aligned). */
#define FIXED_OFFSET 8

static const char *const kind_names[] = {
	NULL, "scores_state", "rows_state", "fs_state", "kdigo_summary_state", "uo_rate_state",
	"multilabel_rows_state", "multilabel_metrics_state", "label_ranking_ap_state"
};

/* The expanded form of a growing state. */
typedef struct PmExpandedState
{
	ExpandedObjectHeader hdr;
	const PmStateFamily *family;
	void	   *state;			/* the family's struct (in the aggregate context) */
	bytea	   *flat;			/* its bytes, made by get_flat_size, NULL when stale */
} PmExpandedState;

static Size es_get_flat_size(ExpandedObjectHeader *eohptr);
static void es_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size);

static const ExpandedObjectMethods es_methods = {es_get_flat_size, es_flatten_into};

/* The name of a state kind, for messages. */
static const char *
kind_name(uint16 kind)
{
	return kind >= PM_STATE_SCORES && kind <= PM_STATE_LABEL_RANKING_AP ? kind_names[kind] : "unknown kind";
}

/* The header checks' wording for states of family f. */
static PmBinaryFormat
state_format(const PmStateFamily *f)
{
	PmBinaryFormat fmt = {
		PM_STATE_MAGIC, PM_STATE_FORMAT, psprintf("precmed.%s", f->type_name), "precmed state",
		"Pass the bytes a precmed.X_state aggregate of the same family returned (e.g. auroc_state for auroc_merge), unchanged."
	};

	return fmt;
}

/* 22P03: what is not a valid state of family f, because of why. */
static void
bad_state(const PmStateFamily *f, const char *what, const char *why, const char *detail)
{
	PmBinaryFormat fmt = state_format(f);

	pm_binary_bad(&fmt, what, why, detail);
}

/* 22P03 for a payload that does not hold together. */
void
pm_state_corrupt(const PmStateFamily *f, const char *why)
{
	bad_state(f, "the state", "its contents do not hold together", why);
	pg_unreachable();
}

/* The state's bytes (header and payload); over 1 GB is 54000. */
static bytea *
state_to_bytes(const PmStateFamily *f, void *state)
{
	bytea	   *payload = f->write(state);
	Size		plen = VARSIZE(payload) - VARHDRSZ;
	Size		size = VARHDRSZ + PM_STATE_HEADER_SIZE + plen;
	PmStateHeader h;
	bytea	   *out;

	if (size > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("precmed.%s too large to pass on (%zu bytes)", f->type_name, size),
				 errhint("Aggregate fewer rows per state, e.g. per partition or per group."));
	out = palloc(size);
	SET_VARSIZE(out, size);
	memcpy(h.magic, PM_STATE_MAGIC, 4);
	h.format = PM_STATE_FORMAT;
	h.kind = (uint16) f->kind;
	h.payload_len = (uint32) plen;
	h.crc = pm_crc32c(VARDATA(payload), plen);
	memcpy(VARDATA(out), &h, PM_STATE_HEADER_SIZE);
	memcpy(VARDATA(out) + PM_STATE_HEADER_SIZE, VARDATA(payload), plen);
	pfree(payload);
	return out;
}

/* Check a state's bytes (what names them in messages) and read the state into cxt. */
static void *
state_from_bytes(const PmStateFamily *f, const char *data, Size len, MemoryContext cxt,
				 const char *what)
{
	PmBinaryFormat fmt = state_format(f);
	PmStateHeader h;

	pm_binary_check_start(&fmt, what, data, len, PM_STATE_HEADER_SIZE);
	/* the bytes are not aligned: copy the header */
	memcpy(&h, data, PM_STATE_HEADER_SIZE);
	pm_binary_check_version(&fmt, what, h.format);
	if (h.kind != (uint16) f->kind)
		bad_state(f, what, psprintf("it is a %s", kind_name(h.kind)),
				  psprintf("State kind %u; this aggregate reads kind %d (%s).",
						   h.kind, (int) f->kind, f->type_name));
	if ((uint64) h.payload_len + PM_STATE_HEADER_SIZE != len)
		bad_state(f, what, psprintf("it is %zu bytes long, its header announces %llu",
									len, (unsigned long long) h.payload_len + PM_STATE_HEADER_SIZE),
				  "The value was truncated or extended.");
	pm_binary_check_crc(&fmt, what, data + PM_STATE_HEADER_SIZE, h.payload_len, h.crc);
	return f->read(data + PM_STATE_HEADER_SIZE, h.payload_len, cxt);
}

/* The expanded state behind d, or NULL when d is flat. */
static PmExpandedState *
expanded_arg(const PmStateFamily *f, Datum d)
{
	ExpandedObjectHeader *eoh;

	if (!VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
		return NULL;
	eoh = DatumGetEOHP(d);
	if (eoh->eoh_methods != &es_methods || ((PmExpandedState *) eoh)->family != f)
		elog(ERROR, "precmed.%s value is an expanded object of another type", f->type_name);
	return (PmExpandedState *) eoh;
}

/* Size of the flat form: the state's bytes, made now and kept for es_flatten_into. */
static Size
es_get_flat_size(ExpandedObjectHeader *eohptr)
{
	PmExpandedState *es = (PmExpandedState *) eohptr;

	if (es->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(es->hdr.eoh_context);

		es->flat = state_to_bytes(es->family, es->state);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(es->flat);
}

/* The flat form into result. */
static void
es_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	PmExpandedState *es = (PmExpandedState *) eohptr;

	Assert(es->flat != NULL && allocated_size == VARSIZE(es->flat));
	memcpy(result, es->flat, allocated_size);
}

/*
 * The in-memory state of datum d (not NULL).  copy: a state of its own in
 * cxt, which the caller may change or free; otherwise the state may be the
 * value's own (an expanded object's, or a fixed-size flat value's struct
 * when d is an unpacked, aligned varlena, as transition values are).
 */
static void *
state_arg(const PmStateFamily *f, Datum d, MemoryContext cxt, bool copy)
{
	PmExpandedState *es = f->fixed_size ? NULL : expanded_arg(f, d);
	struct varlena *v;

	if (es != NULL)
	{
		bytea	   *p;
		void	   *s;

		if (!copy)
			return es->state;
		p = f->write(es->state);
		s = f->read(VARDATA(p), VARSIZE(p) - VARHDRSZ, cxt);
		pfree(p);
		return s;
	}
	v = PG_DETOAST_DATUM(d);
	if (f->fixed_size == 0)
		return state_from_bytes(f, VARDATA(v), VARSIZE(v) - VARHDRSZ, cxt, "the state");
	if (VARSIZE(v) != FIXED_OFFSET + f->fixed_size ||
		*(int32 *) ((char *) v + VARHDRSZ) != (int32) f->kind)
		elog(ERROR, "precmed.%s value has %u bytes, not %zu", f->type_name,
			 (unsigned) VARSIZE(v), FIXED_OFFSET + f->fixed_size);
	if (!copy && (Pointer) v == DatumGetPointer(d) &&
		(uintptr_t) v % MAXIMUM_ALIGNOF == 0)
		return (char *) v + FIXED_OFFSET;
	{
		void	   *s = MemoryContextAlloc(cxt, f->fixed_size);

		memcpy(s, (char *) v + FIXED_OFFSET, f->fixed_size);
		return s;
	}
}

/* A new flat value in cxt holding a copy of a fixed-size state. */
static Datum
fixed_value(const PmStateFamily *f, const void *state, MemoryContext cxt)
{
	char	   *v = MemoryContextAllocZero(cxt, FIXED_OFFSET + f->fixed_size);

	SET_VARSIZE(v, FIXED_OFFSET + f->fixed_size);
	*(int32 *) (v + VARHDRSZ) = (int32) f->kind;
	memcpy(v + FIXED_OFFSET, state, f->fixed_size);
	return PointerGetDatum(v);
}

/*
 * state as the result of a transition or combine function whose argument 0
 * was orig (orig_null: none): orig itself when state is (or is now held by)
 * orig, else a new value in aggcxt.
 */
static Datum
state_result(const PmStateFamily *f, Datum orig, bool orig_null, void *state,
			 MemoryContext aggcxt)
{
	PmExpandedState *es;
	MemoryContext ocxt;

	if (f->fixed_size)
	{
		if (!orig_null && (char *) DatumGetPointer(orig) + FIXED_OFFSET == (char *) state)
			return orig;
		return fixed_value(f, state, aggcxt);
	}
	es = orig_null ? NULL : expanded_arg(f, orig);
	if (es != NULL && DatumIsReadWriteExpandedObject(orig, false, -1))
	{
		es->state = state;
		if (es->flat)
		{
			pfree(es->flat);
			es->flat = NULL;
		}
		return orig;
	}
	/* a child of the aggregate context: PostgreSQL keeps it as the transition value */
	ocxt = AllocSetContextCreate(aggcxt, "precmed aggregate state", ALLOCSET_SMALL_SIZES);
	es = MemoryContextAllocZero(ocxt, sizeof(PmExpandedState));
	EOH_init_header(&es->hdr, &es_methods, ocxt);
	es->family = f;
	es->state = state;
	return EOHPGetRWDatum(&es->hdr);
}

/* See agg_state.h. */
Datum
pm_state_call(const PmStateFamily *f, PGFunction fn, FunctionCallInfo fcinfo,
			  int nstates, bool wrap)
{
	MemoryContext aggcxt;
	Datum		saved[2];
	bool		saved_null[2];
	Datum		result;

	Assert(nstates >= 1 && nstates <= 2 && nstates <= fcinfo->nargs);
	/* the per-row case, kept short: a transition on the aggregate's own expanded state */
	if (wrap && nstates == 1 && !fcinfo->args[0].isnull && f->fixed_size == 0 &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(fcinfo->args[0].value)))
	{
		Datum		orig = fcinfo->args[0].value;
		PmExpandedState *es = expanded_arg(f, orig);

		fcinfo->args[0].value = PointerGetDatum(es->state);
		fcinfo->isnull = false;
		result = fn(fcinfo);
		fcinfo->args[0].value = orig;
		if (fcinfo->isnull)
			return result;
		es->state = DatumGetPointer(result);
		if (es->flat)
		{
			pfree(es->flat);
			es->flat = NULL;
		}
		return orig;
	}
	/* the same for a fixed-size state: the transition value is its own, flat and aligned */
	if (wrap && nstates == 1 && !fcinfo->args[0].isnull && f->fixed_size > 0)
	{
		Datum		orig = fcinfo->args[0].value;
		char	   *v = DatumGetPointer(orig);

		if (VARATT_IS_4B_U(v) && VARSIZE(v) == FIXED_OFFSET + f->fixed_size &&
			*(int32 *) (v + VARHDRSZ) == (int32) f->kind && (uintptr_t) v % MAXIMUM_ALIGNOF == 0)
		{
			fcinfo->args[0].value = PointerGetDatum(v + FIXED_OFFSET);
			fcinfo->isnull = false;
			result = fn(fcinfo);
			fcinfo->args[0].value = orig;
			if (!fcinfo->isnull && DatumGetPointer(result) == v + FIXED_OFFSET)
				return orig;
			if (!AggCheckCallContext(fcinfo, &aggcxt))
				elog(ERROR, "precmed.%s support function called in non-aggregate context", f->type_name);
			return fcinfo->isnull ? result : fixed_value(f, DatumGetPointer(result), aggcxt);
		}
	}
	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "precmed.%s support function called in non-aggregate context", f->type_name);
	for (int i = 0; i < nstates; i++)
	{
		void	   *s;

		saved[i] = fcinfo->args[i].value;
		saved_null[i] = fcinfo->args[i].isnull;
		s = saved_null[i] ? NULL
			: state_arg(f, saved[i], wrap ? aggcxt : CurrentMemoryContext, i == 1);
		fcinfo->args[i].value = PointerGetDatum(s);
		fcinfo->args[i].isnull = s == NULL;
	}
	fcinfo->isnull = false;
	result = fn(fcinfo);
	for (int i = 0; i < nstates; i++)
	{
		fcinfo->args[i].value = saved[i];
		fcinfo->args[i].isnull = saved_null[i];
	}
	if (!wrap || fcinfo->isnull)
		return result;
	return state_result(f, saved[0], saved_null[0], DatumGetPointer(result), aggcxt);
}

/* See agg_state.h. */
Datum
pm_state_merge(const PmStateFamily *f, PGFunction combinefn, FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;
	bytea	   *in;
	void	   *a,
			   *b;
	Datum		orig = fcinfo->args[0].value;
	bool		orig_null = fcinfo->args[0].isnull;
	Datum		result;
	LOCAL_FCINFO(call, 2);

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "precmed.%s merge function called in non-aggregate context", f->type_name);
	if (PG_ARGISNULL(1))
	{
		if (orig_null)
			PG_RETURN_NULL();
		return orig;
	}
	in = PG_GETARG_BYTEA_PP(1);
	b = state_from_bytes(f, VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), aggcxt,
						 "argument \"state\"");
	a = orig_null ? NULL : state_arg(f, orig, aggcxt, false);
	InitFunctionCallInfoData(*call, fcinfo->flinfo, 2, fcinfo->fncollation,
							 fcinfo->context, NULL);
	call->args[0].value = PointerGetDatum(a);
	call->args[0].isnull = a == NULL;
	call->args[1].value = PointerGetDatum(b);
	call->args[1].isnull = false;
	result = combinefn(call);
	if (call->isnull)
		PG_RETURN_NULL();
	return state_result(f, orig, orig_null, DatumGetPointer(result), aggcxt);
}

/* See agg_state.h. */
Datum
pm_state_bytes(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	PmExpandedState *es;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	es = f->fixed_size ? NULL : expanded_arg(f, PG_GETARG_DATUM(0));
	if (es != NULL)
		PG_RETURN_BYTEA_P(state_to_bytes(f, es->state));
	if (f->fixed_size == 0)
	{
		/* a flat growing state is its bytes already (checked when it was made) */
		PG_RETURN_BYTEA_P(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0)));
	}
	PG_RETURN_BYTEA_P(state_to_bytes(f, state_arg(f, PG_GETARG_DATUM(0),
												  CurrentMemoryContext, false)));
}

/* The state's bytes, checked, as a value of the family's type. */
static Datum
state_value_from_bytes(const PmStateFamily *f, const char *data, Size len, const char *what)
{
	MemoryContext tmp = AllocSetContextCreate(CurrentMemoryContext, "precmed state check",
											  ALLOCSET_DEFAULT_SIZES);
	void	   *s = state_from_bytes(f, data, len, tmp, what);
	Datum		result;

	if (f->fixed_size)
		result = fixed_value(f, s, MemoryContextGetParent(tmp));
	else
	{
		bytea	   *v = palloc(VARHDRSZ + len);

		SET_VARSIZE(v, VARHDRSZ + len);
		memcpy(VARDATA(v), data, len);
		result = PointerGetDatum(v);
	}
	MemoryContextDelete(tmp);
	return result;
}

/* The bytes of the state in argument 0 (any form), palloc'd. */
static bytea *
state_arg_bytes(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	return DatumGetByteaPP(pm_state_bytes(f, fcinfo));
}

/* Input: the state's bytes in hexadecimal (optionally after "\x"), checked. */
Datum
pm_state_in(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	const char *s = PG_GETARG_CSTRING(0);
	size_t		len;
	char	   *bytes;

	if (s[0] == '\\' && s[1] == 'x')
		s += 2;
	len = strlen(s);
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char) s[i]))
			pm_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
					 errmsg("invalid input for precmed.%s: character %zu is not a hexadecimal digit",
							f->type_name, i + 1),
					 errhint("A state's text form is its bytes in hexadecimal, as its output gives."));
	if (len % 2 != 0)
		pm_error(ERRCODE_INVALID_TEXT_REPRESENTATION,
				 errmsg("invalid input for precmed.%s: an odd number of hexadecimal digits",
						f->type_name),
				 errhint("A state's text form is its bytes in hexadecimal, as its output gives."));
	bytes = palloc(len / 2 + 1);
	hex_decode(s, len, bytes);
	return state_value_from_bytes(f, bytes, len / 2, "the input");
}

/* Output: the state's bytes in hexadecimal. */
Datum
pm_state_out(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	bytea	   *b = state_arg_bytes(f, fcinfo);
	Size		len = VARSIZE_ANY_EXHDR(b);
	char	   *out = palloc(2 * len + 1);

	hex_encode(VARDATA_ANY(b), len, out);
	out[2 * len] = '\0';
	PG_RETURN_CSTRING(out);
}

/* Receive: the state's bytes, checked. */
Datum
pm_state_recv(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const char *data = pq_getmsgbytes(buf, len);

	return state_value_from_bytes(f, data, len, "the received value");
}

/* Send: the state's bytes. */
Datum
pm_state_send(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	PG_RETURN_BYTEA_P(state_arg_bytes(f, fcinfo));
}

/* See agg_state.h. */
Datum
pm_state_legacy_serialize(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	PG_RETURN_BYTEA_P(f->write(PG_GETARG_POINTER(0)));
}

/* See agg_state.h: a payload that does not hold together is 22P03. */
Datum
pm_state_legacy_deserialize(const PmStateFamily *f, FunctionCallInfo fcinfo)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		elog(ERROR, "precmed.%s deserial function called in non-aggregate context", f->type_name);
	PG_RETURN_POINTER(f->read(VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), aggcxt));
}
