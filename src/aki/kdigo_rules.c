/*
 * kdigo_rules.c: the KDIGO stage rules of mimic-code's kdigo_stages, and the
 * numeric rounding they depend on, shared by kdigo_stages and exposed as the
 * scalar building blocks kdigo_creat_stage and kdigo_uo_stage.
 *
 * The reference computes rates in float8, casts them to numeric and rounds to
 * 4 decimals, then compares the rounded numerics with the thresholds; a
 * rate that is 0.49996 in float8 is therefore 0.5000 and not stage 1.  The
 * same rounding is reproduced here bit for bit.
 *
 * How it works: aki_round_numeric rounds in double where the result is
 * clearly away from a tie, and otherwise goes through the 15-digit decimal
 * text float8_numeric uses; the stage rules are the reference's CASEs.
 */
#include "aki/aki.h"

#include <float.h>
#include <math.h>

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* round(x::numeric, ndigits)::float8, bit for bit (see aki.h). */
double
aki_round_numeric(double x, int ndigits)
{
	char		buf[64];
	char		digits[DBL_DIG + 2];
	char		out[64];
	char	   *e;
	bool		neg;
	int			exp10;
	int			keep;
	int			len;

	if (isnan(x) || isinf(x))
		return x;
	if (x == 0.0)
		return 0.0;

	/*
	 * Fast path: away from a tie, rounding x and rounding its 15-digit
	 * decimal agree, and k / 10^n is the double nearest the decimal k e-n,
	 * as strtod would give.  |y| < 1e7 keeps the error of y far below the
	 * 1e-6 distance from a tie required.
	 */
	if (ndigits >= 0 && ndigits <= 8)
	{
		static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
		double		y = x * pow10[ndigits];

		if (fabs(y) < 1e7)
		{
			double		fl = floor(y);
			double		frac = y - fl;

			if (fabs(frac - 0.5) > 1e-6)
				return (frac > 0.5 ? fl + 1 : fl) / pow10[ndigits];
		}
	}

	/* float8 -> numeric: DBL_DIG significant digits, as float8_numeric */
	snprintf(buf, sizeof(buf), "%.*e", DBL_DIG - 1, x);
	neg = (buf[0] == '-');
	e = strchr(buf, 'e');
	exp10 = atoi(e + 1);
	digits[0] = buf[neg ? 1 : 0];
	memcpy(digits + 1, buf + (neg ? 3 : 2), DBL_DIG - 1);
	digits[DBL_DIG] = '\0';

	/* number of significant digits at or above 10^-ndigits */
	keep = exp10 + ndigits + 1;
	if (keep >= DBL_DIG)
		return strtod(buf, NULL);
	if (keep < 0)
		return 0.0;
	if (keep == 0)
	{
		if (digits[0] < '5')
			return 0.0;
		snprintf(out, sizeof(out), "%s1e%d", neg ? "-" : "", -ndigits);
		return strtod(out, NULL);
	}

	/* round half away from zero at digit keep */
	len = keep;
	if (digits[keep] >= '5')
	{
		int			i = keep - 1;

		while (i >= 0 && digits[i] == '9')
			digits[i--] = '0';
		if (i >= 0)
			digits[i]++;
		else
		{
			memmove(digits + 1, digits, keep);
			digits[0] = '1';
			len = keep + 1;
			exp10++;
		}
	}
	digits[len] = '\0';
	/* value = digits (an integer) * 10^(exp10 - len + 1) */
	snprintf(out, sizeof(out), "%s%se%d", neg ? "-" : "", digits, exp10 - len + 1);
	return strtod(out, NULL);
}

/* 'current' or 'legacy'; 22023 otherwise. */
AkiStage3Rule
aki_parse_stage3_rule(const char *s)
{
	if (strcmp(s, "current") == 0)
		return AKI_STAGE3_CURRENT;
	if (strcmp(s, "legacy") == 0)
		return AKI_STAGE3_LEGACY;
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("invalid stage3_rule \"%s\"", s),
			 errdetail("stage3_rule selects the stage-3 creatinine rule."),
			 errhint("Use 'current' (mimic-code since 2026-06-24) or 'legacy' (the rule before it)."));
}

