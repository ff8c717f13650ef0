/*
 * treeshap.c: exact SHAP values of an XGBoost forest (TreeSHAP), and the
 * dispatch of per-feature contributions by algorithm.
 *
 * The SHAP value of feature i for a tree f and row x is the Shapley value of
 * the game v(S) = E[f(x) | x_S], where a feature outside S is integrated out
 * by following both branches of its splits, each weighted by the share of
 * training cover it received (Lundberg, Erion, Lee 2018, "Consistent
 * Individualized Feature Attribution for Tree Ensembles", Algorithm 2).
 * The bias is E[f(x)] (every feature integrated out), so bias + sum of the
 * values = f(x), per tree and over the forest (plus logit(base_score)).
 *
 * How it works: one recursive walk per tree carries the "unique path" of
 * features split on from the root to the current node.  Each path element
 * holds a feature, its zero fraction (share of cover following the node's
 * branches when the feature is unknown), its one fraction (1 when x follows
 * this branch, 0 otherwise) and a weight: path_extend() adds an element and
 * updates the weights of all subset sizes at once (the permutation weights
 * of the Shapley formula); path_unwind() removes one (a feature split on
 * twice is unwound and re-extended with the product of its fractions);
 * path_unwound_sum() is the weight total the path would have without one
 * element, which at a leaf gives that feature's share of the leaf value.
 * Each recursion level copies its parent's path into its own slot of one
 * buffer (depth D needs (D + 2)(D + 3) / 2 elements).  Missing values take
 * the node's default branch and comparisons are in float32, as the walk of
 * ml_forest_margin (and XGBoost) does, so the "hot" branch is the one x
 * takes there.  Arithmetic is in double; XGBoost's own pred_contribs is in
 * float32, so the two differ by float32 rounding (about 1e-7 per tree).
 */
#include "ml/ml.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

typedef struct ShapPathElem
{
	int			feature;		/* -1 for the root's placeholder */
	double		zero;			/* fraction of cover when the feature is unknown */
	double		one;			/* fraction when x is known: 1 on x's branch, else 0 */
	double		weight;			/* permutation weight of this subset size */
} ShapPathElem;

/* One tree walk's fixed inputs. */
typedef struct ShapWalk
{
	const MlForest *f;
	const double *x;
	double	   *phi;
} ShapWalk;

/* Add (feature, zero, one) after the len elements of path, updating the weights. */
static void
path_extend(ShapPathElem *path, int len, double zero, double one, int feature)
{
	path[len].feature = feature;
	path[len].zero = zero;
	path[len].one = one;
	path[len].weight = (len == 0) ? 1.0 : 0.0;
	for (int i = len - 1; i >= 0; i--)
	{
		path[i + 1].weight += one * path[i].weight * (i + 1) / (double) (len + 1);
		path[i].weight = zero * path[i].weight * (len - i) / (double) (len + 1);
	}
}

/* Remove element k of path (elements 0..last): the inverse of path_extend. */
static void
path_unwind(ShapPathElem *path, int last, int k)
{
	double		one = path[k].one,
				zero = path[k].zero,
				next = path[last].weight;

	for (int i = last - 1; i >= 0; i--)
	{
		if (one != 0)
		{
			double		w = path[i].weight;

			path[i].weight = next * (last + 1) / ((i + 1) * one);
			next = w - path[i].weight * zero * (last - i) / (double) (last + 1);
		}
		else
			path[i].weight = path[i].weight * (last + 1) / (zero * (last - i));
	}
	for (int i = k; i < last; i++)
	{
		path[i].feature = path[i + 1].feature;
		path[i].zero = path[i + 1].zero;
		path[i].one = path[i + 1].one;
	}
}

/* The total weight of path (elements 0..last) with element k unwound. */
static double
path_unwound_sum(const ShapPathElem *path, int last, int k)
{
	double		one = path[k].one,
				zero = path[k].zero,
				next = path[last].weight,
				total = 0.0;

	for (int i = last - 1; i >= 0; i--)
	{
		if (one != 0)
		{
			double		w = next * (last + 1) / ((i + 1) * one);

			total += w;
			next = path[i].weight - w * zero * (last - i) / (double) (last + 1);
		}
		else
			total += path[i].weight * (last + 1) / (zero * (last - i));
	}
	return total;
}

