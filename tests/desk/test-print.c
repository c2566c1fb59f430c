/* test-print.c: a receipt printed straight to a (private) CUPS printer, no dialog.
 *
 * Run by run-cups-test.sh, which starts CUPS with a PostScript printer that writes to a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "os-error.h"
#include "os-slip-printer.h"
#include "os-test-util.h"

static char *printer_name;
static char *output_path;
static char *work_dir;

static OsRecord *
make_record (void)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_code (record, "000.00.11.H26-261123-0042");
  os_record_set_procedure (record, "dang-ky-thuong-tru", "1.004222", "Đăng ký thường trú", "Đăng ký, quản lý cư trú");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, "Phạm Thị Hồng Nhung");
  os_record_set_address (record, "Số 5 ngõ 12 phố Trần Thái Tông, Phường Cầu Giấy, Thành phố Hà Nội");
  os_record_set_received_at (record, 1795420800);
  os_record_set_due_at (record, 1795420800 + 3 * 86400);
  os_record_set_officer (record, "Lê Thu Hà");
  os_record_add_document (record, "Tờ khai thay đổi thông tin cư trú", 1, 0, 0);
  return record;
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->ok = os_slip_printer_print_finish (OS_SLIP_PRINTER (source), result, &r->error);
  r->done = TRUE;
}

static void
print_and_wait (const char *name,
                OsSlip     *slip,
                Result     *r)
{
  g_autoptr(OsSlipPrinter) printer = os_slip_printer_new (name);

  os_slip_printer_print_async (printer, slip, "test", NULL, on_printed, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}


/* CUPS writes the file after the job is accepted: wait until it stops growing. */
static void
wait_for_output (void)
{
  goffset last = -1;

  for (int i = 0; i < 300; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (output_path);
      g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
      goffset size = info ? g_file_info_get_size (info) : -1;

      if (size > 0 && size == last)
        {
          g_autofree char *jobs = NULL;
          const char *argv[] = { "lpstat", "-o", NULL };

          jobs = os_test_run_tool (argv);
          if (*jobs == '\0')
            return;
        }
      last = size;
      g_usleep (100 * 1000);
    }
  g_assert_not_reached ();
}

static void
test_print_receipt (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = os_agency_new ("000.00.11.H26", "UBND Phường Cầu Giấy",
                                              "UBND Thành phố Hà Nội", "Hà Nội", "Bộ phận Một cửa");
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_A4, record, agency);
  g_autofree char *pdf = g_build_filename (work_dir, "printed.pdf", NULL);
  g_autofree char *png_prefix = g_build_filename (work_dir, "printed", NULL);
  g_autofree char *png = g_strconcat (png_prefix, "-1.png", NULL);
  g_autofree char *qr = NULL;
  Result r = { 0 };

  print_and_wait (printer_name, slip, &r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  wait_for_output ();

  /* The printer got PostScript; read it back as a person would see the paper. */
  {
    const char *ps2pdf[] = { "ps2pdf", output_path, pdf, NULL };
    const char *pdftoppm[] = { "pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", pdf, png_prefix, NULL };
    const char *zbarimg[] = { "zbarimg", "--raw", "-q", png, NULL };
    const char *pdfinfo[] = { "pdfinfo", pdf, NULL };
    g_autofree char *info = NULL;

    g_free (os_test_run_tool (ps2pdf));
    info = os_test_run_tool (pdfinfo);
    g_assert_nonnull (strstr (info, "Pages:           2"));
    g_free (os_test_run_tool (pdftoppm));
    if (!g_file_test (png, G_FILE_TEST_EXISTS))
      {
        g_free (png);
        png = g_strconcat (png_prefix, "-01.png", NULL);
        zbarimg[3] = png;
      }
    qr = os_test_run_tool (zbarimg);
  }

  /* The fonts pass through CUPS's filters as glyphs without a text mapping, so the words
   * are not readable back from the paper; the QR code and the page count are. */
  g_strstrip (qr);
  g_assert_cmpstr (qr, ==, "000.00.11.H26-261123-0042");
}

static void
test_unknown_printer (void)
{
  g_autoptr(OsRecord) record = make_record ();
  g_autoptr(OsAgency) agency = os_agency_new ("000.00.11.H26", "UBND Phường Cầu Giấy", "", "Hà Nội", "");
  g_autoptr(OsSlip) slip = os_slip_new (OS_SLIP_RECEIPT, OS_PAPER_ROLL_80MM, record, agency);
  Result r = { 0 };

  print_and_wait ("no-such-printer", slip, &r);
  g_assert_false (r.ok);
  g_assert_error (r.error, OS_ERROR, OS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (r.error->message, "no-such-printer"));
  g_clear_error (&r.error);
}

/* GTK's CUPS backend asks colord for colour profiles; there is no colord here. */
static gboolean
ignore_colord (const char     *log_domain,
               GLogLevelFlags  log_level,
               const char     *message,
               gpointer        user_data)
{
  return strstr (message, "colord") == NULL;
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "printer", 0, 0, G_OPTION_ARG_STRING, &printer_name, NULL, NULL },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output_path, NULL, NULL },
    { "work-dir", 0, 0, G_OPTION_ARG_FILENAME, &work_dir, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  /* Warnings stay visible but not fatal: GTK's CUPS backend warns that there is no colord. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_log_set_fatal_handler (ignore_colord, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_ignore_unknown_options (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, NULL) ||
      printer_name == NULL || output_path == NULL || work_dir == NULL)
    {
      g_printerr ("usage: test-print --printer=NAME --output=FILE --work-dir=DIR\n");
      return 2;
    }

  g_test_add_func ("/print/cups/receipt", test_print_receipt);
  g_test_add_func ("/print/cups/unknown-printer", test_unknown_printer);

  return g_test_run ();
}
