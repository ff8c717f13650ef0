/*
 * reference_data.c: the shipped reference tables do not change.
 *
 * UCUM definitions, analytes, ICD-10-CM and the GEMs, the AKI variable map
 * are data of the installed precmed version.  The functions reading them
 * are IMMUTABLE or cache what they read per backend, and pg_dump leaves
 * them out (CREATE EXTENSION recreates them), so a change would make
 * backends disagree and would vanish in a dump.  A statement trigger
 * refuses every change except from precmed's own install and update
 * scripts.  A table that users may extend (precmed.analyte) has a boolean
 * column "shipped" and a row trigger instead: users' own rows (shipped =
 * false, dumped by pg_dump) may change, the shipped rows may not.
 */
#include "common/precmed.h"

#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* Whether row is one of the rows precmed installed (column "shipped"). */
static bool
is_shipped_row(Relation rel, HeapTuple row)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attno = SPI_fnumber(desc, "shipped");
	bool		isnull;
	Datum		d;

	if (attno <= 0 || TupleDescAttr(desc, attno - 1)->atttypid != BOOLOID)
		return true;			/* no such column: every row is precmed's */
	d = heap_getattr(row, attno, desc, &isnull);
	return isnull || DatumGetBool(d);
}

/* Trigger function: refuse changes to reference data outside precmed's scripts. */
PG_FUNCTION_INFO_V1(refuse_reference_change);
Datum
refuse_reference_change(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		pm_error(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED,
				 errmsg("refuse_reference_change is a trigger function"),
				 errhint("It guards precmed's reference tables; do not call it directly."));
	rel = trigdata->tg_relation;
	if (TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
	{
		HeapTuple	old = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ? NULL : trigdata->tg_trigtuple;
		HeapTuple	new = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) ? trigdata->tg_trigtuple
			: TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : NULL;

		if (creating_extension ||
			!((old && is_shipped_row(rel, old)) || (new && is_shipped_row(rel, new))))
			return PointerGetDatum(new ? new : old);
		pm_error(ERRCODE_INSUFFICIENT_PRIVILEGE,
				 errmsg("the rows precmed installed in %s.%s cannot be changed",
						get_namespace_name(RelationGetNamespace(rel)),
						RelationGetRelationName(rel)),
				 errdetail("Rows with shipped = true are precmed's reference data: recreated, not dumped, by pg_dump."),
				 errhint("Add rows of your own (shipped = false) instead; pg_dump keeps those."));
	}
	if (creating_extension)
		return PointerGetDatum(NULL);
	pm_error(ERRCODE_INSUFFICIENT_PRIVILEGE,
			 errmsg("%s.%s is precmed's reference data and cannot be changed",
					get_namespace_name(RelationGetNamespace(rel)),
					RelationGetRelationName(rel)),
			 errdetail("precmed's functions rely on these rows being those of the installed version: "
					   "they are cached by each backend and recreated, not dumped, by pg_dump."),
			 errhint("Keep additions in a table of your own; new reference data comes with ALTER EXTENSION precmed UPDATE."));
	PG_RETURN_NULL();
}
