/* os-refused-window.h: the changes the server refused for good, to resend or discard.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-store.h"
#include "os-sync-engine.h"

G_BEGIN_DECLS

#define OS_TYPE_REFUSED_WINDOW (os_refused_window_get_type ())

G_DECLARE_FINAL_TYPE (OsRefusedWindow, os_refused_window, OS, REFUSED_WINDOW, AdwWindow)

/* @engine (may be NULL) is poked after a resend. */
OsRefusedWindow *os_refused_window_new    (OsStore         *store,
                                           OsSyncEngine    *engine);
void             os_refused_window_reload (OsRefusedWindow *self);
/* The list model of OsRefusedItem shown (for tests). */
GListModel      *os_refused_window_get_model (OsRefusedWindow *self);

G_END_DECLS
