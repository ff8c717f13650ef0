/*
 * lab_convert.c: clinical conversions UCUM cannot do alone.
 *
 * UCUM treats mol as a pure number and eq as 1 mol, so mg/dL <-> umol/L
 * needs the analyte's molar mass and mEq/L <-> mmol/L its ion charge.  Both
 * come from precmed.analyte, keyed by LOINC.  The amount part of each unit
 * (exactly one of g, mol or eq to the first power) is exchanged through
 * moles; the rest of the unit must match.  HbA1c NGSP % <-> IFCC mmol/mol
 * uses the IFCC-NGSP master equation.  Results are cached per call site.
 */
#include "units/units.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/float.h"

#define LAB_CACHE_SLOTS 8
#define GRAM_SLOT 2				/* g is UCUM's third base unit */

typedef enum LabMode
{
	LAB_RATIO,					/* value * ratio */
	LAB_HBA1C_TO_IFCC,			/* NGSP % -> IFCC mmol/mol */
	LAB_HBA1C_TO_NGSP			/* IFCC mmol/mol -> NGSP % */
} LabMode;

typedef struct LabEntry
{
	char	   *key;			/* from \x01 to \x01 loinc */
	int			key_len;
	LabMode		mode;
	double		ratio;			/* LAB_RATIO: multiplier; HbA1c: input scale */
	double		out_scale;		/* HbA1c: output scale; NaN: special units */
	char	   *from_unit;		/* special units: converted by UCUM */
	char	   *to_unit;
	/* plausibility, in the analyte's SI unit (lab_plausible only) */
	bool		has_limits;
	double		low;
	double		high;
} LabEntry;

typedef struct LabCache
{
	bool		args_stable;	/* unit and LOINC arguments are constants or params */
	int			n;
	int			next;
	LabEntry	e[LAB_CACHE_SLOTS];
} LabCache;

typedef struct Analyte
{
	bool		found;
	char	   *name;
	double		molar_mass;		/* NaN when missing */
	int			charge;			/* 0 when missing */
	char	   *si_unit;
	bool		has_limits;
	double		low;
	double		high;
	char	   *conversion;		/* NULL or "hba1c" */
} Analyte;

/*
 * The analyte row of loinc (a->found false when absent).  SPI_getvalue
 * allocates in SPI's context, which SPI_finish frees: strings are copied.
 */
static void
lookup_analyte(const char *loinc, Analyte *a)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	int			ret;
	MemoryContext caller = CurrentMemoryContext;

	memset(a, 0, sizeof(Analyte));
	a->molar_mass = get_float8_nan();
	args[0] = CStringGetTextDatum(loinc);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args("SELECT analyte, molar_mass, charge, si_unit, plausible_low, "
								"plausible_high, conversion FROM precmed.analyte WHERE loinc = $1",
								1, argtypes, args, NULL, true, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "reading precmed.analyte failed");
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull,
					low_null,
					high_null;
		Datum		v;
		char	   *s;

		a->found = true;
		s = SPI_getvalue(t, d, 1);
		a->name = MemoryContextStrdup(caller, s ? s : "");
		v = SPI_getbinval(t, d, 2, &isnull);
		if (!isnull)
			a->molar_mass = DatumGetFloat8(v);
		v = SPI_getbinval(t, d, 3, &isnull);
		if (!isnull)
			a->charge = DatumGetInt32(v);
		s = SPI_getvalue(t, d, 4);
		a->si_unit = s ? MemoryContextStrdup(caller, s) : NULL;
		v = SPI_getbinval(t, d, 5, &low_null);
		if (!low_null)
			a->low = DatumGetFloat8(v);
		v = SPI_getbinval(t, d, 6, &high_null);
		if (!high_null)
			a->high = DatumGetFloat8(v);
		a->has_limits = !low_null && !high_null;
		s = SPI_getvalue(t, d, 7);
		a->conversion = s ? MemoryContextStrdup(caller, s) : NULL;
	}
	SPI_finish();
}

