/* test-process-layout.c: the designer's tidy-up (os-process-layout).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "os-process-layout.h"
#include "process-demo.h"

static const OsStepPlace *
place_of (GArray     *places,
          const char *step_id)
{
  for (guint i = 0; i < places->len; i++)
    {
      const OsStepPlace *place = &g_array_index (places, OsStepPlace, i);
      if (g_str_equal (place->step_id, step_id))
        return place;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
assert_no_overlap_on_grid (OsProcess *process,
                           GArray    *places)
{
  g_assert_cmpuint (places->len, ==, os_process_get_steps (process)->len);
  for (guint i = 0; i < places->len; i++)
    {
      const OsStepPlace *a = &g_array_index (places, OsStepPlace, i);

      /* In step order. */
      g_assert_cmpstr (a->step_id, ==,
                       ((OsProcessStep *) g_ptr_array_index (os_process_get_steps (process), i))->id);
      g_assert_cmpfloat (fmod (a->x, OS_PROCESS_GRID), ==, 0);
      g_assert_cmpfloat (fmod (a->y, OS_PROCESS_GRID), ==, 0);
      g_assert_cmpfloat (a->x, >=, 0);
      g_assert_cmpfloat (a->y, >=, 0);
      for (guint j = i + 1; j < places->len; j++)
        {
          const OsStepPlace *b = &g_array_index (places, OsStepPlace, j);
          gboolean apart = a->x + OS_PROCESS_STEP_WIDTH <= b->x || b->x + OS_PROCESS_STEP_WIDTH <= a->x ||
                           a->y + OS_PROCESS_STEP_HEIGHT <= b->y || b->y + OS_PROCESS_STEP_HEIGHT <= a->y;
          g_assert_true (apart);
        }
    }
}

static void
test_demo (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GArray) places = NULL;
  g_autoptr(GArray) again = NULL;
  GPtrArray *links;
  double min_x = G_MAXDOUBLE;

  /* Scramble the drawing first: the layout must not depend on it. */
  for (guint i = 0; i < os_process_get_steps (process)->len; i++)
    {
      g_autoptr(OsProcessStep) step = os_process_step_copy (g_ptr_array_index (os_process_get_steps (process), i));
      step->x = (i * 7919) % 1000;
      step->y = (i * 104729) % 700;
      os_process_replace_step (process, step);
    }

  places = os_process_layout_compute (process);
  assert_no_overlap_on_grid (process, places);

  /* The start in the first column. */
  for (guint i = 0; i < places->len; i++)
    min_x = MIN (min_x, g_array_index (places, OsStepPlace, i).x);
  g_assert_cmpfloat (place_of (places, "s1")->x, ==, min_x);

  /* Forward links point right; the chain makes six columns. */
  links = os_process_get_links (process);
  for (guint i = 0; i < links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (links, i);
      if (link->outcome == OS_OUTCOME_ACCEPT || link->outcome == OS_OUTCOME_REFUSE)
        g_assert_cmpfloat (place_of (places, link->to)->x, >=,
                           place_of (places, link->from)->x + OS_PROCESS_STEP_WIDTH);
      else
        g_assert_cmpfloat (place_of (places, link->to)->x, <, place_of (places, link->from)->x);
    }
  g_assert_cmpfloat (place_of (places, "s6")->x, >, place_of (places, "s5")->x);

  /* Deterministic. */
  again = os_process_layout_compute (process);
  g_assert_cmpuint (again->len, ==, places->len);
  for (guint i = 0; i < places->len; i++)
    {
      g_assert_cmpfloat (g_array_index (again, OsStepPlace, i).x, ==, g_array_index (places, OsStepPlace, i).x);
      g_assert_cmpfloat (g_array_index (again, OsStepPlace, i).y, ==, g_array_index (places, OsStepPlace, i).y);
    }
}

static void
test_branches_and_unreachable (void)
{
  g_autoptr(OsProcess) process = demo_process_new ();
  g_autoptr(GArray) places = NULL;
  double last = 0;

  /* A parallel branch s2 → s7 → s4 (refuse/accept) and an island. */
  demo_add_step (process, "s7", "Lấy ý kiến", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 1, 0, 0);
  demo_add_step (process, "s8", "Đảo", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 1, 0, 0);
  demo_add_step (process, "s9", "Đảo tiếp", OS_ROLE_SPECIALIST, OS_STEP_CAN_RETURN, 1, 0, 0);
  demo_add_link (process, "b1", "s2", "s7", OS_OUTCOME_REFUSE);
  demo_add_link (process, "b2", "s7", "s4", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "b3", "s8", "s9", OS_OUTCOME_ACCEPT);
  /* An accept loop must not hang or break the layering. */
  demo_add_link (process, "b4", "s6", "s2", OS_OUTCOME_ACCEPT);

  places = os_process_layout_compute (process);
  assert_no_overlap_on_grid (process, places);
  g_assert_cmpfloat (place_of (places, "s7")->x, ==, place_of (places, "s3")->x);
  g_assert_cmpfloat (place_of (places, "s4")->x, >, place_of (places, "s7")->x);

  /* Unreachable steps in a last column. */
  for (guint i = 0; i < places->len; i++)
    last = MAX (last, g_array_index (places, OsStepPlace, i).x);
  g_assert_cmpfloat (place_of (places, "s8")->x, ==, last);
  g_assert_cmpfloat (place_of (places, "s9")->x, ==, last);
  g_assert_cmpfloat (place_of (places, "s8")->x, >, place_of (places, "s6")->x);
}

static void
test_empty (void)
{
  g_autoptr(OsProcess) process = os_process_new ("Trống");
  g_autoptr(GArray) places = os_process_layout_compute (process);

  g_assert_cmpuint (places->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process-layout/demo", test_demo);
  g_test_add_func ("/process-layout/branches-and-unreachable", test_branches_and_unreachable);
  g_test_add_func ("/process-layout/empty", test_empty);

  return g_test_run ();
}
