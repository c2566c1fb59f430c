/* bench-designer.c: frame times of the process designer while a step is dragged, on a
 * 60-step process (the bar: "stays smooth with a 60-step process").
 *
 * Opens the designer in a real window (run under Xvfb), tidies the process and fits it,
 * then for a few hundred frames moves one step one grid cell per frame, back and forth, as
 * a pointer drag does (OsProcessEditor move with merge, then the canvas's relayout and
 * redraw). From the window's GdkFrameClock it records, per frame, the work (from the
 * "update" phase, where the move happens, to "after-paint") and the interval between
 * consecutive "after-paint"s (which also holds what runs between frames: the checks and the
 * side panel). Baseline in the same run: the same number of frames in which only the
 * selection changes (every link and two steps drawn again, no model change).
 * Prints median / p90 / p99 / max and the ratio to a 16.7 ms frame. Fails only when the
 * step did not move.
 *
 *   bench-designer [--frames=N] [--smoke] [--renderer=cairo|gl]
 *
 * Under Xvfb, GTK's GL renderer runs on llvmpipe (software): a frame with anything changed
 * repaints the whole window on the CPU, so the GL figures here say more about llvmpipe than
 * about the canvas; `--renderer=cairo` gives the other figure (meson registers both).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-stats.h"
#include "os-process-designer.h"
#include "os-process-layout.h"

#define STEPS 60
#define FRAME_MS (1000.0 / 60)

typedef enum { PHASE_WARMUP, PHASE_BASELINE, PHASE_DRAG, PHASE_DONE } Phase;

typedef struct
{
  OsProcessCanvas *canvas;
  OsProcessEditor *editor;
  char            *step;
  double           x0, y0;
  Phase            phase;
  int              frame;        /* in the phase */
  int              frames;       /* per measured phase */
  gint64           update_start;
  gint64           last_paint;
  GArray          *work[2];      /* ms: baseline, drag */
  GArray          *interval[2];
  int              moves;
} Bench;

static OsProcess *
sixty_steps (void)
{
  static const char *roles[] = { OS_ROLE_RECEPTION, OS_ROLE_HEAD, OS_ROLE_SPECIALIST, OS_ROLE_HEAD, OS_ROLE_LEADER };
  static const guint abilities[] = { OS_STEP_CAN_HAND_OVER, OS_STEP_CAN_ASSIGN | OS_STEP_CAN_HAND_OVER,
                                     OS_STEP_CAN_PROCESS, OS_STEP_CAN_REVIEW, OS_STEP_CAN_SIGN };
  OsProcess *process = os_process_new ("Quy trình 60 bước");
  int link = 0;

  for (int i = 0; i < STEPS; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%d", i + 1);
      g_autofree char *name = g_strdup_printf ("Bước %d", i + 1);
      OsProcessStep step = { id, name, (char *) "", (char *) roles[i % 5], 1 + i % 4,
                             i == STEPS - 1 ? OS_STEP_CAN_RETURN : abilities[i % 5], 0, 0 };

      os_process_insert_step (process, -1, &step);
    }
  os_process_set_start (process, "s1");
  for (int i = 0; i < STEPS; i++)
    {
      struct { int to; OsOutcome outcome; } out[4];
      int n = 0;

      if (i + 1 < STEPS)
        out[n++] = (typeof (out[0])) { i + 1, OS_OUTCOME_ACCEPT };
      if (i % 4 == 3)
        out[n++] = (typeof (out[0])) { i - 2, OS_OUTCOME_REWORK };
      if (i % 6 == 2)
        out[n++] = (typeof (out[0])) { 0, OS_OUTCOME_SUPPLEMENT };
      if (i % 10 == 5)
        out[n++] = (typeof (out[0])) { STEPS - 1, OS_OUTCOME_REFUSE };
      for (int k = 0; k < n; k++)
        {
          g_autofree char *id = g_strdup_printf ("l%d", ++link);
          g_autofree char *from = g_strdup_printf ("s%d", i + 1);
          g_autofree char *to = g_strdup_printf ("s%d", out[k].to + 1);
          OsProcessLink l = { id, from, to, out[k].outcome };

          os_process_insert_link (process, -1, &l);
        }
    }
  return process;
}

static void
on_update (GdkFrameClock *clock,
           Bench         *b)
{
  b->update_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *b)
{
  gint64 now = g_get_monotonic_time ();
  int slot = b->phase == PHASE_BASELINE ? 0 : b->phase == PHASE_DRAG ? 1 : -1;

  if (slot >= 0 && b->update_start > 0)
    {
      double work = (now - b->update_start) / 1000.0;
      double interval = (now - b->last_paint) / 1000.0;

      g_array_append_val (b->work[slot], work);
      if (b->last_paint > 0)
        g_array_append_val (b->interval[slot], interval);
    }
  b->last_paint = now;
  b->update_start = 0;
}

