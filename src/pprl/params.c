/*
 * params.c: the params of an encoding, their canonical text and params id,
 * and clk_describe.
 *
 * Sites that link must encode with the same params and secret.  The
 * canonical text lists every setting that changes the bits of an encoding,
 * in a fixed order and format (labels and the handling of invalid values
 * are left out: they change no bit of a successful encoding); its SHA-256
 * is the params id carried by every encoding, so dice refuses encodings
 * made with other params, and sites compare clk_describe's output to check
 * they agree before exchanging anything.
 */
#include "pprl/pprl.h"

#include <math.h>

#include "common/cryptohash.h"
#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"

static const char *const type_names[] = {"name", "text", "number", "date", NULL};
static const char *const hashing_names[] = {"double", "random", NULL};
static const char *const invalid_names[] = {"error", "missing", NULL};

/* What pm_read_params fills: the params, and "fields" to read after. */
typedef struct TopRead
{
	PprlParams	p;
	JsonbValue *fields;
} TopRead;

#define TOP(f) offsetof(TopRead, p.f)
#define FLD(f) offsetof(PprlField, f)

static const PmParam top_specs[] = {
	{"length", PM_PARAM_INTEGER, PPRL_MIN_LENGTH, PPRL_MAX_LENGTH, false, false, NULL, TOP(length), 0},
	{"hashing", PM_PARAM_CHOICE, 0, 0, false, false, hashing_names, TOP(hashing), 0},
	{"balanced", PM_PARAM_BOOL, 0, 0, false, false, NULL, TOP(balanced), 0},
	{"salt_field", PM_PARAM_INTEGER, 1, PPRL_MAX_FIELDS, false, false, NULL, TOP(salt_field), 0},
	{"type", PM_PARAM_CHOICE, 0, 0, false, false, type_names, TOP(deflt.type), 0},
	{"k", PM_PARAM_INTEGER, 1, PPRL_MAX_K, false, false, NULL, TOP(deflt.k), 0},
	{"q", PM_PARAM_INTEGER, 1, PPRL_MAX_Q, false, false, NULL, TOP(deflt.q), 0},
	{"padding", PM_PARAM_BOOL, 0, 0, false, false, NULL, TOP(deflt.padding), 0},
	{"fields", PM_PARAM_JSON, 0, 0, false, false, NULL, offsetof(TopRead, fields), 0},
};

static const PmParam field_specs[] = {
	{"name", PM_PARAM_STRING, 0, 0, false, false, NULL, FLD(name), 0},
	{"type", PM_PARAM_CHOICE, 0, 0, false, false, type_names, FLD(type), 0},
	{"k", PM_PARAM_INTEGER, 1, PPRL_MAX_K, false, false, NULL, FLD(k), 0},
	{"q", PM_PARAM_INTEGER, 1, PPRL_MAX_Q, false, false, NULL, FLD(q), 0},
	{"padding", PM_PARAM_BOOL, 0, 0, false, false, NULL, FLD(padding), 0},
	{"step", PM_PARAM_NUMBER, 0, 1e15, true, false, NULL, FLD(step), 0},
	{"neighbours", PM_PARAM_INTEGER, 0, PPRL_MAX_NEIGHBOURS, false, false, NULL, FLD(neighbours), 0},
	{"invalid", PM_PARAM_CHOICE, 0, 0, false, false, invalid_names, FLD(invalid), 0},
};

#define PARAMS_HINT "See docs/linkage.md, \"Linking across sites without sharing identities\"."

/* Check a field spec's combination of keys; where names it in messages. */
static void
check_field(const PprlField *f, const char *where)
{
	if (f->type != PPRL_NUMBER && (f->step > 0 || f->neighbours > 0))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s: \"step\" and \"neighbours\" apply to fields of type number only", where),
				 errhint(PARAMS_HINT));
	if (f->type == PPRL_NUMBER && f->neighbours > 0 && f->step <= 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s: \"neighbours\" needs a \"step\"", where),
				 errdetail("The neighbours of a number are the grid cells of width \"step\" around it."),
				 errhint(PARAMS_HINT));
}

