/* bench-startup.c: how long the desk takes to show its window, and how much memory it holds.
 *
 *   bench-startup --app=onestop-desk --db=BIG.sqlite3 --work-dir=DIR [--runs=5] [--timeout=60]
 *
 * Runs the app again and again with ONESTOP_BENCH_STARTUP=1, which makes it print
 * "startup-ms: N" (from the application object's creation to the first painted frame)
 * and "rss-kb: N kB", then quit. For each renderer (GSK_RENDERER=cairo, and GTK's default,
 * GL, which is llvmpipe under Xvfb), each start page (reception, records: the page that
 * reads the records table) and each database (the big one, and an empty one made in
 * DIR as the baseline) it prints the median (p90, max) of --runs runs of:
 *   - startup-ms as the app reports it;
 *   - wall ms from spawning the process to that line (adds exec, linking, GTK init);
 *   - resident memory at the first frame.
 * One unmeasured run first in each configuration warms the page cache and the session.
 *
 * It needs a display and a session bus: run it under xvfb-run and dbus-run-session, with
 * GSETTINGS_SCHEMA_DIR pointing at the build's data/ (run-all.sh does all this). Settings
 * come from a keyfile (GSETTINGS_BACKEND=keyfile) in DIR so that the start page can be
 * chosen without touching the app. Exits 1 when a run crashes, prints nothing, or does not
 * show its window within --timeout seconds; never because of the figures themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-stats.h"
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *opt_app = NULL;
static char *opt_db = NULL;
static char *opt_work_dir = NULL;
static int opt_runs = 5;
static int opt_timeout = 60;

static GOptionEntry entries[] = {
  { "app", 0, 0, G_OPTION_ARG_FILENAME, &opt_app, "The onestop-desk executable", "PATH" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "The big database", "PATH" },
  { "work-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_work_dir, "Scratch directory (settings, empty database)", "DIR" },
  { "runs", 'r', 0, G_OPTION_ARG_INT, &opt_runs, "Measured runs per configuration (5)", "N" },
  { "timeout", 't', 0, G_OPTION_ARG_INT, &opt_timeout, "Seconds a run may take to show its window (60)", "S" },
  { NULL }
};

static guint failures;

typedef struct
{
  gboolean ok;
  double   startup_ms;  /* as printed by the app */
  double   wall_ms;     /* spawn → the startup-ms line */
  double   exit_ms;     /* spawn → exit */
  double   rss_mb;
} Run;

typedef BenchStats Stats;

static Stats
stats_of (GArray *values)
{
  return bench_stats_of (values);
}

/* Reads the child's output until it exits or @deadline passes, noting when the
 * startup-ms line arrives. */
