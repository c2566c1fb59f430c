/* test-designer.c: the process designer in a real (Xvfb) window, driven through its actions
 * and the canvas's key-bound actions: steps as accessible children, adding from the
 * palette, keyboard move / focus / connect, delete and undo, the problems list, tidy-up,
 * the overlay and publishing on a standalone desk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "os-demo.h"
#include "os-process-designer.h"
#include "os-process-layout.h"
#include "os-process-palette.h"
#include "desk-test.h"
#include "../core/process-demo.h"
#include "os-test-util.h"

typedef struct
{
  char              *dir;
  OsStore           *store;
  OsProcessDesigner *designer;
  OsProcessCanvas   *canvas;
  OsProcessEditor   *editor;
  OsProcess         *process;
} Fixture;

/* Tiếp nhận → Thụ lý → Thẩm định → Trả kết quả, with a rework link back: valid. */
static OsProcess *
four_steps (void)
{
  OsProcess *process = os_process_new ("Quy trình thử");

  demo_add_step (process, "s1", "Tiếp nhận", OS_ROLE_RECEPTION, OS_STEP_CAN_HAND_OVER, 1, 48, 96);
  demo_add_step (process, "s2", "Thụ lý", OS_ROLE_SPECIALIST, OS_STEP_CAN_PROCESS, 4, 288, 96);
  demo_add_step (process, "s3", "Thẩm định", OS_ROLE_HEAD, OS_STEP_CAN_REVIEW, 2, 528, 96);
  demo_add_step (process, "s4", "Trả kết quả", OS_ROLE_RECEPTION, OS_STEP_CAN_RETURN | OS_STEP_CAN_COLLECT_FEE, 1, 768, 96);
  os_process_set_start (process, "s1");
  demo_add_link (process, "l1", "s1", "s2", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l2", "s2", "s3", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l3", "s3", "s4", OS_OUTCOME_ACCEPT);
  demo_add_link (process, "l4", "s3", "s2", OS_OUTCOME_REWORK);
  demo_add_link (process, "l5", "s2", "s4", OS_OUTCOME_REFUSE);
  return process;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(OsProcess) process = four_steps ();

  f->store = desk_test_open_store ("onestop-designer-XXXXXX", &f->dir);

  f->designer = os_process_designer_new (f->store, NULL);
  os_process_designer_set_process (f->designer, process);
  gtk_window_set_default_size (GTK_WINDOW (f->designer), 1260, 780);
  gtk_window_present (GTK_WINDOW (f->designer));
  while (!gtk_widget_get_mapped (GTK_WIDGET (f->designer)))
    g_main_context_iteration (NULL, TRUE);
  desk_test_iterate ();
  f->canvas = os_process_designer_get_canvas (f->designer);
  f->editor = os_process_designer_get_editor (f->designer);
  f->process = os_process_editor_get_process (f->editor);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  desk_test_close_windows ();
  desk_test_iterate ();
  desk_test_remove_store (&f->store, &f->dir);
}

static guint
count_step_widgets (OsProcessCanvas *canvas)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (canvas)); c; c = gtk_widget_get_next_sibling (c))
    if (OS_IS_STEP_WIDGET (c))
      n++;
  return n;
}

static gboolean
canvas_action (Fixture    *f,
               const char *name,
               const char *format,
               ...)
{
  GVariant *parameter = NULL;
  gboolean done;

  if (format != NULL)
    {
      va_list args;

      va_start (args, format);
      parameter = g_variant_new_va (format, NULL, &args);
      va_end (args);
    }
  done = gtk_widget_activate_action_variant (GTK_WIDGET (f->canvas), name, parameter);
  desk_test_iterate ();
  return done;
}

static void
designer_action (Fixture    *f,
                 const char *name)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->designer), name, NULL));
  desk_test_iterate ();
}

static guint
links_from (OsProcess  *process,
            const char *step_id)
{
  GPtrArray *links = os_process_get_links (process);
  guint n = 0;

  for (guint i = 0; i < links->len; i++)
    if (g_strcmp0 (((OsProcessLink *) g_ptr_array_index (links, i))->from, step_id) == 0)
      n++;
  return n;
}

