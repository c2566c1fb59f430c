/* os-import.h: checks a file the officer drops onto a record before it is attached.
 *
 * Accepted are PDF, JPEG, PNG and TIFF, judged by their content, not by their name: a
 * file named .pdf that is really a PNG is accepted as a PNG (and says so), a text file
 * named .pdf is refused. The file is opened as a whole (poppler for PDF, gdk-pixbuf for
 * images), so a corrupt, truncated or password-protected file is refused here, with a
 * Vietnamese message that names it (OS_ERROR_INVALID_INPUT; OS_ERROR_IO if it cannot be
 * read at all).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OS_IMPORT_MIME_PDF  "application/pdf"
#define OS_IMPORT_MIME_JPEG "image/jpeg"
#define OS_IMPORT_MIME_PNG  "image/png"
#define OS_IMPORT_MIME_TIFF "image/tiff"

typedef struct
{
  char     *file_name;          /* display name, for messages and the attachment row */
  char     *mime_type;          /* one of OS_IMPORT_MIME_*, from the content */
  goffset   size;               /* bytes */
  int       pages;              /* PDF pages, TIFF directories, 1 for other images */
  int       width;              /* pixels of the (first) image; 0 for PDF */
  int       height;
  gboolean  extension_matches;  /* FALSE when the name has no or another type's extension */
} OsImportInfo;

#define OS_TYPE_IMPORT_INFO (os_import_info_get_type ())

GType         os_import_info_get_type   (void) G_GNUC_CONST;
OsImportInfo *os_import_info_copy       (const OsImportInfo  *info);
void          os_import_info_free       (OsImportInfo        *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsImportInfo, os_import_info_free)

/* The limit officers see unless the settings say otherwise. */
#define OS_IMPORT_DEFAULT_MAX_SIZE ((goffset) 50 * 1024 * 1024)

/* Blocks while the whole file is decoded: call it from a worker thread, or use the async
 * variant. @max_size <= 0 means no limit. */
OsImportInfo *os_import_check_file        (GFile               *file,
                                           goffset              max_size,
                                           GCancellable        *cancellable,
                                           GError             **error);
void          os_import_check_file_async  (GFile               *file,
                                           goffset              max_size,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
OsImportInfo *os_import_check_file_finish (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
