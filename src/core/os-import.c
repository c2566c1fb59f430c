/* os-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <poppler.h>
#include <string.h>

#include "os-error.h"
#include "os-import.h"

#define CHUNK_SIZE (256 * 1024)
/* An image whose decoded pixels would need more than about 1 GB is refused before it is
 * decoded (a scan of an A0 sheet at 600 dpi is ~ 280 megapixels). */
#define MAX_PIXELS ((gint64) 300 * 1000 * 1000)
/* A TIFF with more directories than this is not a scan. */
#define MAX_TIFF_PAGES 10000

G_DEFINE_BOXED_TYPE (OsImportInfo, os_import_info, os_import_info_copy, os_import_info_free)

OsImportInfo *
os_import_info_copy (const OsImportInfo *info)
{
  OsImportInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->file_name = g_strdup (info->file_name);
  copy->mime_type = g_strdup (info->mime_type);
  return copy;
}

void
os_import_info_free (OsImportInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->file_name);
  g_free (info->mime_type);
  g_free (info);
}

/* Reading helpers ------------------------------------------------------------- */

static gboolean
read_failed (GError      **error,
             GError       *local_error,
             const char   *name)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, local_error);
  else
    {
      g_set_error (error, OS_ERROR, OS_ERROR_IO,
                   _("Không đọc được tệp “%s”: %s"), name, local_error->message);
      g_error_free (local_error);
    }
  return FALSE;
}

static const char *
mime_from_magic (const guint8 *head,
                 gsize         length)
{
  static const guint8 png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (length >= 5 && memcmp (head, "%PDF-", 5) == 0)
    return OS_IMPORT_MIME_PDF;
  if (length >= 8 && memcmp (head, png, 8) == 0)
    return OS_IMPORT_MIME_PNG;
  if (length >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return OS_IMPORT_MIME_JPEG;
  if (length >= 4 && (memcmp (head, "II*\0", 4) == 0 || memcmp (head, "MM\0*", 4) == 0))
    return OS_IMPORT_MIME_TIFF;
  return NULL;
}

static const char *
mime_from_name (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  const char *dot = strrchr (lower, '.');

  if (dot == NULL)
    return NULL;
  dot++;
  if (g_str_equal (dot, "pdf"))
    return OS_IMPORT_MIME_PDF;
  if (g_str_equal (dot, "png"))
    return OS_IMPORT_MIME_PNG;
  if (g_str_equal (dot, "jpg") || g_str_equal (dot, "jpeg") || g_str_equal (dot, "jpe") ||
      g_str_equal (dot, "jfif"))
    return OS_IMPORT_MIME_JPEG;
  if (g_str_equal (dot, "tif") || g_str_equal (dot, "tiff"))
    return OS_IMPORT_MIME_TIFF;
  return NULL;
}

static const char *
type_label (const char *mime)
{
  if (g_str_equal (mime, OS_IMPORT_MIME_PDF))
    return "PDF";
  if (g_str_equal (mime, OS_IMPORT_MIME_PNG))
    return "PNG";
  if (g_str_equal (mime, OS_IMPORT_MIME_JPEG))
    return "JPEG";
  return "TIFF";
}

/* PDF ------------------------------------------------------------------------- */

/* poppler-glib 22.12 defines no autoptr cleanups: pages and documents are unreffed by hand. */
static gboolean
check_pdf_pages (PopplerDocument  *document,
                 OsImportInfo     *info,
                 GCancellable     *cancellable,
                 GError          **error)
{
  int pages = poppler_document_get_n_pages (document);

  if (pages < 1)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Tệp PDF “%s” bị hỏng hoặc không có trang nào."), info->file_name);
      return FALSE;
    }
  for (int i = 0; i < pages; i++)
    {
      PopplerPage *page;
      double width = 0, height = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      page = poppler_document_get_page (document, i);
      if (page != NULL)
        {
          poppler_page_get_size (page, &width, &height);
          g_object_unref (page);
        }
      if (page == NULL || !(width > 0) || !(height > 0))
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Tệp PDF “%s” bị hỏng: không đọc được trang %d."), info->file_name, i + 1);
          return FALSE;
        }
    }
  info->pages = pages;
  return TRUE;
}

/* A PDF ends with "%%EOF" within its last 1024 bytes. Poppler rebuilds a damaged cross-
 * reference table and may open a file cut short with pages missing: this finds that. */
