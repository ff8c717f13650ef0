/*
 * call_cache.c: per-call-site caches of the units module's SQL functions.
 *
 * ucum_convert, lab_convert and lab_plausible plan a conversion from their
 * text arguments (parse the units, look the analyte up) and keep the plan
 * in fn_extra, keyed on those arguments' bytes, so converting a column
 * costs a comparison and a multiply.  When every key argument is a constant
 * in the call's expression, the one plan serves every row and the arguments
 * are not even read (units_call_cache_constant).  A parameter is not enough
 * (get_fn_expr_arg_stable would take it): PL/pgSQL evaluates one expression,
 * its cache included, again and again with new parameter values.  At most
 * UNITS_CACHE_SLOTS keys are kept; the oldest is replaced.  Everything lives
 * in fn_mcxt, for as long as the call site.
 */
#include "units/units.h"

#include "nodes/primnodes.h"
#include "utils/builtins.h"

#ifdef USE_ASSERT_CHECKING
/* The invariants of a cache (compiled only with assertions). */
static void
AssertCheckCallCache(const UnitsCallCache *cache)
{
	int			i;

	Assert(cache->nkeys >= 1 && cache->nkeys <= UNITS_CACHE_MAX_KEYS);
	Assert(cache->n >= 0 && cache->n <= UNITS_CACHE_SLOTS);
	Assert(cache->next >= 0 && cache->next < UNITS_CACHE_SLOTS);
	Assert(cache->n == UNITS_CACHE_SLOTS || cache->next == 0);
	for (i = 0; i < cache->n; i++)
		Assert(cache->key[i] != NULL);
}
#else
#define AssertCheckCallCache(cache) ((void) 0)
#endif

/* Is argument argno of the call a constant in its expression? */
static bool
arg_is_const(FmgrInfo *flinfo, int argno)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else
		return false;
	return argno >= 0 && argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

/* This call site's cache, made on the first call. */
static UnitsCallCache *
cache_of_call(FunctionCallInfo fcinfo, Size entry_size, const int *keyargs, int nkeys)
{
	UnitsCallCache *cache = (UnitsCallCache *) fcinfo->flinfo->fn_extra;
	int			i;

	if (cache != NULL)
	{
		Assert(cache->entry_size == entry_size && cache->nkeys == nkeys);
		AssertCheckCallCache(cache);
		return cache;
	}
	Assert(nkeys >= 1 && nkeys <= UNITS_CACHE_MAX_KEYS);
	cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnitsCallCache));
	cache->entries = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
											UNITS_CACHE_SLOTS * entry_size);
	cache->entry_size = entry_size;
	cache->nkeys = nkeys;
	cache->args_constant = true;
	for (i = 0; i < nkeys; i++)
	{
		cache->keyargs[i] = keyargs[i];
		cache->args_constant &= arg_is_const(fcinfo->flinfo, keyargs[i]);
	}
	fcinfo->flinfo->fn_extra = cache;
	return cache;
}

/* Is slot's key keys? */
static bool
key_matches(const UnitsCallCache *cache, int slot, text *const *keys)
{
	const char *k = cache->key[slot];
	int			i;

	for (i = 0; i < cache->nkeys; i++)
	{
		int			len = VARSIZE_ANY_EXHDR(keys[i]);

		if (cache->key_len[slot][i] != len || memcmp(k, VARDATA_ANY(keys[i]), len) != 0)
			return false;
		k += len;
	}
	return true;
}

/* The entry keyed on keys, or NULL. */
static void *
find_entry(UnitsCallCache *cache, text *const *keys)
{
	int			i;

	AssertCheckCallCache(cache);
	for (i = 0; i < cache->n; i++)
		if (key_matches(cache, i, keys))
			return cache->entries + i * cache->entry_size;
	return NULL;
}

/* A copy of entry kept under keys, the oldest entry replaced when full. */
static void *
add_entry(UnitsCallCache *cache, FunctionCallInfo fcinfo, text *const *keys,
		  const void *entry)
{
	int			slot,
				i,
				total = 0;
	char	   *key,
			   *k;

	AssertCheckCallCache(cache);
	for (i = 0; i < cache->nkeys; i++)
		total += VARSIZE_ANY_EXHDR(keys[i]);
	key = k = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, Max(total, 1));
	if (cache->n < UNITS_CACHE_SLOTS)
		slot = cache->n++;
	else
	{
		slot = cache->next;
		cache->next = (cache->next + 1) % UNITS_CACHE_SLOTS;
		pfree(cache->key[slot]);
	}
	cache->key[slot] = key;
	for (i = 0; i < cache->nkeys; i++)
	{
		int			len = VARSIZE_ANY_EXHDR(keys[i]);

		memcpy(k, VARDATA_ANY(keys[i]), len);
		cache->key_len[slot][i] = len;
		k += len;
	}
	memcpy(cache->entries + slot * cache->entry_size, entry, cache->entry_size);
	AssertCheckCallCache(cache);
	return cache->entries + slot * cache->entry_size;
}

/* The entry for this call's key arguments, planned when new (see units.h). */
void *
units_call_cache_lookup(FunctionCallInfo fcinfo, Size entry_size, const int *keyargs,
						int nkeys, UnitsPlanFn plan)
{
	UnitsCallCache *cache = cache_of_call(fcinfo, entry_size, keyargs, nkeys);
	text	   *keys[UNITS_CACHE_MAX_KEYS];
	void	   *entry;
	int			i;

	for (i = 0; i < nkeys; i++)
	{
		Assert(!PG_ARGISNULL(keyargs[i]));
		keys[i] = PG_GETARG_TEXT_PP(keyargs[i]);
	}
	entry = find_entry(cache, keys);
	if (entry == NULL)
	{
		/* planned first, so an error leaves the cache as it was */
		void	   *fresh = palloc0(entry_size);

		plan(fcinfo, keys, fresh);
		entry = add_entry(cache, fcinfo, keys, fresh);
		pfree(fresh);
	}
	return entry;
}
