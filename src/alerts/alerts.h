/*
 * alerts.h: live AKI stages and alerts (the AKI watch).  The triggers and
 * tables are SQL (sql/install/45_aki_alerts.sql); the staging they call is
 * kdigo_stages' core, here restricted to the subjects a statement touched.
 * See docs/aki_alerts.md.
 */
#ifndef PRECMED_ALERTS_H
#define PRECMED_ALERTS_H

#include "aki/aki.h"

/* The watched tables, in the order of kdigo_stages' inputs. */
#define AKI_WATCH_TABLES	4

#endif							/* PRECMED_ALERTS_H */
