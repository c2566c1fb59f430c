/* test-import.c: checking files before they are attached (os-import), on real files
 * written here: a PDF from cairo, images from gdk-pixbuf, a two-page TIFF by hand, an
 * encrypted PDF from qpdf.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "os-error.h"
#include "os-import.h"
#include "os-test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("os-test-import-XXXXXX", &error);
  g_assert_no_error (error);
}


static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  os_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Writing real files ------------------------------------------------------------------ */

static char *
make_pdf (Fixture    *f,
          const char *name,
          int         pages)
{
  char *path = g_build_filename (f->dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < pages; i++)
    {
      cairo_set_source_rgb (cr, 0, 0, 0);
      /* Lines, not text: fontconfig's caches would show up as leaks under valgrind. */
      cairo_move_to (cr, 72, 72);
      cairo_line_to (cr, 400, 72);
      cairo_rectangle (cr, 72, 100 + 20 * i, 200, 300);
      cairo_stroke (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* A noisy picture, so that a compressed file is long enough to cut in half. */
static GdkPixbuf *
make_pixbuf (int width,
             int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  GRand *rand = g_rand_new_with_seed (7);

  gdk_pixbuf_fill (pixbuf, 0);   /* the row padding too */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 3; x++)
      pixels[y * stride + x] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  return pixbuf;
}

static char *
make_image (Fixture    *f,
            const char *name,
            const char *type,
            int         width,
            int         height)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = make_pixbuf (width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_save (pixbuf, path, type, &error, NULL);
  g_assert_no_error (error);
  return path;
}

static void
put_le16 (GByteArray *a,
          guint16     v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };

  g_byte_array_append (a, b, 2);
}

static void
put_le32 (GByteArray *a,
          guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

  g_byte_array_append (a, b, 4);
}

static void
put_entry (GByteArray *a,
           guint16     tag,
           guint16     type,
           guint32     value)
{
  put_le16 (a, tag);
  put_le16 (a, type);
  put_le32 (a, 1);
  if (type == 3)  /* SHORT, left-justified in the value field */
    {
      put_le16 (a, value);
      put_le16 (a, 0);
    }
  else
    put_le32 (a, value);
}

/* A little-endian, uncompressed 8-bit grey TIFF with @pages pages of 8 × 8 pixels. */
static char *
make_multipage_tiff (Fixture    *f,
                     const char *name,
                     int         pages)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  const guint entries = 9;
  const guint ifd_size = 2 + entries * 12 + 4;
  const guint page_size = 64 + ifd_size;   /* pixels, then the directory */

  g_byte_array_append (a, (const guint8 *) "II*\0", 4);
  put_le32 (a, 8 + 64);   /* the first directory follows the first page's pixels */
  for (int p = 0; p < pages; p++)
    {
      guint32 strip = 8 + p * page_size;
      guint32 next = p + 1 < pages ? 8 + (p + 1) * page_size + 64 : 0;

      for (int i = 0; i < 64; i++)
        {
          guint8 grey = (guint8) (i * 4 + p * 60);

          g_byte_array_append (a, &grey, 1);
        }
      put_le16 (a, entries);
      put_entry (a, 256, 3, 8);        /* ImageWidth */
      put_entry (a, 257, 3, 8);        /* ImageLength */
      put_entry (a, 258, 3, 8);        /* BitsPerSample */
      put_entry (a, 259, 3, 1);        /* Compression: none */
      put_entry (a, 262, 3, 1);        /* Photometric: black is zero */
      put_entry (a, 273, 4, strip);    /* StripOffsets */
      put_entry (a, 277, 3, 1);        /* SamplesPerPixel */
      put_entry (a, 278, 3, 8);        /* RowsPerStrip */
      put_entry (a, 279, 4, 64);       /* StripByteCounts */
      put_le32 (a, next);
    }
  g_file_set_contents (path, (const char *) a->data, a->len, &error);
  g_assert_no_error (error);
  return path;
}

static guint32
crc32 (const guint8 *data,
       gsize         length)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
    }
  return ~crc;
}

