/* os-attachment-viewer.h: read an attached PDF or image inside the app.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define OS_TYPE_ATTACHMENT_VIEWER (os_attachment_viewer_get_type ())

G_DECLARE_FINAL_TYPE (OsAttachmentViewer, os_attachment_viewer, OS, ATTACHMENT_VIEWER, AdwWindow)

OsAttachmentViewer *os_attachment_viewer_new      (GFile              *file,
                                                   const char         *title);
int                 os_attachment_viewer_get_page (OsAttachmentViewer *self);
int                 os_attachment_viewer_get_n_pages (OsAttachmentViewer *self);
/* How many page thumbnails have been drawn so far (they are drawn as they come into view). */
guint               os_attachment_viewer_get_n_thumbnails (OsAttachmentViewer *self);
/* Prints the file to a PDF at @path through the same print operation as Ctrl+P, without a
 * dialog (GTK_PRINT_OPERATION_ACTION_EXPORT). */
gboolean            os_attachment_viewer_export_pdf  (OsAttachmentViewer  *self,
                                                      const char          *path,
                                                      GError             **error);

G_END_DECLS
