/*
 * implies.c: label implications of a multi-label model ("aki_stage2 implies
 * aki_any"), read from the params and applied to the panel's decisions.
 *
 * Each pair (child, parent) says a stay positive for child is positive for
 * parent.  predict_labels raises the parent's decision when the child's is
 * true, repeating until nothing changes (implications may chain), so the
 * decisions respect the labels' nesting; probabilities are left as the
 * models give them.
 */
#include "decision/decision.h"

#include "utils/jsonb.h"

#define IMPLIES_HINT "Pass \"implies\" as an object from a label name to the name (or array of names) of the labels it implies, e.g. {\"aki_stage2\": \"aki_any\"}."

/* The index of label name (len bytes) among names, or an error. */
static int
label_index(const char *name, int len, char **names, int nl)
{
	for (int l = 0; l < nl; l++)
		if ((int) strlen(names[l]) == len && memcmp(names[l], name, len) == 0)
			return l;
	pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
			 errmsg("multi-label parameter \"implies\" names label \"%.*s\", which is not one of the labels",
					len, name),
			 errhint(IMPLIES_HINT));
	return -1;					/* not reached */
}

/* Append pair (child, parent) to *pairs (*n pairs so far, room for nl * nl). */
static void
add_pair(int child, int parent, int *pairs, int *n, char **names)
{
	if (child == parent)
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("multi-label parameter \"implies\" makes label \"%s\" imply itself", names[child]),
				 errhint(IMPLIES_HINT));
	for (int i = 0; i < *n; i++)
		if (pairs[2 * i] == child && pairs[2 * i + 1] == parent)
			return;
	pairs[2 * *n] = child;
	pairs[2 * *n + 1] = parent;
	(*n)++;
}

int
dec_read_implies(const JsonbValue *v, char **names, int nl, int **pairs)
{
	JsonbIterator *it;
	JsonbValue	e;
	JsonbIteratorToken tok;
	int			n = 0,
				child = -1,
				depth = 0;

	*pairs = palloc(sizeof(int) * 2 * nl * nl);
	if (v == NULL)
		return 0;
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
				 errmsg("multi-label parameter \"implies\" must be an object, not %s", pm_json_kind(v)),
				 errhint(IMPLIES_HINT));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &e, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY)
		{
			if (++depth > 2 || (tok == WJB_BEGIN_OBJECT && depth > 1))
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("multi-label parameter \"implies\" has a nested value"),
						 errhint(IMPLIES_HINT));
		}
		else if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY)
			depth--;
		else if (tok == WJB_KEY)
			child = label_index(e.val.string.val, e.val.string.len, names, nl);
		else if (tok == WJB_VALUE || tok == WJB_ELEM)
		{
			if (e.type != jbvString)
				pm_error(ERRCODE_INVALID_PARAMETER_VALUE,
						 errmsg("multi-label parameter \"implies\" has %s where a label name belongs",
								pm_json_kind(&e)),
						 errhint(IMPLIES_HINT));
			add_pair(child, label_index(e.val.string.val, e.val.string.len, names, nl),
					 *pairs, &n, names);
		}
	}
	return n;
}

void
dec_apply_implies(const DecModel *d, bool *labels)
{
	bool		changed = true;

	/* at most nlabels passes: each pass that changes something sets a new label */
	for (int pass = 0; changed && pass <= d->nlabels; pass++)
	{
		changed = false;
		for (int i = 0; i < d->nimplies; i++)
			if (labels[d->implies[2 * i]] && !labels[d->implies[2 * i + 1]])
			{
				labels[d->implies[2 * i + 1]] = true;
				changed = true;
			}
	}
}
