/*
 * creatinine_baseline.c: admission-level baseline serum creatinine as
 * mimic-code's creatinine_baseline concept defines it (MIMIC-IV
 * measurement/creatinine_baseline.sql, unchanged since 2023-02): the lowest
 * creatinine of the admission when it is <= 1.1 mg/dL or the patient has
 * CKD, else the creatinine that the simplified MDRD equation gives for an
 * eGFR of 75 mL/min/1.73 m^2 (the KDIGO/ADQI back-calculation).
 *
 * How it works: the MDRD equation eGFR = 186 * SCr^-1.154 * age^-0.203
 * (* 0.742 if female) is solved for SCr at eGFR 75; the rule then picks
 * between the admission's lowest creatinine and that estimate.
 */
#include "aki/aki.h"

#include <math.h>

#include "utils/builtins.h"

/* 22023 unless age is a finite, non-negative number of years. */
static void
check_age(double age)
{
	if (isnan(age) || isinf(age) || age < 0)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("age %g is not a valid age in years", age),
				 errdetail("age must be a finite, non-negative number of years."));
}

/*
 * SCr = (75 / (186 * age^-0.203 * [0.742 if female]))^(-1/1.154), in mg/dL.
 */
static double
mdrd_creatinine(double age, bool female)
{
	double		egfr_per_scr = 186.0 * pow(age, -0.203) * (female ? 0.742 : 1.0);

	return pow(75.0 / egfr_per_scr, -1.0 / 1.154);
}

/*
 * creatinine_baseline_mdrd(age, female): the MDRD creatinine at eGFR 75, NULL
 * under 18 (the reference computes baselines for adults only); 22023 for a
 * bad age.
 */
PG_FUNCTION_INFO_V1(creatinine_baseline_mdrd);
Datum
creatinine_baseline_mdrd(PG_FUNCTION_ARGS)
{
	double		age = PG_GETARG_FLOAT8(0);

	check_age(age);
	if (age < 18)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mdrd_creatinine(age, PG_GETARG_BOOL(1)));
}

/*
 * creatinine_baseline(scr_min, age, female, ckd): the reference's baseline
 * rule, NULL under 18 or without age or sex; 22023 for a bad scr_min or age.
 */
PG_FUNCTION_INFO_V1(creatinine_baseline);
Datum
creatinine_baseline(PG_FUNCTION_ARGS)
{
	bool		has_scr = !PG_ARGISNULL(0);
	double		scr = has_scr ? PG_GETARG_FLOAT8(0) : 0;
	double		age;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	age = PG_GETARG_FLOAT8(1);
	check_age(age);
	if (has_scr && (isnan(scr) || isinf(scr) || scr <= 0))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("scr_min %g mg/dL is not a valid creatinine", scr),
				 errdetail("scr_min must be a positive, finite value in mg/dL."),
				 errhint("Convert umol/L to mg/dL by dividing by 88.4."));
	if (age < 18)
		PG_RETURN_NULL();
	/* the rule of the reference: scr_min <= 1.1, else scr_min with CKD, else MDRD */
	if (has_scr && scr <= 1.1)
		PG_RETURN_FLOAT8(scr);
	if (!PG_ARGISNULL(3) && PG_GETARG_BOOL(3))
	{
		if (!has_scr)
			PG_RETURN_NULL();	/* the reference returns scr_min, NULL */
		PG_RETURN_FLOAT8(scr);
	}
	/* with no creatinine the reference's CASE also falls through to MDRD */
	PG_RETURN_FLOAT8(mdrd_creatinine(age, PG_GETARG_BOOL(2)));
}
