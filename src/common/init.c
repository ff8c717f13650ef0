/*
 * init.c: module load and the version functions.
 */
#include "common/precmed.h"
#include "common/compat.h"

#include <cblas.h>
#include <libxml/xmlversion.h>
#include <xgboost/c_api.h>

#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

pm_module_magic();

void		_PG_init(void);

void
_PG_init(void)
{
	/*
	 * Parallelism comes from PostgreSQL (parallel workers, partitions,
	 * servers); a BLAS thread pool per backend would oversubscribe the cores.
	 */
	openblas_set_num_threads(1);

	/* precmed's settings; any other setting named precmed.* is an error */
	pm_memory_limit_init();
	pm_progress_init();
	MarkGUCPrefixReserved("precmed");
}

/* precmed.version(): the library's version, as the control file names it. */
PG_FUNCTION_INFO_V1(version);
Datum
version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(PRECMED_VERSION));
}

/* precmed.build_info(): versions built against and running (jsonb). */
PG_FUNCTION_INFO_V1(build_info);
Datum
build_info(PG_FUNCTION_ARGS)
{
	int			xgb_major,
				xgb_minor,
				xgb_patch;
	char	   *json;

	XGBoostVersion(&xgb_major, &xgb_minor, &xgb_patch);
	json = psprintf("{\"precmed\": \"%s\", \"postgresql\": \"%s\", "
					"\"openblas\": \"%s\", \"blas_threads\": %d, "
					"\"libxml2\": \"%s\", \"xgboost\": \"%d.%d.%d\"}",
					PRECMED_VERSION, PG_VERSION,
					openblas_get_config(), openblas_get_num_threads(),
					LIBXML_DOTTED_VERSION, xgb_major, xgb_minor, xgb_patch);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
