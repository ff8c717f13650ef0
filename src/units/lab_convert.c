/*
 * lab_convert.c: clinical conversions UCUM cannot do alone.
 *
 * UCUM treats mol as a pure number and eq as 1 mol, so mg/dL <-> umol/L
 * needs the analyte's molar mass and mEq/L <-> mmol/L its ion charge.  Both
 * come from precmed.analyte, keyed by LOINC.  The amount part of each unit
 * (exactly one of g, mol or eq to the first power) is exchanged through
 * moles; the rest of the unit must match.  HbA1c NGSP % <-> IFCC mmol/mol
 * uses the IFCC-NGSP master equation.  Special units (Cel, ...) convert as
 * ucum_convert does.  Plans are cached per call site (call_cache.c).
 */
#include "units/units.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/float.h"

#define GRAM_SLOT 2				/* g is UCUM's third base unit */

typedef enum LabMode
{
	LAB_RATIO,					/* value * ratio */
	LAB_HBA1C_TO_IFCC,			/* NGSP % -> IFCC mmol/mol */
	LAB_HBA1C_TO_NGSP			/* IFCC mmol/mol -> NGSP % */
} LabMode;

/* A planned conversion, and the analyte's plausibility limits. */
typedef struct LabEntry
{
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

/* The analyte columns read (precmed.analyte), by their numbers in the query. */
#define ANALYTE_QUERY "SELECT analyte, molar_mass, charge, si_unit, plausible_low, " \
	"plausible_high, conversion FROM precmed.analyte WHERE loinc = $1"

/* Column col of an SPI row as float8 into *v; false when it is NULL. */
static bool
spi_float8(HeapTuple t, TupleDesc d, int col, double *v)
{
	bool		isnull;
	Datum		datum = SPI_getbinval(t, d, col, &isnull);

	if (!isnull)
		*v = DatumGetFloat8(datum);
	return !isnull;
}

/* Column col of an SPI row as text copied into cxt, or NULL. */
static char *
spi_text(HeapTuple t, TupleDesc d, int col, MemoryContext cxt)
{
	char	   *s = SPI_getvalue(t, d, col);

	return s ? MemoryContextStrdup(cxt, s) : NULL;
}

/*
 * Run query (one text parameter, loinc) read-only through SPI, at most one
 * row; the caller holds SPI (pm_spi_connect) and reads SPI_tuptable.
 */
static void
spi_by_loinc(const char *query, const char *loinc)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];

	args[0] = CStringGetTextDatum(loinc);
	if (SPI_execute_with_args(query, 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "reading precmed.analyte failed");
}

/*
 * The analyte row of loinc (a->found false when absent).  What SPI
 * allocates SPI_finish frees: strings are copied into the caller's context.
 */
static void
lookup_analyte(const char *loinc, Analyte *a)
{
	MemoryContext caller = CurrentMemoryContext;

	memset(a, 0, sizeof(Analyte));
	a->molar_mass = get_float8_nan();
	pm_spi_connect(caller);
	spi_by_loinc(ANALYTE_QUERY, loinc);
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		v;
		char	   *name = spi_text(t, d, 1, caller);
		bool		has_low,
					has_high;

		a->found = true;
		a->name = name ? name : MemoryContextStrdup(caller, "");
		(void) spi_float8(t, d, 2, &a->molar_mass);
		v = SPI_getbinval(t, d, 3, &isnull);
		if (!isnull)
			a->charge = DatumGetInt32(v);
		a->si_unit = spi_text(t, d, 4, caller);
		has_low = spi_float8(t, d, 5, &a->low);
		has_high = spi_float8(t, d, 6, &a->high);
		a->has_limits = has_low && has_high;
		a->conversion = spi_text(t, d, 7, caller);
	}
	pm_spi_finish(caller);
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

/* The name of an amount, for messages. */
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

/* Avogadro's number, as UCUM defines mol. */
static double
avogadro(void)
{
	UcumUnit	mol;

	pm_ucum_parse_or_error("mol", 3, "mol", &mol);
	return ucum_magnitude(&mol);
}

/* An IFCC (substance ratio) HbA1c unit rather than an NGSP fraction? */
static bool
is_ifcc_unit(const char *unit)
{
	return strstr(unit, "mol") != NULL;
}

/* One amount unit (a mass, a mol, an eq) per mol of analyte a, in canonical units. */
static double
per_mol(Amount amount, const Analyte *a)
{
	Assert(amount != AMOUNT_NONE);
	if (amount == AMOUNT_MASS)
		return 1.0 / a->molar_mass;
	if (amount == AMOUNT_MOL)
		return 1.0 / avogadro();
	return 1.0 / (avogadro() * a->charge);
}

