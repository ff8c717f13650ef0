/*
 * params.c: fs_train's params and fs_model's specification.
 *
 * Both are read by the common typed reader (pm_read_params): scalar keys are
 * checked for kind and range there, and the nested arrays (levels, fields,
 * m, u) come back as JSON values read here once the model's shape is known.
 * Every message names the key, and the element or row within it.
 */
#include "linkage/linkage.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/numeric.h"

#define TRAIN_HINT "See fs_train in docs/linkage.md for the parameters and their defaults."
#define SPEC_HINT "Give {\"prior\": p, \"m\": [[...], ...], \"u\": [[...], ...]}; see fs_model in docs/linkage.md."

#define TOFF(f) offsetof(LkTrainParams, f)

/* fs_train's keys, in the order the docs list them. */
static const PmParam train_keys[] = {
	{"levels", PM_PARAM_JSON, 0, 0, false, false, NULL, TOFF(levels), 0},
	{"fields", PM_PARAM_JSON, 0, 0, false, false, NULL, TOFF(fields), 0},
	{"max_iterations", PM_PARAM_INTEGER, 1, 100000, false, false, NULL, TOFF(max_iterations), 0},
	{"tolerance", PM_PARAM_NUMBER, 0, 1, true, true, NULL, TOFF(tolerance), 0},
	{"prior", PM_PARAM_NUMBER, 0, 1, true, true, NULL, TOFF(prior), 0},
	{"m", PM_PARAM_JSON, 0, 0, false, false, NULL, TOFF(m), 0},
	{"u", PM_PARAM_JSON, 0, 0, false, false, NULL, TOFF(u), 0},
	{"smoothing", PM_PARAM_NUMBER, 0, 1e12, false, false, NULL, TOFF(smoothing), 0},
};

static const PmParamSet train_set = {
	.argname = "params",
	.what = "parameter",
	.context = NULL,
	.hint = TRAIN_HINT,
	.params = train_keys,
	.nparams = lengthof(train_keys),
};

/* ---- nested arrays ---- */

/* The array v, named by what (e.g. 'parameter "m"'), or an error. */
static JsonbContainer *
json_array(const JsonbValue *v, const char *what, const char *hint)
{
	if (v->type != jbvBinary || JsonContainerIsObject(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s must be an array, not %s", what, pm_json_kind(v)),
				 errhint("%s", hint));
	return v->val.binary.data;
}

/* A JSON array of numbers; *n gets their count. */
static double *
json_numbers(const JsonbValue *v, const char *what, const char *hint, int *n)
{
	JsonbContainer *c = json_array(v, what, hint);
	double	   *out;

	*n = JsonContainerSize(c);
	out = palloc(sizeof(double) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		if (e->type != jbvNumeric)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("element %d of %s must be a number, not %s", i + 1, what,
							pm_json_kind(e)),
					 errhint("%s", hint));
		out[i] = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													NumericGetDatum(e->val.numeric)));
	}
	return out;
}

/* A JSON array of arrays of numbers: rows[i] has lens[i] values. */
static double **
json_number_rows(const JsonbValue *v, const char *what, const char *hint,
				 int *nrows, int **lens)
{
	JsonbContainer *c = json_array(v, what, hint);
	double	  **rows;

	*nrows = JsonContainerSize(c);
	rows = palloc(sizeof(double *) * Max(*nrows, 1));
	*lens = palloc(sizeof(int) * Max(*nrows, 1));
	for (int i = 0; i < *nrows; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		rows[i] = json_numbers(e, psprintf("row %d of %s", i + 1, what), hint, &(*lens)[i]);
	}
	return rows;
}

/* A JSON array of strings; *n gets their count. */
static char **
json_strings(const JsonbValue *v, const char *what, const char *hint, int *n)
{
	JsonbContainer *c = json_array(v, what, hint);
	char	  **out;

	*n = JsonContainerSize(c);
	out = palloc(sizeof(char *) * Max(*n, 1));
	for (int i = 0; i < *n; i++)
	{
		JsonbValue *e = getIthJsonbValueFromContainer(c, i);

		if (e->type != jbvString)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("element %d of %s must be a string, not %s", i + 1, what,
							pm_json_kind(e)),
					 errhint("%s", hint));
		out[i] = pnstrdup(e->val.string.val, e->val.string.len);
	}
	return out;
}

/*
 * Per-field probability rows named by what: nfields rows, each of its
 * field's length (when nlevels is given) and 2 to LK_MAX_LEVELS long, of
 * probabilities summing to 1.
 */
static double **
probability_rows(const JsonbValue *v, const char *what, const char *hint,
				 int nfields, const int *nlevels, int **lens_out)
{
	int			nrows;
	int		   *lens;
	double	  **rows = json_number_rows(v, what, hint, &nrows, &lens);

	if (nrows != nfields)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("%s has %d rows but there are %d fields", what, nrows, nfields),
				 errhint("Give one array of level probabilities per field."));
	for (int k = 0; k < nrows; k++)
	{
		double		sum = 0.0;

		if (nlevels && lens[k] != nlevels[k])
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("row %d of %s has %d probabilities but field %d has %d levels",
							k + 1, what, lens[k], k + 1, nlevels[k]));
		if (lens[k] < 2 || lens[k] > LK_MAX_LEVELS)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("row %d of %s has %d probabilities; a field has 2 to %d levels",
							k + 1, what, lens[k], LK_MAX_LEVELS));
		for (int l = 0; l < lens[k]; l++)
		{
			if (!(rows[k][l] >= 0.0 && rows[k][l] <= 1.0))
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("element %d of row %d of %s is %g, not a probability",
								l + 1, k + 1, what, rows[k][l]));
			sum += rows[k][l];
		}
		if (fabs(sum - 1.0) > 1e-6)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("row %d of %s sums to %.9g, not 1", k + 1, what, sum),
					 errdetail("Each field's level probabilities are a distribution over its levels."));
	}
	if (lens_out)
		*lens_out = lens;
	return rows;
}

