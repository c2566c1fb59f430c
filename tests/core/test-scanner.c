/* test-scanner.c: OsScanner against SANE's real "test" backend (no hardware, no mocks).
 *
 * main() writes a SANE configuration that loads only the test backend and points
 * SANE_CONFIG_DIR at it before the first sane_init. The backend offers test:0 and test:1,
 * 80 × 100 mm pages, a feeder that holds 10 pages, and forced sane_read statuses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "os-error.h"
#include "os-scanner.h"

/* The test backend's default scan area, in millimetres. */
#define PAGE_WIDTH_MM  80.0
#define PAGE_HEIGHT_MM 100.0

static int
expected_pixels (double mm,
                 int    dpi)
{
  return (int) (dpi * mm / 25.4);
}

/* Async helpers: run the default main context until the operation finishes */

typedef struct
{
  GAsyncResult *result;
  GPtrArray    *pages;       /* of GdkPixbuf, in the order emitted */
  GArray       *dpis;        /* of int */
  gboolean      finished;
  GCancellable *cancellable;
  guint         cancel_at;   /* cancel when this page index arrives, or G_MAXUINT */
} Run;

static void
run_init (Run *run)
{
  memset (run, 0, sizeof *run);
  run->pages = g_ptr_array_new_with_free_func (g_object_unref);
  run->dpis = g_array_new (FALSE, FALSE, sizeof (int));
  run->cancellable = g_cancellable_new ();
  run->cancel_at = G_MAXUINT;
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->result);
  g_clear_pointer (&run->pages, g_ptr_array_unref);
  g_clear_pointer (&run->dpis, g_array_unref);
  g_clear_object (&run->cancellable);
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  g_assert_false (run->finished);
  run->result = g_object_ref (result);
  run->finished = TRUE;
}

static void
on_page_scanned (OsScanner *scanner,
                 GdkPixbuf *page,
                 int        dpi,
                 guint      index,
                 gpointer   user_data)
{
  Run *run = user_data;

  g_assert_true (GDK_IS_PIXBUF (page));
  g_assert_false (run->finished);           /* pages arrive before the scan finishes */
  g_assert_cmpuint (index, ==, run->pages->len);  /* and in order */
  g_assert_cmpint (gdk_pixbuf_get_n_channels (page), ==, 3);
  g_assert_false (gdk_pixbuf_get_has_alpha (page));

  g_ptr_array_add (run->pages, g_object_ref (page));
  g_array_append_val (run->dpis, dpi);

  if (index == run->cancel_at)
    g_cancellable_cancel (run->cancellable);
}

static void
wait_for (Run *run)
{
  while (!run->finished)
    g_main_context_iteration (NULL, TRUE);
}

/* Scans; returns the page count or -1 with @error set. */
static int
scan (OsScanner           *scanner,
      const OsScanRequest *request,
      Run                 *run,
      GError             **error)
{
  gulong handler = g_signal_connect (scanner, "page-scanned", G_CALLBACK (on_page_scanned), run);
  guint n_pages = 12345;
  gboolean ok;

  os_scanner_scan_async (scanner, request, run->cancellable, on_finished, run);
  wait_for (run);
  g_signal_handler_disconnect (scanner, handler);

  ok = os_scanner_scan_finish (scanner, run->result, &n_pages, error);
  if (!ok)
    {
      g_assert_cmpuint (n_pages, ==, 0);
      return -1;
    }
  g_assert_cmpuint (n_pages, ==, run->pages->len);
  return (int) n_pages;
}

static guint8 *
pixel (GdkPixbuf *page,
       int        x,
       int        y)
{
  return gdk_pixbuf_get_pixels (page) + y * gdk_pixbuf_get_rowstride (page) + 3 * x;
}

/* Tests */

