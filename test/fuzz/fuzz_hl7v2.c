/*
 * fuzz_hl7v2.c: libFuzzer harness for precmed.hl7v2_observations (src/ingest/hl7v2.c),
 * called through its SQL entry point with the input as a text datum.
 *
 * Each input runs in tolerant mode (strict => false), which reads every part
 * and emits error rows, and, when it emitted an error row, in strict mode,
 * which stops at the first bad part with an ERROR that must carry a
 * specific SQLSTATE (without error rows strict mode does the same work).  The shim checks
 * every emitted row (text columns well-formed, floats finite, timestamps in
 * range; valid UTF-8 too with FUZZ_CHECK_UTF8=1).
 */
#include "shim.h"

#include "ingest/ingest.h"

typedef struct Input
{
	const char *s;
	size_t		len;
	bool		strict;
} Input;

/* One call, inside fuzz_run. */
static void
run(void *arg)
{
	Input	   *in = arg;

	/* small odd-length and strict inputs get a short-header datum, as stored values do */
	(void) fuzz_call_ingest(hl7v2_observations,
							fuzz_make_text(in->s, in->len, in->strict || in->len % 2 == 1),
							in->strict);
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
	in.strict = false;
	if (fuzz_run(run, &in))
		fuzz_fail("hl7v2_observations", "tolerant mode raised an ERROR");
	if (fuzz_error_rows == 0)
		return 0;
	in.strict = true;
	(void) fuzz_run(run, &in);
	return 0;
}