/* HbA1c between NGSP % and IFCC mmol/mol (fu, tu: from and to parsed). */
static void
plan_hba1c(LabEntry *e, const char *from, const UcumUnit *fu, const char *to,
		   const UcumUnit *tu, const char *loinc)
{
	UcumUnit	pct,
				mmolmol;

	pm_ucum_parse_or_error("%", 1, "%", &pct);
	pm_ucum_parse_or_error("mmol/mol", 8, "mmol/mol", &mmolmol);
	if (!ucum_same_dimension(fu, &pct) || !ucum_same_dimension(tu, &pct) ||
		fu->special != UCUM_FN_NONE || tu->special != UCUM_FN_NONE)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("cannot convert HbA1c (LOINC %s) from \"%s\" to \"%s\"", loinc, from, to),
				 errdetail("HbA1c converts between a fraction (NGSP %%) and a substance ratio (IFCC mmol/mol)."),
				 errhint("Use %% and mmol/mol."));
	if (is_ifcc_unit(from))
	{
		e->mode = LAB_HBA1C_TO_NGSP;
		e->ratio = ucum_ratio(fu, &mmolmol);
		e->out_scale = ucum_ratio(&pct, tu);
	}
	else
	{
		e->mode = LAB_HBA1C_TO_IFCC;
		e->ratio = ucum_ratio(fu, &pct);
		e->out_scale = ucum_ratio(&mmolmol, tu);
	}
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

	pm_ucum_parse_or_error(from, strlen(from), "from_unit", &fu);
	pm_ucum_parse_or_error(to, strlen(to), "to_unit", &tu);
	e->mode = LAB_RATIO;

	/* HbA1c: NGSP % and IFCC mmol/mol are both dimensionless in UCUM */
	if (a->found && a->conversion && strcmp(a->conversion, "hba1c") == 0 &&
		is_ifcc_unit(from) != is_ifcc_unit(to))
	{
		plan_hba1c(e, from, &fu, to, &tu, loinc);
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
	e->ratio = ucum_ratio(&fu, &tu) * per_mol(fa, a) / per_mol(ta, a);
}

/*
 * Plan from -> to for loinc; for lab_plausible (want_limits), unit -> the
 * analyte's SI unit, with the analyte's limits.
 */
static void
plan_entry(FunctionCallInfo fcinfo, LabEntry *e, text *from, text *to, text *loinc,
		   bool want_limits)
{
	char	   *f = text_to_cstring(from);
	char	   *t = text_to_cstring(to);
	char	   *l = text_to_cstring(loinc);
	Analyte		a;

	memset(e, 0, sizeof(LabEntry));
	lookup_analyte(l, &a);
	if (want_limits)
	{
		if (!a.found)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("LOINC %s is not in precmed.analyte", l),
					 errdetail("Plausibility limits are kept per analyte."),
					 errhint("Check the LOINC code, or add the analyte to precmed.analyte."));
		e->has_limits = a.has_limits && a.si_unit != NULL;
		e->low = a.low;
		e->high = a.high;
		t = a.si_unit ? a.si_unit : f;
	}
	plan_conversion(e, f, t, l, &a);
	if (isnan(e->ratio))
	{
		/* special units: keep the pair for ucum_convert semantics */
		e->ratio = 0;
		e->mode = LAB_RATIO;
		e->out_scale = get_float8_nan();
		e->from_unit = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, f);
		e->to_unit = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, t);
	}
}

/* lab_convert's plan: keys are from_unit, to_unit and loinc. */
static void
plan_lab_convert(FunctionCallInfo fcinfo, text *const *keys, void *entry)
{
	plan_entry(fcinfo, (LabEntry *) entry, keys[0], keys[1], keys[2], false);
}

/* lab_plausible's plan: keys are unit and loinc. */
static void
plan_lab_plausible(FunctionCallInfo fcinfo, text *const *keys, void *entry)
{
	plan_entry(fcinfo, (LabEntry *) entry, keys[0], keys[0], keys[1], true);
}

/* v converted by a plan; 22003 when the result overflows float8. */
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

/*
 * value converted from from_unit to to_unit for the analyte of loinc;
 * refuses invalid or incommensurable units, an unknown analyte or one
 * without the molar mass or charge needed (22023), overflow (22003).
 */
PG_FUNCTION_INFO_V1(lab_convert);
Datum
lab_convert(PG_FUNCTION_ARGS)
{
	static const int keyargs[] = {1, 2, 3};
	LabEntry   *e = units_call_cache_get(fcinfo, sizeof(LabEntry), keyargs,
										 lengthof(keyargs), plan_lab_convert);

	PG_RETURN_FLOAT8(apply_entry(e, PG_GETARG_FLOAT8(0)));
}

/*
 * Is value (in unit) within the plausibility limits of the analyte of
 * loinc?  NULL when it has none; refuses an unknown analyte or a unit that
 * does not convert to its SI unit (22023).
 */
PG_FUNCTION_INFO_V1(lab_plausible);
Datum
lab_plausible(PG_FUNCTION_ARGS)
{
	static const int keyargs[] = {2, 0};
	float8		v = PG_GETARG_FLOAT8(1);
	LabEntry   *e = units_call_cache_get(fcinfo, sizeof(LabEntry), keyargs,
										 lengthof(keyargs), plan_lab_plausible);
	double		si;

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
	UcumUnit	u;
	Amount		a;
	char	   *twin = NULL;
	bool		found;
	MemoryContext caller = CurrentMemoryContext;

	pm_ucum_parse_arg(fcinfo, 1, "unit", &u);
	a = u.special == UCUM_FN_NONE ? amount_of(&u) : AMOUNT_NONE;

	pm_spi_connect(caller);
	spi_by_loinc("SELECT mass_loinc, molar_loinc FROM precmed.analyte WHERE loinc = $1", loinc);
	found = SPI_processed == 1;
	if (found && a != AMOUNT_NONE)
		twin = spi_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
						a == AMOUNT_MASS ? 1 : 2, caller);
	pm_spi_finish(caller);
	if (!found)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("LOINC %s is not in precmed.analyte", loinc),
				 errdetail("Twin codes are kept per analyte."),
				 errhint("Check the LOINC code, or add the analyte to precmed.analyte."));
	return units_text_or_null(fcinfo, twin);
}
