/* bench-generate.c: makes a desk database of generated records for the benchmarks.
 *
 *   bench-generate [--records=N] [--days=N] [--chunk=N] [--seed=N] [--force] PATH
 *
 * The demo agency and catalogue, then N records (default 1,000,000) received over the
 * working days up to now, inserted CHUNK at a time (one transaction each), through the
 * same code path as the app's demo data (os_store_insert_prepared: record rows,
 * documents, history, full-text index, counters). A database at PATH that already holds
 * N records is reused as it is, unless --force; any other file there is an error.
 *
 * Prints the insert rate (overall and per chunk at the start and the end, since inserts
 * slow down as the indexes grow) and the file size.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <locale.h>

#include "os-demo.h"
#include "os-store-private.h"

static int opt_records = 1000000;
static int opt_days = 2500;
static int opt_chunk = 20000;
static int opt_seed = 20251123;
static gboolean opt_force = FALSE;

static GOptionEntry entries[] = {
  { "records", 'n', 0, G_OPTION_ARG_INT, &opt_records, "Records to generate (1000000)", "N" },
  { "days", 'd', 0, G_OPTION_ARG_INT, &opt_days, "Working days they span (2500, about ten years)", "N" },
  { "chunk", 'c', 0, G_OPTION_ARG_INT, &opt_chunk, "Records per transaction (20000)", "N" },
  { "seed", 's', 0, G_OPTION_ARG_INT, &opt_seed, "Random seed", "N" },
  { "force", 'f', 0, G_OPTION_ARG_NONE, &opt_force, "Remove an existing database first", NULL },
  { NULL }
};

static void
remove_database (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

static gint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gint64) st.st_size : -1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("PATH - generate a benchmark database");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(OsDemoGenerator) generator = NULL;
  const char *path;
  gint64 now, start, t0, elapsed, total = 0;
  guint chunks = 0;
  double first_rate = 0, last_rate = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      opt_records <= 0 || opt_days <= 0 || opt_chunk <= 0)
    {
      g_printerr ("%s\n", error ? error->message : "usage: bench-generate [OPTION…] PATH");
      return 2;
    }
  path = argv[1];

  if (opt_force)
    remove_database (path);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gint64 n;

      store = os_store_open (path, &error);
      if (store == NULL)
        {
          g_printerr ("bench-generate: %s: %s\n", path, error->message);
          return 1;
        }
      n = os_store_count_records (store);
      if (n == opt_records)
        {
          g_print ("bench-generate: reusing %s (%" G_GINT64_FORMAT " records, %.0f MB)\n",
                   path, n, file_size (path) / 1e6);
          return 0;
        }
      g_printerr ("bench-generate: %s holds %" G_GINT64_FORMAT " records, not %d; "
                  "use --force to make it again\n", path, n, opt_records);
      return 1;
    }

  store = os_store_open (path, &error);
  if (store == NULL || !os_demo_load_catalogue (store, &error))
    {
      g_printerr ("bench-generate: %s: %s\n", path, error->message);
      return 1;
    }

  now = g_get_real_time () / G_USEC_PER_SEC;
  /* Weekends and holidays take about a third of the calendar (as os_demo_populate). */
  start = now - (gint64) opt_days * 7 / 5 * 86400;
  generator = os_demo_generator_new (store, (guint32) opt_seed, start, now, (guint) opt_records);

  g_print ("bench-generate: %d records over %d working days into %s, %d per transaction\n",
           opt_records, opt_days, path, opt_chunk);
  t0 = g_get_monotonic_time ();
  for (;;)
    {
      gint64 c0 = g_get_monotonic_time ();
      g_autoptr(GPtrArray) records = os_demo_generator_next (generator, (guint) opt_chunk);
      double rate;

      if (records->len == 0)
        break;
      if (!os_store_insert_prepared (store, records, TRUE, &error))
        {
          g_printerr ("bench-generate: insert failed after %" G_GINT64_FORMAT " records: %s\n",
                      total, error->message);
          return 1;
        }
      total += records->len;
      rate = records->len / ((g_get_monotonic_time () - c0) / 1e6);
      if (chunks++ == 0)
        first_rate = rate;
      last_rate = rate;
      if (chunks % 10 == 0)
        g_printerr ("  %" G_GINT64_FORMAT " records, %.0f records/s\n", total, rate);
    }
  elapsed = g_get_monotonic_time () - t0;

  /* Leave the whole database in the main file, ready to be copied. */
  if (sqlite3_exec (os_store_get_db (store), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    g_printerr ("bench-generate: checkpoint failed: %s\n", sqlite3_errmsg (os_store_get_db (store)));

  if (total != opt_records || os_store_count_records (store) != opt_records)
    {
      g_printerr ("bench-generate: generated %" G_GINT64_FORMAT " records, the table holds %"
                  G_GINT64_FORMAT ", expected %d\n",
                  total, os_store_count_records (store), opt_records);
      return 1;
    }

  g_print ("generate-records: %" G_GINT64_FORMAT "\n"
           "generate-seconds: %.1f\n"
           "generate-records-per-s: %.0f (first chunk %.0f, last chunk %.0f)\n"
           "database-mb: %.0f\n",
           total, elapsed / 1e6, total / (elapsed / 1e6), first_rate, last_rate,
           file_size (path) / 1e6);
  return 0;
}
