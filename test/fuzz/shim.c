/*
 * shim.c: the backend functions precmed's parsers call, for the fuzz
 * harnesses only (never part of the extension).
 *
 * The parser sources (src/units, src/ingest, src/common/errors.c) are
 * compiled unchanged against PostgreSQL's server headers.  What they call
 * from the backend is provided here, written for this purpose:
 *  - memory contexts: every palloc is its own malloc block, listed in its
 *    context, so AddressSanitizer sees each chunk's bounds exactly and a
 *    context reset or delete frees it (per-input memory never leaks);
 *  - ereport/elog: ERROR longjmps to the innermost PG_TRY/fuzz_run exactly
 *    as the backend's PG_exception_stack does; FATAL and PANIC abort;
 *  - dynahash (string and blob keys), text datums, the materialized SRF
 *    tuplestore (which checks every row the parser emits), timestamps in a
 *    UTC session, and SPI stubs that abort (the UCUM definitions come from
 *    ucum_load_definitions_xml instead).
 * StringInfo, psprintf and the UTF-8 verifier are PostgreSQL's own, linked
 * from libpgcommon/libpgport as installed by postgresql-server-dev-15.
 */
#include "shim.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalog/namespace.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "units/units.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#ifndef FUZZ_UCUM_ESSENCE
#define FUZZ_UCUM_ESSENCE "test/data/units/ucum-essence.xml"
#endif

/* ---- findings ---- */

void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "\n==FUZZ FINDING== %s: %s\n", what, detail ? detail : "");
	fflush(stderr);
	abort();
}

/* ---- memory contexts ---- */

typedef struct ShimChunk
{
	struct ShimChunk *prev;
	struct ShimChunk *next;
	Size		size;
	MemoryContext cxt;			/* last: the word before the data, as in PostgreSQL */
} ShimChunk;

typedef struct ShimContext
{
	MemoryContextData hdr;
	ShimChunk  *chunks;
} ShimContext;

StaticAssertDecl(sizeof(ShimChunk) % MAXIMUM_ALIGNOF == 0, "chunk header keeps MAXALIGN");

MemoryContext TopMemoryContext = NULL;
MemoryContext ErrorContext = NULL;
MemoryContext CurrentMemoryContext = NULL;

/* Create a context under parent (NULL: a root). */
static MemoryContext
shim_context_create(MemoryContext parent, const char *name)
{
	ShimContext *c = calloc(1, sizeof(ShimContext));

	if (c == NULL)
		fuzz_fail("out of memory", "creating a memory context");
	c->hdr.type = T_AllocSetContext;
	c->hdr.isReset = true;
	c->hdr.name = name;
	c->hdr.parent = parent;
	if (parent)
	{
		c->hdr.nextchild = parent->firstchild;
		if (parent->firstchild)
			parent->firstchild->prevchild = &c->hdr;
		parent->firstchild = &c->hdr;
	}
	return &c->hdr;
}

/* Make the root contexts on first use. */
static void
shim_init(void)
{
	if (TopMemoryContext != NULL)
		return;
	TopMemoryContext = shim_context_create(NULL, "TopMemoryContext");
	ErrorContext = shim_context_create(TopMemoryContext, "ErrorContext");
	CurrentMemoryContext = TopMemoryContext;
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name,
							  Size minContextSize, Size initBlockSize,
							  Size maxBlockSize)
{
	shim_init();
	return shim_context_create(parent, name);
}

void
MemoryContextDeleteChildren(MemoryContext context)
{
	while (context->firstchild)
		MemoryContextDelete(context->firstchild);
}

void
MemoryContextReset(MemoryContext context)
{
	ShimContext *c = (ShimContext *) context;
	MemoryContextCallback *cb;

	MemoryContextDeleteChildren(context);
	while ((cb = context->reset_cbs) != NULL)
	{
		context->reset_cbs = cb->next;
		cb->func(cb->arg);
	}
	while (c->chunks)
	{
		ShimChunk  *k = c->chunks;

		c->chunks = k->next;
		free(k);
	}
	context->mem_allocated = 0;
	context->isReset = true;
}

void
MemoryContextDelete(MemoryContext context)
{
	MemoryContextReset(context);
	if (context->parent)
	{
		if (context->prevchild)
			context->prevchild->nextchild = context->nextchild;
		else
			context->parent->firstchild = context->nextchild;
		if (context->nextchild)
			context->nextchild->prevchild = context->prevchild;
	}
	if (CurrentMemoryContext == context)
		CurrentMemoryContext = context->parent;
	free(context);
}