static void
test_open (Fixture       *f,
           gconstpointer  data)
{
  OsStepWidget *widget;

  /* One focusable child per step, named for screen readers. */
  g_assert_cmpuint (count_step_widgets (f->canvas), ==, 4);
  g_assert_cmpuint (os_process_canvas_get_n_steps (f->canvas), ==, 4);
  widget = os_process_canvas_get_step_widget (f->canvas, "s3");
  g_assert_nonnull (widget);
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (widget)));
  g_assert_cmpstr (os_step_widget_get_label (widget), ==, "Bước Thẩm định, Lãnh đạo phòng, 1 ngày");
  g_assert_cmpstr (os_step_widget_get_label (os_process_canvas_get_step_widget (f->canvas, "s2")), ==,
                   "Bước Thụ lý, Chuyên viên, 2 ngày");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (widget)));

  /* A valid process: nothing blocks publishing. */
  for (guint i = 0; i < os_process_designer_get_problems (f->designer)->len; i++)
    g_assert_false (((OsProcessProblem *) g_ptr_array_index (os_process_designer_get_problems (f->designer), i))->blocking);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                                      OS_TYPE_PROCESS_DESIGNER,
                                                                                      "publish_button"))));
}

static void
test_edit (Fixture       *f,
           gconstpointer  data)
{
  OsProcessPalette *palette = OS_PROCESS_PALETTE (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                                 OS_TYPE_PROCESS_DESIGNER, "palette"));
  GtkListView *problems_view = GTK_LIST_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                             OS_TYPE_PROCESS_DESIGNER, "problems_view"));
  g_autofree char *added = NULL;
  g_autofree char *link_id = NULL;
  OsProcessStep *step;
  GPtrArray *problems;
  double x, y;
  gboolean found = FALSE;

  /* Add from the palette (the selected kind, as Insert / Enter do). */
  os_process_palette_select (palette, 4); /* Ký duyệt */
  os_process_canvas_select_step (f->canvas, "s3", TRUE);
  designer_action (f, "designer.add-step");
  g_assert_cmpuint (os_process_get_steps (f->process)->len, ==, 5);
  g_assert_cmpuint (count_step_widgets (f->canvas), ==, 5);
  added = g_strdup (os_process_canvas_get_selected_step (f->canvas));
  g_assert_nonnull (added);
  step = os_process_find_step (f->process, added);
  g_assert_cmpstr (step->name, ==, "Ký duyệt");
  g_assert_cmpstr (step->role, ==, OS_ROLE_LEADER);
  g_assert_cmpuint (step->abilities, ==, OS_STEP_CAN_SIGN);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (os_process_canvas_get_step_widget (f->canvas, added))));
  /* Not on top of another step, on the grid. */
  g_assert_cmpfloat (step->x, >=, 528 + OS_PROCESS_STEP_WIDTH);
  g_assert_cmpfloat (fmod (step->x, OS_PROCESS_GRID), ==, 0);

  /* Unconnected, it cannot be reached: the problems list says so, and marks it. */
  problems = os_process_designer_get_problems (f->designer);
  for (guint i = 0; i < problems->len; i++)
    {
      const OsProcessProblem *problem = g_ptr_array_index (problems, i);

      if (problem->kind == OS_PROCESS_PROBLEM_UNREACHABLE && g_strcmp0 (problem->step_id, added) == 0)
        {
          found = TRUE;
          /* Activating the problem selects its step. */
          os_process_canvas_select_step (f->canvas, "s1", FALSE);
          g_signal_emit_by_name (problems_view, "activate", i);
          desk_test_iterate ();
          g_assert_cmpstr (os_process_canvas_get_selected_step (f->canvas), ==, added);
        }
    }
  g_assert_true (found);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (problems_view))), ==, problems->len);
  g_assert_true (os_step_widget_has_problem (os_process_canvas_get_step_widget (f->canvas, added)));

  /* Keyboard move: Alt+→ is one grid cell. */
  x = step->x;
  y = step->y;
  g_assert_true (canvas_action (f, "canvas.nudge", "(ii)", 1, 0));
  step = os_process_find_step (f->process, added);
  g_assert_cmpfloat (step->x, ==, x + OS_PROCESS_GRID);
  g_assert_cmpfloat (step->y, ==, y);
  g_assert_true (canvas_action (f, "canvas.nudge", "(ii)", 0, 1));
  step = os_process_find_step (f->process, added);
  g_assert_cmpfloat (step->y, ==, y + OS_PROCESS_GRID);

  /* Arrows move the focus: ← from the new step reaches Thẩm định. */
  g_assert_true (canvas_action (f, "canvas.focus-direction", "i", GTK_DIR_LEFT));
  g_assert_cmpstr (os_process_canvas_get_selected_step (f->canvas), ==, "s3");
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (os_process_canvas_get_step_widget (f->canvas, "s3"))));

  /* Connect by keyboard: Ctrl+K from Thẩm định (the target starts on the nearest step to the
   * right, Trả kết quả), ↓ to the new step below it, Enter. Thẩm định already has accept and
   * rework links: the next free outcome is taken. */
  g_assert_true (canvas_action (f, "canvas.connect", NULL));
  g_assert_true (os_process_canvas_is_connecting (f->canvas));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (os_process_canvas_get_step_widget (f->canvas, "s4"))));
  canvas_action (f, "canvas.focus-direction", "i", GTK_DIR_DOWN);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (os_process_canvas_get_step_widget (f->canvas, added))));
  g_assert_true (canvas_action (f, "canvas.enter", NULL));
  g_assert_false (os_process_canvas_is_connecting (f->canvas));
  g_assert_nonnull (os_process_canvas_get_selected_link (f->canvas));
  link_id = g_strdup (os_process_canvas_get_selected_link (f->canvas));
  g_assert_cmpstr (os_process_find_link (f->process, link_id)->from, ==, "s3");
  g_assert_cmpstr (os_process_find_link (f->process, link_id)->to, ==, added);
  g_assert_cmpint (os_process_find_link (f->process, link_id)->outcome, ==, OS_OUTCOME_SUPPLEMENT);
  g_assert_cmpuint (links_from (f->process, "s3"), ==, 3);

  /* Esc cancels a connection without a link. */
  os_process_canvas_select_step (f->canvas, "s1", TRUE);
  g_assert_true (canvas_action (f, "canvas.connect", NULL));
  canvas_action (f, "canvas.cancel", NULL);
  g_assert_false (os_process_canvas_is_connecting (f->canvas));
  g_assert_cmpuint (links_from (f->process, "s1"), ==, 1);

  /* Delete the new step: its link goes with it; undo brings both back. */
  os_process_canvas_select_step (f->canvas, added, TRUE);
  g_assert_true (canvas_action (f, "canvas.delete", NULL));
  g_assert_null (os_process_find_step (f->process, added));
  g_assert_null (os_process_find_link (f->process, link_id));
  g_assert_cmpuint (count_step_widgets (f->canvas), ==, 4);
  designer_action (f, "designer.undo");
  g_assert_nonnull (os_process_find_step (f->process, added));
  g_assert_nonnull (os_process_find_link (f->process, link_id));
  g_assert_cmpuint (count_step_widgets (f->canvas), ==, 5);
  designer_action (f, "designer.redo");
  g_assert_null (os_process_find_step (f->process, added));

  /* The side panel edits through the editor: renaming the selected step. */
  os_process_canvas_select_step (f->canvas, "s2", TRUE);
  desk_test_iterate ();
  {
    AdwEntryRow *name_row = ADW_ENTRY_ROW (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                         OS_TYPE_PROCESS_DESIGNER, "step_name_row"));

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Thụ lý");
    gtk_editable_set_text (GTK_EDITABLE (name_row), "Thụ lý hồ sơ");
    g_signal_emit_by_name (name_row, "apply");
    desk_test_iterate ();
    g_assert_cmpstr (os_process_find_step (f->process, "s2")->name, ==, "Thụ lý hồ sơ");
    g_assert_cmpstr (os_step_widget_get_label (os_process_canvas_get_step_widget (f->canvas, "s2")), ==,
                     "Bước Thụ lý hồ sơ, Chuyên viên, 2 ngày");
    designer_action (f, "designer.undo");
    g_assert_cmpstr (os_process_find_step (f->process, "s2")->name, ==, "Thụ lý");
  }

  /* Deleting the start step's only way on leaves steps unreachable: the list grows. */
  {
    guint before = os_process_designer_get_problems (f->designer)->len;

    os_process_canvas_select_link (f->canvas, "l1");
    g_assert_true (canvas_action (f, "canvas.delete", NULL));
    g_assert_cmpuint (os_process_designer_get_problems (f->designer)->len, >, before);
    g_assert_true (os_step_widget_has_problem (os_process_canvas_get_step_widget (f->canvas, "s2")));
    designer_action (f, "designer.undo");
    g_assert_cmpuint (os_process_designer_get_problems (f->designer)->len, ==, before);
    g_assert_false (os_step_widget_has_problem (os_process_canvas_get_step_widget (f->canvas, "s2")));
  }
}