static void
put_be32 (GByteArray *a,
          guint32     v)
{
  guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

  g_byte_array_append (a, b, 4);
}

static void
put_png_chunk (GByteArray   *a,
               const char   *type,
               const guint8 *data,
               guint32       length)
{
  g_autoptr(GByteArray) typed = g_byte_array_new ();

  g_byte_array_append (typed, (const guint8 *) type, 4);
  g_byte_array_append (typed, data, length);
  put_be32 (a, length);
  g_byte_array_append (a, typed->data, typed->len);
  put_be32 (a, crc32 (typed->data, typed->len));
}

/* A small PNG whose header claims 30000 × 30000 pixels (2.7 GB decoded). */
static char *
make_huge_png (Fixture    *f,
               const char *name)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  /* zlib stream of one empty stored block */
  static const guint8 idat[] = { 0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01 };
  guint8 ihdr[13] = { 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0 };
  g_autoptr(GByteArray) a = g_byte_array_new ();
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_byte_array_append (a, signature, 8);
  put_png_chunk (a, "IHDR", ihdr, sizeof ihdr);
  put_png_chunk (a, "IDAT", idat, sizeof idat);
  put_png_chunk (a, "IEND", NULL, 0);
  g_file_set_contents (path, (const char *) a->data, a->len, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

/* The first @fraction of @source, saved as @name. */
static char *
truncated_copy (Fixture    *f,
                const char *source,
                const char *name,
                double      fraction)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  return write_file (f, name, contents, (gssize) (length * fraction));
}

/* Checking ----------------------------------------------------------------------------- */

static OsImportInfo *
check_ok (const char *path,
          goffset     max_size)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  OsImportInfo *info = os_import_check_file (file, max_size, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

/* Refused with @code and a message that names the file. */
static void
check_refused (const char *path,
               goffset     max_size,
               int         code,
               const char *message_part)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsImportInfo) info = os_import_check_file (file, max_size, NULL, &error);
  g_autofree char *name = g_path_get_basename (path);

  if (info != NULL)
    g_test_message ("%s was accepted as %s", name, info->mime_type);
  g_assert_null (info);
  g_assert_error (error, OS_ERROR, code);
  g_test_message ("%s: %s", name, error->message);
  g_assert_nonnull (strstr (error->message, name));
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_pdf_accepted (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = make_pdf (f, "Tờ khai khai sinh.pdf", 3);
  g_autoptr(OsImportInfo) info = check_ok (path, OS_IMPORT_DEFAULT_MAX_SIZE);
  g_autoptr(OsImportInfo) copy = os_import_info_copy (info);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpstr (info->mime_type, ==, OS_IMPORT_MIME_PDF);
  g_assert_cmpstr (info->file_name, ==, "Tờ khai khai sinh.pdf");
  g_assert_cmpint (info->pages, ==, 3);
  g_assert_cmpint (info->size, ==, st.st_size);
  g_assert_cmpint (info->width, ==, 0);
  g_assert_true (info->extension_matches);
  g_assert_cmpstr (copy->mime_type, ==, info->mime_type);
  g_assert_cmpint (copy->pages, ==, 3);
}

