/*
 * ucum_defs.c: the UCUM definitions, read from the unmodified
 * ucum-essence.xml.
 *
 * The install script stores the XML verbatim in precmed.ucum_essence (UCUM's
 * licence forbids modifying it, so it is parsed rather than transcribed).
 * The first use in a backend reads it through SPI, parses it with libxml2 and
 * keeps prefixes and atoms in hash tables for the life of the backend.
 */
#include "units/units.h"

#include <math.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#define UCUM_KEYLEN 48

typedef struct AtomEntry
{
	char		key[UCUM_KEYLEN];
	UcumAtom   *atom;
} AtomEntry;

typedef struct PrefixEntry
{
	char		key[UCUM_KEYLEN];
	UcumPrefix *prefix;
} PrefixEntry;

static MemoryContext ucum_context = NULL;
static HTAB *atoms_cs = NULL;
static HTAB *atoms_ci = NULL;
static HTAB *prefixes_cs = NULL;
static HTAB *prefixes_ci = NULL;
static char *ucum_version_text = NULL;
static const char *base_codes[UCUM_NBASE];
static const char *arbitrary_codes[UCUM_MAX_ARB];
static int	n_arbitrary = 0;
static bool loaded = false;

const char *
ucum_base_code(int i)
{
	return base_codes[i];
}

const char *
ucum_version(void)
{
	ucum_load_definitions();
	return ucum_version_text;
}

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

