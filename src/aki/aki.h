/*
 * aki.h: KDIGO acute kidney injury staging, as mimic-code's MIMIC-IV
 * concepts (kdigo_creatinine, kdigo_uo, kdigo_stages; commit 8bcbd190)
 * compute it.  See docs/aki.md for the definition and every quirk.
 */
#ifndef PRECMED_AKI_H
#define PRECMED_AKI_H

#include "common/precmed.h"

#include "datatype/timestamp.h"

#define AKI_HOUR_US		((int64) 3600 * 1000000)
#define AKI_DAY_US		(24 * AKI_HOUR_US)

/* Stage-3 creatinine rule: the 2026 fix (d274159b) or the rule before it. */
typedef enum AkiStage3Rule
{
	AKI_STAGE3_CURRENT,
	AKI_STAGE3_LEGACY
} AkiStage3Rule;

/* kdigo_rules.c */

/*
 * round(x::numeric, ndigits)::float8 exactly as PostgreSQL computes it: the
 * float8 goes to numeric through its 15 significant digits, is rounded half
 * away from zero, and comes back through its decimal text.
 */
extern double aki_round_numeric(double x, int ndigits);

/* Parse the stage3_rule argument ('current' or 'legacy'). */
extern AkiStage3Rule aki_parse_stage3_rule(const char *s);

/*
 * Creatinine stage of creat given the minima of the earlier values in the
 * past 7 days and 48 hours (a NULL minimum is passed as has_* = false).
 */
extern int	aki_creat_stage(double creat, bool has_low7, double low7,
							bool has_low48, double low48, AkiStage3Rule rule);

/*
 * Urine-output stage from the rounded rates and documented hours; returns
 * -1 for NULL (no 6-hour rate).  early: charttime <= intime + 6 h.
 */
extern int	aki_uo_stage(bool early,
						 bool has_rt6, double rt6, double tm6,
						 bool has_rt12, double rt12, double tm12,
						 bool has_rt24, double rt24, double tm24);

/* Documented hours of a window, rounded to 6 decimals as the reference does. */
extern double aki_hours_rounded(int64 us);

/*
 * Rate in mL/kg/h rounded to 4 decimals as the reference computes it, from
 * the window's volume, the weight and the rounded documented hours.
 */
extern double aki_uo_rate(double ml, double kg, double hours);

#endif							/* PRECMED_AKI_H */
