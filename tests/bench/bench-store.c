/* bench-store.c: search, filtered listing, scrolling and saving against a desk database.
 *
 *   bench-store --db=PATH [--runs=N] [--saves=N] [--work-dir=DIR] [--explain]
 *   bench-store --smoke --generate=5000 --db=PATH     (the quick functional check)
 *
 * Every figure is the median of --runs runs (p90 and max beside it) and, where there is
 * one, the ratio to a baseline measured in the same run:
 *   - search: OsRecordList through the FTS5 index vs a naive LIKE scan of the same folded
 *     text (records_fts.text) for the same rows, newest first, same limit;
 *   - filtered listing: vs the unfiltered listing;
 *   - save: os_store_receive with synchronous=FULL (the app's setting) vs NORMAL and OFF
 *     on the same copy of the database, and vs FULL on an empty database;
 *   - scrolling: rows read from the database vs rows in the list.
 * Lines starting "summary:" are what run-all.sh puts in its table.
 *
 * Speed never fails the program. It exits 1 when something is functionally wrong: a
 * search that misses the record it was built from, a filter that lets through a record
 * it should not, a list out of order, scrolling that read every row, a failed save.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-stats.h"
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "os-demo.h"
#include "os-record-list.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-text.h"

/* Rows per page of OsRecordList (PAGE_SIZE in os-record-list.c), for the scrolling check. */
#define LIST_PAGE 100
/* Rows a list view shows at once, read after every query as the first paint would. */
#define VISIBLE_ROWS 30

static char *opt_db = NULL;
static char *opt_work_dir = NULL;
static int opt_runs = 7;
static int opt_saves = 200;
static int opt_generate = 0;
static gboolean opt_smoke = FALSE;
static gboolean opt_explain = FALSE;

static GOptionEntry entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "Database to measure", "PATH" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Runs per query (7)", "N" },
  { "saves", 0, 0, G_OPTION_ARG_INT, &opt_saves, "Saves per durability setting (200)", "N" },
  { "work-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_work_dir,
    "Where the copy for the save benchmark goes (the database's directory)", "DIR" },
  { "generate", 0, 0, G_OPTION_ARG_INT, &opt_generate,
    "First make a fresh database of N generated records at --db", "N" },
  { "smoke", 0, 0, G_OPTION_ARG_NONE, &opt_smoke,
    "Few runs and saves: only prove the benchmark works", NULL },
  { "explain", 0, 0, G_OPTION_ARG_NONE, &opt_explain,
    "Print the query plans of the slowest statements", NULL },
  { NULL }
};

static guint failures;

static void G_GNUC_PRINTF (2, 3)
check (gboolean    ok,
       const char *format,
       ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (ok)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("FAIL: %s\n", message);
  failures++;
}

/* Figures --------------------------------------------------------------------------- */

typedef BenchStats Stats;

static Stats
stats_of (GArray *values)
{
  return bench_stats_of (values);
}

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static gint64
proc_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

/* Statement profile: every statement the store runs, with its time (sqlite3_trace_v2),
 * so the slowest ones can be shown with their query plans. */

typedef struct
{
  char   *sql;
  char   *expanded;   /* the slowest run, with its parameters */
  guint   count;
  double  total_ms;
  double  max_ms;
} Profile;

static GHashTable *profiles;

static void
profile_free (Profile *p)
{
  g_free (p->sql);
  g_free (p->expanded);
  g_free (p);
}

static int
on_trace (unsigned  type,
          void     *data,
          void     *p,
          void     *x)
{
  sqlite3_stmt *stmt = p;
  double ms = *(sqlite3_int64 *) x / 1e6;
  const char *sql = sqlite3_sql (stmt);
  Profile *profile;

  if (sql == NULL || g_str_has_prefix (sql, "EXPLAIN"))
    return 0;
  profile = g_hash_table_lookup (profiles, sql);
  if (profile == NULL)
    {
      profile = g_new0 (Profile, 1);
      profile->sql = g_strdup (sql);
      g_hash_table_insert (profiles, profile->sql, profile);
    }
  profile->count++;
  profile->total_ms += ms;
  if (ms >= profile->max_ms)
    {
      char *expanded = sqlite3_expanded_sql (stmt);

      profile->max_ms = ms;
      g_free (profile->expanded);
      profile->expanded = g_strdup (expanded ? expanded : sql);
      sqlite3_free (expanded);
    }
  return 0;
}

static void
trace_store (OsStore *store)
{
  sqlite3_trace_v2 (os_store_get_db (store), SQLITE_TRACE_PROFILE, on_trace, NULL);
}

static int
compare_profiles (gconstpointer a,
                  gconstpointer b)
{
  const Profile *x = *(Profile * const *) a, *y = *(Profile * const *) b;

  return x->max_ms < y->max_ms ? 1 : x->max_ms > y->max_ms ? -1 : 0;
}

