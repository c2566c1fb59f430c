/* os-migrate.h: the server schema, by numbered migrations.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* Applies the migrations the database lacks, in order, one transaction each, under a
 * session advisory lock (so copies starting together take turns). Sets @version to the
 * schema version after. */
gboolean os_migrate (PGconn  *conn,
                     gint    *version,
                     GError **error);

G_END_DECLS
