/* os-slip-printer.h: print a slip straight to a named printer, without a dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-slip.h"

G_BEGIN_DECLS

#define OS_TYPE_SLIP_PRINTER (os_slip_printer_get_type ())

G_DECLARE_FINAL_TYPE (OsSlipPrinter, os_slip_printer, OS, SLIP_PRINTER, GObject)

OsSlipPrinter *os_slip_printer_new          (const char           *printer_name);
const char    *os_slip_printer_get_name     (OsSlipPrinter        *self);
/* Finds the printer, renders every page of @slip for it and hands the job to the
 * print system. Fails with OS_ERROR_NOT_FOUND when no such printer exists. */
void           os_slip_printer_print_async  (OsSlipPrinter        *self,
                                             OsSlip               *slip,
                                             const char           *job_name,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       os_slip_printer_print_finish (OsSlipPrinter        *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