static void
test_new_is_shared (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(OsScanner) again = os_scanner_new ();

  g_assert_true (scanner == again);
  g_clear_object (&again);
  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_list_devices (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found[2] = { FALSE, FALSE };
  Run run;

  run_init (&run);
  os_scanner_list_devices_async (scanner, NULL, on_finished, &run);
  wait_for (&run);
  devices = os_scanner_list_devices_finish (scanner, run.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (devices);

  for (guint i = 0; i < devices->len; i++)
    {
      const OsScannerDevice *device = g_ptr_array_index (devices, i);
      g_autoptr(OsScannerDevice) copy = os_scanner_device_copy (device);

      g_assert_cmpstr (copy->name, ==, device->name);
      g_assert_cmpstr (device->vendor, ==, "Noname");
      g_assert_cmpstr (device->model, ==, "frontend-tester");
      g_assert_cmpstr (device->type, ==, "virtual device");
      if (g_str_equal (device->name, "test:0"))
        found[0] = TRUE;
      else if (g_str_equal (device->name, "test:1"))
        found[1] = TRUE;
    }
  g_assert_true (found[0]);
  g_assert_true (found[1]);
  g_assert_cmpuint (devices->len, ==, 2);

  run_clear (&run);
  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_capabilities (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(OsScannerCapabilities) caps = NULL;
  g_autoptr(OsScannerCapabilities) copy = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_150 = FALSE, has_300 = FALSE;
  Run run;

  run_init (&run);
  os_scanner_get_capabilities_async (scanner, "test:0", NULL, on_finished, &run);
  wait_for (&run);
  caps = os_scanner_get_capabilities_finish (scanner, run.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (caps);

  /* resolution is a 1…1200 dpi range: the common values inside it */
  g_assert_cmpuint (caps->resolutions->len, >, 3);
  for (guint i = 0; i < caps->resolutions->len; i++)
    {
      int dpi = g_array_index (caps->resolutions, int, i);

      g_assert_cmpint (dpi, >=, 1);
      g_assert_cmpint (dpi, <=, 1200);
      if (i > 0)
        g_assert_cmpint (dpi, >, g_array_index (caps->resolutions, int, i - 1));
      has_150 |= dpi == 150;
      has_300 |= dpi == 300;
    }
  g_assert_true (has_150 && has_300);
  g_assert_cmpint (caps->default_dpi, ==, 50);

  /* Gray and Color modes; line art through gray at depth 1 */
  g_assert_cmpuint (caps->modes, ==, OS_SCAN_BIT (OS_SCAN_MODE_GRAY) | OS_SCAN_BIT (OS_SCAN_MODE_COLOR)
                                     | OS_SCAN_BIT (OS_SCAN_MODE_LINEART));
  /* "Flatbed" and "Automatic Document Feeder", no duplex */
  g_assert_cmpuint (caps->sources, ==, OS_SCAN_BIT (OS_SCAN_SOURCE_FLATBED) | OS_SCAN_BIT (OS_SCAN_SOURCE_FEEDER));
  g_assert_true (caps->has_feeder);
  g_assert_false (caps->has_duplex);

  copy = os_scanner_capabilities_copy (caps);
  g_assert_true (copy->resolutions != caps->resolutions);
  g_assert_cmpmem (copy->resolutions->data, copy->resolutions->len * sizeof (int),
                   caps->resolutions->data, caps->resolutions->len * sizeof (int));

  run_clear (&run);
  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_flatbed_gray (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(GError) error = NULL;
  OsScanRequest request = { "test:0", 150, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FLATBED, NULL };
  GdkPixbuf *page;
  Run run;

  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 1);
  g_assert_no_error (error);

  page = g_ptr_array_index (run.pages, 0);
  g_assert_cmpint (g_array_index (run.dpis, int, 0), ==, 150);
  g_assert_cmpint (gdk_pixbuf_get_width (page), ==, expected_pixels (PAGE_WIDTH_MM, 150));   /* 472 */
  g_assert_cmpint (gdk_pixbuf_get_height (page), ==, expected_pixels (PAGE_HEIGHT_MM, 150)); /* 590 */
  /* The default picture is solid black. */
  g_assert_cmpmem (pixel (page, 0, 0), 3, "\0\0\0", 3);
  g_assert_cmpmem (pixel (page, 471, 589), 3, "\0\0\0", 3);

  run_clear (&run);
  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static gboolean
page_is_gray (GdkPixbuf *page)
{
  for (int y = 0; y < gdk_pixbuf_get_height (page); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (page); x++)
      {
        const guint8 *p = pixel (page, x, y);

        if (p[0] != p[1] || p[1] != p[2])
          return FALSE;
      }
  return TRUE;
}

/* Scans one page of @request and returns it. */
static GdkPixbuf *
scan_one (OsScanner           *scanner,
          const OsScanRequest *request)
{
  g_autoptr(GError) error = NULL;
  GdkPixbuf *page;
  Run run;

  run_init (&run);
  g_assert_cmpint (scan (scanner, request, &run, &error), ==, 1);
  g_assert_no_error (error);
  page = g_object_ref (g_ptr_array_index (run.pages, 0));
  run_clear (&run);
  return page;
}

static void
test_color_lineart_three_pass (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(GdkPixbuf) single = NULL;
  g_autoptr(GdkPixbuf) multi = NULL;
  g_autoptr(GdkPixbuf) lineart = NULL;
  g_autoptr(GdkPixbuf) black = NULL;
  char *pattern[] = { "test-picture=Color pattern", NULL };
  char *three_pass[] = { "test-picture=Color pattern", "three-pass=yes", "three-pass-order=GBR", NULL };
  char *white[] = { "test-picture=Solid white", NULL };
  char *solid_black[] = { "test-picture=Solid black", NULL };
  OsScanRequest request = { "test:1", 50, OS_SCAN_MODE_COLOR, OS_SCAN_SOURCE_FLATBED, pattern };
  gsize size;

  /* Single-pass RGB */
  single = scan_one (scanner, &request);
  g_assert_false (page_is_gray (single));

  /* Three frames (green, blue, red) make the same picture. */
  request.options = three_pass;
  multi = scan_one (scanner, &request);
  g_assert_cmpint (gdk_pixbuf_get_width (multi), ==, gdk_pixbuf_get_width (single));
  g_assert_cmpint (gdk_pixbuf_get_height (multi), ==, gdk_pixbuf_get_height (single));
  size = (gsize) gdk_pixbuf_get_rowstride (single) * (gdk_pixbuf_get_height (single) - 1)
         + 3 * gdk_pixbuf_get_width (single);
  g_assert_cmpmem (gdk_pixbuf_get_pixels (multi), size, gdk_pixbuf_get_pixels (single), size);

  /* Line art (gray at 1 bit: a set bit is black) */
  request.mode = OS_SCAN_MODE_LINEART;
  request.options = white;
  lineart = scan_one (scanner, &request);
  g_assert_cmpint (gdk_pixbuf_get_width (lineart), ==, expected_pixels (PAGE_WIDTH_MM, 50));
  g_assert_cmpint (gdk_pixbuf_get_height (lineart), ==, expected_pixels (PAGE_HEIGHT_MM, 50));
  g_assert_cmpmem (pixel (lineart, 0, 0), 3, "\xff\xff\xff", 3);
  g_assert_true (page_is_gray (lineart));

  request.options = solid_black;
  black = scan_one (scanner, &request);
  g_assert_cmpmem (pixel (black, 10, 10), 3, "\0\0\0", 3);

  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_feeder (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(GError) error = NULL;
  OsScanRequest request = { "test:0", 50, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FEEDER, NULL };
  Run run;

  /* The test backend's feeder holds 10 pages, then answers "no documents": the end of the
   * batch, not an error. */
  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 10);
  g_assert_no_error (error);
  for (guint i = 0; i < run.pages->len; i++)
    {
      GdkPixbuf *page = g_ptr_array_index (run.pages, i);

      g_assert_cmpint (g_array_index (run.dpis, int, i), ==, 50);
      g_assert_cmpint (gdk_pixbuf_get_width (page), ==, expected_pixels (PAGE_WIDTH_MM, 50));
      g_assert_cmpint (gdk_pixbuf_get_height (page), ==, expected_pixels (PAGE_HEIGHT_MM, 50));
    }
  run_clear (&run);

  /* The device is opened afresh for each scan, so the feeder is "refilled". */
  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 10);
  g_assert_no_error (error);
  run_clear (&run);

  /* Only the first sheets of the stack: the scan stops after max_pages pages. */
  request.max_pages = 3;
  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 3);
  g_assert_no_error (error);
  run_clear (&run);

  /* A limit the feeder does not reach changes nothing. */
  request.max_pages = 25;
  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 10);
  g_assert_no_error (error);
  run_clear (&run);
  request.max_pages = 0;

  /* The test backend has no duplex source. */
  request.source = OS_SCAN_SOURCE_DUPLEX;
  run_init (&run);
  g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
  g_assert_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION);
  g_assert_cmpstr (error->message, ==, "Máy quét này không quét được hai mặt.");
  g_assert_cmpuint (run.pages->len, ==, 0);
  run_clear (&run);

  g_assert_finalize_object (g_steal_pointer (&scanner));
}

typedef struct
{
  const char   *status;
  OsScanSource  source;
  OsError       code;
  const char   *message_start;
} ForcedError;

static void
test_forced_errors (void)
{
  static const ForcedError cases[] = {
    { "SANE_STATUS_JAMMED", OS_SCAN_SOURCE_FEEDER, OS_ERROR_SCANNER_JAMMED, "Giấy bị kẹt trong máy quét." },
    { "SANE_STATUS_NO_DOCS", OS_SCAN_SOURCE_FEEDER, OS_ERROR_SCANNER_NO_DOCS, "Khay nạp giấy trống." },
    { "SANE_STATUS_NO_DOCS", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER_NO_DOCS, "Không có tài liệu trên mặt kính" },
    { "SANE_STATUS_COVER_OPEN", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER_COVER_OPEN, "Nắp máy quét đang mở." },
    { "SANE_STATUS_DEVICE_BUSY", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER_BUSY, "Máy quét đang bận" },
    { "SANE_STATUS_IO_ERROR", OS_SCAN_SOURCE_FEEDER, OS_ERROR_SCANNER_UNAVAILABLE, "Mất kết nối với máy quét." },
    { "SANE_STATUS_ACCESS_DENIED", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER_UNAVAILABLE, "Không có quyền sử dụng máy quét" },
    { "SANE_STATUS_INVAL", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER_OPTION, "Máy quét không chấp nhận các thiết lập" },
    { "SANE_STATUS_NO_MEM", OS_SCAN_SOURCE_FLATBED, OS_ERROR_SCANNER, "Không đủ bộ nhớ" },
  };
  g_autoptr(OsScanner) scanner = os_scanner_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *option = g_strconcat ("read-return-value=", cases[i].status, NULL);
      char *options[] = { option, NULL };
      OsScanRequest request = { "test:1", 50, OS_SCAN_MODE_GRAY, cases[i].source, options };
      Run run;

      g_test_message ("%s from the %s", cases[i].status,
                      cases[i].source == OS_SCAN_SOURCE_FLATBED ? "flatbed" : "feeder");
      run_init (&run);
      g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
      g_assert_error (error, OS_ERROR, (int) cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message_start));
      /* The backend fails the first read, so no page came before the error. */
      g_assert_cmpuint (run.pages->len, ==, 0);
      run_clear (&run);
    }

  /* Back to normal on the same device: the scanner is still usable. */
  {
    g_autoptr(GError) error = NULL;
    char *options[] = { "read-return-value=Default", NULL };
    OsScanRequest request = { "test:1", 50, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FEEDER, options };
    Run run;

    run_init (&run);
    g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 10);
    g_assert_no_error (error);
    run_clear (&run);
  }

  /* Options the device does not have, or values it refuses */
  {
    const char *bad[] = { "no-such-option=1", "read-return-value=SANE_STATUS_BOGUS", "resolution=abc",
                          "read-delay=maybe" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(GError) error = NULL;
        char *options[] = { (char *) bad[i], NULL };
        OsScanRequest request = { "test:1", 50, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FLATBED, options };
        Run run;

        run_init (&run);
        g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
        g_assert_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION);
        g_assert_true (g_str_has_prefix (error->message, "Máy quét không"));
        run_clear (&run);
      }
  }

  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_cancel (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  /* Slow the backend down so that the cancellation lands in the middle of the batch. */
  char *slow[] = { "read-delay=yes", "read-delay-duration=50000", "read-limit=yes", "read-limit-size=4096", NULL };
  OsScanRequest request = { "test:0", 50, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FEEDER, slow };
  gint64 start;

  /* Cancelled while the third page is being read */
  {
    g_autoptr(GError) error = NULL;
    Run run;

    run_init (&run);
    run.cancel_at = 1;
    start = g_get_monotonic_time ();
    g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    /* The pages emitted before the cancellation are kept; none after it. */
    g_assert_cmpuint (run.pages->len, ==, 2);
    g_test_message ("cancelled after %.2f s", (g_get_monotonic_time () - start) / 1e6);
    run_clear (&run);
  }

  /* Cancelled before it started */
  {
    g_autoptr(GError) error = NULL;
    Run run;

    run_init (&run);
    g_cancellable_cancel (run.cancellable);
    g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (run.pages->len, ==, 0);
    run_clear (&run);
  }

  /* Still usable afterwards */
  {
    g_autoptr(GError) error = NULL;
    char *fast[] = { "read-delay=no", "read-limit=no", NULL };
    Run run;

    request.source = OS_SCAN_SOURCE_FLATBED;
    request.options = fast;
    run_init (&run);
    g_assert_cmpint (scan (scanner, &request, &run, &error), ==, 1);
    g_assert_no_error (error);
    run_clear (&run);
  }

  g_assert_finalize_object (g_steal_pointer (&scanner));
}