typedef enum Amount
{
	AMOUNT_NONE,
	AMOUNT_MASS,
	AMOUNT_MOL,
	AMOUNT_EQ
} Amount;

/* The amount part of a unit: exactly one of g, mol, eq to the power 1. */
static Amount
amount_of(const UcumUnit *u)
{
	int			g = u->dim[GRAM_SLOT],
				mol = u->dim[UCUM_DIM_MOL],
				eq = u->dim[UCUM_DIM_EQ];

	if (g == 1 && mol == 0 && eq == 0)
		return AMOUNT_MASS;
	if (g == 0 && mol == 1 && eq == 0)
		return AMOUNT_MOL;
	if (g == 0 && mol == 0 && eq == 1)
		return AMOUNT_EQ;
	return AMOUNT_NONE;
}

static const char *
amount_name(Amount a)
{
	return a == AMOUNT_MASS ? "mass" : a == AMOUNT_MOL ? "substance (mol)" : "equivalents (eq)";
}

/* Same dimension on every slot, mol and eq included. */
static bool
lab_same_dimension(const UcumUnit *a, const UcumUnit *b)
{
	return ucum_same_dimension(a, b) &&
		a->dim[UCUM_DIM_MOL] == b->dim[UCUM_DIM_MOL] &&
		a->dim[UCUM_DIM_EQ] == b->dim[UCUM_DIM_EQ];
}

/* Same dimension once the amount parts are taken out. */
static bool
same_rest(const UcumUnit *a, const UcumUnit *b)
{
	UcumUnit	x = *a,
				y = *b;

	x.dim[GRAM_SLOT] = y.dim[GRAM_SLOT] = 0;
	x.dim[UCUM_DIM_MOL] = y.dim[UCUM_DIM_MOL] = 0;
	x.dim[UCUM_DIM_EQ] = y.dim[UCUM_DIM_EQ] = 0;
	return lab_same_dimension(&x, &y);
}

static double
avogadro(void)
{
	UcumUnit	mol;

	pm_ucum_parse_or_error("mol", 3, "mol", &mol);
	return ucum_magnitude(&mol);
}

static bool
is_ifcc_unit(const char *unit)
{
	return strstr(unit, "mol") != NULL;
}

/*
 * Plan the conversion from -> to for analyte a (loinc names it in
 * messages); fills mode and ratio of e.
 */
