/* os-datetime.h: instants shown and typed in Vietnam's local time (Asia/Ho_Chi_Minh).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GTimeZone *os_datetime_zone          (void);
/* @instant (UTC unix seconds) in local time. */
GDateTime *os_datetime_local         (gint64       instant);
GDate      os_datetime_local_date    (gint64       instant);
/* "dd/mm/yyyy" or "dd/mm/yyyy HH:MM"; "" for 0. */
char      *os_datetime_format        (gint64       instant,
                                      gboolean     with_time);
char      *os_date_format            (const GDate *date);
/* Parses "dd/mm/yyyy" (also d/m/yyyy and dd-mm-yyyy); FALSE if it is not a real date. */
gboolean   os_date_parse             (const char  *text,
                                      GDate       *date);
/* The instant local midnight of @date begins. */
gint64     os_date_start_instant     (const GDate *date);

G_END_DECLS
