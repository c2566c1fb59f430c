/* store-writer.c: saves records into a desk database in a loop, for test-store's
 * concurrency and kill-safety tests.
 *
 *   store-writer [--count N] [--at UNIX] [--agency ID] [--wait-for FILE] [--pause-us US] DATABASE
 *
 * Each record is received with os_store_receive() and carries STORE_WRITER_DOCUMENTS
 * documents. The code of each saved record is printed on its own line and flushed as
 * soon as os_store_receive() returns, so whatever the parent read was committed.
 * Without --count (or with 0) it writes until it is killed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "os-error.h"
#include "os-store.h"

#define STORE_WRITER_DOCUMENTS 3

static const char * const names[] = {
  "Nguyễn Văn Ấn", "Trần Thị Thu Thủy", "Lê Hoàng Đức", "Phạm Ngọc Ánh", "Đặng Quốc Việt",
};

static OsRecord *
make_record (guint i)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 4, -1 };
  g_autofree char *id_number = g_strdup_printf ("0010990%05u", i % 100000);

  os_record_set_procedure (record, "writer-procedure", "1.001193.000.00.00.H29",
                           "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, names[i % G_N_ELEMENTS (names)]);
  os_record_set_id_number (record, id_number);
  os_record_set_birth_date (record, "1990-02-01");
  os_record_set_phone (record, "0912345678");
  os_record_set_address (record, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
  os_record_set_officer (record, "Máy ghi thử");
  os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh", 1, 0, 0);
  os_record_add_document (record, "Giấy tờ tùy thân của người đi đăng ký", 0, 1, 1);
  g_assert (os_record_get_documents (record)->len == STORE_WRITER_DOCUMENTS);

  return record;
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autofree char *agency = NULL;
  g_autofree char *wait_for = NULL;
  gint64 at = 0;
  int count = 0;
  int pause_us = 0;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Records to save (0: until killed)", "N" },
    { "at", 0, 0, G_OPTION_ARG_INT64, &at, "Reception instant, UTC unix seconds (default: now)", "UNIX" },
    { "agency", 0, 0, G_OPTION_ARG_STRING, &agency, "Configure this agency identifier first", "ID" },
    { "wait-for", 0, 0, G_OPTION_ARG_FILENAME, &wait_for, "Start writing once FILE exists", "FILE" },
    { "pause-us", 0, 0, G_OPTION_ARG_INT, &pause_us, "Pause between records, in microseconds", "US" },
    { NULL }
  };

  context = g_option_context_new ("DATABASE");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || count < 0)
    {
      g_printerr ("store-writer: %s\n", error ? error->message : "usage: store-writer [OPTION…] DATABASE");
      return 2;
    }

  store = os_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("store-writer: open: %s\n", error->message);
      return 1;
    }

  if (agency != NULL)
    {
      g_autoptr(OsAgency) a = os_agency_new (agency, "UBND Phường Thử nghiệm", "", "Hà Nội", "Bộ phận Một cửa");

      if (!os_store_set_agency (store, a, &error))
        {
          g_printerr ("store-writer: agency: %s\n", error->message);
          return 1;
        }
    }

  while (wait_for != NULL && !g_file_test (wait_for, G_FILE_TEST_EXISTS))
    g_usleep (1000);

  for (guint i = 0; count == 0 || i < (guint) count; i++)
    {
      g_autoptr(OsRecord) record = make_record (i);
      gint64 now = at != 0 ? at : g_get_real_time () / G_USEC_PER_SEC;

      if (!os_store_receive (store, record, now, &error))
        {
          g_printerr ("store-writer: record %u: %s\n", i, error->message);
          return 1;
        }
      fprintf (stdout, "%s\n", os_record_get_code (record));
      fflush (stdout);
      if (pause_us > 0)
        g_usleep (pause_us);
    }

  return 0;
}