static void
plan_conversion(LabEntry *e, const char *from, const char *to,
				const char *loinc, const Analyte *a)
{
	UcumUnit	fu,
				tu;
	Amount		fa,
				ta;
	double		per_mol_from,
				per_mol_to;

	pm_ucum_parse_or_error(from, strlen(from), "from_unit", &fu);
	pm_ucum_parse_or_error(to, strlen(to), "to_unit", &tu);
	e->mode = LAB_RATIO;

	/* HbA1c: NGSP % and IFCC mmol/mol are both dimensionless in UCUM */
	if (a->found && a->conversion && strcmp(a->conversion, "hba1c") == 0 &&
		is_ifcc_unit(from) != is_ifcc_unit(to))
	{
		UcumUnit	pct,
					mmolmol;

		pm_ucum_parse_or_error("%", 1, "%", &pct);
		pm_ucum_parse_or_error("mmol/mol", 8, "mmol/mol", &mmolmol);
		if (!ucum_same_dimension(&fu, &pct) || !ucum_same_dimension(&tu, &pct) ||
			fu.special != UCUM_FN_NONE || tu.special != UCUM_FN_NONE)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("cannot convert HbA1c (LOINC %s) from \"%s\" to \"%s\"", loinc, from, to),
					 errdetail("HbA1c converts between a fraction (NGSP %%) and a substance ratio (IFCC mmol/mol)."),
					 errhint("Use %% and mmol/mol."));
		if (is_ifcc_unit(from))
		{
			e->mode = LAB_HBA1C_TO_NGSP;
			e->ratio = ucum_ratio(&fu, &mmolmol);
			e->out_scale = ucum_ratio(&pct, &tu);
		}
		else
		{
			e->mode = LAB_HBA1C_TO_IFCC;
			e->ratio = ucum_ratio(&fu, &pct);
			e->out_scale = ucum_ratio(&mmolmol, &tu);
		}
		return;
	}

	if (fu.special != UCUM_FN_NONE || tu.special != UCUM_FN_NONE)
	{
		/* Cel, [degF], ...: UCUM's own conversion, no analyte needed */
		if (!ucum_same_dimension(&fu, &tu))
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("cannot convert from \"%s\" to \"%s\": the units are not commensurable", from, to));
		e->mode = LAB_RATIO;
		e->ratio = get_float8_nan();	/* marks "use ucum_convert" */
		return;
	}

	if (lab_same_dimension(&fu, &tu))
	{
		e->ratio = ucum_ratio(&fu, &tu);
		return;
	}

	fa = amount_of(&fu);
	ta = amount_of(&tu);
	if (fa == AMOUNT_NONE || ta == AMOUNT_NONE || !same_rest(&fu, &tu))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("cannot convert from \"%s\" to \"%s\" for LOINC %s: the units are not commensurable",
						from, to, loinc),
				 errdetail("\"%s\" is %s and \"%s\" is %s in base units; lab conversion exchanges only one "
						   "mass, substance or equivalents amount in the numerator.",
						   from, ucum_canonical_text(&fu), to, ucum_canonical_text(&tu)));
	if (!a->found)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("LOINC %s is not in precmed.analyte", loinc),
				 errdetail("Converting \"%s\" (%s) to \"%s\" (%s) needs the analyte's %s.",
						   from, amount_name(fa), to, amount_name(ta),
						   (fa == AMOUNT_EQ || ta == AMOUNT_EQ) ? "ion charge" : "molar mass"),
				 errhint("Check the LOINC code, or add the analyte to precmed.analyte."));
	if ((fa == AMOUNT_MASS || ta == AMOUNT_MASS) && !(a->molar_mass > 0))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("no molar mass for LOINC %s (%s)", loinc, a->name),
				 errdetail("Converting \"%s\" to \"%s\" exchanges mass and substance amount.", from, to),
				 errhint("Set precmed.analyte.molar_mass for this LOINC code."));
	if ((fa == AMOUNT_EQ || ta == AMOUNT_EQ) && a->charge <= 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("no ion charge for LOINC %s (%s)", loinc, a->name),
				 errdetail("Converting \"%s\" to \"%s\" exchanges equivalents and moles.", from, to),
				 errhint("Set precmed.analyte.charge for this LOINC code."));

	/*
	 * One unit's magnitude, in canonical units, is per mol of analyte:
	 * mass: magnitude / molar mass; mol: magnitude / N_A; eq: magnitude /
	 * (N_A * charge).  The ratio of the two gives the multiplier.
	 */
	per_mol_from = fa == AMOUNT_MASS ? 1.0 / a->molar_mass
		: fa == AMOUNT_MOL ? 1.0 / avogadro() : 1.0 / (avogadro() * a->charge);
	per_mol_to = ta == AMOUNT_MASS ? 1.0 / a->molar_mass
		: ta == AMOUNT_MOL ? 1.0 / avogadro() : 1.0 / (avogadro() * a->charge);
	e->ratio = ucum_ratio(&fu, &tu) * per_mol_from / per_mol_to;
}

