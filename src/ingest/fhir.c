/*
 * fhir.c: FHIR R4 Observations, alone or in a Bundle, read with PostgreSQL's
 * jsonb C API (no text round trip; fhir_json.c).
 *
 * A Bundle yields every Observation among its entries (nested Bundles too,
 * up to a depth limit); an Observation with components yields one row per
 * component, and a row for itself when it has a value of its own
 * (fhir_values.c reads the members).  Entries and members that cannot be
 * read (not an object, no resourceType, a member of the wrong JSON kind) are
 * reported, never passed over.
 */
#include "ingest/ingest.h"

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#define FHIR_MAX_BUNDLE_DEPTH 8

typedef struct FhirState
{
	IngestOut  *out;
	IngestRow	ctx;			/* Bundle-level columns */
	int			nobs;			/* Observations read so far */
} FhirState;

/* The patient id of a subject reference: without Patient/ or urn:uuid:. */
static const char *
patient_ref(const char *ref)
{
	if (ref == NULL)
		return NULL;
	if (strncmp(ref, "Patient/", 8) == 0)
		return ref + 8;
	if (strncmp(ref, "urn:uuid:", 9) == 0)
		return ref + 9;
	return ref;
}

/* effective[x] (dateTime, instant, else period start) into row; false after reporting it. */
static bool
read_effective(FhirState *st, IngestRow *row, JsonbContainer *o, const char *where)
{
	JsonbContainer *period;
	char	   *t = fhir_get_string(o, "effectiveDateTime");

	if (t == NULL)
		t = fhir_get_string(o, "effectiveInstant");
	if (t == NULL && (period = fhir_get_object(o, "effectivePeriod")) != NULL)
		t = fhir_get_string(period, "start");
	return t == NULL ||
		ingest_row_time(st->out, row, psprintf("%s.effective[x]", where), t, true);
}

/* Component i of an Observation: a row with its code, value, range and interpretation. */
static void
read_component(FhirState *st, const IngestRow *row, JsonbContainer *components, int i,
			   const char *where)
{
	JsonbContainer *comp = fhir_array_object(components, i);
	IngestRow	c = *row;
	char	   *cwhere = psprintf("%s.component[%d]", where, i);
	bool		has_value,
				bad;

	c.code = c.system = c.display = c.interpretation = NULL;
	c.has_low = c.has_high = false;
	if (comp == NULL)
	{
		ingest_fail(st->out, &c, ERRCODE_INVALID_JSON_TEXT, cwhere,
					"a component must be a JSON object", row->raw);
		return;
	}
	if (!fhir_check_members(st->out, &c, comp, cwhere))
		return;
	if (!fhir_read_code(&c, comp, &bad))
	{
		ingest_fail(st->out, &c, ERRCODE_INVALID_JSON_TEXT,
					psprintf(bad ? "%s.code.coding" : "%s.code", cwhere),
					bad ? "not a JSON array" : "the component has no code", row->raw);
		return;
	}
	fhir_read_range(&c, comp);
	fhir_read_interpretation(&c, comp);
	if (fhir_read_value(st->out, &c, comp, cwhere, &has_value))
		ingest_emit(st->out, &c);
}

/* The rows of one Observation: its own value, then one per component. */
static void
read_observation(FhirState *st, JsonbContainer *o, const char *where)
{
	IngestRow	row = st->ctx;
	JsonbContainer *subject = fhir_get_object(o, "subject");
	JsonbContainer *components;
	bool		has_value,
				bad;
	int			i,
				n;

	st->nobs++;
	row.raw = fhir_container_text(o);
	if (subject && fhir_get_string(subject, "reference"))
		row.patient_id = patient_ref(fhir_get_string(subject, "reference"));
	row.status = fhir_get_string(o, "status");

	if (!fhir_check_members(st->out, &row, o, where))
		return;
	if (!fhir_read_code(&row, o, &bad))
	{
		ingest_fail(st->out, &row, ERRCODE_INVALID_JSON_TEXT,
					psprintf(bad ? "%s.code.coding" : "%s.code", where),
					bad ? "not a JSON array"
					: "the Observation has no code (neither a coding with a code nor text)", row.raw);
		return;
	}
	if (!read_effective(st, &row, o, where))
		return;
	fhir_read_range(&row, o);
	fhir_read_interpretation(&row, o);

	components = fhir_get_array(o, "component");
	n = fhir_array_size(components);
	{
		IngestRow	self = row;

		if (!fhir_read_value(st->out, &self, o, where, &has_value))
			return;
		if (has_value || n == 0)
			ingest_emit(st->out, &self);
	}
	for (i = 0; i < n; i++)
		read_component(st, &row, components, i, where);
}

static void read_resource(FhirState *st, JsonbContainer *r, const char *where, int depth);