/*
 * Visit node, reached with the parent's path (plen elements at parent) and
 * the split on feature leading here (fractions zero and one).
 */
static void
shap_recurse(const ShapWalk *w, int node, ShapPathElem *parent, int plen,
			 double zero, double one, int feature)
{
	const MlTreeNode *n = &w->f->nodes[node];
	ShapPathElem *path = parent + plen;
	int			last = plen;
	int			hot,
				cold;
	double		inz = 1.0,
				ino = 1.0;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	memcpy(path, parent, sizeof(ShapPathElem) * plen);
	path_extend(path, plen, zero, one, feature);

	if (n->left < 0)
	{
		for (int i = 1; i <= last; i++)
			w->phi[path[i].feature] += path_unwound_sum(path, last, i) *
				(path[i].one - path[i].zero) * n->value;
		return;
	}

	/* the branch x takes, exactly as ml_forest_margin decides it */
	if (isnan(w->x[n->feature]))
		hot = n->default_left ? n->left : n->right;
	else
		hot = ((float) w->x[n->feature] < n->value) ? n->left : n->right;
	cold = (hot == n->left) ? n->right : n->left;

	/* a feature already on the path: undo its split, redo it with both */
	for (int k = 1; k <= last; k++)
	{
		if (path[k].feature == n->feature)
		{
			inz = path[k].zero;
			ino = path[k].one;
			path_unwind(path, last, k);
			last--;
			break;
		}
	}
	shap_recurse(w, hot, path, last + 1, inz * w->f->cover[hot] / w->f->cover[node],
				 ino, n->feature);
	shap_recurse(w, cold, path, last + 1, inz * w->f->cover[cold] / w->f->cover[node],
				 0.0, n->feature);
}

/*
 * TreeSHAP of forest f for x: out[j] the SHAP value of feature j, out[nfeatures]
 * the bias logit(base_score) + the trees' expected values (see ml.h).
 */
void
ml_forest_contributions(const MlForest *f, const double *x, double *out)
{
	ShapWalk	w;
	ShapPathElem *buf;
	double		slots = ((double) f->max_depth + 2) * ((double) f->max_depth + 3) / 2;

	if (!f->has_cover)
		pm_error(ERRCODE_INVALID_BINARY_REPRESENTATION,
				 errmsg("argument \"model\" holds an XGBoost model whose trees lack node covers"),
				 errdetail("TreeSHAP weighs the branches of a split by the training cover (\"sum_hessian\") of each node; a node of this model has none, or one that is not positive."),
				 errhint("Models made by precmed.train_xgboost have them: retrain the model."));
	if (slots * sizeof(ShapPathElem) > MaxAllocSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("argument \"model\" has a tree too deep to explain (%d levels)", f->max_depth),
				 errdetail("TreeSHAP keeps a path per level: %.0f bytes, over the 1 GB a single allocation may hold.",
						   slots * sizeof(ShapPathElem)),
				 errhint("Explain models of shallower trees (max_depth)."));
	pm_check_memory(slots * sizeof(ShapPathElem), "explaining a prediction (TreeSHAP paths)");
	buf = palloc(sizeof(ShapPathElem) * (Size) slots);
	memset(out, 0, sizeof(double) * (f->nfeatures + 1));
	w.f = f;
	w.x = x;
	w.phi = out;
	out[f->nfeatures] = f->base_margin;
	for (int t = 0; t < f->ntrees; t++)
	{
		CHECK_FOR_INTERRUPTS();
		out[f->nfeatures] += f->expected[t];
		shap_recurse(&w, f->root[t], buf, 0, 1.0, 1.0, -1);
	}
	pfree(buf);
}

/* Contributions of x under a parsed model of algorithm alg (see ml.h). */
void
ml_contributions(MlAlgorithm alg, const void *parsed, const double *x, double *out)
{
	if (alg == ML_ALG_XGBOOST)
		ml_forest_contributions((const MlForest *) parsed, x, out);
	else if (alg == ML_ALG_LOGREG)
		ml_logreg_contributions((const MlLogreg *) parsed, x, out);
	else
		elog(ERROR, "unknown model algorithm %d", (int) alg);
}