static void
test_images_accepted (Fixture       *f,
                      gconstpointer  data)
{
  struct { const char *name, *type, *mime; } cases[] = {
    { "cccd.png", "png", OS_IMPORT_MIME_PNG },
    { "cccd.JPG", "jpeg", OS_IMPORT_MIME_JPEG },
    { "cccd.tiff", "tiff", OS_IMPORT_MIME_TIFF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = make_image (f, cases[i].name, cases[i].type, 64, 48);
      g_autoptr(OsImportInfo) info = check_ok (path, OS_IMPORT_DEFAULT_MAX_SIZE);

      g_assert_cmpstr (info->mime_type, ==, cases[i].mime);
      g_assert_cmpint (info->pages, ==, 1);
      g_assert_cmpint (info->width, ==, 64);
      g_assert_cmpint (info->height, ==, 48);
      g_assert_true (info->extension_matches);
    }
}

static void
test_multipage_tiff (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = make_multipage_tiff (f, "so-ho-khau.tif", 2);
  g_autoptr(OsImportInfo) info = check_ok (path, OS_IMPORT_DEFAULT_MAX_SIZE);

  g_assert_cmpstr (info->mime_type, ==, OS_IMPORT_MIME_TIFF);
  g_assert_cmpint (info->pages, ==, 2);
  g_assert_cmpint (info->width, ==, 8);
  g_assert_cmpint (info->height, ==, 8);
}

static void
test_judged_by_content (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *png = make_image (f, "really-a-png.pdf", "png", 20, 10);
  g_autofree char *no_extension = make_pdf (f, "scan", 1);
  g_autoptr(OsImportInfo) info = check_ok (png, 0);
  g_autoptr(OsImportInfo) pdf_info = check_ok (no_extension, 0);

  g_assert_cmpstr (info->mime_type, ==, OS_IMPORT_MIME_PNG);
  g_assert_cmpint (info->pages, ==, 1);
  g_assert_false (info->extension_matches);
  g_assert_cmpstr (pdf_info->mime_type, ==, OS_IMPORT_MIME_PDF);
  g_assert_false (pdf_info->extension_matches);
}

static void
test_corrupt_pdf_refused (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *pdf = make_pdf (f, "full.pdf", 3);
  g_autofree char *half = truncated_copy (f, pdf, "nửa tệp.pdf", 0.5);
  g_autofree char *garbage = write_file (f, "garbage.pdf", "%PDF-1.7 garbage", -1);

  check_refused (half, 0, OS_ERROR_INVALID_INPUT, "PDF");
  /* Cut anywhere, even just before its end, it is refused. */
  for (guint i = 1; i <= 9; i++)
    {
      g_autofree char *name = g_strdup_printf ("cut-%u.pdf", i);
      g_autofree char *cut = truncated_copy (f, pdf, name, i / 10.0 + 0.09);

      check_refused (cut, 0, OS_ERROR_INVALID_INPUT, "PDF");
    }
  /* Without its last line poppler still opens it; the missing end is found all the same. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *no_end = NULL;
    gsize length;

    gsize end;

    g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
    for (end = length - 5; end > 0 && memcmp (contents + end, "%%EOF", 5) != 0; end--)
      ;
    g_assert_cmpuint (length - end, <, 8);
    no_end = write_file (f, "no-end.pdf", contents, end);
    check_refused (no_end, 0, OS_ERROR_INVALID_INPUT, "thiếu phần cuối");
  }
  check_refused (garbage, 0, OS_ERROR_INVALID_INPUT, "PDF");
}

static void
test_wrong_type_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *text = write_file (f, "don-de-nghi.pdf",
                                      "Kính gửi: UBND phường Ba Đình\nTôi tên là …\n", -1);
  g_autofree char *gif = write_file (f, "anh.gif", "GIF89a\x01\0\x01\0\0\0\0;", 13);

  check_refused (text, 0, OS_ERROR_INVALID_INPUT, "PDF, JPEG, PNG");
  check_refused (gif, 0, OS_ERROR_INVALID_INPUT, NULL);
}

static void
test_corrupt_images_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *png = make_image (f, "full.png", "png", 200, 200);
  g_autofree char *cut_png = truncated_copy (f, png, "ảnh cắt.png", 0.5);
  g_autofree char *tiff = make_image (f, "full.tiff", "tiff", 200, 200);
  g_autofree char *cut_tiff = truncated_copy (f, tiff, "cut.tiff", 0.3);
  g_autofree char *header_only = write_file (f, "header.jpg", "\xff\xd8\xff\xe0", 4);
  g_autofree char *jpeg = make_image (f, "full.jpg", "jpeg", 300, 300);
  g_autofree char *cut_jpeg = truncated_copy (f, jpeg, "cut.jpg", 0.5);

  check_refused (cut_png, 0, OS_ERROR_INVALID_INPUT, "PNG");
  check_refused (cut_tiff, 0, OS_ERROR_INVALID_INPUT, "TIFF");
  check_refused (header_only, 0, OS_ERROR_INVALID_INPUT, "JPEG");
  check_refused (cut_jpeg, 0, OS_ERROR_INVALID_INPUT, "JPEG");
}

static void
test_empty_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *empty = write_file (f, "trống.pdf", "", 0);

  check_refused (empty, 0, OS_ERROR_INVALID_INPUT, "rỗng");
}

static void
test_too_large_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *png = make_image (f, "big.png", "png", 700, 700);   /* ~ 1.4 MB of noise */
  g_autoptr(OsImportInfo) info = check_ok (png, 0);
  GStatBuf st;

  g_assert_cmpint (g_stat (png, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 1024 * 1024);
  check_refused (png, 1024 * 1024, OS_ERROR_INVALID_INPUT, "tối đa 1 MB");
  /* Exactly at the limit is fine. */
  g_clear_pointer (&info, os_import_info_free);
  info = check_ok (png, st.st_size);
  g_assert_cmpstr (info->mime_type, ==, OS_IMPORT_MIME_PNG);
}

static void
test_huge_image_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *png = make_huge_png (f, "quét 1200dpi.png");

  check_refused (png, 0, OS_ERROR_INVALID_INPUT, "quá lớn");
}

static void
test_not_a_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.pdf", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder.pdf", NULL);

  check_refused (missing, 0, OS_ERROR_NOT_FOUND, NULL);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  check_refused (folder, 0, OS_ERROR_INVALID_INPUT, NULL);
}