/* Entry i of a Bundle: its resource, or a request/response; anything else is reported. */
static void
read_entry(FhirState *st, JsonbContainer *entries, int i, const char *where, int depth)
{
	JsonbValue *e = getIthJsonbValueFromContainer(entries, i);
	JsonbValue	rv;

	if (!fhir_has_kind(e, FHIR_OBJECT))
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.entry[%d]", where, i), "an entry must be a JSON object",
					fhir_value_text(e));
	else if (fhir_get_key(e->val.binary.data, "resource", &rv))
	{
		if (fhir_has_kind(&rv, FHIR_OBJECT))
			read_resource(st, rv.val.binary.data,
						  psprintf("%s.entry[%d].resource", where, i), depth + 1);
		else
			ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
						psprintf("%s.entry[%d].resource", where, i),
						"a resource must be a JSON object", fhir_value_text(e));
	}
	/* without a resource, an entry must be a request or a response (bdl-5) */
	else if (!fhir_get_key(e->val.binary.data, "request", &rv) &&
			 !fhir_get_key(e->val.binary.data, "response", &rv))
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.entry[%d]", where, i),
					"the entry has neither a resource nor a request or response",
					fhir_value_text(e));
}

/* A Bundle's entries (its id is the message id of the outermost one). */
static void
read_bundle(FhirState *st, JsonbContainer *b, const char *where, int depth)
{
	JsonbValue	ev;
	JsonbContainer *entries;
	int			i,
				n;
	IngestRow	saved = st->ctx;

	Assert(depth >= 0);
	if (depth > FHIR_MAX_BUNDLE_DEPTH)
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_PROGRAM_LIMIT_EXCEEDED, where,
					psprintf("Bundles are nested more than %d deep", FHIR_MAX_BUNDLE_DEPTH),
					fhir_container_text(b));
		return;
	}
	if (depth == 0)
	{
		JsonbContainer *ident = fhir_get_object(b, "identifier");

		st->ctx.message_id = fhir_get_string(b, "id");
		if (st->ctx.message_id == NULL && ident)
			st->ctx.message_id = fhir_get_string(ident, "value");
	}
	if (!fhir_get_key(b, "entry", &ev))
	{
		st->ctx = saved;
		return;					/* an empty Bundle (a search that found nothing) */
	}
	if (!fhir_has_kind(&ev, FHIR_ARRAY))
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.entry", where), "Bundle.entry must be a JSON array",
					fhir_value_text(&ev));
		st->ctx = saved;
		return;
	}
	entries = ev.val.binary.data;
	n = fhir_array_size(entries);
	for (i = 0; i < n; i++)
	{
		read_entry(st, entries, i, where, depth);
		CHECK_FOR_INTERRUPTS();
	}
	st->ctx = saved;
}

/* A FHIR resource type name: an upper-case ASCII letter, then letters. */
static bool
resource_type_name(const char *s)
{
	if (!(*s >= 'A' && *s <= 'Z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
			return false;
	return true;
}

/* An Observation or a Bundle; other resources inside a Bundle are skipped. */
static void
read_resource(FhirState *st, JsonbContainer *r, const char *where, int depth)
{
	char	   *type = fhir_get_string(r, "resourceType");

	if (type == NULL)
	{
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					"not a FHIR resource: resourceType is missing or not a string",
					fhir_container_text(r));
		return;
	}
	if (strcmp(type, "Observation") == 0)
	{
		MemoryContext old;

		if (depth == 0)
			st->ctx.message_id = fhir_get_string(r, "id");
		old = ingest_part_begin(st->out);
		read_observation(st, r, where);
		ingest_part_end(st->out, old);
	}
	else if (strcmp(type, "Bundle") == 0)
		read_bundle(st, r, where, depth);
	else if (pg_strcasecmp(type, "Observation") == 0 || pg_strcasecmp(type, "Bundle") == 0)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is not a FHIR resource type: resource types are case-sensitive (%s)",
							 type, pg_strcasecmp(type, "Bundle") == 0 ? "Bundle" : "Observation"),
					fhir_container_text(r));
	else if (depth == 0)
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is neither an Observation nor a Bundle", type),
					fhir_container_text(r));
	else if (!resource_type_name(type))
		ingest_fail(st->out, &st->ctx, ERRCODE_INVALID_JSON_TEXT,
					psprintf("%s.resourceType", where),
					psprintf("\"%s\" is not a FHIR resource type (an upper-case letter, then letters)", type),
					fhir_container_text(r));
	/* other resources inside a Bundle are not observations: skipped */
}

/*
 * One row per Observation (and component) of a FHIR Observation or Bundle;
 * refuses a NULL resource.  One C function for both SQL signatures,
 * (jsonb, boolean) and (text, boolean).
 */
PG_FUNCTION_INFO_V1(fhir_observations);
Datum
fhir_observations(PG_FUNCTION_ARGS)
{
	IngestOut	out;
	FhirState	st;
	Jsonb	   *jb;

	ingest_start(fcinfo, &out, "fhir", "resource");
	/* raw is JSON written from jsonb, or the JSON text given */
	out.raw_is_input = true;
	if (get_fn_expr_argtype(fcinfo->flinfo, 0) == TEXTOID)
	{
		jb = fhir_jsonb_from_text(&out, PG_GETARG_TEXT_PP(0));
		if (jb == NULL)
			return (Datum) 0;
	}
	else
		jb = PG_GETARG_JSONB_P(0);
	memset(&st, 0, sizeof(st));
	st.out = &out;
	ingest_row_init(&out, &st.ctx);
	if (!JB_ROOT_IS_OBJECT(jb))
	{
		ingest_fail(&out, NULL, ERRCODE_INVALID_JSON_TEXT, "$",
					"a FHIR resource must be a JSON object",
					JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
		return (Datum) 0;
	}
	read_resource(&st, &jb->root, "$", 0);
	return (Datum) 0;
}
