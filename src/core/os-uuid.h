/* os-uuid.h: time-ordered UUIDs (version 7, RFC 9562) for records and mutations.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *os_uuid_v7_new (void);
char *os_uuid_v7_new_at (gint64 unix_ms);

G_END_DECLS