void
MemoryContextRegisterResetCallback(MemoryContext context, MemoryContextCallback *cb)
{
	cb->next = context->reset_cbs;
	context->reset_cbs = cb;
}

/* Allocate size bytes in context (flags: MCXT_ALLOC_*), as the backend checks them. */
static void *
shim_alloc(MemoryContext context, Size size, int flags)
{
	ShimContext *c = (ShimContext *) context;
	ShimChunk  *k;

	if (context == NULL)
		fuzz_fail("palloc", "no current memory context");
	if ((flags & MCXT_ALLOC_HUGE) ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	k = malloc(sizeof(ShimChunk) + size);
	if (k == NULL)
	{
		if (flags & MCXT_ALLOC_NO_OOM)
			return NULL;
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	k->size = size;
	k->cxt = context;
	k->prev = NULL;
	k->next = c->chunks;
	if (c->chunks)
		c->chunks->prev = k;
	c->chunks = k;
	context->isReset = false;
	context->mem_allocated += size;
	if (flags & MCXT_ALLOC_ZERO)
		memset(k + 1, 0, size);
	return k + 1;
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return shim_alloc(context, size, 0);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return shim_alloc(context, size, MCXT_ALLOC_ZERO);
}

void *
MemoryContextAllocZeroAligned(MemoryContext context, Size size)
{
	return shim_alloc(context, size, MCXT_ALLOC_ZERO);
}

void *
MemoryContextAllocExtended(MemoryContext context, Size size, int flags)
{
	return shim_alloc(context, size, flags);
}

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	return shim_alloc(context, size, MCXT_ALLOC_HUGE);
}

void *
palloc(Size size)
{
	return shim_alloc(CurrentMemoryContext, size, 0);
}

void *
palloc0(Size size)
{
	return shim_alloc(CurrentMemoryContext, size, MCXT_ALLOC_ZERO);
}

void *
palloc_extended(Size size, int flags)
{
	return shim_alloc(CurrentMemoryContext, size, flags);
}

void
pfree(void *pointer)
{
	ShimChunk  *k = (ShimChunk *) pointer - 1;
	ShimContext *c = (ShimContext *) k->cxt;

	if (k->prev)
		k->prev->next = k->next;
	else
		c->chunks = k->next;
	if (k->next)
		k->next->prev = k->prev;
	c->hdr.mem_allocated -= k->size;
	free(k);
}

/* Resize a chunk in place of its context's list. */
static void *
shim_realloc(void *pointer, Size size, bool huge)
{
	ShimChunk  *k = (ShimChunk *) pointer - 1;
	ShimContext *c = (ShimContext *) k->cxt;
	ShimChunk  *n;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	n = realloc(k, sizeof(ShimChunk) + size);
	if (n == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (n->prev)
		n->prev->next = n;
	else
		c->chunks = n;
	if (n->next)
		n->next->prev = n;
	c->hdr.mem_allocated += size - n->size;
	n->size = size;
	return n + 1;
}

void *
repalloc(void *pointer, Size size)
{
	return shim_realloc(pointer, size, false);
}

void *
repalloc_huge(void *pointer, Size size)
{
	return shim_realloc(pointer, size, true);
}

char *
MemoryContextStrdup(MemoryContext context, const char *string)
{
	Size		n = strlen(string) + 1;
	char	   *s = shim_alloc(context, n, 0);

	memcpy(s, string, n);
	return s;
}

char *
pstrdup(const char *in)
{
	return MemoryContextStrdup(CurrentMemoryContext, in);
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *s;

	len = strnlen(in, len);
	s = palloc(len + 1);
	memcpy(s, in, len);
	s[len] = '\0';
	return s;
}

/* ---- errors ---- */

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;
volatile sig_atomic_t InterruptPending = false;

FuzzError	fuzz_last_error;

static struct
{
	int			elevel;
	int			sqlerrcode;
	char	   *message;
	char	   *detail;
	char	   *hint;
} edata;

bool
errstart(int elevel, const char *domain)
{
	shim_init();
	if (elevel < ERROR)
		return false;			/* notices and warnings are not collected */
	memset(&edata, 0, sizeof(edata));
	edata.elevel = elevel;
	edata.sqlerrcode = ERRCODE_INTERNAL_ERROR;
	return true;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

int
errcode(int sqlerrcode)
{
	edata.sqlerrcode = sqlerrcode;
	return 0;
}

/* Format into ErrorContext, growing the buffer as pvsnprintf asks (as psprintf does). */
static char *
shim_vformat(const char *fmt, va_list args)
{
	size_t		len = 256;

	for (;;)
	{
		char	   *buf = MemoryContextAlloc(ErrorContext, len);
		va_list		copy;
		size_t		need;

		va_copy(copy, args);
		need = pvsnprintf(buf, len, fmt, copy);
		va_end(copy);
		if (need < len)
			return buf;
		pfree(buf);
		len = need;
	}
}

#define SHIM_ERRFIELD(fn, field) \
int \
fn(const char *fmt,...) \
{ \
	va_list		args; \
	va_start(args, fmt); \
	edata.field = shim_vformat(fmt, args); \
	va_end(args); \
	return 0; \
}

SHIM_ERRFIELD(errmsg, message)
SHIM_ERRFIELD(errmsg_internal, message)
SHIM_ERRFIELD(errdetail, detail)
SHIM_ERRFIELD(errdetail_internal, detail)
SHIM_ERRFIELD(errdetail_log, detail)
SHIM_ERRFIELD(errhint, hint)

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	fuzz_last_error.sqlerrcode = edata.sqlerrcode;
	fuzz_last_error.message = edata.message ? edata.message : "";
	fuzz_last_error.filename = filename;
	fuzz_last_error.lineno = lineno;
	if (edata.elevel > ERROR)
		fuzz_fail("FATAL or PANIC", fuzz_last_error.message);
	if (PG_exception_stack == NULL)
		fuzz_fail("ERROR outside any PG_TRY", fuzz_last_error.message);
	siglongjmp(*PG_exception_stack, 1);
}

void
pg_re_throw(void)
{
	if (PG_exception_stack == NULL)
		fuzz_fail("PG_RE_THROW outside any PG_TRY", fuzz_last_error.message);
	siglongjmp(*PG_exception_stack, 1);
}

void
ProcessInterrupts(void)
{
	fuzz_fail("ProcessInterrupts", "no interrupt is ever pending in the harness");
}

/* ---- dynahash: chained buckets, string or blob keys ---- */

#define SHIM_NBUCKETS 1024

typedef struct ShimElem
{
	struct ShimElem *next;
	uint32		hash;
} ShimElem;

#define ELEM_DATA(e) ((char *) (e) + MAXALIGN(sizeof(ShimElem)))

struct HTAB
{
	MemoryContext cxt;
	Size		keysize;
	Size		entrysize;
	bool		strings;
	long		nentries;
	ShimElem   *buckets[SHIM_NBUCKETS];
};

HTAB *
hash_create(const char *tabname, long nelem, const HASHCTL *info, int flags)
{
	MemoryContext parent;
	MemoryContext cxt;
	HTAB	   *h;

	shim_init();
	if (!(flags & HASH_ELEM) || !(flags & (HASH_STRINGS | HASH_BLOBS)) ||
		(flags & (HASH_FUNCTION | HASH_COMPARE | HASH_KEYCOPY | HASH_SHARED_MEM)))
		fuzz_fail("hash_create", "the shim supports HASH_ELEM with HASH_STRINGS or HASH_BLOBS only");
	parent = (flags & HASH_CONTEXT) ? info->hcxt : TopMemoryContext;
	cxt = shim_context_create(parent, tabname);
	h = MemoryContextAllocZero(cxt, sizeof(HTAB));
	h->cxt = cxt;
	h->keysize = info->keysize;
	h->entrysize = info->entrysize;
	h->strings = (flags & HASH_STRINGS) != 0;
	return h;
}

/* Key length compared: strings stop at NUL or keysize - 1, as dynahash. */
static Size
key_len(const HTAB *h, const void *key)
{
	return h->strings ? strnlen(key, h->keysize - 1) : h->keysize;
}

void *
hash_search(HTAB *hashp, const void *keyPtr, HASHACTION action, bool *foundPtr)
{
	Size		n = key_len(hashp, keyPtr);
	uint32		hv = 2166136261u;
	Size		i;
	ShimElem  **link;
	ShimElem   *e;

	for (i = 0; i < n; i++)
		hv = (hv ^ ((const unsigned char *) keyPtr)[i]) * 16777619u;
	for (link = &hashp->buckets[hv % SHIM_NBUCKETS]; (e = *link) != NULL; link = &e->next)
	{
		if (e->hash == hv && key_len(hashp, ELEM_DATA(e)) == n &&
			memcmp(ELEM_DATA(e), keyPtr, n) == 0)
			break;
	}
	if (foundPtr)
		*foundPtr = (e != NULL);
	switch (action)
	{
		case HASH_FIND:
			return e ? ELEM_DATA(e) : NULL;
		case HASH_REMOVE:
			if (e == NULL)
				return NULL;
			*link = e->next;
			hashp->nentries--;
			return ELEM_DATA(e);	/* the backend too keeps it until reuse */
		case HASH_ENTER:
		case HASH_ENTER_NULL:
			if (e)
				return ELEM_DATA(e);
			e = MemoryContextAlloc(hashp->cxt, MAXALIGN(sizeof(ShimElem)) + hashp->entrysize);
			e->hash = hv;
			e->next = hashp->buckets[hv % SHIM_NBUCKETS];
			hashp->buckets[hv % SHIM_NBUCKETS] = e;
			if (hashp->strings)
				strlcpy(ELEM_DATA(e), keyPtr, hashp->keysize);
			else
				memcpy(ELEM_DATA(e), keyPtr, hashp->keysize);
			hashp->nentries++;
			return ELEM_DATA(e);
	}
	return NULL;
}

long
hash_get_num_entries(HTAB *hashp)
{
	return hashp->nentries;
}

void
hash_destroy(HTAB *hashp)
{
	MemoryContextDelete(hashp->cxt);
}

/* ---- text datums ---- */

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	if (VARATT_IS_COMPRESSED(datum) || VARATT_IS_EXTERNAL(datum))
		fuzz_fail("detoast", "the harness never passes toasted datums");
	return datum;
}

struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		fuzz_fail("detoast", "pg_detoast_datum of a packed datum is not in the shim");
	return datum;
}

