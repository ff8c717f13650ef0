/*
 * ucum_defs.c: the UCUM definitions, read from the unmodified
 * ucum-essence.xml.
 *
 * The install script stores the XML verbatim in precmed.ucum_essence (UCUM's
 * licence forbids modifying it, so it is parsed rather than transcribed).
 * The first use in a backend reads it through SPI, parses it with libxml2 and
 * keeps prefixes and atoms, by case-sensitive and case-insensitive code, in
 * hash tables (simplehash) for the life of the backend.  Atom values are
 * resolved from their definitions on first use (ucum_parse.c).  An error
 * while loading leaves nothing loaded, so the next use tries again.
 */
#include "units/units.h"

#include <ctype.h>
#include <math.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "utils/builtins.h"
#include "utils/memutils.h"

static MemoryContext ucum_context = NULL;
static units_strmap_hash *atoms_cs = NULL;
static units_strmap_hash *atoms_ci = NULL;
static units_strmap_hash *prefixes_cs = NULL;
static units_strmap_hash *prefixes_ci = NULL;
static char *ucum_version_text = NULL;
static const char *base_codes[UCUM_NBASE];
static const char *arbitrary_codes[UCUM_MAX_ARB];
static int	n_arbitrary = 0;
static bool loaded = false;

/* The code of base unit i (m, s, g, rad, K, C, cd). */
const char *
ucum_base_code(int i)
{
	return base_codes[i];
}

/* The version of ucum-essence loaded. */
const char *
ucum_version(void)
{
	ucum_load_definitions();
	return ucum_version_text;
}

/* The code of the arbitrary unit family in slot. */
const char *
ucum_arbitrary_code(int slot)
{
	Assert(slot >= 0 && slot < n_arbitrary);
	return arbitrary_codes[slot];
}

/* The slot of an arbitrary unit family, allocated on first use. */
int
ucum_arbitrary_slot(const char *code)
{
	int			i;

	for (i = 0; i < n_arbitrary; i++)
		if (strcmp(arbitrary_codes[i], code) == 0)
			return i;
	if (n_arbitrary >= UCUM_MAX_ARB)
		elog(ERROR, "too many arbitrary UCUM units");
	arbitrary_codes[n_arbitrary] = MemoryContextStrdup(ucum_context, code);
	return n_arbitrary++;
}

/* Attribute name of node copied into ucum_context, or NULL. */
static char *
xml_attr(xmlNodePtr node, const char *name)
{
	xmlChar    *v = xmlGetProp(node, (const xmlChar *) name);
	char	   *s;

	if (v == NULL)
		return NULL;
	s = MemoryContextStrdup(ucum_context, (const char *) v);
	xmlFree(v);
	return s;
}

/* Is node the element name? */
static bool
xml_is(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
		strcmp((const char *) node->name, name) == 0;
}

/* The first child element name of node, or NULL. */
static xmlNodePtr
xml_child(xmlNodePtr node, const char *name)
{
	xmlNodePtr	c;

	for (c = node->children; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

/* A definition's number (what names it in errors). */
static double
parse_number(const char *s, const char *what)
{
	char	   *end;
	double		v;

	if (s == NULL)
		elog(ERROR, "ucum-essence: %s has no value", what);
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v))
		elog(ERROR, "ucum-essence: bad value \"%s\" for %s", s, what);
	return v;
}

/*
 * A definition's decimal number as digits * 10^exp10, so that 64.79891 (the
 * grain, in mg) is the exact integer 6479891 and 10^-5: products of such
 * values stay exact and the power of ten is applied once, by one correctly
 * rounded division or multiplication (453.59237 g per pound, not
 * 453.5923700000001).  Numbers with more digits than float8 holds exactly
 * keep strtod's value.
 */
static double
parse_decimal(const char *s, const char *what, int *exp10)
{
	double		v = parse_number(s, what);
	uint64		digits = 0;
	int			e = 0;
	bool		point = false;
	const char *c;

	*exp10 = 0;
	for (c = s; *c && *c != 'e' && *c != 'E'; c++)
	{
		if (*c == '.' && !point)
		{
			point = true;
			continue;
		}
		if (!isdigit((unsigned char) *c) || digits >= (UINT64CONST(1) << 53) / 10)
			return v;
		digits = digits * 10 + (*c - '0');
		if (point)
			e--;
	}
	if (*c)
	{
		char	   *end;
		long		x = strtol(c + 1, &end, 10);

		if (*end != '\0' || x < -300 || x > 300)
			return v;
		e += (int) x;
	}
	if (digits == 0)
		return v;
	while (digits % 10 == 0)
	{
		digits /= 10;
		e++;
	}
	*exp10 = e;
	return (double) digits;
}