/* Requests run one after another on the single SANE thread, in the order made. */
static void
test_queued_requests (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  char *slow[] = { "read-delay=yes", "read-delay-duration=20000", NULL };
  OsScanRequest request = { "test:0", 50, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FEEDER, slow };
  gulong handler;
  guint n_pages = 0;
  Run scan_run, list_run;

  run_init (&scan_run);
  run_init (&list_run);
  handler = g_signal_connect (scanner, "page-scanned", G_CALLBACK (on_page_scanned), &scan_run);
  os_scanner_scan_async (scanner, &request, NULL, on_finished, &scan_run);
  os_scanner_list_devices_async (scanner, NULL, on_finished, &list_run);

  while (!list_run.finished)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!list_run.finished)
        continue;
      /* the listing waited for the whole batch */
      g_assert_true (scan_run.finished);
    }
  g_signal_handler_disconnect (scanner, handler);

  g_assert_true (os_scanner_scan_finish (scanner, scan_run.result, &n_pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pages, ==, 10);
  g_assert_cmpuint (scan_run.pages->len, ==, 10);
  devices = os_scanner_list_devices_finish (scanner, list_run.result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 2);

  run_clear (&scan_run);
  run_clear (&list_run);
  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_no_such_device (void)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  const char *names[] = { "test:7", "nosuchbackend:usb:001:002" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(OsScannerCapabilities) caps = NULL;
      g_autofree char *expected = g_strdup_printf ("Không tìm thấy máy quét “%s”.", names[i]);
      OsScanRequest request = { (char *) names[i], 150, OS_SCAN_MODE_GRAY, OS_SCAN_SOURCE_FLATBED, NULL };
      Run run;

      run_init (&run);
      g_assert_cmpint (scan (scanner, &request, &run, &error), ==, -1);
      g_assert_error (error, OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE);
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_assert_cmpuint (run.pages->len, ==, 0);
      run_clear (&run);
      g_clear_error (&error);

      run_init (&run);
      os_scanner_get_capabilities_async (scanner, names[i], NULL, on_finished, &run);
      wait_for (&run);
      caps = os_scanner_get_capabilities_finish (scanner, run.result, &error);
      g_assert_null (caps);
      g_assert_error (error, OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE);
      g_assert_true (g_str_has_prefix (error->message, expected));
      run_clear (&run);
    }

  g_assert_finalize_object (g_steal_pointer (&scanner));
}