static void
print_plans (OsStore *store,
             guint    top)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  sqlite3 *db = os_store_get_db (store);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, profiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, value);

  sqlite3_trace_v2 (db, 0, NULL, NULL);
  g_ptr_array_sort (all, compare_profiles);
  g_print ("\n== Slowest statements (max ms), with EXPLAIN QUERY PLAN ==\n");
  for (guint i = 0; i < MIN (top, all->len); i++)
    {
      Profile *p = g_ptr_array_index (all, i);
      g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", p->expanded, NULL);
      sqlite3_stmt *stmt = NULL;

      g_print ("\n[%u] max %.1f ms, mean %.1f ms, %u runs\n    %s\n", i + 1, p->max_ms,
               p->total_ms / p->count, p->count, p->expanded);
      if (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL) != SQLITE_OK)
        {
          g_print ("    (no plan: %s)\n", sqlite3_errmsg (db));
          continue;
        }
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_print ("    plan: %s\n", (const char *) sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
    }
}

/* Checks on list contents ----------------------------------------------------------- */

static gboolean
list_contains (GListModel *list,
               gint64      local_id)
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(OsRecord) r = g_list_model_get_item (list, i);

      if (r != NULL && os_record_get_local_id (r) == local_id)
        return TRUE;
    }
  return FALSE;
}

/* Every token of @text starts a word of the record's folded code, name or ID number. */
static gboolean
record_matches_text (OsRecord   *record,
                     const char *text)
{
  g_autofree char *joined = g_strjoin (" ", os_record_get_code (record),
                                       os_record_get_applicant_name (record),
                                       os_record_get_id_number (record), NULL);
  g_autofree char *folded = os_text_fold (joined);
  g_autofree char *folded_query = os_text_fold (text);
  g_auto(GStrv) words = NULL;
  g_auto(GStrv) tokens = NULL;

  for (char *p = folded; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = ' ';
  for (char *p = folded_query; *p; p++)
    if (!g_ascii_isalnum (*p))
      *p = ' ';
  words = g_strsplit (folded, " ", -1);
  tokens = g_strsplit (folded_query, " ", -1);

  for (guint t = 0; tokens[t]; t++)
    {
      gboolean found = tokens[t][0] == '\0';

      for (guint w = 0; words[w] && !found; w++)
        found = g_str_has_prefix (words[w], tokens[t]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const char *label;
  const char *text;
  OsStatus    status;
  OsDueState  due_state;
  gint64      from;
  gint64      to;
} Query;

/* The first visible rows are newest first and pass the query's filters. */
static void
check_visible (OsRecordList *list,
               const Query  *q)
{
  GListModel *model = G_LIST_MODEL (list);
  guint n = MIN (g_list_model_get_n_items (model), VISIBLE_ROWS);
  gint64 previous = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsRecord) r = g_list_model_get_item (model, i);
      OsDueState state;

      check (r != NULL, "%s: item %u is missing", q->label, i);
      if (r == NULL)
        return;
      check (os_record_get_received_at (r) <= previous, "%s: item %u is out of order", q->label, i);
      previous = os_record_get_received_at (r);
      if (q->text != NULL)
        check (record_matches_text (r, q->text), "%s: “%s” (%s) does not match “%s”", q->label,
               os_record_get_applicant_name (r), os_record_get_code (r), q->text);
      if (q->status != 0)
        check (os_record_get_status (r) == q->status, "%s: item %u has status %d", q->label, i,
               os_record_get_status (r));
      if (q->from != 0)
        check (os_record_get_received_at (r) >= q->from, "%s: item %u received too early", q->label, i);
      if (q->to != 0)
        check (os_record_get_received_at (r) < q->to, "%s: item %u received too late", q->label, i);
      if (q->due_state != OS_DUE_STATE_NONE)
        {
          OsDueState want = q->due_state;

          state = os_record_compute_due_state (r, os_record_list_get_now (list),
                                               os_record_list_get_near_due_at (list));
          check (state == want, "%s: %s is %s, not %s", q->label, os_record_get_code (r),
                 os_due_state_to_string (state), os_due_state_to_string (want));
        }
    }
}

/* Runs @q the way the records page does on a keystroke or a filter change (set the query,
 * then read the rows a list view shows first), @runs times. */
static Stats
measure_query (OsRecordList *list,
               const Query  *q,
               int           runs)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      guint n;
      double ms;

      os_record_list_set_query (list, q->text, q->status, q->due_state, q->from, q->to);
      n = MIN (g_list_model_get_n_items (G_LIST_MODEL (list)), VISIBLE_ROWS);
      for (guint j = 0; j < n; j++)
        g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), j));
      ms = ms_since (t0);
      g_array_append_val (times, ms);
    }
  check_visible (list, q);
  return stats_of (times);
}