/* The special function of unit code by its ucum-essence name. */
static UcumSpecialFn
special_fn(const char *name, const char *code)
{
	static const struct
	{
		const char *name;
		UcumSpecialFn fn;
	}			fns[] = {
		{"Cel", UCUM_FN_CEL}, {"degF", UCUM_FN_DEGF}, {"degRe", UCUM_FN_DEGRE},
		{"pH", UCUM_FN_PH}, {"ln", UCUM_FN_LN}, {"lg", UCUM_FN_LG},
		{"lgTimes2", UCUM_FN_LG2}, {"tanTimes100", UCUM_FN_TAN100},
		{"100tan", UCUM_FN_100TAN}, {"hpX", UCUM_FN_HPX}, {"hpC", UCUM_FN_HPC},
		{"hpM", UCUM_FN_HPM}, {"hpQ", UCUM_FN_HPQ}, {"sqrt", UCUM_FN_SQRT},
		{"ld", UCUM_FN_LD}
	};
	int			i;

	for (i = 0; i < lengthof(fns); i++)
		if (name && strcmp(fns[i].name, name) == 0)
			return fns[i].fn;
	elog(ERROR, "ucum-essence: unknown special function \"%s\" of unit \"%s\"",
		 name ? name : "", code);
	return UCUM_FN_NONE;
}

/* Name def by code in table; false when the code is taken already. */
static bool
add_symbol(units_strmap_hash *table, const char *code, void *def, bool replace)
{
	bool		found;
	UnitsStrMapEntry *e = units_strmap_insert(table, code, &found);

	if (!found || replace)
		e->value = def;
	return !found;
}

/* An atom by its codes: c/s codes are unique, c/i codes are not. */
static void
add_atom(UcumAtom *atom)
{
	if (!add_symbol(atoms_cs, atom->code, atom, false))
		elog(ERROR, "ucum-essence: duplicate unit code \"%s\"", atom->code);

	/*
	 * c/i codes are not unique ([iU] and [IU], l and L): prefer the unit
	 * whose c/s code equals it, so "L" reads as L and "[IU]" as [IU].
	 */
	(void) add_symbol(atoms_ci, atom->ci_code, atom, strcmp(atom->code, atom->ci_code) == 0);
}

/* A prefix by its codes (the last of a code wins). */
static void
add_prefix(UcumPrefix *p)
{
	(void) add_symbol(prefixes_cs, p->code, p, true);
	(void) add_symbol(prefixes_ci, p->ci_code, p, true);
}

/* Is attribute name of node "yes"? */
static bool
xml_flag(xmlNodePtr node, const char *name)
{
	char	   *flag = xml_attr(node, name);

	return flag && strcmp(flag, "yes") == 0;
}

/* A <prefix>: its value as an exact power of ten when it is one (Ki is not). */
static void
read_prefix(xmlNodePtr n)
{
	UcumPrefix *p = MemoryContextAllocZero(ucum_context, sizeof(UcumPrefix));
	xmlNodePtr	v = xml_child(n, "value");
	double		value;

	p->code = xml_attr(n, "Code");
	p->ci_code = xml_attr(n, "CODE");
	if (p->code == NULL || p->ci_code == NULL || v == NULL)
		elog(ERROR, "ucum-essence: incomplete prefix");
	value = parse_number(xml_attr(v, "value"), p->code);
	p->exp10 = (int) lrint(log10(value));
	p->factor = 1.0;
	if (pow(10.0, p->exp10) != value)
	{
		p->exp10 = 0;
		p->factor = value;
	}
	add_prefix(p);
}

/* The <base-unit> of dimension slot i: resolved at once, 1 in its own dimension. */
static void
read_base_unit(xmlNodePtr n, int i)
{
	UcumAtom   *a = MemoryContextAllocZero(ucum_context, sizeof(UcumAtom));

	if (i >= UCUM_NBASE)
		elog(ERROR, "ucum-essence: more than %d base units", UCUM_NBASE);
	a->code = xml_attr(n, "Code");
	a->ci_code = xml_attr(n, "CODE");
	if (a->code == NULL || a->ci_code == NULL)
		elog(ERROR, "ucum-essence: incomplete base unit");
	a->metric = true;
	a->resolved = true;
	a->value.factor = 1.0;
	a->value.special_scale = 1.0;
	a->value.dim[i] = 1;
	base_codes[i] = a->code;
	add_atom(a);
}

/* A <unit>: its flags and definition (a special unit's from its function), resolved later. */
static void
read_unit(xmlNodePtr n)
{
	UcumAtom   *a = MemoryContextAllocZero(ucum_context, sizeof(UcumAtom));
	xmlNodePtr	v = xml_child(n, "value");

	a->code = xml_attr(n, "Code");
	a->ci_code = xml_attr(n, "CODE");
	if (a->code == NULL || a->ci_code == NULL || v == NULL)
		elog(ERROR, "ucum-essence: incomplete unit");
	a->metric = xml_flag(n, "isMetric");
	a->special = xml_flag(n, "isSpecial");
	a->arbitrary = xml_flag(n, "isArbitrary");
	if (a->special)
	{
		xmlNodePtr	f = xml_child(v, "function");

		if (f == NULL)
			elog(ERROR, "ucum-essence: special unit \"%s\" has no function", a->code);
		a->fn = special_fn(xml_attr(f, "name"), a->code);
		a->def_unit = xml_attr(f, "Unit");
		a->def_value = parse_decimal(xml_attr(f, "value"), a->code, &a->def_exp10);
	}
	else
	{
		a->def_unit = xml_attr(v, "Unit");
		a->def_value = parse_decimal(xml_attr(v, "value"), a->code, &a->def_exp10);
	}
	if (a->def_unit == NULL)
		elog(ERROR, "ucum-essence: unit \"%s\" has no definition", a->code);
	add_atom(a);
}

