/*
 * obs_values.c: the small value readers every format uses: blanks and
 * trimming, decimal numbers, leading comparators, code system names, and the
 * unit in UCUM.
 */
#include "ingest/ingest.h"
#include "units/units.h"

#include <ctype.h>
#include <math.h>

/* ASCII white space only: a byte of a multibyte character is never blank. */
bool
ingest_isspace(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* NULL, or nothing but blanks? */
bool
ingest_empty(const char *s)
{
	if (s == NULL)
		return true;
	while (*s)
	{
		if (!ingest_isspace(*s))
			return false;
		s++;
	}
	return true;
}

/* A palloc'd copy of s[0..len) without leading and trailing blanks. */
char *
ingest_pstrndup_trim(const char *s, size_t len)
{
	while (len > 0 && ingest_isspace(*s))
	{
		s++;
		len--;
	}
	while (len > 0 && ingest_isspace(s[len - 1]))
		len--;
	return pnstrdup(s, len);
}

/* Short names of the code systems users filter on. */
static const struct
{
	const char *key;
	const char *name;
}			uri_systems[] =
{
	{"http://loinc.org", "LOINC"},
	{"urn:oid:2.16.840.1.113883.6.1", "LOINC"},
	{"2.16.840.1.113883.6.1", "LOINC"},
	{"http://snomed.info/sct", "SNOMED"},
	{"urn:oid:2.16.840.1.113883.6.96", "SNOMED"},
	{"2.16.840.1.113883.6.96", "SNOMED"},
	{"http://hl7.org/fhir/sid/icd-10-cm", "ICD10CM"},
	{"2.16.840.1.113883.6.90", "ICD10CM"},
	{"http://www.nlm.nih.gov/research/umls/rxnorm", "RXNORM"},
	{"2.16.840.1.113883.6.88", "RXNORM"},
	{"http://unitsofmeasure.org", "UCUM"},
	{"2.16.840.1.113883.6.8", "UCUM"},
	{"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "HL7-INTERPRETATION"},
	{"2.16.840.1.113883.5.83", "HL7-INTERPRETATION"},
	{"http://terminology.hl7.org/CodeSystem/data-absent-reason", "DATA-ABSENT-REASON"},
};

/* The short name of a code system URI or OID, else LOCAL:<uri> (LOCAL when none). */
const char *
ingest_system_from_uri(const char *uri)
{
	int			i;

	if (ingest_empty(uri))
		return "LOCAL";
	for (i = 0; i < lengthof(uri_systems); i++)
		if (strcmp(uri, uri_systems[i].key) == 0)
			return uri_systems[i].name;
	return psprintf("LOCAL:%s", uri);
}

/* HL7 v2 table 0396 coding system names. */
const char *
ingest_system_from_hl7(const char *name)
{
	if (ingest_empty(name))
		return "LOCAL";
	if (strcmp(name, "LN") == 0 || strcmp(name, "LNC") == 0)
		return "LOINC";
	if (strcmp(name, "SCT") == 0 || strcmp(name, "SNM") == 0 ||
		strcmp(name, "SNOMED") == 0)
		return "SNOMED";
	if (strcmp(name, "I10") == 0 || strcmp(name, "I10C") == 0)
		return "ICD10CM";
	if (strcmp(name, "UCUM") == 0)
		return "UCUM";
	return psprintf("LOCAL:%s", name);
}

/*
 * A decimal number, surrounding blanks allowed, nothing else; finite only.
 * Accepts leading zeros ("05.100") and a leading sign.
 */
bool
ingest_parse_number(const char *s, double *out)
{
	char	   *end;
	double		v;
	const char *p;

	if (s == NULL)
		return false;
	while (ingest_isspace(*s))
		s++;
	if (*s == '\0')
		return false;
	/* strtod would also take hex, inf and nan: allow only digits, sign, dot, exponent */
	for (p = s; *p && !ingest_isspace(*p); p++)
		if (!(isdigit((unsigned char) *p) || *p == '.' || *p == '-' ||
			  *p == '+' || *p == 'e' || *p == 'E'))
			return false;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v))
		return false;
	while (ingest_isspace(*end))
		end++;
	if (*end != '\0')
		return false;
	*out = v;
	return true;
}

/*
 * Split a leading comparator (<, <=, >, >=, =) off s.  Returns true when one
 * is there; *comparator is NULL for "=".
 */
bool
ingest_split_comparator(const char *s, const char **comparator,
						const char **rest)
{
	while (ingest_isspace(*s))
		s++;
	*comparator = NULL;
	*rest = s;
	if (s[0] == '<' && s[1] == '=')
		*comparator = "<=", *rest = s + 2;
	else if (s[0] == '>' && s[1] == '=')
		*comparator = ">=", *rest = s + 2;
	else if (s[0] == '<')
		*comparator = "<", *rest = s + 1;
	else if (s[0] == '>')
		*comparator = ">", *rest = s + 1;
	else if (s[0] == '=')
		*rest = s + 1;
	else
		return false;
	return true;
}

/*
 * The unit in UCUM, by the units module's normalizer: a valid UCUM code
 * comes back as it is, a known messy spelling (mg/dl, THOUS/MCL, µmol/L) as
 * its UCUM code, anything else as NULL (never a guess).  Sources repeat a
 * handful of units: the normalizer remembers its answers.
 */
const char *
ingest_ucum(const char *unit)
{
	if (ingest_empty(unit))
		return NULL;
	return pm_unit_normalize_cached(unit);
}
