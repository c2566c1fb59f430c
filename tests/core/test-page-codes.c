/* test-page-codes.c: QR codes found on scanned pages (zbar) and what they are.
 *
 * The codes are made with libqrencode and drawn on a page the size of a scan, with sensor
 * noise, sometimes turned a quarter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <qrencode.h>

#include "os-cccd.h"
#include "os-page-codes.h"

#define CODE "000.00.06.H56-231027-0361"
#define CCCD_LINE "001190012345|123456789|Nguyễn Thị Ánh Tuyết|17051990|Nữ|" \
                  "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội|27102021"

/* A white page of @width × @height pixels with ±@noise levels of noise. */
static GdkPixbuf *
make_page (int width,
           int height,
           int noise)
{
  GdkPixbuf *page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint8 *pixels = gdk_pixbuf_get_pixels (page);
  int stride = gdk_pixbuf_get_rowstride (page);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        int v = 240 + (noise > 0 ? g_rand_int_range (rand, -noise, noise + 1) : 0);

        p[0] = p[1] = p[2] = (guint8) CLAMP (v, 0, 255);
      }
  return page;
}

/* Draws the QR code of @data (@length bytes) with modules of @module pixels at (@x, @y). */
static void
draw_qr (GdkPixbuf  *page,
         const char *data,
         int         length,
         int         x,
         int         y,
         int         module)
{
  QRcode *qr = QRcode_encodeData (length, (const unsigned char *) data, 0, QR_ECLEVEL_M);
  guint8 *pixels = gdk_pixbuf_get_pixels (page);
  int stride = gdk_pixbuf_get_rowstride (page);
  int n_channels = gdk_pixbuf_get_n_channels (page);

  g_assert_nonnull (qr);
  g_assert_cmpint (x + qr->width * module, <=, gdk_pixbuf_get_width (page));
  g_assert_cmpint (y + qr->width * module, <=, gdk_pixbuf_get_height (page));
  for (int my = 0; my < qr->width; my++)
    for (int mx = 0; mx < qr->width; mx++)
      if (qr->data[my * qr->width + mx] & 1)
        for (int dy = 0; dy < module; dy++)
          for (int dx = 0; dx < module; dx++)
            {
              guint8 *p = pixels + (gsize) (y + my * module + dy) * stride
                          + (gsize) (x + mx * module + dx) * n_channels;

              p[0] = p[1] = p[2] = 30;
            }
  QRcode_free (qr);
}

static GPtrArray *
find_ok (GdkPixbuf *page)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *codes = os_page_codes_find (page, &error);

  g_assert_no_error (error);
  g_assert_nonnull (codes);
  return codes;
}

/* A receipt's QR code on an A4 page scanned at 150 dpi. */
static void
test_record_code (void)
{
  g_autoptr(GdkPixbuf) page = make_page (1240, 1754, 6);
  g_autoptr(GPtrArray) codes = NULL;
  OsPageCode *code;
  OsPageCodeKind kind = OS_PAGE_CODE_OTHER;

  draw_qr (page, CODE, strlen (CODE), 900, 200, 5);
  codes = find_ok (page);
  g_assert_cmpuint (codes->len, ==, 1);
  code = g_ptr_array_index (codes, 0);
  g_assert_cmpstr (code->type, ==, "QR-Code");
  g_assert_cmpstr (code->data, ==, CODE);
  g_assert_true (os_page_codes_classify (code->data, &kind));
  g_assert_cmpint (kind, ==, OS_PAGE_CODE_RECORD);

  /* The bounds cover the drawn code (a 25-module code of 5 pixels at 900, 200). */
  g_assert_cmpint (code->bounds.x, >=, 890);
  g_assert_cmpint (code->bounds.x, <=, 910);
  g_assert_cmpint (code->bounds.y, >=, 190);
  g_assert_cmpint (code->bounds.y, <=, 210);
  g_assert_cmpint (code->bounds.width, >, 100);
  g_assert_cmpint (code->bounds.height, >, 100);

  /* Boxed copy. */
  {
    g_autoptr(OsPageCode) copy = os_page_code_copy (code);

    g_assert_cmpstr (copy->data, ==, CODE);
    g_assert_cmpint (copy->bounds.width, ==, code->bounds.width);
    g_assert_true (G_TYPE_IS_BOXED (OS_TYPE_PAGE_CODE));
  }
}

/* A CCCD card photocopied on a page at 300 dpi and scanned sideways: its UTF-8 QR line comes
 * back with the diacritics, and parses. */
