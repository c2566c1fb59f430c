/* os-pdf-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "os-error.h"
#include "os-pdf-file.h"

typedef struct
{
  int fd;
  int saved_errno;
} Sink;

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  while (length > 0)
    {
      ssize_t written = write (sink->fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          sink->saved_errno = errno;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += written;
      length -= (unsigned int) written;
    }
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
io_error (GError     **error,
          const char  *format,
          const char  *display,
          int          saved_errno)
{
  g_set_error (error, OS_ERROR, OS_ERROR_IO, format, display, g_strerror (saved_errno));
  return FALSE;
}

gboolean
os_pdf_file_write (const char         *path,
                   OsPdfFileDrawFunc   draw,
                   gpointer            user_data,
                   GError            **error)
{
  g_autofree char *display = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  Sink sink = { .fd = -1 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  display = g_filename_display_name (path);
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);

  sink.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (sink.fd < 0)
    return io_error (error, _("Không thể tạo tệp “%s”: %s"), display, errno);

  if (!draw (sink_write, &sink, user_data, &status, error))
    goto fail;
  if (status == CAIRO_STATUS_WRITE_ERROR && sink.saved_errno != 0)
    {
      io_error (error, _("Không thể ghi tệp “%s”: %s"), display, sink.saved_errno);
      goto fail;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_RENDER, _("Không thể tạo tệp PDF: %s"),
                   cairo_status_to_string (status));
      goto fail;
    }

  if (g_fsync (sink.fd) != 0)
    {
      io_error (error, _("Không thể ghi tệp “%s”: %s"), display, errno);
      goto fail;
    }
  if (close (sink.fd) != 0)
    {
      sink.fd = -1;
      io_error (error, _("Không thể ghi tệp “%s”: %s"), display, errno);
      goto fail;
    }
  sink.fd = -1;

  if (g_rename (tmp_path, path) != 0)
    {
      io_error (error, _("Không thể ghi tệp “%s”: %s"), display, errno);
      goto fail;
    }
  return TRUE;

fail:
  if (sink.fd >= 0)
    g_close (sink.fd, NULL);
  g_unlink (tmp_path);
  return FALSE;
}