/* The naive search: a LIKE scan of the same folded text, newest first, same limit. */
static Stats
measure_like (OsStore    *store,
              const char *text,
              int         runs,
              guint      *n_found)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *folded = os_text_fold (text);
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", folded);
  g_autofree char *sql = g_strdup_printf ("SELECT " OS_STORE_RECORD_COLUMNS
                                          " FROM records_fts f JOIN records r ON r.local_id = f.rowid"
                                          " WHERE f.text LIKE ?1 ORDER BY f.rowid DESC LIMIT %d",
                                          OS_RECORD_LIST_SEARCH_LIMIT + 1);
  sqlite3 *db = os_store_get_db (store);

  *n_found = 0;
  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
      sqlite3_stmt *stmt = NULL;
      double ms;

      if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          check (FALSE, "LIKE baseline: %s", sqlite3_errmsg (db));
          break;
        }
      sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (rows, os_store_record_from_stmt (stmt));
      sqlite3_finalize (stmt);
      ms = ms_since (t0);
      g_array_append_val (times, ms);
      *n_found = rows->len;
    }
  return stats_of (times);
}

static void
print_row (const char  *section,
           const char  *label,
           Stats        s,
           const char  *extra)
{
  /* Pad by characters, not bytes: the labels hold Vietnamese text. */
  glong pad = MAX (0, 36 - g_utf8_strlen (label, -1));

  g_print ("%-9s %s%*s %8.2f %8.2f %8.2f  %s\n", section, label, (int) pad, "", s.median, s.p90,
           s.max, extra ? extra : "");
}

static void
print_header (const char *title)
{
  g_print ("\n== %s ==\n%-9s %-36s %8s %8s %8s  %s\n", title, "", "", "median", "p90", "max",
           "(ms)");
}

/* Search ------------------------------------------------------------------------------ */

/* Each step of typing @final, one query per keystroke. */
static GPtrArray *
keystrokes (const char *final)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func (g_free);

  for (const char *p = final; *p; p = g_utf8_next_char (p))
    {
      const char *next = g_utf8_next_char (p);

      if (*p == ' ')
        continue;   /* a trailing space searches the same as without it */
      g_ptr_array_add (steps, g_strndup (final, next - final));
    }
  return steps;
}

typedef struct
{
  double worst_median;
  double sum_medians;
  guint  n;
  GArray *all_medians;
} SearchTotals;

static void
bench_search_sequence (OsStore      *store,
                       OsRecordList *list,
                       const char   *name,
                       const char   *final,
                       gboolean      typed,
                       gint64        expect_id,
                       int           runs,
                       SearchTotals *totals)
{
  g_autoptr(GPtrArray) steps = NULL;

  if (typed)
    steps = keystrokes (final);
  else
    {
      /* Pasted or read from a barcode: one query. */
      steps = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (steps, g_strdup (final));
    }

  for (guint i = 0; i < steps->len; i++)
    {
      const char *text = g_ptr_array_index (steps, i);
      g_autofree char *label = g_strdup_printf ("%s “%s”", name, text);
      Query q = { label, text, 0, OS_DUE_STATE_NONE, 0, 0 };
      guint64 rows_before = os_record_list_get_rows_loaded (list);
      Stats s = measure_query (list, &q, runs);
      guint n = g_list_model_get_n_items (G_LIST_MODEL (list));
      g_autofree char *extra = g_strdup_printf ("%u%s found, %" G_GUINT64_FORMAT " rows read/run",
                                                n, os_record_list_is_truncated (list) ? "+" : "",
                                                (os_record_list_get_rows_loaded (list) - rows_before) / runs);

      print_row ("search", label, s, extra);
      totals->worst_median = MAX (totals->worst_median, s.median);
      totals->sum_medians += s.median;
      totals->n++;
      g_array_append_val (totals->all_medians, s.median);

      if (i + 1 == steps->len)
        {
          guint like_found = 0;
          Stats like = measure_like (store, text, MAX (1, runs / 2), &like_found);
          g_autofree char *like_label = g_strdup_printf ("  LIKE baseline “%s”", text);
          g_autofree char *ratio = g_strdup_printf ("%u found; FTS is %.1f× faster", like_found,
                                                    s.median > 0 ? like.median / s.median : 0);

          print_row ("search", like_label, like, ratio);
          if (expect_id > 0 && !os_record_list_is_truncated (list))
            check (list_contains (G_LIST_MODEL (list), expect_id),
                   "search “%s” does not find record %" G_GINT64_FORMAT, text, expect_id);
          check (n > 0, "search “%s” finds nothing", text);
        }
    }
}

