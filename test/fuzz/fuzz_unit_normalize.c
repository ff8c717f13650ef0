/*
 * fuzz_unit_normalize.c: libFuzzer harness for the unit normalizer
 * (src/units/unit_normalize.c), called as precmed.unit_normalize calls it.
 *
 * Checks beyond the sanitizers: a mapped unit is valid case-sensitive UCUM
 * and valid UTF-8 text; the rule list is never empty.
 */
#include "shim.h"

#include "mb/pg_wchar.h"
#include "units/units.h"

typedef struct Input
{
	const char *s;
	size_t		len;
} Input;

/* One input, inside fuzz_run: the datum as the SQL function receives it. */
static void
run(void *arg)
{
	Input	   *in = arg;
	text	   *t = fuzz_make_text(in->s, in->len, in->len % 2 == 0);
	const char *rule = NULL;
	char	   *r;
	UcumUnit	u;
	char	   *err = NULL;

	r = pm_unit_normalize(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &rule);
	if (rule == NULL || rule[0] == '\0')
		fuzz_fail("pm_unit_normalize", "no rule named");
	if (r == NULL)
		return;
	if (!ucum_parse(r, strlen(r), &u, &err))
		fuzz_fail("pm_unit_normalize", psprintf("result \"%s\" (rule %s) is not valid UCUM: %s",
												r, rule, err));
	if (!fuzz_valid_text(r, strlen(r)))
		fuzz_fail("pm_unit_normalize", "result is not valid UTF-8 text");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_load_ucum();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Input		in;

	if (!fuzz_valid_text((const char *) data, size))
		return -1;
	in.s = (const char *) data;
	in.len = size;
	(void) fuzz_run(run, &in);
	return 0;
}