static void
test_encrypted_pdf_refused (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  g_autofree char *plain = make_pdf (f, "plain.pdf", 2);
  g_autofree char *locked = g_build_filename (f->dir, "có mật khẩu.pdf", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (qpdf == NULL)
    {
      if (g_getenv ("CI") != NULL)
        g_test_fail_printf ("qpdf is not installed (apt-get install qpdf)");
      else
        g_test_skip ("qpdf is not installed (apt-get install qpdf)");
      return;
    }

  {
    const char *argv[] = { qpdf, "--encrypt", "u", "o", "256", "--", plain, locked, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                  NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  check_refused (locked, 0, OS_ERROR_INVALID_INPUT, "mật khẩu");
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *pdf = make_pdf (f, "async.pdf", 2);
  g_autofree char *text = write_file (f, "async.png", "not a picture", -1);
  g_autoptr(GFile) file = g_file_new_for_path (pdf);
  g_autoptr(GFile) bad = g_file_new_for_path (text);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(OsImportInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  os_import_check_file_async (file, OS_IMPORT_DEFAULT_MAX_SIZE, NULL, on_checked, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  info = os_import_check_file_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->mime_type, ==, OS_IMPORT_MIME_PDF);
  g_assert_cmpint (info->pages, ==, 2);

  g_clear_object (&result);
  os_import_check_file_async (bad, OS_IMPORT_DEFAULT_MAX_SIZE, NULL, on_checked, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (os_import_check_file_finish (result, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "async.png"));
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *pdf = make_pdf (f, "cancel.pdf", 1);
  g_autoptr(GFile) file = g_file_new_for_path (pdf);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_null (os_import_check_file (file, 0, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/import/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("pdf-accepted", test_pdf_accepted);
  ADD ("images-accepted", test_images_accepted);
  ADD ("multipage-tiff", test_multipage_tiff);
  ADD ("judged-by-content", test_judged_by_content);
  ADD ("corrupt-pdf-refused", test_corrupt_pdf_refused);
  ADD ("wrong-type-refused", test_wrong_type_refused);
  ADD ("corrupt-images-refused", test_corrupt_images_refused);
  ADD ("empty-refused", test_empty_refused);
  ADD ("too-large-refused", test_too_large_refused);
  ADD ("huge-image-refused", test_huge_image_refused);
  ADD ("not-a-file", test_not_a_file);
  ADD ("encrypted-pdf-refused", test_encrypted_pdf_refused);
  ADD ("async", test_async);
  ADD ("cancelled", test_cancelled);
#undef ADD

  return g_test_run ();
}
