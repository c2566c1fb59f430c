/* test-code-scan.c: one page from SANE's test backend, read for codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "os-code-scan.h"
#include "os-page-codes.h"

static char *sane_dir;

typedef struct
{
  gboolean   done;
  GPtrArray *codes;
  GError    *error;
} Result;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->codes = os_code_scan_finish (result, &r->error);
  r->done = TRUE;
}

static void
scan (const char *device,
      Result     *r)
{
  g_autoptr(OsScanner) scanner = os_scanner_new ();

  os_code_scan_async (scanner, device, NULL, on_done, r);
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

/* The test backend's page holds no code: the scan works and finds nothing. */
static void
test_no_code (void)
{
  Result r = { 0 };

  scan ("test:0", &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.codes);
  g_assert_cmpuint (r.codes->len, ==, 0);
  g_ptr_array_unref (r.codes);
}

/* A scanner remembered from another day that is gone: the first one found is used. */
static void
test_remembered_device_gone (void)
{
  Result r = { 0 };

  scan ("plustek:libusb:001:004", &r);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.codes);
  g_ptr_array_unref (r.codes);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *dll = NULL;
  g_autofree char *test_conf = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  sane_dir = g_dir_make_tmp ("os-test-code-scan-XXXXXX", &error);
  g_assert_no_error (error);
  dll = g_build_filename (sane_dir, "dll.conf", NULL);
  test_conf = g_build_filename (sane_dir, "test.conf", NULL);
  g_assert_true (g_file_set_contents (dll, "test\n", -1, NULL));
  if (!g_file_get_contents ("/etc/sane.d/test.conf", &conf, NULL, NULL))
    conf = g_strdup ("");
  g_assert_true (g_file_set_contents (test_conf, conf, -1, NULL));
  g_setenv ("SANE_CONFIG_DIR", sane_dir, TRUE);

  g_test_add_func ("/code-scan/no-code", test_no_code);
  g_test_add_func ("/code-scan/remembered-device-gone", test_remembered_device_gone);
  status = g_test_run ();

  g_unlink (dll);
  g_unlink (test_conf);
  g_rmdir (sane_dir);
  return status;
}