/* Prefixes, base units and units of the parsed ucum-essence into the tables. */
static void
load_document(xmlDocPtr doc)
{
	xmlNodePtr	root = xmlDocGetRootElement(doc);
	xmlNodePtr	n;
	int			nbase = 0;

	if (root == NULL || !xml_is(root, "root"))
		elog(ERROR, "ucum-essence: unexpected root element");
	ucum_version_text = xml_attr(root, "version");

	for (n = root->children; n; n = n->next)
	{
		if (xml_is(n, "prefix"))
			read_prefix(n);
		else if (xml_is(n, "base-unit"))
			read_base_unit(n, nbase++);
		else if (xml_is(n, "unit"))
			read_unit(n);
	}
	if (nbase != UCUM_NBASE)
		elog(ERROR, "ucum-essence: %d base units, expected %d", nbase, UCUM_NBASE);
}

/* The XML of precmed.ucum_essence (its one row), in ucum_context. */
static char *
read_essence_text(void)
{
	MemoryContext caller = CurrentMemoryContext;
	char	   *xml;
	int			ret;
	bool		isnull;
	Datum		d;

	pm_spi_connect(caller);
	ret = SPI_execute("SELECT xml FROM precmed.ucum_essence", true, 2);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
				 errmsg("the UCUM definitions are missing"),
				 errdetail("Table precmed.ucum_essence must hold exactly one row."),
				 errhint("Restore the row from a backup of this database or from a fresh install's precmed.ucum_essence (never drop the extension: that also drops precmed.models and precmed.observation)."));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
				 errmsg("the UCUM definitions are missing"),
				 errdetail("precmed.ucum_essence.xml is NULL."),
				 errhint("Restore the row from a backup of this database or from a fresh install's precmed.ucum_essence."));
	xml = MemoryContextStrdup(ucum_context, TextDatumGetCString(d));
	pm_spi_finish(caller);
	return xml;
}

/* Load the definitions from xml_text, or from precmed.ucum_essence when NULL. */
static void
load_definitions(const char *xml_text)
{
	char	   *xml;
	xmlDocPtr	doc;

	if (loaded)
		return;

	if (ucum_context == NULL)
		ucum_context = AllocSetContextCreate(TopMemoryContext,
											 "precmed UCUM definitions",
											 ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(ucum_context);
	n_arbitrary = 0;

	PG_TRY();
	{
		atoms_cs = units_strmap_create(ucum_context, 512, NULL);
		atoms_ci = units_strmap_create(ucum_context, 512, NULL);
		prefixes_cs = units_strmap_create(ucum_context, 64, NULL);
		prefixes_ci = units_strmap_create(ucum_context, 64, NULL);

		xml = xml_text ? MemoryContextStrdup(ucum_context, xml_text) : read_essence_text();
		doc = xmlReadMemory(xml, strlen(xml), "ucum-essence.xml", NULL,
							XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			elog(ERROR, "ucum-essence.xml is not well-formed");
		PG_TRY();
		{
			load_document(doc);
		}
		PG_FINALLY();
		{
			xmlFreeDoc(doc);
		}
		PG_END_TRY();
	}
	PG_CATCH();
	{
		MemoryContextReset(ucum_context);
		atoms_cs = atoms_ci = prefixes_cs = prefixes_ci = NULL;
		PG_RE_THROW();
	}
	PG_END_TRY();
	loaded = true;
}

/* Read the definitions once per backend, from precmed.ucum_essence. */
void
ucum_load_definitions(void)
{
	load_definitions(NULL);
}

/* As ucum_load_definitions, from given XML text (for the fuzz harnesses). */
void
ucum_load_definitions_xml(const char *xml_text)
{
	load_definitions(xml_text);
}

/* What code names in table, or NULL. */
static void *
find_symbol(units_strmap_hash *table, const char *code)
{
	UnitsStrMapEntry *e;

	Assert(loaded && table != NULL);
	e = units_strmap_lookup(table, code);
	return e ? e->value : NULL;
}

/* The atom of a code (c/s or c/i), or NULL. */
UcumAtom *
ucum_find_atom(const char *code, bool case_insensitive)
{
	return (UcumAtom *) find_symbol(case_insensitive ? atoms_ci : atoms_cs, code);
}

/* The prefix of a code (c/s or c/i), or NULL. */
UcumPrefix *
ucum_find_prefix(const char *code, bool case_insensitive)
{
	return (UcumPrefix *) find_symbol(case_insensitive ? prefixes_ci : prefixes_cs, code);
}
