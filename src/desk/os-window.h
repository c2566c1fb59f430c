/* os-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-application.h"

G_BEGIN_DECLS

#define OS_TYPE_WINDOW (os_window_get_type ())

G_DECLARE_FINAL_TYPE (OsWindow, os_window, OS, WINDOW, AdwApplicationWindow)

OsWindow *os_window_new         (OsApplication *application);
void      os_window_show_toast  (OsWindow      *self,
                                 const char    *message);
void      os_window_open_record (OsWindow      *self,
                                 gint64         local_id);
/* Tells every page that records changed (a save, a new day). */
void      os_window_records_changed (OsWindow  *self);

G_END_DECLS
