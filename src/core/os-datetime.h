/* os-datetime.h: instants shown and typed in Vietnam's local time (Asia/Ho_Chi_Minh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The instants the app reads from outside (records, process states, action requests):
 * 1970-01-01 00:00:00 to 9999-12-31 23:59:59 UTC. Anything else in JSON is refused. */
#define OS_INSTANT_MIN G_GINT64_CONSTANT (0)
#define OS_INSTANT_MAX G_GINT64_CONSTANT (253402300799)

GTimeZone *os_datetime_zone          (void);
/* @instant (UTC unix seconds) in local time. The helpers below never fail: an instant
 * GDateTime cannot hold is taken as the nearest one it can (in year 1, or on the last day
 * of year 9999), so there is never a NULL nor a GLib critical. */
GDateTime *os_datetime_local         (gint64       instant);
GDate      os_datetime_local_date    (gint64       instant);
/* "dd/mm/yyyy" or "dd/mm/yyyy HH:MM"; "" for 0. */
char      *os_datetime_format        (gint64       instant,
                                      gboolean     with_time);
char      *os_date_format            (const GDate *date);
/* Parses "dd/mm/yyyy" (also d/m/yyyy and dd-mm-yyyy); FALSE if it is not a real date. */
gboolean   os_date_parse             (const char  *text,
                                      GDate       *date);
/* The instant local midnight of @date begins; 0 for an invalid date, and for a date past
 * year 9999 the last local midnight GDateTime can hold. */
gint64     os_date_start_instant     (const GDate *date);

G_END_DECLS
