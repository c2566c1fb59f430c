/* os-test-util.h: small helpers the test programs share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new empty directory from g_dir_make_tmp (@tmpl, as "name-XXXXXX"); fails the test if
 * it cannot be made. */
char     *os_test_make_dir    (const char         *tmpl);
/* Removes @path and everything below it. */
void      os_test_remove_tree (const char         *path);
/* Runs a tool (searched in PATH) and returns its standard output; a tool that cannot
 * start or exits with an error fails the test with its standard error. */
char     *os_test_run_tool    (const char * const *argv);
/* TRUE when every program of @tools is installed; otherwise marks the test skipped with
 * @why and returns FALSE. */
gboolean  os_test_have_tools  (const char * const *tools,
                               const char         *why);

/* A GAsyncReadyCallback that keeps a new reference to the result in the GAsyncResult *
 * that @user_data points to; os_test_wait_result() iterates the default main context
 * until that is set and returns it (the caller owns the reference). */
void          os_test_store_result (GObject       *source,
                                    GAsyncResult  *result,
                                    gpointer       user_data);
GAsyncResult *os_test_wait_result  (GAsyncResult **slot);

G_END_DECLS