text *
cstring_to_text_with_len(const char *s, int len)
{
	text	   *t = palloc(len + VARHDRSZ);

	SET_VARSIZE(t, len + VARHDRSZ);
	memcpy(VARDATA(t), s, len);
	return t;
}

text *
cstring_to_text(const char *s)
{
	return cstring_to_text_with_len(s, strlen(s));
}

char *
text_to_cstring(const text *t)
{
	text	   *tunpacked = (text *) pg_detoast_datum_packed(unconstify(text *, t));
	int			len = VARSIZE_ANY_EXHDR(tunpacked);
	char	   *s = palloc(len + 1);

	memcpy(s, VARDATA_ANY(tunpacked), len);
	s[len] = '\0';
	return s;
}

text *
fuzz_make_text(const char *s, size_t len, bool short_header)
{
	char	   *t;

	if (short_header && len + VARHDRSZ_SHORT <= VARATT_SHORT_MAX)
	{
		t = palloc(len + VARHDRSZ_SHORT);
		SET_VARSIZE_SHORT(t, len + VARHDRSZ_SHORT);
		memcpy(t + VARHDRSZ_SHORT, s, len);
	}
	else
	{
		t = palloc(len + VARHDRSZ);
		SET_VARSIZE(t, len + VARHDRSZ);
		memcpy(t + VARHDRSZ, s, len);
	}
	return (text *) t;
}

