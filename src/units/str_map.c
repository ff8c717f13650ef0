/*
 * str_map.c: string -> pointer hash tables (PostgreSQL's simplehash), for
 * the UCUM symbol tables and the normalizer's memo.
 *
 * Keys are NUL-terminated strings the caller keeps alive as long as the
 * table (they are not copied); the table lives in the memory context given
 * to units_strmap_create.
 */
#include "units/units.h"

#include "common/hashfn.h"

#define SH_PREFIX		units_strmap
#define SH_ELEMENT_TYPE	UnitsStrMapEntry
#define SH_KEY_TYPE		const char *
#define SH_KEY			key
#define SH_HASH_KEY(tb, k)	hash_bytes((const unsigned char *) (k), strlen(k))
#define SH_EQUAL(tb, a, b)	(strcmp((a), (b)) == 0)
#define SH_GET_HASH(tb, e)	((e)->hash)
#define SH_STORE_HASH
#define SH_SCOPE		extern
#define SH_DEFINE
#include "lib/simplehash.h"
