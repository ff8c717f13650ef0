/*
 * memory_limit.c: precmed.max_memory_mb, the memory cap of every precmed
 * call, and the check that enforces it.
 *
 * The setting is PGC_SUSET: an ordinary user may lower it for a session
 * only through a superuser (or ALTER ROLE/DATABASE by one), so a query can
 * never be made to allocate past what the administrator chose.  Modules
 * estimate what they are about to hold and call pm_check_memory first.
 */
#include "common/precmed.h"

#include <limits.h>
#include <math.h>

#include "utils/guc.h"
#include "utils/memutils.h"

int			pm_max_memory_mb = PM_MAX_MEMORY_MB_DEFAULT;

/* Register precmed.max_memory_mb; called once from _PG_init. */
void
pm_memory_limit_init(void)
{
	DefineCustomIntVariable("precmed.max_memory_mb",
							"Largest working memory one precmed call may hold.",
							"Training and evaluation aggregates, model fitting and "
							"link prediction check their memory against it before "
							"allocating; only a superuser can raise it.",
							&pm_max_memory_mb,
							PM_MAX_MEMORY_MB_DEFAULT,
							1, INT_MAX / 2,
							PGC_SUSET,
							GUC_UNIT_MB,
							NULL, NULL, NULL);
}

/* Raise 54000 when bytes is over precmed.max_memory_mb. */
void
pm_check_memory(double bytes, const char *what)
{
	double		limit = (double) pm_max_memory_mb * 1024.0 * 1024.0;

	if (!(bytes <= limit))
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%s needs more memory than precmed.max_memory_mb allows", what),
				 errdetail("It needs about %.0f MB; the limit is %d MB.",
						   ceil(bytes / (1024.0 * 1024.0)), pm_max_memory_mb),
				 errhint("Use less data (a sample, fewer features), or ask a superuser to raise "
						 "precmed.max_memory_mb (SET, ALTER ROLE ... SET or ALTER SYSTEM) if the "
						 "server has the memory."));
}

/* Grow *array (of *capacity elements of elsize bytes) to hold needed elements. */
void *
pm_array_grow(void *array, int64 *capacity, int64 needed, Size elsize, const char *what)
{
	int64		cap = Max(*capacity, 16);

	if (needed <= *capacity && array != NULL)
		return array;
	while (cap < needed)
		cap *= 2;
	pm_check_memory((double) cap * elsize, what);
	if ((double) cap * elsize >= (double) MaxAllocHugeSize)
		pm_error(ERRCODE_PROGRAM_LIMIT_EXCEEDED,
				 errmsg("%s needs an array of " INT64_FORMAT " elements", what, cap),
				 errdetail("That is more memory than one allocation may take."));
	array = array ? repalloc_huge(array, cap * elsize)
		: MemoryContextAllocHuge(CurrentMemoryContext, cap * elsize);
	*capacity = cap;
	return array;
}
