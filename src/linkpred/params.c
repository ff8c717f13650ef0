/*
 * params.c: method names, the params jsonb, and the up-front memory check.
 *
 * Unknown keys are errors rather than silently ignored: a misspelt "sigma"
 * would otherwise run the defaults and report the wrong model.
 */
#include "linkpred/linkpred.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

static const char *const method_names[] = {"krls_gip", "knn", "hgimc", "bnnr", "ensemble"};

LpMethod
lp_parse_method(const char *name)
{
	for (int i = 0; i < (int) lengthof(method_names); i++)
		if (strcmp(name, method_names[i]) == 0)
			return (LpMethod) i;
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("unknown link prediction method \"%s\"", name),
			 errhint("Use one of krls_gip (the default), knn, hgimc, bnnr, ensemble."));
}

const char *
lp_method_name(LpMethod m)
{
	return method_names[m];
}

/* One accepted key: its name, kind, bounds and where it goes. */
typedef enum
{
	PK_NUM, PK_INT, PK_BOOL, PK_PROTOCOL
} LpParamKind;

typedef struct LpParamSpec
{
	const char *key;
	LpParamKind	kind;
	double		lo;				/* inclusive bounds for numbers */
	double		hi;
	bool		lo_open;		/* lo itself not allowed */
	size_t		offset;
	unsigned	methods;		/* bit mask of LpMethod */
} LpParamSpec;

#define M(x) (1u << (x))
#define ALL (M(LP_KRLS_GIP) | M(LP_KNN) | M(LP_HGIMC) | M(LP_BNNR) | M(LP_ENSEMBLE))
#define OFF(f) offsetof(LpParams, f)

static const LpParamSpec param_specs[] = {
	{"w", PK_NUM, 0, 1, false, OFF(w), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"sigma", PK_NUM, 0, 1e12, true, OFF(sigma), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"gamma", PK_NUM, 0, 1e6, true, OFF(gamma), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"guard", PK_BOOL, 0, 0, false, OFF(guard), M(LP_KRLS_GIP) | M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"k", PK_INT, 1, 1e9, false, OFF(k), M(LP_KNN)},
	{"alpha", PK_NUM, 0, 1e12, true, OFF(alpha), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"beta", PK_NUM, 0, 1e12, true, OFF(beta), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"tol1", PK_NUM, 0, 1, false, OFF(tol1), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"tol2", PK_NUM, 0, 1, false, OFF(tol2), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"max_iter", PK_INT, 1, 1e8, false, OFF(max_iter), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"gip", PK_BOOL, 0, 0, false, OFF(gip), M(LP_BNNR)},
	{"gip_w", PK_NUM, 0, 1, false, OFF(gip_w), M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"gip_gamma", PK_NUM, 0, 1e6, true, OFF(gip_gamma), M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"threshold", PK_NUM, 0, 1, false, OFF(threshold), M(LP_HGIMC)},
	{"bandwidth", PK_NUM, 0, 1e6, true, OFF(bandwidth), M(LP_HGIMC)},
	{"restart", PK_NUM, 0, 1, false, OFF(restart), M(LP_HGIMC)},
	{"hgi_tol", PK_NUM, 0, 1, true, OFF(hgi_tol), M(LP_HGIMC)},
	{"bnnr_weight", PK_NUM, 0, 1e6, false, OFF(bnnr_weight), M(LP_ENSEMBLE)},
	{"krls_weight", PK_NUM, 0, 1e6, false, OFF(krls_weight), M(LP_ENSEMBLE)},
	{"memory_limit_mb", PK_NUM, 1, 1e7, false, OFF(memory_limit_mb), ALL},
	{"progress", PK_BOOL, 0, 0, false, OFF(progress), ALL},
	{"protocol", PK_PROTOCOL, 0, 0, false, OFF(pooled), ALL},
};

static void
set_defaults(LpParams *p, LpMethod method)
{
	memset(p, 0, sizeof(*p));
	p->method = method;
	p->w = 0.3;
	p->sigma = 5.0;
	p->gamma = 0.5;
	p->guard = true;
	p->k = 15;
	if (method == LP_HGIMC)
	{
		p->alpha = 10.0;
		p->beta = 10.0;
	}
	else
	{
		p->alpha = 1.0;
		p->beta = 10.0;
	}
	p->tol1 = 2e-3;
	p->tol2 = 1e-5;
	p->max_iter = 300;
	p->gip = (method == LP_ENSEMBLE);
	p->gip_w = 0.5;
	p->gip_gamma = 1.0;
	p->threshold = 0.1;
	p->bandwidth = 0.5;
	p->restart = 0.1;
	p->hgi_tol = 1e-10;
	p->bnnr_weight = 0.2;
	p->krls_weight = 0.8;
	/* the default is the cap itself: precmed.max_memory_mb */
	p->memory_limit_mb = pm_max_memory_mb;
	p->progress = false;
}

static const char *
allowed_keys(LpMethod method)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < (int) lengthof(param_specs); i++)
		if (param_specs[i].methods & M(method))
			appendStringInfo(&buf, "%s%s", buf.len ? ", " : "", param_specs[i].key);
	return buf.data;
}

