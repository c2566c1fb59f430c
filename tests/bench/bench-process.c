/* bench-process.c: what the process designer does on every edit, on processes of 6 (the
 * demo), 30, 120 and 300 steps with four links a step: the checks (with the longest budget
 * path), the tidy-up layout, JSON and BPMN out and back, and 1,000 merged drag moves with
 * their undo. Prints medians (p90, max) in milliseconds and the ratio to the demo process.
 * Fails only when something is functionally wrong (a round trip that loses a step, a
 * layout that misses one). `--smoke`: small sizes, few runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "bench-stats.h"
#include "os-bpmn.h"
#include "os-process-editor.h"
#include "os-process-layout.h"

static OsProcess *
make_process (guint n)
{
  OsProcess *process = os_process_new ("Bench");
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  guint l = 1;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%u", i + 1);
      g_autofree char *name = g_strdup_printf ("Bước %u", i + 1);
      OsProcessStep step = { id, name, (char *) "", (char *) OS_ROLE_SPECIALIST, 1,
                             i + 1 == n ? OS_STEP_CAN_RETURN : OS_STEP_ABILITIES_ALL, 0, 0 };

      os_process_insert_step (process, -1, &step);
    }
  for (guint i = 0; i + 1 < n; i++)
    for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
      {
        guint to;
        g_autofree char *id = NULL, *from = NULL, *target = NULL;
        OsProcessLink link;

        if (o == OS_OUTCOME_ACCEPT)
          to = i + 1;
        else if (o == OS_OUTCOME_REFUSE)
          to = g_rand_int_range (rand, i + 1, n);
        else if (i == 0)
          continue;
        else
          to = g_rand_int_range (rand, 0, i);
        id = g_strdup_printf ("l%u", l++);
        from = g_strdup_printf ("s%u", i + 1);
        target = g_strdup_printf ("s%u", to + 1);
        link = (OsProcessLink) { id, from, target, o };
        os_process_insert_link (process, -1, &link);
      }
  return process;
}

typedef struct
{
  const char *name;
  GArray     *ms;
  double      demo_median;
} Figure;

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (int argc, char **argv)
{
  static const guint full_sizes[] = { 6, 30, 120, 300 };
  static const guint smoke_sizes[] = { 6, 30 };
  const char *names[] = { "check", "layout", "json out+in", "bpmn out+in", "1000 moves+undo" };
  gboolean smoke = argc > 1 && g_str_equal (argv[1], "--smoke");
  const guint *sizes = smoke ? smoke_sizes : full_sizes;
  guint n_sizes = smoke ? G_N_ELEMENTS (smoke_sizes) : G_N_ELEMENTS (full_sizes);
  guint runs = smoke ? 2 : 15;
  double demo[G_N_ELEMENTS (names)] = { 0 };

  printf ("%-6s %-16s %10s %10s %10s %8s\n", "steps", "operation", "median ms", "p90 ms", "max ms", "× demo");
  for (guint s = 0; s < n_sizes; s++)
    {
      guint n = sizes[s];

      for (guint k = 0; k < G_N_ELEMENTS (names); k++)
        {
          g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
          BenchStats stats;

          for (guint r = 0; r < runs; r++)
            {
              g_autoptr(OsProcess) process = make_process (n);
              double t0 = now_ms (), t;

              if (k == 0)
                {
                  OsTimeLimit limit = { OS_TIME_UNIT_CALENDAR_DAYS, 15, -1 };
                  g_autoptr(GPtrArray) problems = os_process_check (process, &limit, NULL);
                  if (os_process_longest_budget (process) < (int) n)
                    g_error ("longest budget %d below the %u-step chain",
                             os_process_longest_budget (process), n);
                }
              else if (k == 1)
                {
                  g_autoptr(GArray) places = os_process_layout_compute (process);
                  if (places->len != n)
                    g_error ("layout placed %u of %u steps", places->len, n);
                }
              else if (k == 2)
                {
                  g_autofree char *data = os_process_to_data (process);
                  g_autoptr(OsProcess) back = os_process_new_from_data (data, NULL);
                  if (back == NULL || os_process_get_links (back)->len != os_process_get_links (process)->len)
                    g_error ("JSON round trip lost links");
                }
              else if (k == 3)
                {
                  g_autofree char *xml = os_bpmn_export (process, NULL);
                  g_autoptr(OsProcess) back = os_bpmn_import (xml, -1, NULL);
                  if (back == NULL || os_process_get_steps (back)->len != n ||
                      os_process_get_links (back)->len != os_process_get_links (process)->len)
                    g_error ("BPMN round trip lost steps or links");
                }
              else
                {
                  g_autoptr(OsProcessEditor) editor = os_process_editor_new (process);
                  for (guint m = 0; m < 1000; m++)
                    os_process_editor_move_step (editor, "s1", m + 1, m % 7, TRUE);
                  os_process_editor_undo (editor);
                  if (os_process_find_step (process, "s1")->x != 0 || os_process_editor_can_undo (editor))
                    g_error ("1000 merged moves did not undo as one");
                }
              t = now_ms () - t0;
              g_array_append_val (ms, t);
            }
          stats = bench_stats_of (ms);
          if (s == 0)
            demo[k] = stats.median;
          printf ("%-6u %-16s %10.3f %10.3f %10.3f %8.1f\n", n, names[k], stats.median, stats.p90,
                  stats.max, demo[k] > 0 ? stats.median / demo[k] : 0.0);
        }
    }
  return 0;
}