/* ---- encodings: a UTF-8 database ---- */

int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

const char *
GetDatabaseEncodingName(void)
{
	return "UTF8";
}

bool
pg_verify_mbstr(int encoding, const char *mbstr, int len, bool noError)
{
	if (pg_encoding_verifymbstr(encoding, mbstr, len) == len)
		return true;
	if (!noError)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("invalid byte sequence for encoding \"%s\"",
						pg_encoding_to_char(encoding))));
	return false;
}

/* Bytes of mbstr[0..len) that fit in limit without cutting a character. */
int
pg_encoding_mbcliplen(int encoding, const char *mbstr, int len, int limit)
{
	int			clen = 0;

	while (len > 0 && *mbstr)
	{
		int			l = pg_encoding_mblen(encoding, mbstr);

		if (clen + l > limit)
			break;
		clen += l;
		len -= l;
		mbstr += l;
	}
	return clen;
}

int
pg_mbcliplen(const char *mbstr, int len, int limit)
{
	return pg_encoding_mbcliplen(PG_UTF8, mbstr, len, limit);
}

char *
pg_server_to_any(const char *s, int len, int encoding)
{
	if (encoding != PG_UTF8 && encoding != PG_SQL_ASCII)
		fuzz_fail("pg_server_to_any", "only UTF-8 is converted in the harness");
	return unconstify(char *, s);
}