static HTAB *
make_table(const char *name, Size entrysize)
{
	HASHCTL		ctl;

	ctl.keysize = UCUM_KEYLEN;
	ctl.entrysize = entrysize;
	ctl.hcxt = ucum_context;
	return hash_create(name, 512, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
}

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

static bool
xml_is(xmlNodePtr node, const char *name)
{
	return node->type == XML_ELEMENT_NODE &&
		strcmp((const char *) node->name, name) == 0;
}

static xmlNodePtr
xml_child(xmlNodePtr node, const char *name)
{
	xmlNodePtr	c;

	for (c = node->children; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

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

static void
add_atom(UcumAtom *atom)
{
	bool		found;
	AtomEntry  *e;

	if (strlen(atom->code) >= UCUM_KEYLEN || strlen(atom->ci_code) >= UCUM_KEYLEN)
		elog(ERROR, "ucum-essence: unit code \"%s\" too long", atom->code);
	e = hash_search(atoms_cs, atom->code, HASH_ENTER, &found);
	if (found)
		elog(ERROR, "ucum-essence: duplicate unit code \"%s\"", atom->code);
	e->atom = atom;
	/*
	 * c/i codes are not unique ([iU] and [IU], l and L): prefer the unit
	 * whose c/s code equals it, so "L" reads as L and "[IU]" as [IU].
	 */
	e = hash_search(atoms_ci, atom->ci_code, HASH_ENTER, &found);
	if (!found || strcmp(atom->code, atom->ci_code) == 0)
		e->atom = atom;
}

static void
add_prefix(UcumPrefix *p)
{
	bool		found;
	PrefixEntry *e;

	e = hash_search(prefixes_cs, p->code, HASH_ENTER, &found);
	e->prefix = p;
	e = hash_search(prefixes_ci, p->ci_code, HASH_ENTER, &found);
	e->prefix = p;
}

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
		{
			UcumPrefix *p = MemoryContextAllocZero(ucum_context, sizeof(UcumPrefix));
			xmlNodePtr	v = xml_child(n, "value");

			p->code = xml_attr(n, "Code");
			p->ci_code = xml_attr(n, "CODE");
			if (p->code == NULL || p->ci_code == NULL || v == NULL)
				elog(ERROR, "ucum-essence: incomplete prefix");
			{
				double		value = parse_number(xml_attr(v, "value"), p->code);

				p->exp10 = (int) lrint(log10(value));
				p->factor = 1.0;
				if (pow(10.0, p->exp10) != value)
				{
					p->exp10 = 0;
					p->factor = value;
				}
			}
			add_prefix(p);
		}
		else if (xml_is(n, "base-unit"))
		{
			UcumAtom   *a = MemoryContextAllocZero(ucum_context, sizeof(UcumAtom));

			if (nbase >= UCUM_NBASE)
				elog(ERROR, "ucum-essence: more than %d base units", UCUM_NBASE);
			a->code = xml_attr(n, "Code");
			a->ci_code = xml_attr(n, "CODE");
			if (a->code == NULL || a->ci_code == NULL)
				elog(ERROR, "ucum-essence: incomplete base unit");
			a->metric = true;
			a->resolved = true;
			a->value.factor = 1.0;
			a->value.special_scale = 1.0;
			a->value.dim[nbase] = 1;
			base_codes[nbase++] = a->code;
			add_atom(a);
		}
		else if (xml_is(n, "unit"))
		{
			UcumAtom   *a = MemoryContextAllocZero(ucum_context, sizeof(UcumAtom));
			xmlNodePtr	v = xml_child(n, "value");
			char	   *flag;

			a->code = xml_attr(n, "Code");
			a->ci_code = xml_attr(n, "CODE");
			if (a->code == NULL || a->ci_code == NULL || v == NULL)
				elog(ERROR, "ucum-essence: incomplete unit");
			flag = xml_attr(n, "isMetric");
			a->metric = flag && strcmp(flag, "yes") == 0;
			flag = xml_attr(n, "isSpecial");
			a->special = flag && strcmp(flag, "yes") == 0;
			flag = xml_attr(n, "isArbitrary");
			a->arbitrary = flag && strcmp(flag, "yes") == 0;
			if (a->special)
			{
				xmlNodePtr	f = xml_child(v, "function");

				if (f == NULL)
					elog(ERROR, "ucum-essence: special unit \"%s\" has no function", a->code);
				a->fn = special_fn(xml_attr(f, "name"), a->code);
				a->def_unit = xml_attr(f, "Unit");
				a->def_value = parse_number(xml_attr(f, "value"), a->code);
			}
			else
			{
				a->def_unit = xml_attr(v, "Unit");
				a->def_value = parse_number(xml_attr(v, "value"), a->code);
			}
			if (a->def_unit == NULL)
				elog(ERROR, "ucum-essence: unit \"%s\" has no definition", a->code);
			add_atom(a);
		}
	}
	if (nbase != UCUM_NBASE)
		elog(ERROR, "ucum-essence: %d base units, expected %d", nbase, UCUM_NBASE);
}

static char *
read_essence_text(void)
{
	char	   *xml = NULL;
	int			ret;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute("SELECT xml FROM precmed.ucum_essence", true, 2);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
				 errmsg("the UCUM definitions are missing"),
				 errdetail("Table precmed.ucum_essence must hold exactly one row."),
				 errhint("Restore the row from a backup of this database or from a fresh install's precmed.ucum_essence (never drop the extension: that also drops precmed.models and precmed.observation)."));
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
			pm_error(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
					 errmsg("the UCUM definitions are missing"),
					 errdetail("precmed.ucum_essence.xml is NULL."),
					 errhint("Restore the row from a backup of this database or from a fresh install's precmed.ucum_essence."));
		xml = MemoryContextStrdup(ucum_context, TextDatumGetCString(d));
	}
	SPI_finish();
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
		atoms_cs = make_table("UCUM atoms c/s", sizeof(AtomEntry));
		atoms_ci = make_table("UCUM atoms c/i", sizeof(AtomEntry));
		prefixes_cs = make_table("UCUM prefixes c/s", sizeof(PrefixEntry));
		prefixes_ci = make_table("UCUM prefixes c/i", sizeof(PrefixEntry));

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

UcumAtom *
ucum_find_atom(const char *code, bool case_insensitive)
{
	AtomEntry  *e;

	if (strlen(code) >= UCUM_KEYLEN)
		return NULL;
	e = hash_search(case_insensitive ? atoms_ci : atoms_cs, code, HASH_FIND, NULL);
	return e ? e->atom : NULL;
}

UcumPrefix *
ucum_find_prefix(const char *code, bool case_insensitive)
{
	PrefixEntry *e;

	if (strlen(code) >= UCUM_KEYLEN)
		return NULL;
	e = hash_search(case_insensitive ? prefixes_ci : prefixes_cs, code, HASH_FIND, NULL);
	return e ? e->prefix : NULL;
}
