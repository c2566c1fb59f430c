/* os-pdf-file.h: write a PDF file atomically (temporary file, fsync, rename), for the
 * slips and the scanned documents alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Makes a PDF surface on @write/@closure (cairo_pdf_surface_create_for_stream), draws,
 * finishes it and stores its final status in @status. Returns FALSE with @error for a
 * failure of its own (a page that cannot be drawn, cancellation). */
typedef gboolean (*OsPdfFileDrawFunc) (cairo_write_func_t   write,
                                       void                *closure,
                                       gpointer             user_data,
                                       cairo_status_t      *status,
                                       GError             **error);

/* Writes the PDF that @draw makes to @path: nothing is left behind on failure, and an
 * existing file is replaced only by a complete one. Errors: OS_ERROR_IO (with the file
 * name and the system's reason), OS_ERROR_RENDER, or @draw's own. */
gboolean os_pdf_file_write (const char         *path,
                            OsPdfFileDrawFunc   draw,
                            gpointer            user_data,
                            GError            **error);

G_END_DECLS
