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
/* Checks @file, copies it into the desk's file store and attaches it to the record; a
 * refusal is shown in the window and attaches nothing. */
void            os_record_window_attach_file (OsRecordWindow *self,
                                              GFile          *file);

G_END_DECLS