static void
test_citizen_card (void)
{
  g_autoptr(GdkPixbuf) page = make_page (1654, 2339, 8);
  g_autoptr(GdkPixbuf) turned = NULL;
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(OsCitizenCard) card = NULL;
  g_autoptr(GError) error = NULL;
  OsPageCode *code;
  OsPageCodeKind kind = OS_PAGE_CODE_OTHER;

  draw_qr (page, CCCD_LINE, strlen (CCCD_LINE), 300, 400, 6);
  turned = gdk_pixbuf_rotate_simple (page, GDK_PIXBUF_ROTATE_CLOCKWISE);

  codes = find_ok (turned);
  g_assert_cmpuint (codes->len, ==, 1);
  code = g_ptr_array_index (codes, 0);
  g_assert_cmpstr (code->type, ==, "QR-Code");
  g_assert_cmpstr (code->data, ==, CCCD_LINE);
  g_assert_true (g_utf8_validate (code->data, -1, NULL));
  g_assert_true (os_page_codes_classify (code->data, &kind));
  g_assert_cmpint (kind, ==, OS_PAGE_CODE_CITIZEN_CARD);

  card = os_citizen_card_parse (code->data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (card->full_name, ==, "Nguyễn Thị Ánh Tuyết");
  g_assert_cmpstr (card->sex, ==, "Nữ");
}

/* Two codes on one page; a code in ISO-8859-1 bytes comes back as UTF-8. */
static void
test_several (void)
{
  g_autoptr(GdkPixbuf) page = make_page (1240, 1754, 4);
  g_autoptr(GPtrArray) codes = NULL;
  const char latin1[] = "Caf\xe9 cr\xe8me";
  gboolean seen_code = FALSE, seen_latin1 = FALSE;

  draw_qr (page, CODE, strlen (CODE), 100, 100, 5);
  draw_qr (page, latin1, strlen (latin1), 100, 1000, 5);
  codes = find_ok (page);
  g_assert_cmpuint (codes->len, ==, 2);
  for (guint i = 0; i < codes->len; i++)
    {
      OsPageCode *code = g_ptr_array_index (codes, i);

      g_assert_true (g_utf8_validate (code->data, -1, NULL));
      if (g_str_equal (code->data, CODE))
        seen_code = TRUE;
      else if (g_str_equal (code->data, "Café crème"))
        seen_latin1 = TRUE;
      else
        g_error ("unexpected code “%s”", code->data);
    }
  g_assert_true (seen_code);
  g_assert_true (seen_latin1);
  {
    OsPageCodeKind kind = OS_PAGE_CODE_RECORD;

    g_assert_false (os_page_codes_classify ("Café crème", &kind));
    g_assert_cmpint (kind, ==, OS_PAGE_CODE_OTHER);
  }
}

/* A code scanned at 600 dpi with large modules on a large page. */
static void
test_large_page (void)
{
  g_autoptr(GdkPixbuf) page = make_page (4960, 7016, 3);
  g_autoptr(GPtrArray) codes = NULL;

  draw_qr (page, CODE, strlen (CODE), 3000, 500, 14);
  codes = find_ok (page);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (((OsPageCode *) g_ptr_array_index (codes, 0))->data, ==, CODE);
}

static void
test_no_code (void)
{
  g_autoptr(GdkPixbuf) noisy = make_page (1240, 1754, 20);
  g_autoptr(GdkPixbuf) blank = make_page (4960, 7016, 0);
  g_autoptr(GdkPixbuf) tiny = make_page (3, 2, 0);
  g_autoptr(GdkPixbuf) alpha = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 300, 300);
  g_autoptr(GPtrArray) codes = NULL;

  codes = find_ok (noisy);
  g_assert_cmpuint (codes->len, ==, 0);
  g_clear_pointer (&codes, g_ptr_array_unref);

  codes = find_ok (blank);
  g_assert_cmpuint (codes->len, ==, 0);
  g_clear_pointer (&codes, g_ptr_array_unref);

  codes = find_ok (tiny);
  g_assert_cmpuint (codes->len, ==, 0);
  g_clear_pointer (&codes, g_ptr_array_unref);

  gdk_pixbuf_fill (alpha, 0x00000000);
  codes = find_ok (alpha);
  g_assert_cmpuint (codes->len, ==, 0);
}

/* A code on a transparent page (alpha flattened on white) is found. */
static void
test_alpha (void)
{
  g_autoptr(GdkPixbuf) page = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 400, 400);
  g_autoptr(GPtrArray) codes = NULL;
  guint8 *pixels;
  int stride;

  gdk_pixbuf_fill (page, 0x00000000);
  draw_qr (page, CODE, strlen (CODE), 50, 50, 6);
  pixels = gdk_pixbuf_get_pixels (page);
  stride = gdk_pixbuf_get_rowstride (page);
  for (int y = 0; y < 400; y++)
    for (int x = 0; x < 400; x++)
      if (pixels[y * stride + x * 4] == 30)
        pixels[y * stride + x * 4 + 3] = 255;
  codes = find_ok (page);
  g_assert_cmpuint (codes->len, ==, 1);
  g_assert_cmpstr (((OsPageCode *) g_ptr_array_index (codes, 0))->data, ==, CODE);
}

static void
test_classify (void)
{
  OsPageCodeKind kind = OS_PAGE_CODE_OTHER;

  g_assert_true (os_page_codes_classify (" " CODE "\n", &kind));
  g_assert_cmpint (kind, ==, OS_PAGE_CODE_RECORD);
  g_assert_true (os_page_codes_classify (CCCD_LINE, &kind));
  g_assert_cmpint (kind, ==, OS_PAGE_CODE_CITIZEN_CARD);
  g_assert_true (os_page_codes_classify (CCCD_LINE, NULL));
  g_assert_false (os_page_codes_classify ("", &kind));
  g_assert_cmpint (kind, ==, OS_PAGE_CODE_OTHER);
  g_assert_false (os_page_codes_classify ("8934567890123", &kind));
  g_assert_false (os_page_codes_classify ("000.00.06.H56-231027", &kind));
  g_assert_false (os_page_codes_classify ("https://dichvucong.gov.vn", &kind));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/page-codes/record-code", test_record_code);
  g_test_add_func ("/page-codes/citizen-card", test_citizen_card);
  g_test_add_func ("/page-codes/several", test_several);
  g_test_add_func ("/page-codes/large-page", test_large_page);
  g_test_add_func ("/page-codes/no-code", test_no_code);
  g_test_add_func ("/page-codes/alpha", test_alpha);
  g_test_add_func ("/page-codes/classify", test_classify);

  return g_test_run ();
}
