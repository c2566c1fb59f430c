/* os-record-window.h: one record's fields, documents and history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_RECORD_WINDOW (os_record_window_get_type ())

G_DECLARE_FINAL_TYPE (OsRecordWindow, os_record_window, OS, RECORD_WINDOW, AdwWindow)

OsRecordWindow *os_record_window_new (OsStore    *store,
                                      GSettings  *settings,
                                      gint64      local_id,
                                      GError    **error);

G_END_DECLS
