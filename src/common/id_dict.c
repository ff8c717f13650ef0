/*
 * id_dict.c: interning text ids (record ids, drug and disease ids) as dense
 * indexes 0..n-1 in arrival order.
 *
 * The table is PostgreSQL's simplehash keyed on the bytes of an id; each
 * distinct id is copied once into the dictionary's memory context, so
 * reading millions of rows that repeat a few ids holds only the few ids.
 */
#include "common/precmed.h"

#include "common/hashfn.h"
#include "utils/memutils.h"

/* An id's bytes: as looked up (the caller's), or as kept (the dictionary's). */
typedef struct PmIdKey
{
	const char *bytes;
	int			len;
} PmIdKey;

typedef struct PmIdEntry
{
	PmIdKey		key;
	uint32		hash;
	int			index;
	char		status;			/* simplehash's */
} PmIdEntry;

#define SH_PREFIX		pm_idhash
#define SH_ELEMENT_TYPE	PmIdEntry
#define SH_KEY_TYPE		PmIdKey
#define SH_KEY			key
#define SH_HASH_KEY(tb, k)	hash_bytes((const unsigned char *) (k).bytes, (k).len)
#define SH_EQUAL(tb, a, b)	((a).len == (b).len && memcmp((a).bytes, (b).bytes, (a).len) == 0)
#define SH_GET_HASH(tb, e)	((e)->hash)
#define SH_STORE_HASH
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

struct PmIdDict
{
	MemoryContext cxt;			/* the ids and the table */
	pm_idhash_hash *table;
	char	  **ids;			/* by index, NUL-terminated */
	int			n;
	int			capacity;
	double		bytes;			/* held, for precmed.max_memory_mb */
	const char *what;			/* names the work in a memory error */
};

PmIdDict *
pm_id_dict_create(const char *what, int size_hint)
{
	PmIdDict   *d = palloc0(sizeof(PmIdDict));

	d->cxt = CurrentMemoryContext;
	d->table = pm_idhash_create(d->cxt, Max(size_hint, 16), NULL);
	d->capacity = Max(size_hint, 16);
	d->ids = palloc(sizeof(char *) * d->capacity);
	d->what = what;
	return d;
}

int
pm_id_dict_intern(PmIdDict *d, const char *bytes, int len, bool *is_new)
{
	PmIdKey		key = {bytes, len};
	bool		found;
	PmIdEntry  *e = pm_idhash_insert(d->table, key, &found);

	if (is_new)
		*is_new = !found;
	if (found)
		return e->index;

	if (d->n == d->capacity)
	{
		d->capacity *= 2;
		d->ids = repalloc_huge(d->ids, sizeof(char *) * (Size) d->capacity);
	}
	d->ids[d->n] = MemoryContextAlloc(d->cxt, len + 1);
	memcpy(d->ids[d->n], bytes, len);
	d->ids[d->n][len] = '\0';
	e->key.bytes = d->ids[d->n];	/* the entry keeps the dictionary's copy */
	e->index = d->n;
	/* the id with its chunk header, its slot in ids[] and in the table */
	d->bytes += len + 1 + 16 + 2 * sizeof(char *) + 2 * sizeof(PmIdEntry);
	if ((d->n & 1023) == 0)
		pm_check_memory(d->bytes, d->what);
	return d->n++;
}

int
pm_id_dict_intern_text(PmIdDict *d, Datum id, bool *is_new)
{
	text	   *t = DatumGetTextPP(id);
	int			index = pm_id_dict_intern(d, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), is_new);

	if ((Pointer) t != DatumGetPointer(id))
		pfree(t);				/* a detoasted copy */
	return index;
}

int
pm_id_dict_lookup(PmIdDict *d, const char *bytes, int len)
{
	PmIdKey		key = {bytes, len};
	PmIdEntry  *e = pm_idhash_lookup(d->table, key);

	return e ? e->index : -1;
}

int
pm_id_dict_count(const PmIdDict *d)
{
	return d->n;
}

const char *
pm_id_dict_id(const PmIdDict *d, int index)
{
	Assert(index >= 0 && index < d->n);
	return d->ids[index];
}

char	  **
pm_id_dict_ids(const PmIdDict *d)
{
	return d->ids;
}
