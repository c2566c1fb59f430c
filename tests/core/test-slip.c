/* test-slip.c: the printed slips, checked through their PDF (pdftotext, pdfinfo), their
 * QR code (pdftoppm + zbarimg) and their ink extents on a cairo recording surface.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <cairo.h>

#include "os-error.h"
#include "os-slip.h"
#include "os-test-util.h"
#include "slip-test.h"

/* The tools that read back what was written. */
static const char * const tools[] = { "pdftotext", "pdfinfo", "pdftoppm", "zbarimg", NULL };
#define TOOLS_MISSING "poppler-utils or zbar-tools are not installed"

#define MM(x) ((x) * 72.0 / 25.4)

#define CODE "000.00.06.H56-231027-0361"
#define APPLICANT "Nguyễn Thị Ánh Tuyết"
#define RECEIVED "08 giờ 15 phút, ngày 27/10/2023"
#define DUE "16 giờ 30 phút, ngày 01/11/2023"
#define LABEL_1 "Liên 1: Lưu tại bộ phận một cửa"
#define LABEL_2 "Liên 2: Giao người nộp hồ sơ"
#define TITLE_RECEIPT "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
#define TITLE_SUPPLEMENT "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
#define TITLE_REFUSAL "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"

/* Fixtures */

static OsRecord *
make_record (void)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_code (record, CODE);
  os_record_set_procedure (record, "proc-1", "1.001193.000.00.00.H29", "Đăng ký khai sinh",
                           "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, APPLICANT);
  os_record_set_id_number (record, "001190012345");
  os_record_set_birth_date (record, "1990-05-17");
  os_record_set_phone (record, "0912 345 678");
  os_record_set_email (record, "anhtuyet@example.vn");
  os_record_set_address (record, "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội");
  os_record_set_sets (record, 1);
  os_record_set_delivery (record, OS_DELIVERY_DESK);
  os_record_set_officer (record, "Trần Văn Hùng");
  os_record_set_book_entry (record, 2023, 361);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh theo mẫu", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh do cơ sở y tế cấp", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng nhận kết hôn của cha mẹ", 0, 1, 1);
  os_record_set_received_at (record, slip_test_instant (2023, 10, 27, 8, 15));
  os_record_set_due_at (record, slip_test_instant (2023, 11, 1, 16, 30));
  os_record_set_reason (record,
                        "Thiếu bản sao Giấy chứng nhận kết hôn của cha mẹ\n"
                        "Tờ khai chưa ghi quê quán của người mẹ\n"
                        "Lý do: hồ sơ chưa đủ thành phần theo quy định của thủ tục");

  return record;
}

/* Tools */

static void
pdf_page_size (const char *path,
               double     *width,
               double     *height)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = os_test_run_tool (argv);
  const char *size = strstr (info, "\nPage size:");

  g_assert_nonnull (size);
  g_assert_cmpint (sscanf (size, "\nPage size: %lf x %lf", width, height), ==, 2);
}

static char *
decode_qr_file (const char *png)
{
  const char *argv[] = { "zbarimg", "--raw", "-q", png, NULL };

  return os_test_run_tool (argv);
}

/* The QR code of page @page (from 1), rasterized at 300 dpi by poppler. */
static char *
decode_qr_pdf (const char *path,
               int         page,
               const char *dir)
{
  g_autofree char *number = g_strdup_printf ("%d", page);
  g_autofree char *prefix = g_build_filename (dir, "qr-page", NULL);
  g_autofree char *png = g_strconcat (prefix, ".png", NULL);
  const char *argv[] = { "pdftoppm", "-png", "-r", "300", "-f", number, "-l", number,
                         "-singlefile", path, prefix, NULL };
  g_autofree char *ignored = os_test_run_tool (argv);
  char *decoded = decode_qr_file (png);

  g_unlink (png);
  return decoded;
}

#define assert_contains(haystack, needle) G_STMT_START { \
    if (strstr ((haystack), (needle)) == NULL) \
      g_error ("“%s” not found in:\n%s", (needle), (haystack)); \
  } G_STMT_END

#define assert_not_contains(haystack, needle) G_STMT_START { \
    if (strstr ((haystack), (needle)) != NULL) \
      g_error ("“%s” unexpectedly found in:\n%s", (needle), (haystack)); \
  } G_STMT_END