static void
test_tidy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GArray) places = NULL;
  double x, y;

  /* Scatter one step, then tidy: every step goes where the layout puts it, in one command. */
  os_process_editor_move_step (f->editor, "s3", 1200, 600, FALSE);
  desk_test_iterate ();
  places = os_process_layout_compute (f->process);
  designer_action (f, "designer.tidy");
  for (guint i = 0; i < places->len; i++)
    {
      const OsStepPlace *place = &g_array_index (places, OsStepPlace, i);
      OsProcessStep *step = os_process_find_step (f->process, place->step_id);

      g_assert_cmpfloat (step->x, ==, place->x);
      g_assert_cmpfloat (step->y, ==, place->y);
      os_step_widget_get_position (os_process_canvas_get_step_widget (f->canvas, place->step_id), &x, &y);
      g_assert_cmpfloat (x, ==, place->x);
      g_assert_cmpfloat (y, ==, place->y);
    }
  designer_action (f, "designer.undo");
  g_assert_cmpfloat (os_process_find_step (f->process, "s3")->x, ==, 1200);
}

static void
test_publish (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) published = NULL;
  AdwMessageDialog *dialog;
  const char *id = os_process_get_id (f->process);
  g_autofree char *process_id = g_strdup (id);

  /* An edit, so there is a draft; it is saved to the store shortly after. */
  os_process_editor_rename (f->editor, "Quy trình thử nghiệm");
  g_assert_true (os_process_designer_save (f->designer, &error));
  g_assert_no_error (error);
  {
    g_autoptr(OsProcess) draft = os_store_load_process (f->store, process_id, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (os_process_get_name (draft), ==, "Quy trình thử nghiệm");
  }

  /* Publishing asks first and says that records under way keep their version. */
  designer_action (f, "designer.publish");
  dialog = desk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "phiên bản 1"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "vẫn giữ phiên bản"));
  adw_message_dialog_response (dialog, "publish");
  desk_test_iterate ();

  published = os_store_load_process (f->store, process_id, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (published);
  g_assert_cmpint (os_process_get_version (published), ==, 1);
  g_assert_cmpstr (os_process_get_name (published), ==, "Quy trình thử nghiệm");
  g_assert_cmpuint (os_process_get_steps (published)->len, ==, 4);

  /* The designer goes on with a draft of version 1; the overlay is now possible. */
  g_assert_cmpint (os_process_get_version (os_process_editor_get_process (os_process_designer_get_editor (f->designer))), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->designer), "designer.overlay", NULL));
  desk_test_iterate ();
  g_assert_nonnull (os_step_widget_get_stats (os_process_canvas_get_step_widget (os_process_designer_get_canvas (f->designer), "s1")));
}