void
lp_parse_params(LpParams *p, LpMethod method, Jsonb *json)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	set_defaults(p, method);
	if (json == NULL)
		return;
	if (!JB_ROOT_IS_OBJECT(json))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"params\" must be a JSON object"),
				 errhint("Pass for example '{\"sigma\": 5}'::jsonb, or '{}' for the defaults."));

	it = JsonbIteratorInit(&json->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		const LpParamSpec *spec = NULL;
		char	   *where;

		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE)
			continue;

		for (int i = 0; i < (int) lengthof(param_specs); i++)
			if (strcmp(param_specs[i].key, key) == 0 && (param_specs[i].methods & M(method)))
				spec = &param_specs[i];
		if (spec == NULL)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("unknown parameter \"%s\" for method %s", key, lp_method_name(method)),
					 errdetail("Parameters of %s: %s.", lp_method_name(method), allowed_keys(method)),
					 errhint("See docs/repositioning.md for their meaning and defaults."));
		where = (char *) p + spec->offset;

		switch (spec->kind)
		{
			case PK_BOOL:
				if (v.type != jbvBool)
					pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
							 errmsg("parameter \"%s\" must be true or false", key));
				*(bool *) where = v.val.boolean;
				break;
			case PK_PROTOCOL:
				{
					char	   *str;

					if (v.type != jbvString)
						pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
								 errmsg("parameter \"%s\" must be a string", key),
								 errhint("Use \"global\" (the default) or \"pooled\"."));
					str = pnstrdup(v.val.string.val, v.val.string.len);
					if (strcmp(str, "global") == 0)
						p->pooled = false;
					else if (strcmp(str, "pooled") == 0)
						p->pooled = true;
					else
						pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
								 errmsg("unknown protocol \"%s\"", str),
								 errhint("Use \"global\" (the default) or \"pooled\"."));
					p->protocol_given = true;
				}
				break;
			case PK_NUM:
			case PK_INT:
				{
					double		d;

					if (v.type != jbvNumeric)
						pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
								 errmsg("parameter \"%s\" must be a number", key));
					d = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
														   NumericGetDatum(v.val.numeric)));
					if (isnan(d) || d < spec->lo || d > spec->hi ||
						(spec->lo_open && d <= spec->lo) ||
						(spec->kind == PK_INT && d != floor(d)))
						pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
								 errmsg("parameter \"%s\" = %g is out of range", key, d),
								 errdetail("It must be %s%s in %s%g, %g].",
										   spec->kind == PK_INT ? "an integer" : "a number",
										   "", spec->lo_open ? "(" : "[", spec->lo, spec->hi));
					/* a user may lower the limit, only a superuser may raise it */
					if (spec->offset == OFF(memory_limit_mb) && d > pm_max_memory_mb)
						pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
								 errmsg("parameter \"memory_limit_mb\" = %g is above precmed.max_memory_mb (%d MB)",
										d, pm_max_memory_mb),
								 errdetail("memory_limit_mb may lower the memory cap of a call, not raise it."),
								 errhint("Leave memory_limit_mb out to use the whole cap, or ask a superuser to raise precmed.max_memory_mb (SET, ALTER ROLE ... SET or ALTER SYSTEM)."));
					if (spec->kind == PK_INT)
						*(int *) where = (int) d;
					else
						*(double *) where = d;
				}
				break;
		}
	}
}

/*
 * Working memory of one model, in float8 matrices, checked before anything
 * is allocated so an oversized problem fails at once with a clear message
 * instead of minutes later (or by the OOM killer).
 */
void
lp_check_memory(const LpParams *p, int nl, int nr, int extra_matrices,
				const char *what)
{
	double		l2 = (double) nl * nl,
				r2 = (double) nr * nr,
				lr = (double) nl * nr,
				n = (double) nl + nr,
				mx = Max(nl, nr);
	double		doubles;
	double		mb;

	/* inputs: A, Sl, Sr, the output F, and whatever the caller keeps */
	doubles = l2 + r2 + (2 + extra_matrices) * lr;
	switch (p->method)
	{
		case LP_KRLS_GIP:
			doubles += 2 * (l2 + r2) + 4 * lr + 1 + 6 * mx + 2 * mx * mx;
			break;
		case LP_KNN:
			doubles += l2 + r2 + 2 * lr;
			break;
		case LP_HGIMC:
			doubles += 9 * lr + 2 * (l2 + r2) + 4 * Min(nl, nr) * (double) Min(nl, nr) + 8 * mx;
			break;
		case LP_BNNR:
			doubles += 7 * n * n + 1 + 6 * n + 2 * n * n + 2 * (l2 + r2);
			break;
		case LP_ENSEMBLE:
			doubles += 7 * n * n + 1 + 6 * n + 2 * n * n + 2 * (l2 + r2) + 3 * lr;
			break;
	}
	/* LAPACK takes 32-bit sizes: the largest workspace is 2 n^2 of the largest eigenproblem */
	if (lr >= (double) PG_INT32_MAX ||
		2.0 * ((p->method == LP_BNNR || p->method == LP_ENSEMBLE) ? n * n : mx * mx) + 6 * n >= (double) PG_INT32_MAX)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%s with method %s on %d x %d entities is too large",
						what, lp_method_name(p->method), nl, nr),
				 errdetail("Matrix sizes and LAPACK workspaces must fit 32-bit integers."),
				 errhint("Split the problem, or use krls_gip, whose largest matrix is the larger side squared."));
	mb = doubles * sizeof(double) / (1024.0 * 1024.0);
	if (mb > p->memory_limit_mb)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%s with method %s on %d x %d entities needs about %.0f MB of working memory, more than memory_limit_mb = %.0f",
						what, lp_method_name(p->method), nl, nr, mb, p->memory_limit_mb),
				 errdetail("Working memory is sized before the run starts; memory_limit_mb defaults to precmed.max_memory_mb (%d MB), and cannot exceed it.",
						   pm_max_memory_mb),
				 errhint("Use krls_gip (memory grows with the square of each side, not of their sum), or, if the server has the memory, ask a superuser to raise precmed.max_memory_mb (memory_limit_mb defaults to it)."));
}