static gboolean
pdf_has_end (GFile        *file,
             goffset       size,
             GCancellable *cancellable)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, NULL);
  char tail[1024];
  gsize length = 0;
  goffset start = MAX (0, size - (goffset) sizeof tail);

  if (stream == NULL ||
      !g_seekable_seek (G_SEEKABLE (stream), start, G_SEEK_SET, cancellable, NULL) ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), tail, sizeof tail, &length,
                                cancellable, NULL))
    return FALSE;
  for (gsize i = 0; i + 5 <= length; i++)   /* binary data: no string search */
    if (memcmp (tail + i, "%%EOF", 5) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
check_pdf (GFile         *file,
           OsImportInfo  *info,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  PopplerDocument *document;
  gboolean ok;

  document = poppler_document_new_from_gfile (file, NULL, cancellable, &local_error);
  if (document == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                     _("Tệp PDF “%s” được bảo vệ bằng mật khẩu (đã mã hóa) nên không mở được. "
                       "Hãy lưu lại bản không đặt mật khẩu rồi đính kèm."),
                     info->file_name);
      else
        {
          /* Poppler's own words are English and say little to an officer. */
          g_debug ("%s: %s", info->file_name, local_error ? local_error->message : "?");
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Tệp PDF “%s” bị hỏng hoặc không đầy đủ, không mở được."),
                       info->file_name);
        }
      return FALSE;
    }

  if (!pdf_has_end (file, info->size, cancellable))
    {
      g_object_unref (document);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Tệp PDF “%s” không đầy đủ (thiếu phần cuối của tệp), có thể đã bị cắt "
                     "khi sao chép hoặc tải về."),
                   info->file_name);
      return FALSE;
    }
  ok = check_pdf_pages (document, info, cancellable, error);
  g_object_unref (document);
  return ok;
}

/* Images ---------------------------------------------------------------------- */

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_big = user_data;

  if ((gint64) width * height > MAX_PIXELS)
    {
      *too_big = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);  /* stops the decoder before it allocates */
    }
}

/* Reads a little-endian or big-endian integer at @offset of a TIFF. */
static gboolean
tiff_read (GInputStream  *in,
           goffset        offset,
           gsize          length,
           gboolean       big_endian,
           guint32       *value)
{
  guint8 bytes[4];
  gsize n = 0;

  if (!g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, NULL, NULL) ||
      !g_input_stream_read_all (in, bytes, length, &n, NULL, NULL) || n != length)
    return FALSE;
  *value = 0;
  for (gsize i = 0; i < length; i++)
    *value |= (guint32) bytes[big_endian ? i : length - 1 - i] << (8 * (length - 1 - i));
  return TRUE;
}

/* Counts the image directories of a classic TIFF; 1 if the chain cannot be followed
 * (gdk-pixbuf has already decoded the first page by then). */
static int
count_tiff_pages (GFile        *file,
                  GCancellable *cancellable)
{
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GInputStream *in = G_INPUT_STREAM (stream);
  gboolean big_endian;
  guint8 order[2];
  guint32 offset;
  int pages = 0;

  if (stream == NULL || !g_seekable_can_seek (G_SEEKABLE (stream)) ||
      g_input_stream_read (in, order, 2, NULL, NULL) != 2)
    return 1;
  big_endian = order[0] == 'M';
  if (!tiff_read (in, 4, 4, big_endian, &offset))
    return 1;

  while (offset != 0 && pages < MAX_TIFF_PAGES)
    {
      guint32 entries;

      if (g_hash_table_contains (seen, GUINT_TO_POINTER (offset)))  /* a loop */
        break;
      g_hash_table_add (seen, GUINT_TO_POINTER (offset));
      if (!tiff_read (in, offset, 2, big_endian, &entries) ||
          !tiff_read (in, (goffset) offset + 2 + (goffset) entries * 12, 4, big_endian, &offset))
        break;
      pages++;
    }
  return MAX (pages, 1);
}

/* gdk-pixbuf accepts a PNG or JPEG cut short and fills in the missing rows, so the file's
 * structure is followed alongside the decoder: a PNG must reach its IEND chunk, a JPEG its
 * EOI marker. What comes after them is ignored (some cameras append data). */
typedef enum
{
  SCAN_PNG_SIGNATURE,
  SCAN_PNG_CHUNK,
  SCAN_JPEG_SOI,
  SCAN_JPEG_MARKER,
  SCAN_JPEG_MARKER_CODE,
  SCAN_JPEG_LENGTH,
  SCAN_JPEG_ENTROPY,
  SCAN_JPEG_ENTROPY_FF,
} ScanState;

typedef struct
{
  ScanState state;
  guint64   skip;          /* bytes still to pass over */
  guint8    header[8];
  guint     header_length;
  gboolean  sos;           /* the segment being skipped starts entropy-coded data */
  gboolean  end_after_skip;
  gboolean  complete;
  gboolean  broken;
} Scan;

static void
scan_jpeg_marker (Scan   *scan,
                  guint8  code)
{
  if (code == 0xd9)                                       /* EOI */
    scan->complete = TRUE;
  else if ((code >= 0xd0 && code <= 0xd7) || code == 0x01 || code == 0x00)
    scan->state = SCAN_JPEG_MARKER;                       /* no length follows */
  else
    {
      scan->sos = code == 0xda;
      scan->header_length = 0;
      scan->state = SCAN_JPEG_LENGTH;
    }
}

