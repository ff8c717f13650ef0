/*
 * params.c: method names, the params jsonb, and the up-front memory check.
 *
 * Unknown keys are errors rather than silently ignored: a misspelt "sigma"
 * would otherwise run the defaults and report the wrong model.
 */
#include "linkpred/linkpred.h"

#include "utils/builtins.h"

static const char *const method_names[] = {"krls_gip", "knn", "hgimc", "bnnr", "ensemble"};

/* The method named name; 22023 for an unknown name. */
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

/* The SQL name of method m. */
const char *
lp_method_name(LpMethod m)
{
	return method_names[m];
}

#define M(x) (1u << (x))
#define OFF(f) offsetof(LpParams, f)

static const char *const protocols[] = {"global", "pooled", NULL};

/* Each key, with its range and the methods it applies to (0: all). */
static const PmParam param_specs[] = {
	{"w", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(w), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"sigma", PM_PARAM_NUMBER, 0, 1e12, true, false, NULL, OFF(sigma), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"gamma", PM_PARAM_NUMBER, 0, 1e6, true, false, NULL, OFF(gamma), M(LP_KRLS_GIP) | M(LP_ENSEMBLE)},
	{"guard", PM_PARAM_BOOL, 0, 0, false, false, NULL, OFF(guard), M(LP_KRLS_GIP) | M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"k", PM_PARAM_INTEGER, 1, 1e9, false, false, NULL, OFF(k), M(LP_KNN)},
	{"alpha", PM_PARAM_NUMBER, 0, 1e12, true, false, NULL, OFF(alpha), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"beta", PM_PARAM_NUMBER, 0, 1e12, true, false, NULL, OFF(beta), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"tol1", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(tol1), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"tol2", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(tol2), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"max_iter", PM_PARAM_INTEGER, 1, 1e8, false, false, NULL, OFF(max_iter), M(LP_BNNR) | M(LP_HGIMC) | M(LP_ENSEMBLE)},
	{"gip", PM_PARAM_BOOL, 0, 0, false, false, NULL, OFF(gip), M(LP_BNNR)},
	{"gip_w", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(gip_w), M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"gip_gamma", PM_PARAM_NUMBER, 0, 1e6, true, false, NULL, OFF(gip_gamma), M(LP_BNNR) | M(LP_ENSEMBLE)},
	{"threshold", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(threshold), M(LP_HGIMC)},
	{"bandwidth", PM_PARAM_NUMBER, 0, 1e6, true, false, NULL, OFF(bandwidth), M(LP_HGIMC)},
	{"restart", PM_PARAM_NUMBER, 0, 1, false, false, NULL, OFF(restart), M(LP_HGIMC)},
	{"hgi_tol", PM_PARAM_NUMBER, 0, 1, true, false, NULL, OFF(hgi_tol), M(LP_HGIMC)},
	{"bnnr_weight", PM_PARAM_NUMBER, 0, 1e6, false, false, NULL, OFF(bnnr_weight), M(LP_ENSEMBLE)},
	{"krls_weight", PM_PARAM_NUMBER, 0, 1e6, false, false, NULL, OFF(krls_weight), M(LP_ENSEMBLE)},
	{"memory_limit_mb", PM_PARAM_NUMBER, 1, 1e7, false, false, NULL, OFF(memory_limit_mb), 0},
	{"progress", PM_PARAM_BOOL, 0, 0, false, false, NULL, OFF(progress), 0},
	{"protocol", PM_PARAM_CHOICE, 0, 0, false, false, protocols, OFF(protocol), 0},
};

/* The defaults of docs/repositioning.md for method. */
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
	p->protocol = -1;
}

/* Defaults of method, then the params object over them, checked. */
void
lp_parse_params(LpParams *p, LpMethod method, Jsonb *json)
{
	PmParamSet	set = {
		.argname = "params",
		.what = "parameter",
		.context = psprintf("for method %s", lp_method_name(method)),
		.hint = "See docs/repositioning.md for their meaning and defaults.",
		.params = param_specs,
		.nparams = lengthof(param_specs),
	};

	set_defaults(p, method);
	pm_read_params(json, &set, M(method), p);
	p->protocol_given = p->protocol >= 0;
	p->pooled = p->protocol == LP_PROTOCOL_POOLED;
	/* a user may lower the limit, only a superuser may raise it */
	if (p->memory_limit_mb > pm_max_memory_mb)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("parameter \"memory_limit_mb\" = %g is above precmed.max_memory_mb (%d MB)",
						p->memory_limit_mb, pm_max_memory_mb),
				 errdetail("memory_limit_mb may lower the memory cap of a call, not raise it."),
				 errhint("Leave memory_limit_mb out to use the whole cap, or ask a superuser to raise precmed.max_memory_mb (SET, ALTER ROLE ... SET or ALTER SYSTEM)."));
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
