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

G_END_DECLS
