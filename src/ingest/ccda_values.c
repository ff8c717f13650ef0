/*
 * ccda_values.c: the <value> of a C-CDA observation, by its xsi:type.
 *
 * PQ gives a number and a unit (the PQR translation when the PQ itself is
 * nullFlavored); IVL_PQ/IVL_INT/IVL_REAL with one bound a number with >= or
 * <= (> or < when the bound is not inclusive), with two bounds the text
 * "low-high"; RTO its HL7 v3 literal "n:d", as HL7 v2 SN and FHIR Ratio
 * give; INT and REAL a number; CD, CE, CV, CO and CS a coded value; BL and
 * TS their @value; any other type (ST, ED, SC, ...) its text, else its
 * @value or @code.  A value that cannot be read is reported, never dropped.
 */
#include "ingest/ingest.h"

/* A PQ-like element: value and unit (see ingest.h). */
bool
ccda_read_pq(xmlNodePtr pq, double *v, char **unit, const char **bad)
{
	char	   *value = ccda_attr(pq, "value");

	*unit = NULL;
	if (value)
	{
		if (!ingest_parse_number(value, v))
		{
			*bad = value;
			return false;
		}
		*unit = ccda_attr(pq, "unit");
		return true;
	}
	else
	{
		xmlNodePtr	tr = ccda_child(pq, "translation");

		if (tr && (value = ccda_attr(tr, "value")) != NULL)
		{
			xmlNodePtr	ot = ccda_child(tr, "originalText");

			if (!ingest_parse_number(value, v))
			{
				*bad = value;
				return false;
			}
			/* a PQR: its code is the unit, else the original text */
			*unit = ccda_attr(tr, "code");
			if (*unit == NULL && ot)
				*unit = ccda_text_of(ot);
			return true;
		}
	}
	*bad = NULL;
	return false;
}

/*
 * A numerator or denominator of an RTO (INT, REAL or PQ) as its HL7 v3
 * literal: the number as written, then the unit when it is not "1".  NULL
 * when there is no number; *bad is then a value that is not one, or NULL.
 */
static char *
rto_term(xmlNodePtr q, const char **bad)
{
	char	   *v = ccda_attr(q, "value");
	char	   *u;
	double		d;

	*bad = NULL;
	if (v == NULL)
		return NULL;
	if (!ingest_parse_number(v, &d))
	{
		*bad = v;
		return NULL;
	}
	v = ingest_pstrndup_trim(v, strlen(v));
	u = ccda_attr(q, "unit");
	if (u && !ingest_empty(u) && strcmp(u, "1") != 0)
		return psprintf("%s %s", v, u);
	return v;
}

/* PQ: a number and its unit. */
static bool
read_quantity(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *where)
{
	double		v;
	char	   *unit;
	const char *bad = NULL;

	if (!ccda_read_pq(value, &v, &unit, &bad))
	{
		ingest_fail(out, row, ERRCODE_INVALID_XML_CONTENT, where,
					bad ? psprintf("\"%s\" is not a number (PQ)", bad)
					: "the PQ has neither a value nor a translation with one", row->raw);
		return false;
	}
	row->has_num = true;
	row->value_num = v;
	row->unit = unit;
	row->ucum_unit = ingest_ucum(unit);
	return true;
}

/* An interval none of whose bounds can be read (bad: a value that is not a number). */
static bool
interval_fails(IngestOut *out, IngestRow *row, const char *type, const char *where,
			   const char *bad)
{
	ingest_fail(out, row, ERRCODE_INVALID_XML_CONTENT, where,
				bad ? psprintf("\"%s\" is not a number (%s)", bad, type)
				: psprintf("the %s has no bound with a value", type), row->raw);
	return false;
}

/* One bound of an interval: the value with its comparator (strict when not inclusive). */
static void
one_bound(IngestRow *row, xmlNodePtr bound, double v, char *unit,
		  const char *exclusive, const char *inclusive)
{
	char	   *inc = ccda_attr(bound, "inclusive");

	row->comparator = inc && strcmp(inc, "false") == 0 ? exclusive : inclusive;
	row->has_num = true, row->value_num = v;
	row->unit = unit, row->ucum_unit = ingest_ucum(unit);
}

/* IVL_PQ, IVL_INT, IVL_REAL: one bound a value with a comparator, two a text. */
static bool
read_interval(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *type,
			  const char *where)
{
	xmlNodePtr	lo = ccda_child(value, "low"),
				hi = ccda_child(value, "high");
	double		lv = 0,
				hv = 0;
	char	   *lu = NULL,
			   *hu = NULL;
	bool		has_lo = false,
				has_hi = false;
	const char *bad = NULL;

	if (lo && ccda_attr(lo, "nullFlavor") == NULL)
	{
		if (!ccda_read_pq(lo, &lv, &lu, &bad))
			return interval_fails(out, row, type, where, bad);
		has_lo = true;
	}
	if (hi && ccda_attr(hi, "nullFlavor") == NULL)
	{
		if (!ccda_read_pq(hi, &hv, &hu, &bad))
			return interval_fails(out, row, type, where, bad);
		has_hi = true;
	}
	if (has_lo && !has_hi)
		one_bound(row, lo, lv, lu, ">", ">=");
	else if (has_hi && !has_lo)
		one_bound(row, hi, hv, hu, "<", "<=");
	else if (has_lo && has_hi)
	{
		row->value_text = psprintf("%s-%s",
								   ccda_attr(lo, "value") ? ccda_attr(lo, "value") : "",
								   ccda_attr(hi, "value") ? ccda_attr(hi, "value") : "");
		row->unit = lu ? lu : hu;
		row->ucum_unit = ingest_ucum(row->unit);
	}
	else
		return interval_fails(out, row, type, where, NULL);
	return true;
}