static void
scan_feed (Scan         *scan,
           const guint8 *data,
           gsize         length)
{
  gsize i = 0;

  while (i < length && !scan->complete && !scan->broken)
    {
      guint8 b;

      if (scan->skip > 0)
        {
          guint64 n = MIN (scan->skip, (guint64) (length - i));

          i += n;
          scan->skip -= n;
          if (scan->skip == 0 && scan->end_after_skip)
            scan->complete = TRUE;
          continue;
        }

      if (scan->state == SCAN_JPEG_ENTROPY)
        {
          const guint8 *ff = memchr (data + i, 0xff, length - i);

          if (ff == NULL)
            return;
          i = ff - data + 1;
          scan->state = SCAN_JPEG_ENTROPY_FF;
          continue;
        }

      b = data[i++];
      switch (scan->state)
        {
        case SCAN_PNG_SIGNATURE:
          if (++scan->header_length == 8)
            {
              scan->header_length = 0;
              scan->state = SCAN_PNG_CHUNK;
            }
          break;

        case SCAN_PNG_CHUNK:
          scan->header[scan->header_length++] = b;
          if (scan->header_length == 8)
            {
              guint32 chunk = (guint32) scan->header[0] << 24 | (guint32) scan->header[1] << 16 |
                              (guint32) scan->header[2] << 8 | scan->header[3];

              if (chunk > 0x7fffffff)
                scan->broken = TRUE;
              scan->skip = (guint64) chunk + 4;                   /* data and CRC */
              scan->end_after_skip = memcmp (scan->header + 4, "IEND", 4) == 0;
              scan->header_length = 0;
            }
          break;

        case SCAN_JPEG_SOI:
          if (++scan->header_length == 2)
            scan->state = SCAN_JPEG_MARKER;
          break;

        case SCAN_JPEG_MARKER:
          if (b == 0xff)
            scan->state = SCAN_JPEG_MARKER_CODE;
          break;

        case SCAN_JPEG_MARKER_CODE:
          if (b != 0xff)
            scan_jpeg_marker (scan, b);
          break;

        case SCAN_JPEG_LENGTH:
          scan->header[scan->header_length++] = b;
          if (scan->header_length == 2)
            {
              guint segment = (guint) scan->header[0] << 8 | scan->header[1];

              if (segment < 2)
                scan->broken = TRUE;
              scan->skip = segment - 2;
              scan->state = scan->sos ? SCAN_JPEG_ENTROPY : SCAN_JPEG_MARKER;
            }
          break;

        case SCAN_JPEG_ENTROPY_FF:
          if (b == 0x00 || (b >= 0xd0 && b <= 0xd7))     /* stuffed byte, restart marker */
            scan->state = SCAN_JPEG_ENTROPY;
          else if (b != 0xff)
            scan_jpeg_marker (scan, b);
          break;

        case SCAN_JPEG_ENTROPY:
        default:
          g_assert_not_reached ();
        }
    }
}

static gboolean
check_image (GFile         *file,
             OsImportInfo  *info,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *buffer = NULL;
  GdkPixbuf *pixbuf;
  gboolean too_big = FALSE;
  gboolean ok = TRUE;
  gboolean follow = FALSE;
  Scan scan = { 0, };

  if (g_str_equal (info->mime_type, OS_IMPORT_MIME_PNG))
    {
      follow = TRUE;
      scan.state = SCAN_PNG_SIGNATURE;
    }
  else if (g_str_equal (info->mime_type, OS_IMPORT_MIME_JPEG))
    {
      follow = TRUE;
      scan.state = SCAN_JPEG_SOI;
    }

  loader = gdk_pixbuf_loader_new_with_mime_type (info->mime_type, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Máy này không đọc được ảnh %s nên không nhận tệp “%s”. (%s)"),
                   type_label (info->mime_type), info->file_name, local_error->message);
      return FALSE;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_big);

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return read_failed (error, g_steal_pointer (&local_error), info->file_name);
    }

  buffer = g_malloc (CHUNK_SIZE);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, CHUNK_SIZE,
                                      cancellable, &local_error);

      if (n < 0)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return read_failed (error, g_steal_pointer (&local_error), info->file_name);
        }
      if (n == 0)
        break;
      if (follow)
        scan_feed (&scan, buffer, n);
      if (!gdk_pixbuf_loader_write (loader, buffer, n, &local_error))
        {
          ok = FALSE;
          break;
        }
      if (too_big)
        break;
    }
  /* Closing reports a file that ended early; it must be called once in any case. */
  if (!gdk_pixbuf_loader_close (loader, ok && !too_big ? &local_error : NULL) && ok && !too_big)
    ok = FALSE;

  if (too_big)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Ảnh “%s” có kích thước quá lớn (hơn %d triệu điểm ảnh). "
                     "Hãy quét lại với độ phân giải thấp hơn."),
                   info->file_name, (int) (MAX_PIXELS / 1000000));
      return FALSE;
    }
  if (ok && follow && (scan.broken || !scan.complete))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Ảnh %s “%s” bị hỏng hoặc không đầy đủ (thiếu phần cuối của tệp), không đọc được."),
                   type_label (info->mime_type), info->file_name);
      return FALSE;
    }
  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf == NULL)
    {
      g_debug ("%s: %s", info->file_name, local_error ? local_error->message : "?");
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Ảnh %s “%s” bị hỏng hoặc không đầy đủ, không đọc được."),
                   type_label (info->mime_type), info->file_name);
      return FALSE;
    }

  info->width = gdk_pixbuf_get_width (pixbuf);
  info->height = gdk_pixbuf_get_height (pixbuf);
  info->pages = 1;
  if (g_str_equal (info->mime_type, OS_IMPORT_MIME_TIFF))
    info->pages = count_tiff_pages (file, cancellable);
  return TRUE;
}