static void
bench_search (OsStore  *store,
              OsRecord *sample,
              int       runs)
{
  g_autoptr(OsRecordList) list = os_record_list_new (store);
  SearchTotals totals = { 0, 0, 0, g_array_new (FALSE, FALSE, sizeof (double)) };
  const char *code = os_record_get_code (sample);
  const char *id_number = os_record_get_id_number (sample);
  const char *dash = strchr (code, '-');
  g_autofree char *code_day = g_strndup (dash + 1, 6);
  g_autofree char *code_tail = g_strdup (dash + 1);           /* YYMMDD-NNNN */
  g_autofree char *name_and_id = g_strdup_printf ("%s %.6s", os_record_get_applicant_name (sample),
                                                 id_number);
  Stats code_lookup;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  Stats all;

  print_header ("Search: one query per keystroke (set_query + first rows)");
  bench_search_sequence (store, list, "name", "nguyen van an", TRUE, 0, runs, &totals);
  bench_search_sequence (store, list, "name", "Nguyễn Văn Ấn", FALSE, 0, runs, &totals);
  bench_search_sequence (store, list, "name+id", name_and_id, TRUE, os_record_get_local_id (sample), runs, &totals);
  bench_search_sequence (store, list, "id", id_number, TRUE, os_record_get_local_id (sample), runs, &totals);
  bench_search_sequence (store, list, "code day", code_day, TRUE, 0, runs, &totals);
  bench_search_sequence (store, list, "code tail", code_tail, TRUE, os_record_get_local_id (sample), runs, &totals);
  bench_search_sequence (store, list, "code", code, FALSE, os_record_get_local_id (sample), runs, &totals);

  /* Enter on a whole code (a barcode reader) opens the record through the unique index. */
  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(GError) error = NULL;
      g_autoptr(OsRecord) found = os_store_find_record_by_code (store, code, &error);
      double ms = ms_since (t0);

      check (found != NULL && os_record_get_local_id (found) == os_record_get_local_id (sample),
             "find by code %s: %s", code, error ? error->message : "wrong record");
      g_array_append_val (times, ms);
    }
  code_lookup = stats_of (times);
  print_row ("search", "Enter on a whole code (exact)", code_lookup, "");

  all = stats_of (totals.all_medians);
  g_print ("summary: search-keystroke-median-ms %.2f\n", all.median);
  g_print ("summary: search-keystroke-p90-ms %.2f\n", all.p90);
  g_print ("summary: search-keystroke-worst-median-ms %.2f\n", totals.worst_median);
  g_array_unref (totals.all_medians);
}

/* Filtered listing -------------------------------------------------------------------- */

static void
bench_filters (OsStore  *store,
               int       runs)
{
  g_autoptr(OsRecordList) list = os_record_list_new (store);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 day = 86400;
  Query queries[] = {
    { "all records", NULL, 0, OS_DUE_STATE_NONE, 0, 0 },
    { "status processing", NULL, OS_STATUS_PROCESSING, OS_DUE_STATE_NONE, 0, 0 },
    { "status supplement", NULL, OS_STATUS_SUPPLEMENT, OS_DUE_STATE_NONE, 0, 0 },
    { "status received", NULL, OS_STATUS_RECEIVED, OS_DUE_STATE_NONE, 0, 0 },
    { "due: overdue", NULL, 0, OS_DUE_STATE_OVERDUE, 0, 0 },
    { "due: near due", NULL, 0, OS_DUE_STATE_NEAR_DUE, 0, 0 },
    { "due: in time", NULL, 0, OS_DUE_STATE_IN_TIME, 0, 0 },
    { "due: paused", NULL, 0, OS_DUE_STATE_PAUSED, 0, 0 },
    { "due: finished late", NULL, 0, OS_DUE_STATE_LATE, 0, 0 },
    { "due: finished on time", NULL, 0, OS_DUE_STATE_ON_TIME, 0, 0 },
    { "due: finished early", NULL, 0, OS_DUE_STATE_EARLY, 0, 0 },
    { "received last 30 days", NULL, 0, OS_DUE_STATE_NONE, now - 30 * day, 0 },
    { "received one day, a year ago", NULL, 0, OS_DUE_STATE_NONE, now - 365 * day, now - 364 * day },
    { "last 30 days + processing", NULL, OS_STATUS_PROCESSING, OS_DUE_STATE_NONE, now - 30 * day, 0 },
    { "last year + returned", NULL, OS_STATUS_RETURNED, OS_DUE_STATE_NONE, now - 365 * day, 0 },
    { "overdue + last 30 days", NULL, 0, OS_DUE_STATE_OVERDUE, now - 30 * day, 0 },
    { "“nguyen” + processing", "nguyen", OS_STATUS_PROCESSING, OS_DUE_STATE_NONE, 0, 0 },
    { "“nguyen van an” + last year", "nguyen van an", 0, OS_DUE_STATE_NONE, now - 365 * day, 0 },
  };
  double base = 0, worst = 0;
  g_autoptr(GArray) medians = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) count_times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 total = 0;
  Stats s;

  print_header ("Filtered listing: set_query (count) + first rows");
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *extra = NULL;

      s = measure_query (list, &queries[i], runs);
      if (i == 0)
        base = s.median;
      extra = g_strdup_printf ("%u items; %.1f× the unfiltered listing",
                               g_list_model_get_n_items (G_LIST_MODEL (list)),
                               base > 0 ? s.median / base : 0);
      print_row ("filter", queries[i].label, s, extra);
      g_array_append_val (medians, s.median);
      worst = MAX (worst, s.median);
    }

  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      total = os_store_count_records (store);
      ms = ms_since (t0);
      g_array_append_val (count_times, ms);
    }
  os_record_list_set_query (list, NULL, 0, OS_DUE_STATE_NONE, 0, 0);
  check (total == g_list_model_get_n_items (G_LIST_MODEL (list)),
         "the unfiltered list has %u items, the table %" G_GINT64_FORMAT,
         g_list_model_get_n_items (G_LIST_MODEL (list)), total);
  print_row ("count", "os_store_count_records", stats_of (count_times), "");

  s = stats_of (medians);
  g_print ("summary: filter-median-ms %.2f\n", s.median);
  g_print ("summary: filter-worst-median-ms %.2f\n", worst);
}