/* RTO, RTO_*: a ratio (a titer 1:128) as its literal. */
static bool
read_ratio(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *type,
		   const char *where)
{
	const char *bad = NULL;
	char	   *num = rto_term(ccda_child(value, "numerator"), &bad);
	char	   *den = num ? rto_term(ccda_child(value, "denominator"), &bad) : NULL;

	if (num == NULL || den == NULL)
	{
		ingest_fail(out, row, ERRCODE_INVALID_XML_CONTENT, where,
					bad ? psprintf("\"%s\" is not a number (%s)", bad, type)
					: psprintf("the %s needs a numerator and a denominator with a value", type),
					row->raw);
		return false;
	}
	row->value_text = psprintf("%s:%s", num, den);
	return true;
}

/* INT, REAL: a number. */
static bool
read_number(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *type,
			const char *where)
{
	char	   *s = ccda_attr(value, "value");
	double		v;

	if (s == NULL || !ingest_parse_number(s, &v))
	{
		ingest_fail(out, row, ERRCODE_INVALID_XML_CONTENT, where,
					psprintf("\"%s\" is not a number (%s)", s ? s : "", type), row->raw);
		return false;
	}
	row->has_num = true;
	row->value_num = v;
	return true;
}

/* CD, CE, CV, CO, CS: the code, its system, and its display (else original text, else code). */
static void
read_coded(IngestRow *row, xmlNodePtr value)
{
	char	   *vc = ccda_attr(value, "code");
	char	   *vd = ccda_attr(value, "displayName");

	if (vc)
	{
		row->value_code = vc;
		row->value_system = ingest_system_from_uri(ccda_attr(value, "codeSystem"));
	}
	if (vd == NULL && ccda_child(value, "originalText"))
		vd = ccda_text_of(ccda_child(value, "originalText"));
	row->value_text = vd ? vd : vc;
}

/* ST, ED, SC and any other type: the text, else a value attribute, else a code. */
static bool
read_other(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *type,
		   const char *where)
{
	char	   *t = ccda_text_of(value);
	char	   *a;

	if (*t)
		row->value_text = t;
	else if ((a = ccda_attr(value, "value")) != NULL)
		row->value_text = a;
	else if ((a = ccda_attr(value, "code")) != NULL)
	{
		row->value_code = a;
		row->value_system = ingest_system_from_uri(ccda_attr(value, "codeSystem"));
		row->value_text = ccda_attr(value, "displayName") ? ccda_attr(value, "displayName") : a;
	}
	else if (ccda_has_element_child(value))
	{
		/* e.g. an ED that only points into the narrative: not lost unseen */
		ingest_fail(out, row, ERRCODE_INVALID_XML_CONTENT, where,
					psprintf("a value of type %s with neither text nor a value or code attribute", type),
					row->raw);
		return false;
	}
	return true;
}

/* One <value> into row, by its xsi:type (see ingest.h). */
bool
ccda_read_value(IngestOut *out, IngestRow *row, xmlNodePtr value, const char *where)
{
	char	   *type;

	if (ccda_attr(value, "nullFlavor") != NULL && ccda_child(value, "translation") == NULL)
		return true;
	type = ccda_xsi_type(value);
	if (type == NULL)
		type = "ANY";
	if (strcmp(type, "PQ") == 0)
		return read_quantity(out, row, value, where);
	if (strcmp(type, "IVL_PQ") == 0 || strcmp(type, "IVL_INT") == 0 ||
		strcmp(type, "IVL_REAL") == 0)
		return read_interval(out, row, value, type, where);
	if (strcmp(type, "RTO") == 0 || strncmp(type, "RTO_", 4) == 0)
		return read_ratio(out, row, value, type, where);
	if (strcmp(type, "INT") == 0 || strcmp(type, "REAL") == 0)
		return read_number(out, row, value, type, where);
	if (strcmp(type, "CD") == 0 || strcmp(type, "CE") == 0 ||
		strcmp(type, "CV") == 0 || strcmp(type, "CO") == 0 ||
		strcmp(type, "CS") == 0)
		read_coded(row, value);
	else if (strcmp(type, "BL") == 0 || strcmp(type, "TS") == 0)
		row->value_text = ccda_attr(value, "value");
	else
		return read_other(out, row, value, type, where);
	return true;
}