/* Read params.fields (a JSON array of objects) into p->fields. */
static void
read_fields(PprlParams *p, JsonbValue *v)
{
	JsonbContainer *c;
	int			n;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("parameter \"fields\" must be an array, not %s", pm_json_kind(v)),
				 errdetail("One object per field, in the order of the fields array, e.g. "
						   "[{\"type\": \"name\"}, {\"type\": \"date\", \"k\": 20}]."),
				 errhint(PARAMS_HINT));
	c = v->val.binary.data;
	n = JsonContainerSize(c);
	if (n < 1 || n > PPRL_MAX_FIELDS)
		pm_error(n < 1 ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("parameter \"fields\" has %d entries; 1 to %d are allowed", n, PPRL_MAX_FIELDS),
				 errhint(PARAMS_HINT));
	for (int i = 0; i < n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);
		char	   *where = psprintf("fields[%d]", i + 1);
		PmParamSet	set = {
			.argname = where,
			.what = "field parameter",
			.context = psprintf("in %s", where),
			.hint = PARAMS_HINT,
			.params = field_specs,
			.nparams = lengthof(field_specs),
		};

		if (e->type != jbvBinary || !JsonContainerIsObject(e->val.binary.data))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("%s must be an object, not %s", where, pm_json_kind(e)),
					 errhint(PARAMS_HINT));
		p->fields[i] = p->deflt;
		p->fields[i].name = NULL;
		pm_read_params(JsonbValueToJsonb(e), &set, 0, &p->fields[i]);
		check_field(&p->fields[i], where);
	}
	p->nfields = n;
	p->fields_given = true;
}

/* The settings of a field that change its bits, appended to buf. */
static void
append_field(StringInfo buf, const PprlField *f)
{
	appendStringInfo(buf, "type=%s,k=%d", type_names[f->type], f->k);
	if (f->type == PPRL_NAME || f->type == PPRL_TEXT)
		appendStringInfo(buf, ",q=%d,padding=%d", f->q, (int) f->padding);
	else if (f->type == PPRL_NUMBER)
	{
		char		step[DOUBLE_SHORTEST_DECIMAL_LEN];

		/* shortest round-trip digits: the same text on every platform */
		if (f->step > 0)
			double_to_shortest_decimal_buf(f->step, step);
		else
			strcpy(step, "0");
		appendStringInfo(buf, ",step=%s,neighbours=%d", step, f->neighbours);
	}
}

static void
build_canonical(PprlParams *p)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s;length=%d;hashing=%s;balanced=%d;salt_field=%d;fields=",
					 PPRL_SCHEME, p->length, hashing_names[p->hashing], (int) p->balanced,
					 p->salt_field);
	if (!p->fields_given)
	{
		appendStringInfoString(&buf, "*:");
		append_field(&buf, &p->deflt);
	}
	else
		for (int i = 0; i < p->nfields; i++)
		{
			appendStringInfo(&buf, "%s%d:", i ? "|" : "", i + 1);
			append_field(&buf, &p->fields[i]);
		}
	p->canonical = buf.data;
}

void
pprl_read_params(Jsonb *params, PprlParams *p)
{
	PmParamSet	set = {
		.argname = "params",
		.what = "encoding parameter",
		.context = NULL,
		.hint = PARAMS_HINT,
		.params = top_specs,
		.nparams = lengthof(top_specs),
	};
	TopRead    *r = palloc0(sizeof(TopRead));

	r->p.length = 1024;
	r->p.hashing = PPRL_DOUBLE;
	r->p.deflt.type = PPRL_TEXT;
	r->p.deflt.k = 10;
	r->p.deflt.q = 2;
	r->p.deflt.padding = true;

	if (params != NULL && VARSIZE(params) > PPRL_MAX_PARAMS_BYTES)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"params\" is %zu bytes; at most %d are allowed",
						(Size) VARSIZE(params), PPRL_MAX_PARAMS_BYTES),
				 errhint(PARAMS_HINT));
	pm_read_params(params, &set, 0, r);
	*p = r->p;
	check_field(&p->deflt, "params");
	if (r->fields != NULL)
		read_fields(p, r->fields);
	pfree(r);
	if (p->length % 8 != 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("encoding parameter \"length\" is %d, not a multiple of 8", p->length),
				 errdetail("\"length\" must be a multiple of 8 from %d to %d.",
						   PPRL_MIN_LENGTH, PPRL_MAX_LENGTH),
				 errhint(PARAMS_HINT));
	if (p->salt_field > 0 && p->fields_given && p->salt_field > p->nfields)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("encoding parameter \"salt_field\" is %d, but \"fields\" lists %d fields",
						p->salt_field, p->nfields),
				 errhint(PARAMS_HINT));
	build_canonical(p);
}