/* Processes (issue 5) ----------------------------------------------------------------- */

typedef struct
{
  const char *label;
  OsActor    *actor;
} InboxCase;

static void
bench_processes (OsStore *store,
                 int      runs)
{
  g_autoptr(GPtrArray) processes = os_store_list_processes (store, NULL);
  g_autoptr(OsAgency) agency = os_store_dup_agency (store);
  const char *reception[] = { OS_ROLE_RECEPTION, NULL };
  const char *specialist[] = { OS_ROLE_SPECIALIST, NULL };
  const char *units[] = { agency->identifier, NULL };
  g_autofree char *officer = os_store_dup_officer (store);
  InboxCase cases[] = {
    { "every role (standalone officer)", os_actor_copy (os_store_get_actor (store)) },
    { "reception", os_actor_new ("letiep", "Lê Tiếp", reception, units, "") },
    { "specialist (officer's assignments)", os_actor_new (officer, officer, specialist, units, "") },
  };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  print_header ("Processes: inbox (50 most urgent), its count, the designer's statistics");
  if (processes == NULL || processes->len == 0)
    g_print ("process   (no process in this database: nothing to measure)\n");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) list_times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) count_times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *label = NULL;
      g_autofree char *extra = NULL;
      gint64 total = 0;
      guint listed = 0;

      for (int r = 0; r < runs; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr(GPtrArray) inbox = os_store_list_inbox (store, cases[i].actor, 50, NULL);
          double ms = ms_since (t0);

          g_array_append_val (list_times, ms);
          listed = inbox ? inbox->len : 0;
          t0 = g_get_monotonic_time ();
          total = os_store_count_inbox (store, cases[i].actor);
          ms = ms_since (t0);
          g_array_append_val (count_times, ms);
        }
      check (total >= listed, "the inbox lists %u of a count of %" G_GINT64_FORMAT, listed, total);
      label = g_strdup_printf ("inbox: %s", cases[i].label);
      extra = g_strdup_printf ("%u listed of %" G_GINT64_FORMAT, listed, total);
      print_row ("process", label, stats_of (list_times), extra);
      g_free (label);
      label = g_strdup_printf ("count: %s", cases[i].label);
      print_row ("process", label, stats_of (count_times), "");
      if (i == 0)
        g_print ("summary: inbox-median-ms %.2f\n", stats_of (list_times).median);
      os_actor_free (cases[i].actor);
    }

  for (guint i = 0; processes != NULL && i < processes->len; i++)
    {
      OsProcess *process = g_ptr_array_index (processes, i);
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
      g_autofree char *extra = NULL;
      int samples = 0, at_steps = 0;

      for (int r = 0; r < runs; r++)
        {
          gint64 t0 = g_get_monotonic_time ();
          g_autoptr(GArray) stats = os_store_process_stats (store, os_process_get_id (process),
                                                            os_process_get_version (process), now, NULL);
          double ms = ms_since (t0);

          g_array_append_val (times, ms);
          samples = at_steps = 0;
          for (guint j = 0; stats != NULL && j < stats->len; j++)
            {
              samples += g_array_index (stats, OsStepStats, j).samples;
              at_steps += g_array_index (stats, OsStepStats, j).now;
            }
        }
      extra = g_strdup_printf ("%d at a step, %d finished stays", at_steps, samples);
      print_row ("process", "statistics (median, p90 per step)", stats_of (times), extra);
      if (i == 0)
        g_print ("summary: process-stats-median-ms %.2f\n", stats_of (times).median);
    }
}

