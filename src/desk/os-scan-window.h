/* os-scan-window.h: scan a record's papers, arrange the pages, attach them as one PDF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-record-window.h"

G_BEGIN_DECLS

#define OS_TYPE_SCAN_WINDOW (os_scan_window_get_type ())

G_DECLARE_FINAL_TYPE (OsScanWindow, os_scan_window, OS, SCAN_WINDOW, AdwWindow)

OsScanWindow *os_scan_window_new          (OsRecordWindow *record_window,
                                           OsRecord       *record,
                                           GSettings      *settings);
/* The pages being arranged (for tests and the arrange actions). */
guint         os_scan_window_get_n_pages  (OsScanWindow   *self);

G_END_DECLS