static gboolean
tick (GtkWidget     *widget,
      GdkFrameClock *clock,
      gpointer       user_data)
{
  Bench *b = user_data;

  switch (b->phase)
    {
    case PHASE_WARMUP:
      gtk_widget_queue_draw (widget);
      if (++b->frame >= 30)
        {
          b->phase = PHASE_BASELINE;
          b->frame = 0;
          b->last_paint = 0;
        }
      break;

    case PHASE_BASELINE:
      /* Baseline: the selection goes back and forth between two steps, which redraws every
       * link and two steps, with no model change (no editor command, no checks). */
      os_process_canvas_select_step (b->canvas, b->frame % 2 ? "s1" : "s2", FALSE);
      if (++b->frame >= b->frames)
        {
          b->phase = PHASE_DRAG;
          b->frame = 0;
          b->last_paint = 0;
        }
      break;

    case PHASE_DRAG:
      {
        /* Ten cells right, ten back, ...: one cell per frame, like a steady pointer drag. */
        int cycle = b->frame % 40;
        int cells = cycle < 20 ? cycle / 2 + 1 : (40 - cycle) / 2;
        double x = b->x0 + cells * OS_PROCESS_GRID;
        double y = b->y0 + (cycle % 2) * OS_PROCESS_GRID;

        if (os_process_editor_move_step (b->editor, b->step, x, y, b->frame > 0))
          b->moves++;
        if (++b->frame >= b->frames)
          b->phase = PHASE_DONE;
      }
      break;

    case PHASE_DONE:
    default:
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
print_stats (const char *what,
             GArray     *values,
             double      baseline_median)
{
  BenchStats s = bench_stats_of (values);

  g_print ("%-34s median %6.2f ms  p90 %6.2f  p99 %6.2f  max %6.2f  (median / 16.7 ms = %.2f",
           what, s.median, s.p90, s.p99, s.max, s.median / FRAME_MS);
  if (baseline_median > 0)
    g_print ("; / baseline %.2f", s.median / baseline_median);
  g_print (")\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(OsStore) store = NULL;
  g_autoptr(OsProcess) process = sixty_steps ();
  OsProcessDesigner *designer;
  OsProcessStep *step;
  GdkFrameClock *clock;
  Bench b = { 0 };
  BenchStats base_work;
  double best = G_MAXDOUBLE, final_x;
  int width, height;
  gboolean smoke = FALSE;

  b.frames = 300;
  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--frames="))
        b.frames = MAX (10, atoi (argv[i] + strlen ("--frames=")));
      else if (g_str_equal (argv[i], "--smoke"))
        smoke = TRUE;
      else if (g_str_has_prefix (argv[i], "--renderer="))
        g_setenv ("GSK_RENDERER", argv[i] + strlen ("--renderer="), TRUE);
    }
  if (smoke)
    b.frames = 40;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  gtk_init ();
  adw_init ();

  dir = g_dir_make_tmp ("bench-designer-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "desk.sqlite3", NULL);
  store = os_store_open (path, &error);
  g_assert_no_error (error);

  designer = os_process_designer_new (store, NULL);
  os_process_designer_set_process (designer, process);
  b.editor = os_process_designer_get_editor (designer);
  b.canvas = os_process_designer_get_canvas (designer);
  gtk_window_set_default_size (GTK_WINDOW (designer), 1280, 800);
  gtk_window_present (GTK_WINDOW (designer));
  while (!gtk_widget_get_mapped (GTK_WIDGET (b.canvas)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (designer), "designer.tidy", NULL));
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  /* The step nearest the middle of the view: the one an admin would grab. */
  width = gtk_widget_get_width (GTK_WIDGET (b.canvas));
  height = gtk_widget_get_height (GTK_WIDGET (b.canvas));
  for (guint i = 0; i < os_process_get_steps (os_process_editor_get_process (b.editor))->len; i++)
    {
      OsProcessStep *s = g_ptr_array_index (os_process_get_steps (os_process_editor_get_process (b.editor)), i);
      OsStepWidget *w = os_process_canvas_get_step_widget (b.canvas, s->id);
      graphene_point_t p;
      double d;

      if (!gtk_widget_compute_point (GTK_WIDGET (w), GTK_WIDGET (b.canvas), &GRAPHENE_POINT_INIT (0, 0), &p))
        continue;
      d = hypot (p.x - width / 2.0, p.y - height / 2.0);
      if (d < best)
        {
          best = d;
          g_free (b.step);
          b.step = g_strdup (s->id);
          b.x0 = s->x;
          b.y0 = s->y;
        }
    }
  g_assert_nonnull (b.step);

  for (int i = 0; i < 2; i++)
    {
      b.work[i] = g_array_new (FALSE, FALSE, sizeof (double));
      b.interval[i] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (designer));
  g_signal_connect (clock, "update", G_CALLBACK (on_update), &b);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &b);
  gtk_widget_add_tick_callback (GTK_WIDGET (b.canvas), tick, &b, NULL);
  while (b.phase != PHASE_DONE)
    g_main_context_iteration (NULL, TRUE);
  /* The last frame's paint. */
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);

  step = os_process_find_step (os_process_editor_get_process (b.editor), b.step);
  final_x = step->x;

  g_print ("# designer, %d steps, %u links, tidied and fitted (zoom %.0f%%), canvas %d×%d px, renderer %s\n",
           STEPS, os_process_get_links (os_process_editor_get_process (b.editor))->len,
           os_process_canvas_get_zoom (b.canvas) * 100, width, height,
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (designer))));
  g_print ("# dragging step %s: %d frames, %d moves (one grid cell each), one undo command: %s\n",
           b.step, b.frames, b.moves, os_process_editor_get_undo_label (b.editor));
  base_work = bench_stats_of (b.work[0]);
  print_stats ("baseline (select): frame work", b.work[0], 0);
  print_stats ("baseline (select): frame interval", b.interval[0], 0);
  print_stats ("drag: frame work", b.work[1], base_work.median);
  print_stats ("drag: frame interval", b.interval[1], bench_stats_of (b.interval[0]).median);

  gtk_window_destroy (GTK_WINDOW (designer));
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);

  /* Functional checks only: the step moved and the frames were seen. */
  if (b.moves < b.frames / 2 || b.work[1]->len < (guint) b.frames / 2 || final_x < b.x0)
    {
      g_printerr ("the drag did not happen: %d moves, %u frames\n", b.moves, b.work[1]->len);
      return 1;
    }
  for (int i = 0; i < 2; i++)
    {
      g_array_unref (b.work[i]);
      g_array_unref (b.interval[i]);
    }
  g_free (b.step);
  return 0;
}
