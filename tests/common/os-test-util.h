/* os-test-util.h: small helpers the test programs share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything below it. */
void      os_test_remove_tree (const char         *path);
/* Runs a tool (searched in PATH) and returns its standard output; a tool that cannot
 * start or exits with an error fails the test with its standard error. */
char     *os_test_run_tool    (const char * const *argv);
/* TRUE when every program of @tools is installed; otherwise marks the test skipped with
 * @why and returns FALSE. */
gboolean  os_test_have_tools  (const char * const *tools,
                               const char         *why);

G_END_DECLS
