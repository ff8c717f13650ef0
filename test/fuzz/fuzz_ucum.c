/*
 * fuzz_ucum.c: libFuzzer harness for UCUM expressions (src/units/ucum_parse.c
 * with the definitions of the shipped ucum-essence.xml).
 *
 * Each input is one unit string, read case-sensitively and
 * case-insensitively.  Beyond the sanitizers it checks what the module
 * promises: a failed parse says why; a parsed unit has a finite, non-zero
 * magnitude, a canonical form that parses to the same dimension; the c/s
 * spelling of a c/i parse is valid c/s UCUM for the same unit.
 */
#include "shim.h"

#include <math.h>

#include "units/units.h"

typedef struct Input
{
	const char *s;
	size_t		len;
} Input;

/* Parse s[0..len) again, case-sensitively; it must work and match u. */
static void
reparse_same(const char *what, const char *s, const UcumUnit *u)
{
	UcumUnit	v;
	char	   *err = NULL;

	if (!ucum_parse(s, strlen(s), &v, &err))
		fuzz_fail(what, psprintf("\"%s\" does not parse: %s", s, err));
	if (!ucum_same_dimension(u, &v))
		fuzz_fail(what, psprintf("\"%s\" has another dimension", s));
}

/* One input, inside fuzz_run. */
static void
run(void *arg)
{
	Input	   *in = arg;
	char	   *expr = pnstrdup(in->s, in->len);	/* exactly sized, as text_to_cstring */
	UcumUnit	u;
	char	   *err = NULL;
	char	   *cs = NULL;

	if (ucum_parse(expr, in->len, &u, &err))
	{
		double		m = ucum_magnitude(&u);

		if (!isfinite(m) || m == 0.0)
			fuzz_fail("ucum_parse", "accepted a unit whose magnitude is 0 or infinite");
		if (u.special == UCUM_FN_NONE)
		{
			char	   *canon = ucum_canonical_text(&u);

			reparse_same("canonical form", canon, &u);
			(void) ucum_to_canonical(&u, 1.5);
			(void) ucum_from_canonical(&u, 1.5);
		}
	}
	else if (err == NULL || err[0] == '\0')
		fuzz_fail("ucum_parse", "failed without saying why");

	err = NULL;
	if (ucum_parse_ci(expr, in->len, &u, &cs, &err))
	{
		if (cs == NULL)
			fuzz_fail("ucum_parse_ci", "no c/s spelling");
		reparse_same("c/s spelling of a c/i parse", cs, &u);
	}
	else if (err == NULL || err[0] == '\0')
		fuzz_fail("ucum_parse_ci", "failed without saying why");
	(void) ucum_quote(expr, in->len);
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

	/* the SQL functions take text: valid UTF-8, no NUL */
	if (!fuzz_valid_text((const char *) data, size))
		return -1;
	in.s = (const char *) data;
	in.len = size;
	(void) fuzz_run(run, &in);
	return 0;
}