/* The creatinine CASE of kdigo_stages: the first rule that holds. */
int
aki_creat_stage(double creat, bool has_low7, double low7,
				bool has_low48, double low48, AkiStage3Rule rule)
{
	bool		second;

	if (has_low7 && creat >= low7 * 3.0)
		return 3;
	if (rule == AKI_STAGE3_CURRENT)
		second = (has_low48 && creat >= low48 + 0.3);
	else
		second = (has_low48 && low48 <= 3.7);
	if (creat >= 4 && (second || (has_low7 && creat >= 1.5 * low7)))
		return 3;
	if (has_low7 && creat >= low7 * 2.0)
		return 2;
	if (has_low48 && creat >= low48 + 0.3)
		return 1;
	if (has_low7 && creat >= low7 * 1.5)
		return 1;
	return 0;
}

/* The urine-output CASE of kdigo_stages, on rounded rates. */
int
aki_uo_stage(bool early,
			 bool has_rt6, double rt6, double tm6,
			 bool has_rt12, double rt12, double tm12,
			 bool has_rt24, double rt24, double tm24)
{
	if (!has_rt6)
		return -1;
	if (early)
		return 0;
	if (tm24 >= 24 && has_rt24 && rt24 < 0.3)
		return 3;
	if (tm12 >= 12 && has_rt12 && rt12 == 0)
		return 3;
	if (tm12 >= 12 && has_rt12 && rt12 < 0.5)
		return 2;
	if (tm6 >= 6 && rt6 < 0.5)
		return 1;
	return 0;
}

/* round(us / 3600e6, 6) without a float8 division's error. */
double
aki_hours_rounded(int64 us)
{
	/* hours * 10^6 = us / 3600, rounded half away from zero */
	int64		q = us >= 0 ? (us + 1800) / 3600 : -((-us + 1800) / 3600);

	return (double) q / 1e6;
}

/* ml / kg / hours rounded to 4 decimals as numeric. */
double
aki_uo_rate(double ml, double kg, double hours)
{
	return aki_round_numeric(ml / kg / hours, 4);
}

/*
 * precmed.kdigo_creat_stage(creat, creat_low_past_7day, creat_low_past_48hr,
 * stage3_rule): the CASE of kdigo_stages, with SQL's NULL logic (a NULL
 * minimum makes its rule fall through; a NULL creat gives 0).  Refuses an
 * unknown stage3_rule (22023).
 */
PG_FUNCTION_INFO_V1(kdigo_creat_stage);
Datum
kdigo_creat_stage(PG_FUNCTION_ARGS)
{
	AkiStage3Rule rule;

	rule = aki_parse_stage3_rule(pm_text_arg(fcinfo, 3, "stage3_rule"));
	if (PG_ARGISNULL(0))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(aki_creat_stage(PG_GETARG_FLOAT8(0),
									!PG_ARGISNULL(1), PG_ARGISNULL(1) ? 0 : PG_GETARG_FLOAT8(1),
									!PG_ARGISNULL(2), PG_ARGISNULL(2) ? 0 : PG_GETARG_FLOAT8(2),
									rule));
}

/*
 * precmed.kdigo_uo_stage(charttime, intime, uo_rt_6hr, uo_rt_12hr,
 * uo_rt_24hr, uo_tm_6hr, uo_tm_12hr, uo_tm_24hr): the urine-output CASE of
 * kdigo_stages.  NULL when the 6-hour rate is NULL.
 */
PG_FUNCTION_INFO_V1(kdigo_uo_stage);
Datum
kdigo_uo_stage(PG_FUNCTION_ARGS)
{
	bool		early;
	int			stage;

	if (PG_ARGISNULL(2))
		PG_RETURN_NULL();
	/* an unknown "charttime <= intime + 6 h" falls through, as in SQL */
	early = !PG_ARGISNULL(0) && !PG_ARGISNULL(1) &&
		PG_GETARG_TIMESTAMP(0) <= PG_GETARG_TIMESTAMP(1) + 6 * AKI_HOUR_US;
	stage = aki_uo_stage(early,
						 true, PG_GETARG_FLOAT8(2), PG_ARGISNULL(5) ? -1 : PG_GETARG_FLOAT8(5),
						 !PG_ARGISNULL(3), PG_ARGISNULL(3) ? 0 : PG_GETARG_FLOAT8(3),
						 PG_ARGISNULL(6) ? -1 : PG_GETARG_FLOAT8(6),
						 !PG_ARGISNULL(4), PG_ARGISNULL(4) ? 0 : PG_GETARG_FLOAT8(4),
						 PG_ARGISNULL(7) ? -1 : PG_GETARG_FLOAT8(7));
	PG_RETURN_INT32(stage);
}