/* Scrolling --------------------------------------------------------------------------- */

static void
bench_scroll (OsStore *store)
{
  gint64 rss_before = proc_status_kb ("VmRSS:");
  g_autoptr(OsRecordList) list = os_record_list_new (store);
  GListModel *model = G_LIST_MODEL (list);
  guint n = g_list_model_get_n_items (model);
  guint scroll = MIN (5000, n / 4);
  g_autoptr(GArray) page_times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 previous = G_MAXINT64, t0;
  double scroll_ms, end_ms, middle_ms;
  guint64 loaded;
  Stats pages;

  /* Row by row as a list view asks while scrolling down; a page is read every 100 rows. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < scroll; i++)
    {
      gint64 r0 = g_get_monotonic_time ();
      g_autoptr(OsRecord) r = g_list_model_get_item (model, i);

      if (i % LIST_PAGE == 0)
        {
          double ms = ms_since (r0);
          g_array_append_val (page_times, ms);
        }
      check (r != NULL, "scrolling: item %u is missing", i);
      if (r == NULL)
        break;
      check (os_record_get_received_at (r) <= previous, "scrolling: item %u is out of order", i);
      previous = os_record_get_received_at (r);
    }
  scroll_ms = ms_since (t0);
  pages = stats_of (page_times);

  /* Dragging the scroll bar to the end, then to the middle. */
  t0 = g_get_monotonic_time ();
  for (guint i = n - MIN (n, VISIBLE_ROWS); i < n; i++)
    g_object_unref (g_list_model_get_item (model, i));
  end_ms = ms_since (t0);
  t0 = g_get_monotonic_time ();
  for (guint i = n / 2; i < n / 2 + VISIBLE_ROWS && i < n; i++)
    g_object_unref (g_list_model_get_item (model, i));
  middle_ms = ms_since (t0);

  loaded = os_record_list_get_rows_loaded (list);
  g_print ("\n== Scrolling the unfiltered list (%u items) ==\n", n);
  g_print ("scroll    rows 0..%u: %.1f ms in all; a page of %d: median %.2f, p90 %.2f, max %.2f ms\n",
           scroll, scroll_ms, LIST_PAGE, pages.median, pages.p90, pages.max);
  g_print ("scroll    jump to the end (last %d rows): %.2f ms\n", VISIBLE_ROWS, end_ms);
  g_print ("scroll    jump to the middle (%d rows): %.2f ms\n", VISIBLE_ROWS, middle_ms);
  g_print ("scroll    rows read from the database: %" G_GUINT64_FORMAT " of %u (%.2f%%)\n",
           loaded, n, n ? 100.0 * loaded / n : 0);
  g_print ("scroll    RSS before %" G_GINT64_FORMAT " kB, after %" G_GINT64_FORMAT " kB, peak %" G_GINT64_FORMAT " kB\n",
           rss_before, proc_status_kb ("VmRSS:"), proc_status_kb ("VmHWM:"));
  g_print ("summary: scroll-rows-loaded %" G_GUINT64_FORMAT "\n", loaded);
  g_print ("summary: scroll-n-items %u\n", n);
  g_print ("summary: scroll-jump-end-ms %.2f\n", end_ms);
  g_print ("summary: scroll-page-median-ms %.2f\n", pages.median);

  /* Reading the scrolled rows, the count and the two jumps: a few pages more than scrolled. */
  check (loaded <= (guint64) scroll + 4 * LIST_PAGE,
         "scrolling %u rows read %" G_GUINT64_FORMAT " rows from the database", scroll, loaded);
  check (n < 10 * LIST_PAGE || loaded < n, "scrolling read every row");
}

/* Saving -------------------------------------------------------------------------------- */

static OsRecord *
new_record (guint i)
{
  static const char * const names[] = {
    "Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Long", "Phạm Thu Hà", "Đỗ Quang Vinh",
  };
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };
  g_autofree char *id_number = g_strdup_printf ("0010990%05u", i % 100000);

  os_record_set_procedure (record, "p-khai-sinh", "1.001193.000.00.00.H29", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, names[i % G_N_ELEMENTS (names)]);
  os_record_set_id_number (record, id_number);
  os_record_set_birth_date (record, "1990-02-01");
  os_record_set_phone (record, "0912345678");
  os_record_set_address (record, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
  os_record_set_sets (record, 1);
  os_record_set_officer (record, "Lê Thu Hà");
  if (i % 10 == 9)
    {
      os_record_set_status (record, OS_STATUS_SUPPLEMENT);
      os_record_set_reason (record, "Bổ sung bản sao giấy tờ tùy thân có chứng thực.");
    }
  else
    os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh", 1, 0, 0);
  os_record_add_document (record, "Căn cước công dân của người đi đăng ký", 0, 1, 2);
  return record;
}