/* ---- fs_train ---- */

/* fs_train's params over their defaults; the nested arrays kept for later. */
void
lk_train_params(Jsonb *params, LkTrainParams *p)
{
	memset(p, 0, sizeof(*p));
	p->max_iterations = 100;
	p->tolerance = 1e-6;
	p->prior = -1;
	p->smoothing = 0;
	pm_read_params(params, &train_set, 0, p);
}

/* Params "levels" into declared (0 per field when absent), checked. */
void
lk_train_levels(const LkTrainParams *p, int nfields, int *declared)
{
	double	   *lv;
	int			n;

	memset(declared, 0, sizeof(int) * nfields);
	if (p->levels == NULL)
		return;
	lv = json_numbers(p->levels, "parameter \"levels\"", TRAIN_HINT, &n);
	if (n != nfields)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("parameter \"levels\" has %d entries but comparisons has %d fields",
						n, nfields),
				 errhint("Give the number of levels of each field, e.g. {\"levels\": [4, 4, 3]}."));
	for (int k = 0; k < n; k++)
	{
		if (lv[k] != floor(lv[k]) || lv[k] < 2 || lv[k] > LK_MAX_LEVELS)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("element %d of parameter \"levels\" is %g; a field has a whole number of levels from 2 to %d",
							k + 1, lv[k], LK_MAX_LEVELS));
		declared[k] = (int) lv[k];
	}
}

/* Params "m", "u" and "fields" read and checked against the fields and their levels. */
void
lk_train_arrays(LkTrainParams *p, int nfields, const int *nlevels)
{
	if (p->m)
		p->m_rows = probability_rows(p->m, "parameter \"m\"", TRAIN_HINT, nfields, nlevels, NULL);
	if (p->u)
		p->u_rows = probability_rows(p->u, "parameter \"u\"", TRAIN_HINT, nfields, nlevels, NULL);
	if (p->fields)
	{
		int			n;

		p->names = json_strings(p->fields, "parameter \"fields\"", TRAIN_HINT, &n);
		if (n != nfields)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("parameter \"fields\" names %d fields but comparisons has %d",
							n, nfields));
	}
}

/* ---- fs_model ---- */

typedef struct ModelSpec
{
	JsonbValue *m;
	JsonbValue *u;
	double		prior;			/* < 0 when absent */
	JsonbValue *fields;
	JsonbValue *ignored;		/* fs_model_info's other keys */
} ModelSpec;

#define SOFF(f) offsetof(ModelSpec, f)

static const PmParam spec_keys[] = {
	{"m", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(m), 0},
	{"u", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(u), 0},
	{"prior", PM_PARAM_NUMBER, 0, 1, true, true, NULL, SOFF(prior), 0},
	{"fields", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(fields), 0},
	/* fs_model_info's output is accepted as it is: its other keys are ignored */
	{"prior_match_weight", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"pairs", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"expected_matches", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"iterations", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"converged", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"u_fixed", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
	{"levels", PM_PARAM_JSON, 0, 0, false, false, NULL, SOFF(ignored), 0},
};

static const PmParamSet spec_set = {
	.argname = "spec",
	.what = "model specification key",
	.context = NULL,
	.hint = SPEC_HINT,
	.params = spec_keys,
	.nparams = lengthof(spec_keys),
};

/* A required key of the specification that is absent. */
static void
spec_missing(const char *key, const char *hint)
{
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("the model specification has no \"%s\"", key),
			 errhint("%s", hint));
}

/* A model from fs_model's specification, every key checked. */
LkModel *
lk_model_from_spec(Jsonb *spec)
{
	ModelSpec	s = {.prior = -1};
	LkModel    *model = palloc0(sizeof(LkModel));
	double	  **m,
			  **u;
	int			nm;
	int		   *lm;

	if (!JB_ROOT_IS_OBJECT(spec))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("argument \"spec\" must be a JSON object"),
				 errhint("%s", SPEC_HINT));
	pm_read_params(spec, &spec_set, 0, &s);
	if (s.m == NULL)
		spec_missing("m", SPEC_HINT);
	nm = JsonContainerSize(json_array(s.m, "model specification key \"m\"", SPEC_HINT));
	if (nm < 1 || nm > LK_MAX_FIELDS)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("model specification key \"m\" has %d fields; a model has 1 to %d",
						nm, LK_MAX_FIELDS));
	m = probability_rows(s.m, "model specification key \"m\"", SPEC_HINT, nm, NULL, &lm);
	if (s.u == NULL)
		spec_missing("u", "Give the u probabilities: one array per field, as \"m\".");
	u = probability_rows(s.u, "model specification key \"u\"", SPEC_HINT, nm, lm, NULL);
	if (s.prior < 0)
		spec_missing("prior", "Give the prior match probability of a candidate pair, between 0 and 1.");
	model->prior = s.prior;
	if (s.fields != NULL)
	{
		int			n;

		model->names = json_strings(s.fields, "model specification key \"fields\"", SPEC_HINT, &n);
		if (n != nm)
			pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
					 errmsg("model specification key \"fields\" names %d fields but \"m\" has %d",
							n, nm));
	}
	lk_model_shape(model, nm, lm);
	for (int k = 0; k < nm; k++)
	{
		memcpy(model->m + model->offset[k], m[k], sizeof(double) * lm[k]);
		memcpy(model->u + model->offset[k], u[k], sizeof(double) * lm[k]);
	}
	model->u_fixed = true;
	return model;
}
