/* os-slip-window.h: preview, print and export one printed slip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-slip.h"
#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_SLIP_WINDOW (os_slip_window_get_type ())

G_DECLARE_FINAL_TYPE (OsSlipWindow, os_slip_window, OS, SLIP_WINDOW, AdwWindow)

OsSlipWindow *os_slip_window_new (OsStore    *store,
                                  GSettings  *settings,
                                  OsRecord   *record,
                                  OsSlipKind  kind);
/* A slip made elsewhere (Mẫu 04–06, os-slip-process.h): no paper choice; @job_name names
 * the print job and the exported file. */
OsSlipWindow *os_slip_window_new_for_slip (OsStore    *store,
                                           GSettings  *settings,
                                           OsSlip     *slip,
                                           const char *job_name);
OsSlip       *os_slip_window_get_slip     (OsSlipWindow *self);

G_END_DECLS
