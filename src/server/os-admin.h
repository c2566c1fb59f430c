/* os-admin.h: `onestop-server admin` commands.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs one command (@argv[0] is its name) against @conninfo after migrating; prints what
 * it made (ids) on standard output. Options: @parent (unit-add), @roles and @units
 * (user-add, comma-separated; units by agency code). */
gboolean os_admin_run (const char  *conninfo,
                       char       **argv,
                       const char  *parent,
                       const char  *roles,
                       const char  *units,
                       GError     **error);

G_END_DECLS