const PprlField *
pprl_field(const PprlParams *p, int i)
{
	Assert(i >= 0 && i < PPRL_MAX_FIELDS);
	return p->fields_given ? &p->fields[i] : &p->deflt;
}

void
pprl_params_id(const PprlParams *p, int field, uint8 *id)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	uint8		digest[32];
	char	   *what = field < 0 ? pstrdup("|clk") : psprintf("|field=%d", field + 1);

	if (ctx == NULL)
		elog(ERROR, "out of memory");
	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) p->canonical, strlen(p->canonical)) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) what, strlen(what)) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
	{
		const char *msg = pg_cryptohash_error(ctx);

		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute SHA-256: %s", msg);
	}
	pg_cryptohash_free(ctx);
	memcpy(id, digest, PPRL_ID_BYTES);
	pfree(what);
}

char *
pprl_id_hex(const uint8 *id)
{
	char	   *hex = palloc(2 * PPRL_ID_BYTES + 1);

	for (int i = 0; i < PPRL_ID_BYTES; i++)
		sprintf(hex + 2 * i, "%02x", id[i]);
	return hex;
}

/* A field spec as a JSON object, with its params id when field >= 0. */
static void
describe_field(StringInfo buf, const PprlParams *p, const PprlField *f, int field)
{
	appendStringInfo(buf, "{\"type\": \"%s\", \"k\": %d", type_names[f->type], f->k);
	if (f->type == PPRL_NAME || f->type == PPRL_TEXT)
		appendStringInfo(buf, ", \"q\": %d, \"padding\": %s", f->q, f->padding ? "true" : "false");
	if (f->type == PPRL_NUMBER)
	{
		char		step[DOUBLE_SHORTEST_DECIMAL_LEN];

		if (f->step > 0)
			double_to_shortest_decimal_buf(f->step, step);
		else
			strcpy(step, "0");
		appendStringInfo(buf, ", \"step\": %s, \"neighbours\": %d", step, f->neighbours);
	}
	if (f->type == PPRL_NUMBER || f->type == PPRL_DATE)
		appendStringInfo(buf, ", \"invalid\": \"%s\"", invalid_names[f->invalid]);
	if (f->name)
	{
		appendStringInfoString(buf, ", \"name\": ");
		escape_json(buf, f->name);
	}
	if (field >= 0)
	{
		uint8		id[PPRL_ID_BYTES];

		pprl_params_id(p, field, id);
		appendStringInfo(buf, ", \"params_id\": \"%s\"", pprl_id_hex(id));
	}
	appendStringInfoChar(buf, '}');
}

/*
 * clk_describe(params): every setting with its default filled in, the
 * canonical text and the params ids the encodings will carry.
 */
PG_FUNCTION_INFO_V1(clk_describe);
Datum
clk_describe(PG_FUNCTION_ARGS)
{
	PprlParams	p;
	StringInfoData buf;
	uint8		id[PPRL_ID_BYTES];

	pprl_read_params(PG_ARGISNULL(0) ? NULL : PG_GETARG_JSONB_P(0), &p);
	pprl_params_id(&p, -1, id);
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"scheme\": \"%s\", \"length\": %d, \"filter_bits\": %d, "
					 "\"encoding_bits\": %d, \"hashing\": \"%s\", \"balanced\": %s, "
					 "\"salt_field\": %d, \"params_id\": \"%s\", \"canonical\": ",
					 PPRL_SCHEME, p.length, pprl_filter_bits(&p),
					 pprl_filter_bits(&p) + 8 * PPRL_TRAILER_BYTES, hashing_names[p.hashing],
					 p.balanced ? "true" : "false", p.salt_field, pprl_id_hex(id));
	escape_json(&buf, p.canonical);
	appendStringInfoString(&buf, ", \"default_field\": ");
	describe_field(&buf, &p, &p.deflt, -1);
	appendStringInfoString(&buf, ", \"fields\": ");
	if (!p.fields_given)
		appendStringInfoString(&buf, "null");
	else
	{
		appendStringInfoChar(&buf, '[');
		for (int i = 0; i < p.nfields; i++)
		{
			if (i)
				appendStringInfoString(&buf, ", ");
			describe_field(&buf, &p, &p.fields[i], i);
		}
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
