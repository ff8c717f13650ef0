/*
 * compat.h: the differences between the PostgreSQL versions precmed builds
 * against (15 and 17 tested; 16 and 18 written from their headers' API),
 * kept here behind PG_VERSION_NUM so modules call one name on every version.
 *
 * Add a difference here as a macro or static inline named pm_*, with the
 * release that introduced it; modules never test PG_VERSION_NUM themselves.
 */
#ifndef PRECMED_COMPAT_H
#define PRECMED_COMPAT_H

#include "postgres.h"

#include "common/jsonapi.h"
#include "fmgr.h"

#if PG_VERSION_NUM < 150000
#error "precmed needs PostgreSQL 15 or later"
#endif

/*
 * JSON lexer over a string of known length, reporting escapes.  PostgreSQL
 * 17 takes an optional caller-owned struct first and a size_t length, and
 * adds freeJsonLexContext; 15 and 16 palloc the struct (int length).
 */
#if PG_VERSION_NUM >= 170000
#define pm_json_lexer_create(json, len, encoding) \
	makeJsonLexContextCstringLen(NULL, (json), (size_t) (len), (encoding), true)
#define pm_json_lexer_free(lex) freeJsonLexContext(lex)
#else
#define pm_json_lexer_create(json, len, encoding) \
	makeJsonLexContextCstringLen((json), (int) (len), (encoding), true)
#define pm_json_lexer_free(lex) pfree(lex)
#endif

/*
 * The module's magic block.  PostgreSQL 18 can also record the module's
 * name and version (shown by pg_get_loaded_modules()).
 */
#if PG_VERSION_NUM >= 180000
#define pm_module_magic() PG_MODULE_MAGIC_EXT(.name = "precmed", .version = PRECMED_VERSION)
#else
#define pm_module_magic() PG_MODULE_MAGIC
#endif

#endif							/* PRECMED_COMPAT_H */