static bool
key_matches(const LabEntry *e, text *from, text *to, text *loinc)
{
	int			fl = VARSIZE_ANY_EXHDR(from),
				tl = VARSIZE_ANY_EXHDR(to),
				ll = VARSIZE_ANY_EXHDR(loinc);
	const char *k = e->key;

	if (e->key_len != fl + tl + ll + 2)
		return false;
	if (memcmp(k, VARDATA_ANY(from), fl) != 0 || k[fl] != '\x01')
		return false;
	k += fl + 1;
	if (memcmp(k, VARDATA_ANY(to), tl) != 0 || k[tl] != '\x01')
		return false;
	return memcmp(k + tl + 1, VARDATA_ANY(loinc), ll) == 0;
}

static LabEntry *
lab_entry(FunctionCallInfo fcinfo, text *from, text *to, text *loinc, bool want_limits)
{
	LabCache   *cache = (LabCache *) fcinfo->flinfo->fn_extra;
	StringInfoData key;
	LabEntry	fresh;
	LabEntry   *e;
	int			i;

	if (cache != NULL && cache->args_stable && cache->n == 1)
		return &cache->e[0];	/* same arguments on every row */
	if (cache != NULL)
		for (i = 0; i < cache->n; i++)
			if (key_matches(&cache->e[i], from, to, loinc))
				return &cache->e[i];

	initStringInfo(&key);
	appendBinaryStringInfo(&key, VARDATA_ANY(from), VARSIZE_ANY_EXHDR(from));
	appendStringInfoChar(&key, '\x01');
	appendBinaryStringInfo(&key, VARDATA_ANY(to), VARSIZE_ANY_EXHDR(to));
	appendStringInfoChar(&key, '\x01');
	appendBinaryStringInfo(&key, VARDATA_ANY(loinc), VARSIZE_ANY_EXHDR(loinc));

	if (cache == NULL)
	{
		/* lab_convert(value, from, to, loinc); lab_plausible(loinc, value, unit) */
		bool		plausible = want_limits;

		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LabCache));
		cache->args_stable = plausible
			? get_fn_expr_arg_stable(fcinfo->flinfo, 0) && get_fn_expr_arg_stable(fcinfo->flinfo, 2)
			: get_fn_expr_arg_stable(fcinfo->flinfo, 1) && get_fn_expr_arg_stable(fcinfo->flinfo, 2) &&
			get_fn_expr_arg_stable(fcinfo->flinfo, 3);
		fcinfo->flinfo->fn_extra = cache;
	}
	{
		char	   *f = text_to_cstring(from);
		char	   *t = text_to_cstring(to);
		char	   *l = text_to_cstring(loinc);
		Analyte		a;

		memset(&fresh, 0, sizeof(fresh));
		lookup_analyte(l, &a);
		if (want_limits)
		{
			if (!a.found)
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("LOINC %s is not in precmed.analyte", l),
						 errdetail("Plausibility limits are kept per analyte."),
						 errhint("Check the LOINC code, or add the analyte to precmed.analyte."));
			fresh.has_limits = a.has_limits && a.si_unit != NULL;
			fresh.low = a.low;
			fresh.high = a.high;
			t = a.si_unit ? a.si_unit : f;
		}
		plan_conversion(&fresh, f, t, l, &a);
		if (isnan(fresh.ratio))
		{
			/* special units: keep the pair for ucum_convert semantics */
			fresh.ratio = 0;
			fresh.mode = LAB_RATIO;
			fresh.out_scale = get_float8_nan();
			fresh.from_unit = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, f);
			fresh.to_unit = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, t);
		}
	}
	if (cache->n < LAB_CACHE_SLOTS)
		e = &cache->e[cache->n++];
	else
	{
		e = &cache->e[cache->next];
		cache->next = (cache->next + 1) % LAB_CACHE_SLOTS;
		pfree(e->key);
	}
	*e = fresh;
	e->key = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, key.len);
	memcpy(e->key, key.data, key.len);
	e->key_len = key.len;
	pfree(key.data);
	return e;
}