/* Conversions between encodings are never needed in a UTF-8 database with UTF-8 input. */
Oid
FindDefaultConversionProc(int32 for_encoding, int32 to_encoding)
{
	fuzz_fail("FindDefaultConversionProc", "no conversion in a UTF-8 database");
}

int
pg_do_encoding_conversion_buf(Oid proc, int src_encoding, int dest_encoding,
							  unsigned char *src, int srclen,
							  unsigned char *dst, int dstlen, bool noError)
{
	fuzz_fail("pg_do_encoding_conversion_buf", "no conversion in a UTF-8 database");
}

bool
fuzz_valid_text(const char *s, size_t len)
{
	if (len > PG_INT32_MAX || memchr(s, '\0', len) != NULL)
		return false;
	return pg_encoding_verifymbstr(PG_UTF8, s, (int) len) == (int) len;
}

/* ---- timestamps: a session in UTC ---- */

pg_tz	   *session_timezone = NULL;

const int	day_tab[2][13] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}
};

int
DetermineTimeZoneOffset(struct pg_tm *tm, pg_tz *tzp)
{
	tm->tm_isdst = 0;
	return 0;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian. */
static int64
days_from_civil(int64 y, int m, int d)
{
	int64		era,
				yoe,
				doy,
				doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
tm2timestamp(struct pg_tm *tm, fsec_t fsec, int *tzp, Timestamp *result)
{
	int64		days,
				t,
				r;

	*result = 0;
	if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
		return -1;
	days = days_from_civil(tm->tm_year, tm->tm_mon, tm->tm_mday) - 10957;	/* 2000-01-01 */
	t = ((int64) (tm->tm_hour * 60 + tm->tm_min) * 60 + tm->tm_sec) * USECS_PER_SEC + fsec;
	if (pg_mul_s64_overflow(days, USECS_PER_DAY, &r) || pg_add_s64_overflow(r, t, &r))
		return -1;
	if (tzp != NULL && pg_add_s64_overflow(r, (int64) *tzp * USECS_PER_SEC, &r))
		return -1;
	if (!IS_VALID_TIMESTAMP(r))
		return -1;
	*result = r;
	return 0;
}

/* ---- materialized set-returning functions ---- */

bool		fuzz_check_utf8 = false;
int64		fuzz_error_rows = 0;

struct Tuplestorestate
{
	int64		rows;
};

void
InitMaterializedSRF(FunctionCallInfo fcinfo, bits32 flags)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	desc;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		fuzz_fail("InitMaterializedSRF", "not called as a set-returning function");
	desc = palloc0(offsetof(struct TupleDescData, attrs) + 19 * sizeof(FormData_pg_attribute));
	desc->natts = 19;
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setDesc = desc;
	rsinfo->setResult = palloc0(sizeof(Tuplestorestate));
}

/* The observation row's columns (sql/install/20_ingest.sql): float8 and timestamptz ones. */
static bool
column_is_float(int i)
{
	return i == 6 || i == 11 || i == 12;
}

void
tuplestore_putvalues(Tuplestorestate *state, TupleDesc tdesc,
					 Datum *values, bool *isnull)
{
	int			i;
	char		where[64];

	for (i = 0; i < tdesc->natts; i++)
	{
		snprintf(where, sizeof(where), "emitted row, column %d", i + 1);
		if (isnull[i])
		{
			if (i == 0)
				fuzz_fail(where, "source_format is never NULL");
			continue;
		}
		if (column_is_float(i))
		{
			if (!isfinite(DatumGetFloat8(values[i])))
				fuzz_fail(where, "a float8 column that is not finite");
		}
		else if (i == 14)
		{
			if (!IS_VALID_TIMESTAMP(DatumGetTimestampTz(values[i])))
				fuzz_fail(where, "a timestamptz out of range");
		}
		else
		{
			struct varlena *t = (struct varlena *) DatumGetPointer(values[i]);
			int			len;

			if (!VARATT_IS_4B_U(t) || VARSIZE(t) < VARHDRSZ)
				fuzz_fail(where, "a malformed text datum");
			len = VARSIZE(t) - VARHDRSZ;
			if (memchr(VARDATA(t), '\0', len) != NULL)
				fuzz_fail(where, "a text value containing a NUL byte");
			if (fuzz_check_utf8 &&
				pg_encoding_verifymbstr(PG_UTF8, VARDATA(t), len) != len)
				fuzz_fail(where, "a text value that is not valid UTF-8");
			if (i == 15 && len == 5 && memcmp(VARDATA(t), "error", 5) == 0)
				fuzz_error_rows++;
		}
	}
	state->rows++;
}

int64
fuzz_call_ingest(PGFunction fn, text *input, bool strict)
{
	LOCAL_FCINFO(fcinfo, 2);
	ReturnSetInfo rsinfo;

	fuzz_error_rows = 0;
	memset(&rsinfo, 0, sizeof(rsinfo));
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.allowedModes = SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, NULL, 2, InvalidOid, NULL, (Node *) &rsinfo);
	fcinfo->args[0].value = PointerGetDatum(input);
	fcinfo->args[0].isnull = false;
	fcinfo->args[1].value = BoolGetDatum(strict);
	fcinfo->args[1].isnull = false;
	(void) fn(fcinfo);
	if (rsinfo.returnMode != SFRM_Materialize || rsinfo.setResult == NULL)
		fuzz_fail("ingest call", "the function returned without materializing its result");
	return rsinfo.setResult->rows;
}