/* Checking -------------------------------------------------------------------- */

/* "50", "1,5", "0,25": megabytes the way Vietnamese writes them. */
static char *
format_megabytes (goffset bytes)
{
  double mb = bytes / (1024.0 * 1024.0);
  char *text;

  if (bytes % (1024 * 1024) == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) (bytes / (1024 * 1024)));
  text = g_strdup_printf (mb < 1.0 ? "%.2f" : "%.1f", mb);
  g_strdelimit (text, ".", ',');
  return text;
}

OsImportInfo *
os_import_check_file (GFile         *file,
                      goffset        max_size,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(OsImportInfo) info = g_new0 (OsImportInfo, 1);
  g_autoptr(GFileInfo) file_info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 head[16];
  gsize head_length = 0;
  const char *mime;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file_info = g_file_query_info (file,
                                 G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                 G_FILE_ATTRIBUTE_STANDARD_SIZE ","
                                 G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (file_info == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                       _("Không tìm thấy tệp “%s”."), name);
          return NULL;
        }
      read_failed (error, g_steal_pointer (&local_error), name);
      return NULL;
    }

  info->file_name = g_strdup (g_file_info_get_display_name (file_info));
  info->size = g_file_info_get_size (file_info);

  if (g_file_info_get_file_type (file_info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("“%s” không phải là một tệp, không đính kèm được."), info->file_name);
      return NULL;
    }
  if (info->size == 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Tệp “%s” rỗng (0 byte), không đính kèm được."), info->file_name);
      return NULL;
    }
  if (max_size > 0 && info->size > max_size)
    {
      g_autofree char *size_mb = format_megabytes (info->size);
      g_autofree char *limit_mb = format_megabytes (max_size);

      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Tệp “%s” quá lớn (%s MB). Mỗi tệp đính kèm tối đa %s MB."),
                   info->file_name, size_mb, limit_mb);
      return NULL;
    }

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &head_length,
                                cancellable, &local_error))
    {
      read_failed (error, g_steal_pointer (&local_error), info->file_name);
      return NULL;
    }
  g_clear_object (&stream);

  mime = mime_from_magic (head, head_length);
  if (mime == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Tệp “%s” không phải là tệp PDF, JPEG, PNG hay TIFF (nội dung không khớp "
                     "loại nào, dù tên tệp ghi gì). Chỉ đính kèm được bốn loại tệp này."),
                   info->file_name);
      return NULL;
    }
  info->mime_type = g_strdup (mime);
  info->extension_matches = g_strcmp0 (mime_from_name (info->file_name), mime) == 0;

  if (g_str_equal (mime, OS_IMPORT_MIME_PDF))
    {
      if (!check_pdf (file, info, cancellable, error))
        return NULL;
    }
  else if (!check_image (file, info, cancellable, error))
    return NULL;

  return g_steal_pointer (&info);
}

typedef struct
{
  GFile   *file;
  goffset  max_size;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_object_unref (data->file);
  g_free (data);
}

static void
check_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CheckData *data = task_data;
  GError *error = NULL;
  OsImportInfo *info = os_import_check_file (data->file, data->max_size, cancellable, &error);

  if (info != NULL)
    g_task_return_pointer (task, info, (GDestroyNotify) os_import_info_free);
  else
    g_task_return_error (task, error);
}

void
os_import_check_file_async (GFile               *file,
                            goffset              max_size,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (CheckData, 1);
  data->file = g_object_ref (file);
  data->max_size = max_size;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_import_check_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_run_in_thread (task, check_file_thread);
}

OsImportInfo *
os_import_check_file_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, os_import_check_file_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