static void
test_blocking (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *publish = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                  OS_TYPE_PROCESS_DESIGNER, "publish_button"));

  /* A step nobody can take blocks publishing, and the button says why. */
  os_process_canvas_select_step (f->canvas, "s2", TRUE);
  os_process_palette_select (OS_PROCESS_PALETTE (gtk_widget_get_template_child (GTK_WIDGET (f->designer),
                                                                                OS_TYPE_PROCESS_DESIGNER, "palette")),
                             os_step_kind_count () - 1); /* Bước trống */
  designer_action (f, "designer.add-step");
  os_process_designer_get_problems (f->designer);
  g_assert_false (gtk_widget_is_sensitive (publish));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (publish), "Chưa phát hành được: "));
  designer_action (f, "designer.undo");
  os_process_designer_get_problems (f->designer);
  g_assert_true (gtk_widget_is_sensitive (publish));
}

int
main (int   argc,
      char *argv[])
{
  desk_test_init (&argc, &argv);

  g_test_add ("/designer/open", Fixture, NULL, fixture_set_up, test_open, fixture_tear_down);
  g_test_add ("/designer/edit", Fixture, NULL, fixture_set_up, test_edit, fixture_tear_down);
  g_test_add ("/designer/tidy", Fixture, NULL, fixture_set_up, test_tidy, fixture_tear_down);
  g_test_add ("/designer/blocking", Fixture, NULL, fixture_set_up, test_blocking, fixture_tear_down);
  g_test_add ("/designer/publish", Fixture, NULL, fixture_set_up, test_publish, fixture_tear_down);

  return g_test_run ();
}