static void
test_request_copy (void)
{
  char *options[] = { "a=1", "b", NULL };
  OsScanRequest request = { "test:0", 300, OS_SCAN_MODE_COLOR, OS_SCAN_SOURCE_DUPLEX, options };
  g_autoptr(OsScanRequest) copy = os_scan_request_copy (&request);
  g_autoptr(OsScanRequest) copy2 = g_boxed_copy (OS_TYPE_SCAN_REQUEST, copy);

  g_assert_cmpstr (copy2->device, ==, "test:0");
  g_assert_true (copy2->device != request.device);
  g_assert_cmpint (copy2->dpi, ==, 300);
  g_assert_cmpint (copy2->mode, ==, OS_SCAN_MODE_COLOR);
  g_assert_cmpint (copy2->source, ==, OS_SCAN_SOURCE_DUPLEX);
  g_assert_true (g_strv_equal ((const char * const *) copy2->options, (const char * const *) options));
}

/* A SANE configuration with only the test backend */

static char *
write_sane_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *dll = NULL;
  g_autofree char *test_conf = NULL;
  char *dir = g_dir_make_tmp ("onestop-sane-XXXXXX", &error);

  g_assert_no_error (error);
  dll = g_build_filename (dir, "dll.conf", NULL);
  g_file_set_contents (dll, "test\n", -1, &error);
  g_assert_no_error (error);

  g_file_get_contents ("/etc/sane.d/test.conf", &conf, NULL, &error);
  g_assert_no_error (error);
  test_conf = g_build_filename (dir, "test.conf", NULL);
  g_file_set_contents (test_conf, conf, -1, &error);
  g_assert_no_error (error);

  return dir;
}

static void
remove_sane_config (const char *dir)
{
  const char *files[] = { "dll.conf", "test.conf" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *config_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Before the first sane_init; without a trailing ':' SANE reads only this directory. */
  config_dir = write_sane_config ();
  g_setenv ("SANE_CONFIG_DIR", config_dir, TRUE);

  g_test_add_func ("/scanner/request-copy", test_request_copy);
  g_test_add_func ("/scanner/new-is-shared", test_new_is_shared);
  g_test_add_func ("/scanner/list-devices", test_list_devices);
  g_test_add_func ("/scanner/capabilities", test_capabilities);
  g_test_add_func ("/scanner/flatbed-gray", test_flatbed_gray);
  g_test_add_func ("/scanner/color-lineart-three-pass", test_color_lineart_three_pass);
  g_test_add_func ("/scanner/feeder", test_feeder);
  g_test_add_func ("/scanner/forced-errors", test_forced_errors);
  g_test_add_func ("/scanner/cancel", test_cancel);
  g_test_add_func ("/scanner/queued-requests", test_queued_requests);
  g_test_add_func ("/scanner/no-such-device", test_no_such_device);

  status = g_test_run ();
  remove_sane_config (config_dir);
  return status;
}
