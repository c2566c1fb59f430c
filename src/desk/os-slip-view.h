/* os-slip-view.h: a preview of a printed slip, its pages one under the other.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-slip.h"

G_BEGIN_DECLS

#define OS_TYPE_SLIP_VIEW (os_slip_view_get_type ())

G_DECLARE_FINAL_TYPE (OsSlipView, os_slip_view, OS, SLIP_VIEW, GtkWidget)

GtkWidget *os_slip_view_new      (void);
OsSlip    *os_slip_view_get_slip (OsSlipView *self);
void       os_slip_view_set_slip (OsSlipView *self,
                                  OsSlip     *slip);

G_END_DECLS