static Stats
measure_saves (OsStore    *store,
               int         saves,
               OsRecord  **last)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  static guint serial;

  for (int i = 0; i < saves; i++)
    {
      g_autoptr(OsRecord) record = new_record (serial++);
      g_autoptr(GError) error = NULL;
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      gint64 t0 = g_get_monotonic_time ();
      gboolean ok = os_store_receive (store, record, now, &error);
      double ms = ms_since (t0);

      check (ok && os_record_get_local_id (record) > 0, "save %d: %s", i,
             error ? error->message : "no local id");
      if (!ok)
        break;
      g_array_append_val (times, ms);
      if (i + 1 == saves && last != NULL)
        *last = g_object_ref (record);
    }
  return stats_of (times);
}

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

static gboolean
exec_sql (OsStore    *store,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (os_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    {
      check (FALSE, "%s: %s", sql, message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static void
bench_saves (OsStore    *source,
             const char *work_dir,
             int         saves)
{
  g_autofree char *copy_name = g_strdup_printf ("bench-store-save-copy-%d.sqlite3", (int) getpid ());
  g_autofree char *empty_name = g_strdup_printf ("bench-store-save-empty-%d.sqlite3", (int) getpid ());
  g_autofree char *copy_path = g_build_filename (work_dir, copy_name, NULL);
  g_autofree char *empty_path = g_build_filename (work_dir, empty_name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (os_store_get_path (source));
  g_autoptr(GFile) to = g_file_new_for_path (copy_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) copy = NULL;
  g_autoptr(OsStore) empty = NULL;
  g_autoptr(OsRecord) last = NULL;
  g_autoptr(OsRecordList) list = NULL;
  gint64 before, t0;
  g_autofree char *ratio = NULL;
  Stats full, normal, off, fresh;
  double copy_ms;

  /* Everything in the main file, then a copy: the cached database stays as generated. */
  exec_sql (source, "PRAGMA wal_checkpoint(TRUNCATE)");
  remove_database (copy_path);
  t0 = g_get_monotonic_time ();
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    {
      check (FALSE, "copying the database: %s", error->message);
      return;
    }
  /* Flush the copy now: otherwise the first checkpoint's fsync writes the whole copied
   * file back and one save looks like it took a third of a second. */
  {
    int fd = g_open (copy_path, O_RDONLY, 0);

    if (fd >= 0)
      {
        fsync (fd);
        close (fd);
      }
  }
  copy_ms = ms_since (t0);
  copy = os_store_open (copy_path, &error);
  check (copy != NULL, "opening the copy: %s", error ? error->message : "");
  if (copy == NULL)
    return;
  trace_store (copy);
  before = os_store_count_records (copy);

  print_header ("Saving a record (os_store_receive, one transaction)");
  g_print ("(on a copy of the database made and flushed in %.0f ms, in %s)\n", copy_ms, work_dir);
  full = measure_saves (copy, saves, NULL);
  print_row ("save", "synchronous=FULL (the app)", full, "");
  exec_sql (copy, "PRAGMA synchronous = NORMAL");
  normal = measure_saves (copy, saves, NULL);
  ratio = g_strdup_printf ("FULL is %.1f× NORMAL", normal.median > 0 ? full.median / normal.median : 0);
  print_row ("save", "synchronous=NORMAL (baseline)", normal, ratio);
  g_free (ratio);
  exec_sql (copy, "PRAGMA synchronous = OFF");
  off = measure_saves (copy, saves, &last);
  ratio = g_strdup_printf ("FULL is %.1f× OFF", off.median > 0 ? full.median / off.median : 0);
  print_row ("save", "synchronous=OFF (baseline)", off, ratio);
  g_clear_pointer (&ratio, g_free);
  exec_sql (copy, "PRAGMA synchronous = FULL");

  check (os_store_count_records (copy) == before + 3 * saves, "saves: %" G_GINT64_FORMAT
         " records after %d saves on %" G_GINT64_FORMAT, os_store_count_records (copy), 3 * saves, before);
  if (last != NULL)
    {
      g_autoptr(OsRecord) found = os_store_find_record_by_code (copy, os_record_get_code (last), NULL);

      check (found != NULL && os_record_get_local_id (found) == os_record_get_local_id (last),
             "the last saved record is not found by its code");
      list = os_record_list_new (copy);
      os_record_list_set_query (list, os_record_get_code (last), 0, OS_DUE_STATE_NONE, 0, 0);
      check (list_contains (G_LIST_MODEL (list), os_record_get_local_id (last)),
             "searching the last saved code does not find it");
      g_clear_object (&list);
    }
  g_clear_object (&copy);
  remove_database (copy_path);

  /* The same saves into an empty database. */
  remove_database (empty_path);
  empty = os_store_open (empty_path, &error);
  check (empty != NULL && os_demo_load_catalogue (empty, &error), "empty database: %s",
         error ? error->message : "");
  if (empty != NULL)
    {
      fresh = measure_saves (empty, saves, NULL);
      ratio = g_strdup_printf ("FULL on this database is %.1f× FULL on an empty one",
                               fresh.median > 0 ? full.median / fresh.median : 0);
      print_row ("save", "FULL, empty database (baseline)", fresh, ratio);
      g_clear_object (&empty);
    }
  remove_database (empty_path);

  g_print ("summary: save-full-median-ms %.2f\n", full.median);
  g_print ("summary: save-full-p90-ms %.2f\n", full.p90);
  g_print ("summary: save-full-max-ms %.2f\n", full.max);
  g_print ("summary: save-off-median-ms %.2f\n", off.median);
}

/* A fresh database of @n generated records (the smoke test). */
static gboolean
generate (const char *path,
          guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(OsDemoGenerator) generator = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  remove_database (path);
  store = os_store_open (path, &error);
  if (store == NULL || !os_demo_load_catalogue (store, &error))
    {
      g_printerr ("bench-store: %s: %s\n", path, error->message);
      return FALSE;
    }
  generator = os_demo_generator_new (store, 20251123, now - (gint64) MAX (20, n / 400) * 7 / 5 * 86400, now, n);
  for (;;)
    {
      g_autoptr(GPtrArray) records = os_demo_generator_next (generator, 20000);

      if (records->len == 0)
        break;
      if (!os_store_insert_prepared (store, records, TRUE, &error))
        {
          g_printerr ("bench-store: generating: %s\n", error->message);
          return FALSE;
        }
    }
  return os_store_count_records (store) == n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- benchmark search, listing and saving");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(OsRecord) sample = NULL;
  g_autofree char *work_dir = NULL;
  gint64 n, t0;
  double open_ms;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_db == NULL || opt_runs < 1)
    {
      g_printerr ("%s\n", error ? error->message : "usage: bench-store --db=PATH [OPTION…]");
      return 2;
    }
  if (opt_smoke)
    {
      opt_runs = MIN (opt_runs, 2);
      opt_saves = MIN (opt_saves, 10);
    }
  work_dir = opt_work_dir ? g_strdup (opt_work_dir) : g_path_get_dirname (opt_db);
  profiles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) profile_free);

  if (opt_generate > 0 && !generate (opt_db, (guint) opt_generate))
    return 1;
  if (!g_file_test (opt_db, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("bench-store: no database at %s (make one with bench-generate)\n", opt_db);
      return 1;
    }

  t0 = g_get_monotonic_time ();
  store = os_store_open (opt_db, &error);
  open_ms = ms_since (t0);
  if (store == NULL)
    {
      g_printerr ("bench-store: %s: %s\n", opt_db, error->message);
      return 1;
    }
  trace_store (store);
  n = os_store_count_records (store);
  g_print ("bench-store: %s, %" G_GINT64_FORMAT " records, SQLite %s, %d runs per query, %d saves per setting\n",
           opt_db, n, sqlite3_libversion (), opt_runs, opt_saves);
  g_print ("open      os_store_open: %.1f ms; RSS %" G_GINT64_FORMAT " kB\n", open_ms,
           proc_status_kb ("VmRSS:"));
  if (n < 100)
    {
      g_printerr ("bench-store: too few records to measure anything\n");
      return 1;
    }

  /* The record the searches are built from: one in the middle of the table. */
  sample = os_store_load_record (store, n / 2, &error);
  if (sample == NULL)
    {
      g_printerr ("bench-store: no record %" G_GINT64_FORMAT ": %s\n", n / 2,
                  error ? error->message : "");
      return 1;
    }
  g_print ("sample    record %" G_GINT64_FORMAT ": %s, %s, %s\n", os_record_get_local_id (sample),
           os_record_get_code (sample), os_record_get_applicant_name (sample),
           os_record_get_id_number (sample));

  bench_search (store, sample, opt_runs);
  bench_filters (store, opt_runs);
  bench_processes (store, opt_runs);
  bench_scroll (store);
  if (opt_saves > 0)
    bench_saves (store, work_dir, opt_saves);

  g_print ("\nsummary: rss-kb %" G_GINT64_FORMAT "\nsummary: rss-peak-kb %" G_GINT64_FORMAT "\n",
           proc_status_kb ("VmRSS:"), proc_status_kb ("VmHWM:"));
  if (opt_explain)
    print_plans (store, 10);

  if (opt_generate > 0)
    {
      g_clear_object (&store);
      remove_database (opt_db);
    }
  if (failures > 0)
    {
      g_printerr ("bench-store: %u functional failures\n", failures);
      return 1;
    }
  g_print ("bench-store: all functional checks passed\n");
  return 0;
}