static double
apply_entry(const LabEntry *e, double v)
{
	double		r;

	if (e->mode == LAB_RATIO && !isnan(e->out_scale))
	{
		r = v * e->ratio;
		if (unlikely(isinf(r) && !isinf(v)))
			pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
					 errmsg("converting %g overflows float8", v));
		return r;
	}
	switch (e->mode)
	{
		case LAB_HBA1C_TO_IFCC:
			/* IFCC (mmol/mol) = 10.929 * (NGSP (%) - 2.15) */
			r = 10.929 * (v * e->ratio - 2.15) * e->out_scale;
			break;
		case LAB_HBA1C_TO_NGSP:
			r = (v * e->ratio / 10.929 + 2.15) * e->out_scale;
			break;
		default:
			if (isnan(e->out_scale))
				return pm_ucum_convert(v, e->from_unit, e->to_unit);
			r = v * e->ratio;
			break;
	}
	if (isinf(r) && !isinf(v))
		pm_error(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
				 errmsg("converting %g overflows float8", v));
	return r;
}

PG_FUNCTION_INFO_V1(lab_convert);
Datum
lab_convert(PG_FUNCTION_ARGS)
{
	float8		v = PG_GETARG_FLOAT8(0);
	LabCache   *cache = (LabCache *) fcinfo->flinfo->fn_extra;
	LabEntry   *e;

	/* constant units and LOINC: the planned conversion, without reading them */
	if (cache != NULL && cache->args_stable && cache->n == 1)
		e = &cache->e[0];
	else
		e = lab_entry(fcinfo, PG_GETARG_TEXT_PP(1), PG_GETARG_TEXT_PP(2),
					  PG_GETARG_TEXT_PP(3), false);
	PG_RETURN_FLOAT8(apply_entry(e, v));
}

PG_FUNCTION_INFO_V1(lab_plausible);
Datum
lab_plausible(PG_FUNCTION_ARGS)
{
	text	   *loinc = PG_GETARG_TEXT_PP(0);
	float8		v = PG_GETARG_FLOAT8(1);
	text	   *unit = PG_GETARG_TEXT_PP(2);
	LabEntry   *e;
	double		si;

	e = lab_entry(fcinfo, unit, unit, loinc, true);
	if (!e->has_limits)
		PG_RETURN_NULL();
	if (isnan(v) || isinf(v))
		PG_RETURN_BOOL(false);
	si = apply_entry(e, v);
	PG_RETURN_BOOL(si >= e->low && si <= e->high);
}

/*
 * The LOINC code of loinc's twin that fits unit: its mass twin for a mass
 * unit, its molar twin for a substance or equivalents unit (as lab2clean
 * rewrites the code when it converts).  NULL when the unit has no single
 * amount or the analyte has no such twin.
 */
PG_FUNCTION_INFO_V1(lab_twin_loinc);
Datum
lab_twin_loinc(PG_FUNCTION_ARGS)
{
	char	   *loinc = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *unit = PG_GETARG_TEXT_PP(1);
	UcumUnit	u;
	Amount		a;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	char	   *twin = NULL;
	bool		found;
	MemoryContext caller = CurrentMemoryContext;

	pm_ucum_parse_or_error(VARDATA_ANY(unit), VARSIZE_ANY_EXHDR(unit), "unit", &u);
	a = u.special == UCUM_FN_NONE ? amount_of(&u) : AMOUNT_NONE;

	args[0] = CStringGetTextDatum(loinc);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT mass_loinc, molar_loinc FROM precmed.analyte WHERE loinc = $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading precmed.analyte failed");
	found = SPI_processed == 1;
	if (found && a != AMOUNT_NONE)
	{
		char	   *s = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
									 a == AMOUNT_MASS ? 1 : 2);

		if (s)
			twin = MemoryContextStrdup(caller, s);
	}
	SPI_finish();
	if (!found)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("LOINC %s is not in precmed.analyte", loinc),
				 errdetail("Twin codes are kept per analyte."),
				 errhint("Check the LOINC code, or add the analyte to precmed.analyte."));
	if (twin == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(twin));
}