/* Every page's ink stays within the page inset by the given margins. */
static void
assert_ink_inside (OsSlip *slip,
                   double  top,
                   double  right,
                   double  bottom,
                   double  left)
{
  double width, height;

  os_slip_get_page_size (slip, &width, &height);

  for (int page = 0; page < os_slip_get_n_pages (slip); page++)
    {
      cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      cairo_t *cr = cairo_create (surface);
      double x, y, w, h;

      os_slip_draw_page (slip, cr, page);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_recording_surface_ink_extents (surface, &x, &y, &w, &h);
      cairo_surface_destroy (surface);

      g_test_message ("page %d ink %.1f,%.1f %.1f×%.1f of %.1f×%.1f", page, x, y, w, h,
                      width, height);
      g_assert_cmpfloat (w, >, 0);
      /* Ink extents come rounded out to whole units; borders stick out half a line. */
      g_assert_cmpfloat (x, >=, left - 2);
      g_assert_cmpfloat (y, >=, top - 2);
      g_assert_cmpfloat (x + w, <=, width - right + 2);
      g_assert_cmpfloat (y + h, <=, height - bottom + 2);
    }
}

static void
assert_ink_inside_a4 (OsSlip *slip)
{
  if (os_slip_get_n_pages (slip) == os_slip_get_n_copies (slip))
    /* The body area of an administrative document: 20 mm top and bottom, 30 mm left,
     * 15 mm right. */
    assert_ink_inside (slip, MM (20), MM (15), MM (20), MM (30));
  else
    /* The page numbers sit in the bottom margin. */
    assert_ink_inside (slip, MM (20), MM (15), MM (5), MM (30));
}

static void
assert_ink_inside_roll (OsSlip *slip)
{
  /* 72 mm printable on an 80 mm roll. */
  assert_ink_inside (slip, MM (3), MM (4), MM (3), MM (4));
}