/* ---- SPI: never reached (the definitions are loaded from the file) ---- */

uint64		SPI_processed = 0;
SPITupleTable *SPI_tuptable = NULL;

int
SPI_connect(void)
{
	fuzz_fail("SPI_connect", "SPI is not available in the fuzz harness");
}

int
SPI_execute(const char *src, bool read_only, long tcount)
{
	fuzz_fail("SPI_execute", src);
}

int
SPI_finish(void)
{
	fuzz_fail("SPI_finish", "SPI is not available in the fuzz harness");
}

Datum
SPI_getbinval(HeapTuple tuple, TupleDesc tupdesc, int fnumber, bool *isnull)
{
	fuzz_fail("SPI_getbinval", "SPI is not available in the fuzz harness");
}

/* ---- running one input ---- */

bool
fuzz_run(void (*fn) (void *arg), void *arg)
{
	sigjmp_buf	jb;
	sigjmp_buf *volatile saved = PG_exception_stack;
	MemoryContext cxt;
	volatile bool failed = false;

	shim_init();
	cxt = AllocSetContextCreate(TopMemoryContext, "fuzz input", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);
	if (sigsetjmp(jb, 0) == 0)
	{
		PG_exception_stack = &jb;
		fn(arg);
		if (CurrentMemoryContext != cxt)
			fuzz_fail("memory context", "a call returned with another memory context current");
	}
	else
	{
		failed = true;
		if (fuzz_last_error.sqlerrcode == ERRCODE_INTERNAL_ERROR)
		{
			char		buf[1024];

			snprintf(buf, sizeof(buf), "%s (%s:%d)", fuzz_last_error.message,
					 fuzz_last_error.filename, fuzz_last_error.lineno);
			fuzz_fail("ERROR without a specific SQLSTATE (XX000)", buf);
		}
	}
	PG_exception_stack = saved;
	error_context_stack = NULL;
	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextDelete(cxt);
	MemoryContextReset(ErrorContext);
	return failed;
}

void
fuzz_load_ucum(void)
{
	const char *path = getenv("FUZZ_UCUM_ESSENCE");
	FILE	   *f;
	long		n;
	char	   *xml;
	sigjmp_buf	jb;

	shim_init();
	if (path == NULL)
		path = FUZZ_UCUM_ESSENCE;
	f = fopen(path, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
		fseek(f, 0, SEEK_SET) != 0)
		fuzz_fail("cannot read the UCUM definitions", path);
	xml = malloc(n + 1);
	if (xml == NULL || fread(xml, 1, n, f) != (size_t) n)
		fuzz_fail("cannot read the UCUM definitions", path);
	xml[n] = '\0';
	fclose(f);
	MemoryContextSwitchTo(TopMemoryContext);
	if (sigsetjmp(jb, 0) == 0)
	{
		PG_exception_stack = &jb;
		ucum_load_definitions_xml(xml);
		PG_exception_stack = NULL;
	}
	else
		fuzz_fail("loading the UCUM definitions failed", fuzz_last_error.message);
	free(xml);
	fuzz_check_utf8 = getenv("FUZZ_CHECK_UTF8") && strcmp(getenv("FUZZ_CHECK_UTF8"), "1") == 0;
}