static Run
run_once (char       **argv,
          char       **envp,
          const char  *log_path)
{
  Run run = { FALSE, 0, 0, 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) output = g_string_new (NULL);
  GPid pid;
  int out_fd, status = 0;
  gint64 t0 = g_get_monotonic_time ();
  gint64 deadline = t0 + (gint64) opt_timeout * G_USEC_PER_SEC;
  gboolean exited = FALSE, timed_out = FALSE;
  const char *line;

  if (!g_spawn_async_with_pipes (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                 NULL, NULL, &pid, NULL, &out_fd, NULL, &error))
    {
      g_printerr ("bench-startup: cannot run %s: %s\n", argv[0], error->message);
      return run;
    }

  for (;;)
    {
      struct pollfd pfd = { out_fd, POLLIN, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      char buffer[4096];
      ssize_t n;

      if (left <= 0)
        {
          timed_out = TRUE;
          break;
        }
      if (poll (&pfd, 1, (int) MIN (left / 1000 + 1, 1000)) < 0 && errno != EINTR)
        break;
      if (!(pfd.revents & (POLLIN | POLLHUP)))
        continue;
      n = read (out_fd, buffer, sizeof buffer);
      if (n <= 0)
        break;   /* end of output: the app is exiting */
      g_string_append_len (output, buffer, n);
      if (run.wall_ms == 0 && strstr (output->str, "startup-ms:") != NULL &&
          strchr (strstr (output->str, "startup-ms:"), '\n') != NULL)
        run.wall_ms = (g_get_monotonic_time () - t0) / 1000.0;
    }
  close (out_fd);

  /* Wait for the exit within the same deadline; a hung app is killed (it is our child). */
  while (!timed_out)
    {
      pid_t r = waitpid (pid, &status, WNOHANG);

      if (r == pid)
        {
          exited = TRUE;
          break;
        }
      if (g_get_monotonic_time () > deadline)
        {
          timed_out = TRUE;
          break;
        }
      g_usleep (2000);
    }
  if (!exited)
    {
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
    }
  g_spawn_close_pid (pid);
  run.exit_ms = (g_get_monotonic_time () - t0) / 1000.0;

  if (log_path != NULL)
    g_file_set_contents (log_path, output->str, -1, NULL);

  if (timed_out)
    {
      g_printerr ("bench-startup: no window within %d s (see %s)\n", opt_timeout, log_path);
      return run;
    }
  if ((line = strstr (output->str, "startup-ms:")) == NULL)
    {
      g_printerr ("bench-startup: the app exited (status %d) without printing startup-ms (see %s)\n",
                  status, log_path);
      return run;
    }
  run.startup_ms = g_ascii_strtod (line + strlen ("startup-ms:"), NULL);
  if ((line = strstr (output->str, "rss-kb:")) != NULL)
    run.rss_mb = g_ascii_strtod (line + strlen ("rss-kb:"), NULL) / 1024.0;
  run.ok = run.startup_ms > 0 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
  if (!run.ok)
    g_printerr ("bench-startup: the app exited with status %d (see %s)\n", status, log_path);
  return run;
}

/* Settings as a keyfile, so that each configuration can choose its start page. */
static char *
settings_dir (const char *work_dir,
              const char *page)
{
  g_autofree char *config = g_build_filename (work_dir, page, NULL);
  g_autofree char *dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *file = g_build_filename (dir, "keyfile", NULL);
  g_autofree char *contents = g_strdup_printf ("[vn/onestop/Desk]\nlast-page='%s'\n", page);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (file, contents, -1, NULL);
  return g_steal_pointer (&config);
}

typedef struct
{
  Stats startup;
  Stats wall;
  Stats rss;
  guint ok;
} Result;

static Result
run_config (const char *renderer,
            const char *page,
            const char *db_label,
            const char *db)
{
  g_autofree char *config = settings_dir (opt_work_dir, page);
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GArray) startup = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *log_path = g_strdup_printf ("%s/%s-%s-%s.log", opt_work_dir, renderer, page, db_label);
  char *argv[] = { opt_app, NULL };
  Result result = { { 0 } };

  envp = g_environ_setenv (envp, "ONESTOP_BENCH_STARTUP", "1", TRUE);
  envp = g_environ_setenv (envp, "ONESTOP_DATABASE", db, TRUE);
  envp = g_environ_setenv (envp, "ONESTOP_NO_DEMO", "1", TRUE);
  envp = g_environ_setenv (envp, "GSETTINGS_BACKEND", "keyfile", TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", config, TRUE);
  if (g_strcmp0 (renderer, "cairo") == 0)
    envp = g_environ_setenv (envp, "GSK_RENDERER", "cairo", TRUE);
  else
    envp = g_environ_unsetenv (envp, "GSK_RENDERER");

  for (int i = -1; i < opt_runs; i++)   /* run -1 warms up and is not counted */
    {
      Run run = run_once (argv, envp, log_path);

      if (!run.ok)
        {
          failures++;
          break;
        }
      if (i < 0)
        continue;
      g_array_append_val (startup, run.startup_ms);
      g_array_append_val (wall, run.wall_ms);
      g_array_append_val (rss, run.rss_mb);
      result.ok++;
    }

  result.startup = stats_of (startup);
  result.wall = stats_of (wall);
  result.rss = stats_of (rss);
  g_print ("%-7s %-10s %-6s %9.0f %7.0f %7.0f %9.0f %7.0f %8.0f %6.0f  %u/%d\n",
           renderer, page, db_label, result.startup.median, result.startup.p90, result.startup.max,
           result.wall.median, result.wall.max, result.rss.median, result.rss.max,
           result.ok, opt_runs);
  return result;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- start-up time and memory of the desk");
  g_autoptr(GError) error = NULL;
  g_autofree char *empty_db = NULL;
  const char *renderers[] = { "cairo", "gl" };
  const char *pages[] = { "reception", "records" };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_app == NULL ||
      opt_db == NULL || opt_work_dir == NULL || opt_runs < 1)
    {
      g_printerr ("%s\n", error ? error->message
                                : "usage: bench-startup --app=PATH --db=PATH --work-dir=DIR [OPTION…]");
      return 2;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("bench-startup: no display; run it under xvfb-run (see run-all.sh)\n");
      return 2;
    }
  if (!g_file_test (opt_db, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("bench-startup: no database at %s\n", opt_db);
      return 1;
    }
  g_mkdir_with_parents (opt_work_dir, 0700);
  /* The baseline: a database with the catalogue and no records (the warm-up run makes it). */
  empty_db = g_build_filename (opt_work_dir, "empty.sqlite3", NULL);

  g_print ("bench-startup: %s, %d runs per configuration (after one warm-up run)\n", opt_app, opt_runs);
  g_print ("%-7s %-10s %-6s %9s %7s %7s %9s %7s %8s %6s  %s\n", "render", "page", "db",
           "start ms", "p90", "max", "wall ms", "max", "RSS MB", "max", "ok");

  for (guint r = 0; r < G_N_ELEMENTS (renderers); r++)
    for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
      {
        Result big = run_config (renderers[r], pages[p], "big", opt_db);
        Result empty = run_config (renderers[r], pages[p], "empty", empty_db);

        g_print ("%-7s %-10s ratio  %9.2f %15s %9.2f %7s %8.2f   (big / empty)\n", renderers[r], pages[p],
                 empty.startup.median > 0 ? big.startup.median / empty.startup.median : 0, "",
                 empty.wall.median > 0 ? big.wall.median / empty.wall.median : 0, "",
                 empty.rss.median > 0 ? big.rss.median / empty.rss.median : 0);
        g_print ("summary: startup-%s-%s-ms %.0f\n", renderers[r], pages[p], big.startup.median);
        g_print ("summary: startup-%s-%s-wall-ms %.0f\n", renderers[r], pages[p], big.wall.median);
        g_print ("summary: startup-%s-%s-rss-mb %.0f\n", renderers[r], pages[p], big.rss.median);
        g_print ("summary: startup-%s-%s-empty-ms %.0f\n", renderers[r], pages[p], empty.startup.median);
      }

  if (failures > 0)
    {
      g_printerr ("bench-startup: %u configurations failed (logs in %s)\n", failures, opt_work_dir);
      return 1;
    }
  return 0;
}