/* Renders @page at @dpi into a PNG, on white. */
static void
render_png (OsSlip     *slip,
            int         page,
            double      dpi,
            const char *path)
{
  double width, height, scale = dpi / 72.0;
  cairo_surface_t *surface;
  cairo_t *cr;

  os_slip_get_page_size (slip, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (width * scale),
                                        (int) ceil (height * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  os_slip_draw_page (slip, cr, page);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

static char *
build_path (const char *name)
{
  const char *dir = g_getenv ("BUILD_DIR");

  return g_build_filename (dir != NULL ? dir : ".", name, NULL);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (handle);
  while (g_dir_read_name (handle) != NULL)
    n++;

  return n;
}

static char *
export (OsSlip     *slip,
        const char *dir,
        const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (os_slip_export_pdf (slip, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  return path;
}

/* Tests */

static void
assert_applicant_and_request (const char *text)
{
  assert_contains (text, CODE);
  assert_contains (text, APPLICANT);
  assert_contains (text, "Đăng ký khai sinh");
  assert_contains (text, "Số 12 ngõ 34 phố Đội Cấn");
  assert_contains (text, "0912 345 678");
  assert_contains (text, "anhtuyet@example.vn");
  assert_contains (text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  assert_contains (text, "Độc lập - Tự do - Hạnh phúc");
  assert_contains (text, "UBND PHƯỜNG BA ĐÌNH");
  assert_contains (text, "Hà Nội, ngày 27 tháng 10 năm 2023");
}

static void
assert_receipt_details (const char *text)
{
  assert_applicant_and_request (text);
  assert_contains (text, TITLE_RECEIPT);
  /* The start of each name: on the roll the rest wraps inside its cell. */
  assert_contains (text, "Tờ khai đăng ký khai sinh");
  assert_contains (text, "Giấy chứng sinh do cơ sở");
  assert_contains (text, "Giấy chứng nhận kết hôn của");
  assert_contains (text, "Tên giấy tờ");
  assert_contains (text, "3 ngày làm việc");
  assert_contains (text, RECEIVED);
  assert_contains (text, DUE);
  assert_contains (text, "Nhận kết quả tại: Bộ phận Một cửa – UBND Phường Ba Đình");
  assert_contains (text, "Quyển số: 2023, Số thứ tự: 361");
  assert_contains (text, "NGƯỜI NỘP HỒ SƠ");
  assert_contains (text, "NGƯỜI TIẾP NHẬN HỒ SƠ");
  assert_contains (text, "Trần Văn Hùng");
}

static void
test_receipt_a4 (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *page1 = NULL;
  g_autofree char *page2 = NULL;
  g_autofree char *png = build_path ("slip-receipt-a4.png");
  g_autofree char *qr1 = NULL;
  g_autofree char *qr2 = NULL;
  g_autofree char *qr_png = NULL;
  double width, height;

  g_assert_cmpint (os_slip_get_n_copies (slip), ==, 2);
  g_assert_cmpint (os_slip_get_n_pages (slip), ==, 2);
  os_slip_get_page_size (slip, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.28, 0.01);
  g_assert_cmpfloat_with_epsilon (height, 841.89, 0.01);
  g_assert_cmpstr (os_slip_get_title (slip), ==, TITLE_RECEIPT);
  assert_ink_inside_a4 (slip);

  render_png (slip, 0, 150, png);
  g_test_message ("rendered %s", png);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  /* The QR code as drawn straight on an image surface decodes too. */
  qr_png = decode_qr_file (png);
  g_assert_cmpstr (qr_png, ==, CODE "\n");

  path = export (slip, dir, "receipt.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, 2);
  pdf_page_size (path, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 595.28, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 841.89, 0.5);

  /* Two copies, the same but for the label. */
  page1 = slip_test_pdf_text (path, 1, TRUE);
  page2 = slip_test_pdf_text (path, 2, TRUE);
  assert_receipt_details (page1);
  assert_receipt_details (page2);
  assert_contains (page1, LABEL_1);
  assert_not_contains (page1, "Liên 2");
  assert_contains (page2, LABEL_2);
  assert_not_contains (page2, "Liên 1");
  assert_not_contains (page1, "Trang 1/");

  /* The QR code holds exactly the record code. */
  qr1 = decode_qr_pdf (path, 1, dir);
  g_assert_cmpstr (qr1, ==, CODE "\n");
  qr2 = decode_qr_pdf (path, 2, dir);
  g_assert_cmpstr (qr2, ==, CODE "\n");

out:
  os_test_remove_tree (dir);
}

static void
test_receipt_roll (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = NULL;
  g_autoptr(OsSlip) post = NULL;
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *post_path = NULL;
  g_autofree char *post_text = NULL;
  g_autofree char *png = build_path ("slip-receipt-roll.png");
  g_autofree char *qr = NULL;
  double width, height, pdf_width, pdf_height;

  slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);
  g_assert_cmpint (os_slip_get_n_copies (slip), ==, 1);
  g_assert_cmpint (os_slip_get_n_pages (slip), ==, 1);
  os_slip_get_page_size (slip, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, 226.77, 0.01);
  g_assert_cmpfloat (height, >, MM (120));
  g_assert_cmpfloat (height, <, MM (400));
  assert_ink_inside_roll (slip);
  render_png (slip, 0, 203, png);
  g_test_message ("rendered %s", png);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  path = export (slip, dir, "receipt-roll.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, 1);
  pdf_page_size (path, &pdf_width, &pdf_height);
  g_assert_cmpfloat_with_epsilon (pdf_width, width, 0.5);
  g_assert_cmpfloat_with_epsilon (pdf_height, height, 0.5);

  text = slip_test_pdf_text (path, 0, TRUE);
  assert_receipt_details (text);
  assert_not_contains (text, "Liên 1");
  assert_not_contains (text, "Liên 2");
  qr = decode_qr_pdf (path, 1, dir);
  g_assert_cmpstr (qr, ==, CODE "\n");

  /* Results by post. */
  os_record_set_delivery (record, OS_DELIVERY_POST);
  post = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);
  post_path = export (post, dir, "receipt-post.pdf");
  post_text = slip_test_pdf_text (post_path, 0, TRUE);
  assert_contains (post_text, "Nhận kết quả tại: Qua dịch vụ bưu chính");

out:
  os_test_remove_tree (dir);
}

static void
check_notice (OsSlipKind     kind,
              OsPaperFormat  format,
              const char    *png_name)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (kind, format, record, agency);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *png = build_path (png_name);
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *qr = NULL;
  const char *title = kind == OS_SLIP_SUPPLEMENT ? TITLE_SUPPLEMENT : TITLE_REFUSAL;

  g_assert_cmpint (os_slip_get_n_copies (slip), ==, 1);
  g_assert_cmpint (os_slip_get_n_pages (slip), ==, 1);
  g_assert_cmpstr (os_slip_get_title (slip), ==, title);
  if (format == OS_PAPER_A4)
    assert_ink_inside_a4 (slip);
  else
    assert_ink_inside_roll (slip);
  render_png (slip, 0, format == OS_PAPER_A4 ? 150 : 203, png);
  g_test_message ("rendered %s", png);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  path = export (slip, dir, "notice.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, 1);
  text = slip_test_pdf_text (path, 0, TRUE);
  assert_applicant_and_request (text);
  assert_contains (text, title);
  assert_contains (text, "Thiếu bản sao Giấy chứng nhận kết hôn của cha mẹ");
  assert_contains (text, "Tờ khai chưa ghi quê quán của người mẹ");
  assert_contains (text, "Trần Văn Hùng");
  assert_contains (text, "(Ký và ghi rõ họ tên)");
  assert_contains (text, RECEIVED);
  assert_not_contains (text, "Liên 1");
  assert_not_contains (text, "Liên 2");
  assert_not_contains (text, TITLE_RECEIPT);

  if (kind == OS_SLIP_SUPPLEMENT)
    {
      /* The "Lý do" line of the reason is the why, the others what to add. */
      assert_contains (text, "1. Thiếu bản sao Giấy chứng nhận kết hôn");
      assert_contains (text, "2. Tờ khai chưa ghi quê quán");
      assert_contains (text, "Lý do: hồ sơ chưa đủ thành phần theo quy định của thủ tục");
      assert_contains (text, "Cổng Dịch vụ công quốc gia");
      assert_contains (text, "liên hệ với Trần Văn Hùng");
      assert_contains (text, "NGƯỜI HƯỚNG DẪN");
    }
  else
    {
      assert_contains (text, "từ chối tiếp nhận, giải quyết hồ sơ này");
      assert_contains (text, "3. Lý do: hồ sơ chưa đủ thành phần");
      assert_contains (text, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    }

  qr = decode_qr_pdf (path, 1, dir);
  g_assert_cmpstr (qr, ==, CODE "\n");

out:
  os_test_remove_tree (dir);
}

static void
test_supplement_a4 (void)
{
  check_notice (OS_SLIP_SUPPLEMENT, OS_PAPER_A4, "slip-supplement-a4.png");
}

static void
test_supplement_roll (void)
{
  check_notice (OS_SLIP_SUPPLEMENT, OS_PAPER_ROLL_80MM, "slip-supplement-roll.png");
}

static void
test_refusal_a4 (void)
{
  check_notice (OS_SLIP_REFUSAL, OS_PAPER_A4, "slip-refusal-a4.png");
}

static void
test_refusal_roll (void)
{
  check_notice (OS_SLIP_REFUSAL, OS_PAPER_ROLL_80MM, "slip-refusal-roll.png");
}

/* 30 documents with long names, one of them absurdly long: on A4 each copy spans
 * several pages, the table goes on under repeated headings, and nothing leaves the page. */
static void
add_many_documents (OsRecord *record,
                    gboolean  absurd)
{
  os_record_clear_documents (record);
  for (int i = 1; i <= 30; i++)
    {
      g_autofree char *name = NULL;

      if (i == 17 && absurd)
        {
          g_autoptr(GString) huge = g_string_new ("GT17 Bản kê khai");
          for (int j = 0; j < 200; j++)
            g_string_append (huge, " chi tiết tài sản, thu nhập và các khoản nghĩa vụ tài chính");
          name = g_strdup (huge->str);
        }
      else
        name = g_strdup_printf ("GT%02d Bản sao có chứng thực giấy tờ chứng minh nơi cư trú "
                                "hợp pháp của người yêu cầu, kèm theo văn bản ủy quyền có "
                                "công chứng hoặc chứng thực theo quy định của pháp luật", i);
      os_record_add_document (record, name, i % 2, i % 3, 1);
    }
}

static void
test_receipt_many_documents (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = NULL;
  g_autoptr(OsSlip) roll = NULL;
  g_autoptr(OsSlip) short_roll = NULL;
  g_autoptr(OsRecord) ordinary = make_record ();
  g_autoptr(OsSlip) ordinary_slip = NULL;
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *all = NULL;
  g_autofree char *roll_path = NULL;
  g_autofree char *roll_text = NULL;
  g_autofree char *png = build_path ("slip-receipt-a4-long-page2.png");
  double roll_height, short_height;
  int n_pages, per_copy;

  short_roll = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);
  add_many_documents (record, TRUE);
  slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  roll = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);

  n_pages = os_slip_get_n_pages (slip);
  per_copy = n_pages / 2;
  g_assert_cmpint (os_slip_get_n_copies (slip), ==, 2);
  g_assert_cmpint (n_pages % 2, ==, 0);
  g_assert_cmpint (per_copy, >=, 2);
  /* The absurd name is ellipsized after a few lines, so it costs at most a page more
   * than an ordinary one; in full it would take five more. (pdftotext cannot tell: the
   * PDF maps the ellipsis back to all the text it stands for.) */
  add_many_documents (ordinary, FALSE);
  ordinary_slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, ordinary, agency);
  g_assert_cmpint (per_copy, <=, os_slip_get_n_pages (ordinary_slip) / 2 + 1);
  assert_ink_inside_a4 (slip);
  render_png (slip, 1, 150, png);
  g_test_message ("rendered %s", png);

  g_assert_cmpint (os_slip_get_n_pages (roll), ==, 1);
  os_slip_get_page_size (roll, NULL, &roll_height);
  os_slip_get_page_size (short_roll, NULL, &short_height);
  g_assert_cmpfloat (roll_height, >, short_height + MM (300));
  assert_ink_inside_roll (roll);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  path = export (slip, dir, "long.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, n_pages);

  for (int page = 1; page <= n_pages; page++)
    {
      g_autofree char *text = slip_test_pdf_text (path, page, TRUE);
      gboolean first_copy = page <= per_copy;
      int in_copy = first_copy ? page : page - per_copy;
      g_autofree char *numbering = g_strdup_printf ("Trang %d/%d", in_copy, per_copy);

      assert_contains (text, first_copy ? LABEL_1 : LABEL_2);
      assert_not_contains (text, first_copy ? "Liên 2" : "Liên 1");
      assert_contains (text, numbering);
      assert_contains (text, CODE);
      /* Every page of the table has its headings. */
      if (in_copy < per_copy)
        assert_contains (text, "Tên giấy tờ");
      if (in_copy == 1)
        assert_contains (text, TITLE_RECEIPT);
      else
        assert_contains (text, "(tiếp theo)");
      /* The signatures close each copy. */
      if (in_copy == per_copy)
        {
          assert_contains (text, "NGƯỜI TIẾP NHẬN HỒ SƠ");
          assert_contains (text, DUE);
        }
      else
        assert_not_contains (text, "NGƯỜI TIẾP NHẬN HỒ SƠ");
    }

  /* Every document once in each copy; the absurd one is cut short. */
  all = slip_test_pdf_text (path, 0, TRUE);
  for (int i = 1; i <= 30; i++)
    {
      g_autofree char *marker = g_strdup_printf ("GT%02d ", i);

      g_assert_cmpuint (slip_test_count (all, marker), ==, 2);
    }

  roll_path = export (roll, dir, "long-roll.pdf");
  roll_text = slip_test_pdf_text (roll_path, 0, TRUE);
  for (int i = 1; i <= 30; i++)
    {
      g_autofree char *marker = g_strdup_printf ("GT%02d ", i);

      g_assert_cmpuint (slip_test_count (roll_text, marker), ==, 1);
    }
  assert_contains (roll_text, DUE);

out:
  os_test_remove_tree (dir);
}

static void
test_refusal_long_reason (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = NULL;
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *last = NULL;
  int n_pages;

  for (int i = 1; i <= 60; i++)
    g_string_append_printf (reason, "Điểm %d: giấy tờ kèm theo không đúng với thành phần hồ sơ "
                            "được công bố tại quyết định công bố thủ tục hành chính\n", i);
  os_record_set_reason (record, reason->str);
  slip = os_slip_new (OS_SLIP_REFUSAL, OS_PAPER_A4, record, agency);
  n_pages = os_slip_get_n_pages (slip);
  g_assert_cmpint (os_slip_get_n_copies (slip), ==, 1);
  g_assert_cmpint (n_pages, >=, 2);
  assert_ink_inside_a4 (slip);

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  path = export (slip, dir, "refusal.pdf");
  g_assert_cmpint (slip_test_pdf_pages (path), ==, n_pages);
  last = slip_test_pdf_text (path, n_pages, TRUE);
  assert_contains (last, "60. Điểm 60:");
  assert_contains (last, "NGƯỜI TIẾP NHẬN HỒ SƠ");
  assert_contains (last, "(tiếp theo)");

out:
  os_test_remove_tree (dir);
}

static void
test_export_missing_dir (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *missing = g_build_filename (dir, "không-có", NULL);
  g_autofree char *path = g_build_filename (missing, "receipt.pdf", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (os_slip_export_pdf (slip, path, &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "Không thể"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (dir), ==, 0);

  os_test_remove_tree (dir);
}

/* Overwriting goes through a temporary file: the old PDF is replaced whole and no
 * temporary file is left behind. */
static void
test_export_replaces (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_REFUSAL, OS_PAPER_ROLL_80MM, record, agency);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "phiếu.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_set_contents (path, "old", -1, &error));
  g_assert_no_error (error);
  g_assert_true (os_slip_export_pdf (slip, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_cmpuint (count_entries (dir), ==, 1);

  os_test_remove_tree (dir);
}

/* The slip is copied from the record: a change after os_slip_new() does not show. */
static void
test_snapshot (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);
  g_autofree char *dir = os_test_make_dir ("test-slip-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  os_record_set_applicant_name (record, "Người Khác");
  os_record_set_due_at (record, slip_test_instant (2024, 1, 2, 9, 0));

  if (!os_test_have_tools (tools, TOOLS_MISSING))
    goto out;

  path = export (slip, dir, "receipt.pdf");
  text = slip_test_pdf_text (path, 0, TRUE);
  assert_contains (text, APPLICANT);
  assert_contains (text, DUE);
  assert_not_contains (text, "Người Khác");

out:
  os_test_remove_tree (dir);
}

/* A record with nothing filled in still prints, with dotted lines to write on. */
static void
test_empty_record (void)
{
  g_autoptr(OsRecord) record = os_record_new ();
  g_autoptr(OsAgency) agency = os_agency_new ("", "", "", "", "");

  for (OsSlipKind kind = OS_SLIP_RECEIPT; kind <= OS_SLIP_REFUSAL; kind++)
    {
      g_autoptr(OsSlip) a4 = os_slip_new (kind, OS_PAPER_A4, record, agency);
      g_autoptr(OsSlip) roll = os_slip_new (kind, OS_PAPER_ROLL_80MM, record, agency);

      g_assert_cmpint (os_slip_get_n_pages (a4), ==, os_slip_get_n_copies (a4));
      g_assert_cmpint (os_slip_get_n_pages (roll), ==, 1);
      assert_ink_inside_a4 (a4);
      assert_ink_inside_roll (roll);
    }
}

/* The preview draws scaled down; the page is the same drawing. */
static void
test_draw_scaled (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = slip_test_agency ();
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_SUPPLEMENT, OS_PAPER_A4, record, agency);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 298, 421);
  cairo_t *cr = cairo_create (surface);
  const unsigned char *data;
  int stride, inked = 0;

  cairo_scale (cr, 0.5, 0.5);
  os_slip_draw_page (slip, cr, 0);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < 421; y++)
    for (int x = 0; x < 298; x++)
      if (data[y * stride + 4 * x + 3] > 128)
        inked++;
  g_assert_cmpint (inked, >, 2000);

  cairo_surface_destroy (surface);
}

int
main (int    argc,
      char **argv)
{
  /* Slips print Vietnamese time whatever the machine's zone: every time checked here is
   * Asia/Ho_Chi_Minh while the process runs in UTC. Set before any thread starts. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slip/receipt/a4", test_receipt_a4);
  g_test_add_func ("/slip/receipt/roll", test_receipt_roll);
  g_test_add_func ("/slip/receipt/many-documents", test_receipt_many_documents);
  g_test_add_func ("/slip/supplement/a4", test_supplement_a4);
  g_test_add_func ("/slip/supplement/roll", test_supplement_roll);
  g_test_add_func ("/slip/refusal/a4", test_refusal_a4);
  g_test_add_func ("/slip/refusal/roll", test_refusal_roll);
  g_test_add_func ("/slip/refusal/long-reason", test_refusal_long_reason);
  g_test_add_func ("/slip/export/missing-dir", test_export_missing_dir);
  g_test_add_func ("/slip/export/replaces", test_export_replaces);
  g_test_add_func ("/slip/snapshot", test_snapshot);
  g_test_add_func ("/slip/empty-record", test_empty_record);
  g_test_add_func ("/slip/draw-scaled", test_draw_scaled);

  return g_test_run ();
}
