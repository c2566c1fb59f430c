/* os-process-designer.c: see os-process-designer.h.
 *
 * The window owns the draft and its OsProcessEditor; the canvas, the side panel and the
 * palette only build editor commands. After each change (::changed), undo/redo states are
 * updated at once; the checks, the side panel and the problems list once per main-loop
 * turn (an idle), and only when what they show differs — a drag delivers one change per
 * frame and must not rebuild lists; the draft is saved a moment after the last change.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-bpmn.h"
#include "os-datetime.h"
#include "os-desk-resources.h"
#include "os-error.h"
#include "os-process-designer.h"
#include "os-process-layout.h"
#include "os-process-palette.h"
#include "os-text.h"
#include "os-ui-util.h"

#define SAVE_DELAY_MS 800
#define ZOOM_STEP 1.2

static const char *roles[] = {
  "", OS_ROLE_RECEPTION, OS_ROLE_SPECIALIST, OS_ROLE_HEAD, OS_ROLE_LEADER, OS_ROLE_SUPERVISOR, OS_ROLE_ADMIN,
};

static const OsStepAbilities abilities[] = {
  OS_STEP_CAN_HAND_OVER, OS_STEP_CAN_ASSIGN, OS_STEP_CAN_PROCESS, OS_STEP_CAN_REVIEW,
  OS_STEP_CAN_SIGN, OS_STEP_CAN_COLLECT_FEE, OS_STEP_CAN_RETURN, OS_STEP_CAN_PAUSE_PAYMENT,
};

struct _OsProcessDesigner
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkMenuButton        *process_button;
  GtkButton            *zoom_button;
  GtkWidget            *publish_button;
  GtkWidget            *overlay_button;
  OsProcessPalette     *palette;
  OsProcessCanvas      *canvas;
  GtkLabel             *problems_label;
  GtkListView          *problems_view;
  GtkStack             *side_stack;
  AdwEntryRow          *process_name_row;
  AdwActionRow         *version_row;
  AdwActionRow         *total_row;
  GtkSearchEntry       *procedure_search;
  GtkListView          *procedures_view;
  AdwEntryRow          *step_name_row;
  AdwEntryRow          *step_unit_row;
  AdwComboRow          *step_role_row;
  GtkSpinButton        *step_budget_spin;
  GtkSwitch            *step_start_switch;
  AdwPreferencesGroup  *abilities_group;
  AdwPreferencesGroup  *step_links_group;
  AdwActionRow         *link_from_row;
  AdwActionRow         *link_to_row;
  AdwComboRow          *link_outcome_row;

  OsStore              *store;
  OsSyncEngine         *engine;
  GCancellable         *cancellable;
  OsProcess            *process;     /* the draft being edited */
  OsProcess            *published;   /* its latest published version, or NULL */
  OsProcessEditor      *editor;
  GPtrArray            *problems;    /* OsProcessProblem */
  GtkStringList        *problem_model;
  GtkCustomFilter      *procedure_filter;
  GtkWidget            *ability_checks[G_N_ELEMENTS (abilities)];
  GPtrArray            *link_rows;
  char                 *links_shown; /* what the step's link rows show, to rebuild only on change */
  GtkFileChooserNative *chooser;
  guint                 refresh_id;
  guint                 save_id;
  gboolean              syncing;     /* the panel is being filled from the model */
  gboolean              overlay;
  gboolean              publishing;
};

G_DEFINE_FINAL_TYPE (OsProcessDesigner, os_process_designer, ADW_TYPE_WINDOW)

enum { PROP_0, PROP_OVERLAY, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void refresh (OsProcessDesigner *self);

static void
toast (OsProcessDesigner *self,
       const char        *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static OsProcessStep *
selected_step (OsProcessDesigner *self)
{
  const char *id = os_process_canvas_get_selected_step (self->canvas);

  return id && self->process ? os_process_find_step (self->process, id) : NULL;
}

static OsProcessLink *
selected_link (OsProcessDesigner *self)
{
  const char *id = os_process_canvas_get_selected_link (self->canvas);

  return id && self->process ? os_process_find_link (self->process, id) : NULL;
}

static const char *
step_name (OsProcessDesigner *self,
           const char        *step_id)
{
  OsProcessStep *step = os_process_find_step (self->process, step_id);

  return step && step->name && *step->name ? step->name : _("(chưa đặt tên)");
}

/* Saving the draft ---------------------------------------------------------------- */

gboolean
os_process_designer_save (OsProcessDesigner *self,
                          GError           **error)
{
  g_return_val_if_fail (OS_IS_PROCESS_DESIGNER (self), FALSE);

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->editor == NULL || !os_process_editor_is_dirty (self->editor))
    return TRUE;
  if (!os_store_save_process_draft (self->store, self->process, error))
    return FALSE;
  os_process_editor_mark_saved (self->editor);
  return TRUE;
}

static gboolean
save_timeout (gpointer user_data)
{
  OsProcessDesigner *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_id = 0;
  if (!os_process_designer_save (self, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Chưa lưu được bản nháp: %s"), error->message);
      toast (self, message);
    }
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* The process menu ------------------------------------------------------------------- */

static void
update_process_menu (OsProcessDesigner *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) processes = g_menu_new ();
  g_autoptr(GMenu) actions = g_menu_new ();
  g_autoptr(GPtrArray) list = os_store_list_processes (self->store, NULL);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      OsProcess *process = g_ptr_array_index (list, i);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (os_process_get_version (process) == 0)
        label = g_strdup_printf (_("%s (bản nháp)"), os_process_get_name (process));
      else
        label = g_strdup_printf (_("%s (phiên bản %d)"), os_process_get_name (process),
                                 os_process_get_version (process));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "designer.open", "s", os_process_get_id (process));
      g_menu_append_item (processes, item);
    }
  g_menu_append (actions, _("Quy trình _mới"), "designer.new");
  g_menu_append_section (menu, _("Quy trình"), G_MENU_MODEL (processes));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (actions));
  gtk_menu_button_set_menu_model (self->process_button, G_MENU_MODEL (menu));
}

/* Checks and problems ------------------------------------------------------------------ */

static const OsTimeLimit *
tightest_limit (OsProcessDesigner *self)
{
  const char * const *ids = os_process_get_procedures (self->process);
  const OsTimeLimit *best = NULL;

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      OsProcedure *procedure = os_store_find_procedure (self->store, ids[i]);
      const OsTimeLimit *limit = procedure ? os_procedure_get_time_limit (procedure) : NULL;

      if (limit == NULL)
        continue;
      if (best == NULL ||
          (limit->unit == OS_TIME_UNIT_SESSIONS && (best->unit != OS_TIME_UNIT_SESSIONS || limit->amount < best->amount)))
        best = limit;
    }
  return best;
}

static gboolean
same_problems (GPtrArray *a,
               GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const OsProcessProblem *p = g_ptr_array_index (a, i);
      const OsProcessProblem *q = g_ptr_array_index (b, i);

      if (p->kind != q->kind || p->blocking != q->blocking || g_strcmp0 (p->step_id, q->step_id) != 0 ||
          g_strcmp0 (p->link_id, q->link_id) != 0 || g_strcmp0 (p->message, q->message) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
run_checks (OsProcessDesigner *self)
{
  g_autoptr(GPtrArray) problems = os_process_check (self->process, tightest_limit (self), NULL);
  guint blocking = 0;
  const OsProcessProblem *first_blocking = NULL;
  g_autofree char *heading = NULL;

  for (guint i = 0; i < problems->len; i++)
    {
      const OsProcessProblem *problem = g_ptr_array_index (problems, i);

      if (problem->blocking && blocking++ == 0)
        first_blocking = problem;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.publish", blocking == 0 && !self->publishing);
  if (first_blocking != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("Chưa phát hành được: %s"), first_blocking->message);
      gtk_widget_set_tooltip_text (self->publish_button, why);
    }
  else
    gtk_widget_set_tooltip_text (self->publish_button, _("Phát hành thành phiên bản mới (Ctrl+Shift+P)"));

  if (same_problems (problems, self->problems))
    return;

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = g_steal_pointer (&problems);
  os_process_canvas_set_problems (self->canvas, self->problems);
  {
    g_autoptr(GPtrArray) messages = g_ptr_array_new ();

    for (guint i = 0; i < self->problems->len; i++)
      g_ptr_array_add (messages, ((OsProcessProblem *) g_ptr_array_index (self->problems, i))->message);
    g_ptr_array_add (messages, NULL);
    gtk_string_list_splice (self->problem_model, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->problem_model)),
                            (const char * const *) messages->pdata);
  }
  if (self->problems->len == 0)
    heading = g_strdup (_("Không có vấn đề: quy trình có thể phát hành"));
  else if (blocking > 0)
    heading = g_strdup_printf (_("Vấn đề: %u chặn phát hành, %u cảnh báo"), blocking, self->problems->len - blocking);
  else
    heading = g_strdup_printf (_("Cảnh báo: %u (không chặn phát hành)"), self->problems->len);
  gtk_label_set_label (self->problems_label, heading);
}

GPtrArray *
os_process_designer_get_problems (OsProcessDesigner *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_DESIGNER (self), NULL);

  if (self->refresh_id != 0)
    {
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      refresh (self);
    }
  return self->problems;
}

static void
setup_problem (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
bind_problem (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              OsProcessDesigner        *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  guint position = gtk_list_item_get_position (item);
  const OsProcessProblem *problem;
  g_autofree char *accessible = NULL;

  if (self->problems == NULL || position >= self->problems->len)
    return;
  problem = g_ptr_array_index (self->problems, position);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), problem->blocking ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  if (problem->blocking)
    {
      gtk_widget_add_css_class (icon, "error");
      gtk_widget_remove_css_class (icon, "warning");
    }
  else
    {
      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_remove_css_class (icon, "error");
    }
  gtk_label_set_label (GTK_LABEL (label), problem->message);
  accessible = g_strdup_printf (problem->blocking ? _("Lỗi: %s") : _("Cảnh báo: %s"), problem->message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_problem_activated (OsProcessDesigner *self,
                      guint              position)
{
  const OsProcessProblem *problem;

  if (self->problems == NULL || position >= self->problems->len)
    return;
  problem = g_ptr_array_index (self->problems, position);
  if (problem->step_id != NULL)
    os_process_canvas_select_step (self->canvas, problem->step_id, TRUE);
  else if (problem->link_id != NULL)
    {
      os_process_canvas_select_link (self->canvas, problem->link_id);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

/* The side panel ------------------------------------------------------------------------ */

static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (row));

  if (g_strcmp0 (shown, text ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static guint
role_index (const char *role)
{
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_strcmp0 (roles[i], role ? role : "") == 0)
      return i;
  return 0;
}

static void
on_link_row_activated (AdwActionRow      *row,
                       OsProcessDesigner *self)
{
  const char *link_id = g_object_get_data (G_OBJECT (row), "link-id");

  os_process_canvas_select_link (self->canvas, link_id);
}

static void
fill_step_links (OsProcessDesigner   *self,
                 const OsProcessStep *step)
{
  GPtrArray *links = os_process_get_links (self->process);
  g_autoptr(GString) signature = g_string_new (step->id);

  for (guint i = 0; i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);

      if (g_strcmp0 (link->from, step->id) == 0)
        g_string_append_printf (signature, "|%s>%s:%d:%s", link->id, link->to, link->outcome, step_name (self, link->to));
    }
  if (g_strcmp0 (signature->str, self->links_shown) == 0)
    return;
  g_free (self->links_shown);
  self->links_shown = g_strdup (signature->str);

  for (guint i = 0; i < self->link_rows->len; i++)
    adw_preferences_group_remove (self->step_links_group, g_ptr_array_index (self->link_rows, i));
  g_ptr_array_set_size (self->link_rows, 0);

  for (guint i = 0; i < links->len; i++)
    {
      const OsProcessLink *link = g_ptr_array_index (links, i);
      GtkWidget *row;
      g_autofree char *title = NULL;

      if (g_strcmp0 (link->from, step->id) != 0)
        continue;
      row = adw_action_row_new ();
      title = g_strdup_printf (_("→ %s"), step_name (self, link->to));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), os_outcome_to_string (link->outcome));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "link-id", g_strdup (link->id), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_link_row_activated), self);
      adw_preferences_group_add (self->step_links_group, row);
      g_ptr_array_add (self->link_rows, row);
    }
  if (self->link_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Chưa nối tới bước nào"));
      adw_preferences_group_add (self->step_links_group, row);
      g_ptr_array_add (self->link_rows, row);
    }
}

static void
fill_panel (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  OsProcessLink *link = selected_link (self);

  self->syncing = TRUE;
  if (step != NULL)
    {
      g_autofree char *start = g_strdup (os_process_get_start (self->process));

      gtk_stack_set_visible_child_name (self->side_stack, "step");
      set_entry_text (self->step_name_row, step->name);
      set_entry_text (self->step_unit_row, step->unit);
      adw_combo_row_set_selected (self->step_role_row, role_index (step->role));
      if (gtk_spin_button_get_value (self->step_budget_spin) != step->budget / 2.0)
        gtk_spin_button_set_value (self->step_budget_spin, step->budget / 2.0);
      gtk_switch_set_active (self->step_start_switch, g_strcmp0 (start, step->id) == 0);
      gtk_widget_set_sensitive (GTK_WIDGET (self->step_start_switch), g_strcmp0 (start, step->id) != 0);
      for (guint i = 0; i < G_N_ELEMENTS (abilities); i++)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->ability_checks[i]), (step->abilities & abilities[i]) != 0);
      fill_step_links (self, step);
    }
  else if (link != NULL)
    {
      gtk_stack_set_visible_child_name (self->side_stack, "link");
      adw_action_row_set_subtitle (self->link_from_row, step_name (self, link->from));
      adw_action_row_set_subtitle (self->link_to_row, step_name (self, link->to));
      adw_combo_row_set_selected (self->link_outcome_row, link->outcome);
    }
  else
    {
      g_autofree char *version = NULL;
      g_autofree char *total = NULL;
      int longest = os_process_longest_budget (self->process);
      const OsTimeLimit *limit = tightest_limit (self);

      gtk_stack_set_visible_child_name (self->side_stack, "process");
      set_entry_text (self->process_name_row, os_process_get_name (self->process));
      if (self->published != NULL)
        {
          g_autofree char *when = os_datetime_format (os_process_get_published_at (self->published), FALSE);

          version = g_strdup_printf (_("Bản nháp; đang dùng phiên bản %d, phát hành ngày %s bởi %s"),
                                     os_process_get_version (self->published), when,
                                     os_process_get_published_by (self->published) ?: "");
        }
      else
        version = g_strdup (_("Bản nháp, chưa phát hành"));
      adw_action_row_set_subtitle (self->version_row, version);
      total = os_process_budget_to_string (longest);
      if (limit != NULL)
        {
          g_autofree char *allowed = os_time_limit_to_string (limit);
          g_autofree char *both = g_strdup_printf (_("%s (thủ tục cho phép: %s)"), total, allowed);

          adw_action_row_set_subtitle (self->total_row, both);
        }
      else
        adw_action_row_set_subtitle (self->total_row, total);
    }
  self->syncing = FALSE;
}

static void
update_title (OsProcessDesigner *self)
{
  const char *subtitle;

  adw_window_title_set_title (self->window_title, os_process_get_name (self->process));
  if (os_process_editor_is_dirty (self->editor))
    subtitle = _("Bản nháp — đang lưu…");
  else if (self->published != NULL && !os_process_editor_can_undo (self->editor))
    subtitle = _("Giống phiên bản đã phát hành");
  else
    subtitle = _("Bản nháp — đã lưu");
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
update_zoom_label (OsProcessDesigner *self)
{
  int percent = (int) (os_process_canvas_get_zoom (self->canvas) * 100 + 0.5);
  g_autofree char *label = g_strdup_printf ("%d%%", percent);
  /* Translators: the zoom button's name for screen readers; %d is the zoom in percent. */
  g_autofree char *name = g_strdup_printf (_("Vừa khung nhìn (đang %d%%)"), percent);

  gtk_button_set_label (self->zoom_button, label);
  /* Setting the label renames the button (GTK 4.8): give it back its name. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  name, -1);
}

static void
refresh (OsProcessDesigner *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->process == NULL)
    return;
  run_checks (self);
  fill_panel (self);
  update_title (self);
  update_zoom_label (self);
  gtk_filter_changed (GTK_FILTER (self->procedure_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static gboolean
refresh_idle (gpointer user_data)
{
  OsProcessDesigner *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (OsProcessDesigner *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, refresh_idle, self, NULL);
}

static void
on_editor_changed (OsProcessEditor   *editor,
                   OsProcessDesigner *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.undo", os_process_editor_can_undo (editor));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.redo", os_process_editor_can_redo (editor));
  queue_refresh (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout, self);
}

static void
on_selection_changed (OsProcessDesigner *self)
{
  g_clear_pointer (&self->links_shown, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.delete",
                                 os_process_canvas_get_selected_step (self->canvas) != NULL ||
                                 os_process_canvas_get_selected_link (self->canvas) != NULL);
  if (self->process != NULL)
    fill_panel (self);
}

/* Edits from the panel --------------------------------------------------------------- */

static void
edit_step (OsProcessDesigner *self,
           void (*change) (OsProcessStep *step, gpointer data),
           gpointer           data)
{
  OsProcessStep *step = selected_step (self);
  g_autoptr(OsProcessStep) copy = NULL;

  if (self->syncing || step == NULL)
    return;
  copy = os_process_step_copy (step);
  change (copy, data);
  os_process_editor_set_step (self->editor, copy);
}

static void
change_name (OsProcessStep *step, gpointer data)
{
  g_free (step->name);
  step->name = g_strdup (data);
}

static void
change_unit (OsProcessStep *step, gpointer data)
{
  g_free (step->unit);
  step->unit = g_strdup (data);
}

static void
change_role (OsProcessStep *step, gpointer data)
{
  g_free (step->role);
  step->role = g_strdup (data);
}

static void
change_budget (OsProcessStep *step, gpointer data)
{
  step->budget = GPOINTER_TO_INT (data);
}

static void
change_abilities (OsProcessStep *step, gpointer data)
{
  step->abilities = GPOINTER_TO_UINT (data);
}

static void
on_step_name_apply (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->step_name_row))));

  if (step != NULL && g_strcmp0 (step->name, name) != 0)
    edit_step (self, change_name, name);
}

static void
on_step_unit_apply (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  g_autofree char *unit = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->step_unit_row))));

  if (step != NULL && g_strcmp0 (step->unit, unit) != 0)
    edit_step (self, change_unit, unit);
}

static void
on_step_role_changed (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  guint selected = adw_combo_row_get_selected (self->step_role_row);

  if (step != NULL && selected < G_N_ELEMENTS (roles) && g_strcmp0 (step->role, roles[selected]) != 0)
    edit_step (self, change_role, (gpointer) roles[selected]);
}

static void
on_step_budget_changed (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  int sessions = (int) (gtk_spin_button_get_value (self->step_budget_spin) * 2 + 0.5);

  if (step != NULL && step->budget != sessions)
    edit_step (self, change_budget, GINT_TO_POINTER (sessions));
}

static void
on_step_start_changed (OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);

  if (self->syncing || step == NULL || !gtk_switch_get_active (self->step_start_switch))
    return;
  if (g_strcmp0 (os_process_get_start (self->process), step->id) != 0)
    os_process_editor_set_start (self->editor, step->id);
}

static void
on_ability_toggled (GtkCheckButton    *check,
                    OsProcessDesigner *self)
{
  OsProcessStep *step = selected_step (self);
  guint value = 0;

  if (self->syncing || step == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (abilities); i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->ability_checks[i])))
      value |= abilities[i];
  /* Flags the designer does not show are kept. */
  value |= step->abilities & ~(guint) OS_STEP_ABILITIES_ALL;
  if (value != step->abilities)
    edit_step (self, change_abilities, GUINT_TO_POINTER (value));
}

static void
on_link_outcome_changed (OsProcessDesigner *self)
{
  OsProcessLink *link = selected_link (self);
  guint selected = adw_combo_row_get_selected (self->link_outcome_row);
  g_autoptr(OsProcessLink) copy = NULL;

  if (self->syncing || link == NULL || selected > OS_OUTCOME_LAST || link->outcome == (OsOutcome) selected)
    return;
  copy = os_process_link_copy (link);
  copy->outcome = selected;
  os_process_editor_set_link (self->editor, copy);
}

static void
on_process_name_apply (OsProcessDesigner *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->process_name_row))));

  if (*name != '\0' && g_strcmp0 (name, os_process_get_name (self->process)) != 0)
    os_process_editor_rename (self->editor, name);
}

/* Procedures using the process --------------------------------------------------------- */

static gboolean
uses_procedure (OsProcessDesigner *self,
                const char        *id)
{
  const char * const *ids = self->process ? os_process_get_procedures (self->process) : NULL;

  return ids != NULL && g_strv_contains (ids, id);
}

static void
on_procedure_toggled (GtkCheckButton    *check,
                      OsProcessDesigner *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (check), "list-item");
  OsProcedure *procedure = item ? gtk_list_item_get_item (item) : NULL;
  const char * const *ids;
  g_autoptr(GPtrArray) next = g_ptr_array_new ();
  const char *id;
  gboolean active = gtk_check_button_get_active (check);

  if (procedure == NULL || g_object_get_data (G_OBJECT (check), "binding") || self->process == NULL)
    return;
  id = os_procedure_get_id (procedure);
  if (active == uses_procedure (self, id))
    return;
  ids = os_process_get_procedures (self->process);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (g_strcmp0 (ids[i], id) != 0)
      g_ptr_array_add (next, (gpointer) ids[i]);
  if (active)
    g_ptr_array_add (next, (gpointer) id);
  g_ptr_array_add (next, NULL);
  os_process_editor_set_procedures (self->editor, (const char * const *) next->pdata);
}

static void
setup_procedure (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 OsProcessDesigner        *self)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), label);
  gtk_widget_set_margin_start (check, 6);
  gtk_widget_set_margin_end (check, 6);
  g_object_set_data (G_OBJECT (check), "list-item", item);
  g_signal_connect (check, "toggled", G_CALLBACK (on_procedure_toggled), self);
  gtk_list_item_set_child (item, check);
}

static void
bind_procedure (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                OsProcessDesigner        *self)
{
  GtkWidget *check = gtk_list_item_get_child (item);
  OsProcedure *procedure = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_check_button_get_child (GTK_CHECK_BUTTON (check))),
                       os_procedure_get_name (procedure));
  /* GTK 4.8 does not name a check button after a child label. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  os_procedure_get_name (procedure), -1);
  g_object_set_data (G_OBJECT (check), "binding", GINT_TO_POINTER (1));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), uses_procedure (self, os_procedure_get_id (procedure)));
  g_object_set_data (G_OBJECT (check), "binding", NULL);
}

static gboolean
filter_procedure (gpointer item,
                  gpointer user_data)
{
  OsProcessDesigner *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->procedure_search));
  g_autofree char *folded = NULL;

  /* The ones in use first of all: without a search, only those, so the list stays short. */
  if (text == NULL || *text == '\0')
    return uses_procedure (self, os_procedure_get_id (item));
  folded = os_text_fold (text);
  return strstr (os_procedure_get_search_key (item), folded) != NULL;
}

static void
on_procedure_search (OsProcessDesigner *self)
{
  gtk_filter_changed (GTK_FILTER (self->procedure_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

/* Opening ------------------------------------------------------------------------------ */

void
os_process_designer_set_process (OsProcessDesigner *self,
                                 OsProcess         *process)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (OS_IS_PROCESS_DESIGNER (self));
  g_return_if_fail (OS_IS_PROCESS (process));

  if (!os_process_designer_save (self, &error))
    toast (self, error->message);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  g_clear_object (&self->editor);
  g_clear_object (&self->published);
  g_clear_object (&self->process);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->links_shown, g_free);

  if (os_process_get_version (process) > 0)
    {
      self->published = g_object_ref (process);
      self->process = os_process_copy (process);
      os_process_set_published (self->process, 0, 0, NULL);
    }
  else
    {
      self->process = g_object_ref (process);
      self->published = os_store_load_process (self->store, os_process_get_id (process), -1, NULL);
    }

  self->editor = os_process_editor_new (self->process);
  g_signal_connect (self->editor, "changed", G_CALLBACK (on_editor_changed), self);
  os_process_canvas_set_editor (self->canvas, self->editor);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.undo", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.redo", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.delete", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.overlay", self->published != NULL);
  if (self->published == NULL && self->overlay)
    g_object_set (self, "overlay", FALSE, NULL);
  else if (self->overlay)
    {
      /* Recomputed for the new process. */
      self->overlay = FALSE;
      g_object_set (self, "overlay", TRUE, NULL);
    }
  gtk_widget_set_tooltip_text (self->overlay_button,
                               self->published ? _("Xem thực tế trên phiên bản đã phát hành: số hồ sơ đang ở "
                                                   "mỗi bước, số trễ hạn, thời gian trung vị và p90 (Ctrl+T)")
                                               : _("Chưa có phiên bản đã phát hành nên chưa có số liệu thực tế"));
  update_process_menu (self);
  refresh (self);
}

gboolean
os_process_designer_open (OsProcessDesigner *self,
                          const char        *process_id,
                          GError           **error)
{
  g_autoptr(OsProcess) process = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (OS_IS_PROCESS_DESIGNER (self), FALSE);

  process = os_store_load_process (self->store, process_id, 0, &local_error);
  if (process == NULL)
    {
      g_clear_error (&local_error);
      process = os_store_load_process (self->store, process_id, -1, error);
    }
  if (process == NULL)
    return FALSE;
  os_process_designer_set_process (self, process);
  return TRUE;
}

OsProcessEditor *
os_process_designer_get_editor (OsProcessDesigner *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_DESIGNER (self), NULL);
  return self->editor;
}

OsProcessCanvas *
os_process_designer_get_canvas (OsProcessDesigner *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_DESIGNER (self), NULL);
  return self->canvas;
}

/* The overlay "Thực tế" ------------------------------------------------------------------ */

static char *
format_duration (gint64 seconds)
{
  if (seconds < 3600)
    return g_strdup_printf (_("%d phút"), (int) MAX (1, seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (_("%d giờ"), (int) ((seconds + 1800) / 3600));
  {
    int tenths = (int) ((seconds * 10 + 43200) / 86400);

    if (tenths % 10 == 0)
      return g_strdup_printf (_("%d ngày"), tenths / 10);
    return g_strdup_printf (_("%d,%d ngày"), tenths / 10, tenths % 10);
  }
}

static void
show_stats (OsProcessDesigner *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) stats = NULL;
  g_autoptr(GHashTable) texts = NULL;
  const char *worst = NULL;
  gint64 worst_p90 = 0;

  if (!self->overlay || self->published == NULL)
    {
      os_process_canvas_set_stats (self->canvas, NULL, NULL);
      return;
    }
  stats = os_store_process_stats (self->store, os_process_get_id (self->published),
                                  os_process_get_version (self->published),
                                  g_get_real_time () / G_USEC_PER_SEC, &error);
  if (stats == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Chưa lấy được số liệu thực tế: %s"), error->message);
      toast (self, message);
      os_process_canvas_set_stats (self->canvas, NULL, NULL);
      return;
    }
  texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < stats->len; i++)
    {
      const OsStepStats *s = &g_array_index (stats, OsStepStats, i);
      char *text;

      if (s->samples > 0)
        {
          g_autofree char *median = format_duration (s->median);
          g_autofree char *p90 = format_duration (s->p90);

          text = g_strdup_printf (_("%d đang xử lý · %d trễ · trung vị %s · p90 %s"), s->now, s->late, median, p90);
          if (s->p90 > worst_p90)
            {
              worst_p90 = s->p90;
              worst = s->step_id;
            }
        }
      else
        text = g_strdup_printf (_("%d đang xử lý · %d trễ · chưa có lượt hoàn thành"), s->now, s->late);
      g_hash_table_insert (texts, g_strdup (s->step_id), text);
    }
  os_process_canvas_set_stats (self->canvas, texts, worst);
  if (worst != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Bước giữ hồ sơ lâu nhất: %s"), step_name (self, worst));
      toast (self, message);
    }
}

/* Actions -------------------------------------------------------------------------- */

static void
add_kind (OsProcessDesigner *self,
          const OsStepKind  *kind,
          gboolean           at_free_spot,
          double             x,
          double             y)
{
  const char *id;

  if (kind == NULL || self->editor == NULL)
    return;
  if (at_free_spot)
    os_process_canvas_get_free_spot (self->canvas, &x, &y);
  id = os_step_kind_add (kind, self->editor, x, y);
  if (id != NULL)
    os_process_canvas_select_step (self->canvas, id, TRUE);
}

static void
on_kind_activated (OsProcessDesigner *self,
                   const char        *kind_id)
{
  add_kind (self, os_step_kind_lookup (kind_id), TRUE, 0, 0);
}

static void
on_add_requested (OsProcessDesigner *self,
                  double             x,
                  double             y)
{
  add_kind (self, os_process_palette_get_selected (self->palette), FALSE, x, y);
}

static void
on_rename_requested (OsProcessDesigner *self)
{
  if (selected_step (self) == NULL)
    return;
  gtk_stack_set_visible_child_name (self->side_stack, "step");
  gtk_widget_grab_focus (GTK_WIDGET (self->step_name_row));
  /* Typing replaces the name; Enter applies it. */
  gtk_editable_select_region (GTK_EDITABLE (self->step_name_row), 0, -1);
}

static void
add_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);

  add_kind (self, os_process_palette_get_selected (self->palette), TRUE, 0, 0);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  os_process_canvas_delete_selection (OS_PROCESS_DESIGNER (widget)->canvas);
}

static void
rename_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  on_rename_requested (OS_PROCESS_DESIGNER (widget));
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autofree char *label = g_strdup (os_process_editor_get_undo_label (self->editor));

  if (os_process_editor_undo (self->editor) && label != NULL)
    toast (self, label);
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autofree char *label = g_strdup (os_process_editor_get_redo_label (self->editor));

  if (os_process_editor_redo (self->editor) && label != NULL)
    toast (self, label);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  double zoom = os_process_canvas_get_zoom (self->canvas);

  if (g_str_equal (action_name, "designer.zoom-in"))
    os_process_canvas_set_zoom (self->canvas, zoom * ZOOM_STEP);
  else if (g_str_equal (action_name, "designer.zoom-out"))
    os_process_canvas_set_zoom (self->canvas, zoom / ZOOM_STEP);
  else
    os_process_canvas_zoom_fit (self->canvas);
  update_zoom_label (self);
}

static void
tidy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);

  if (os_process_editor_tidy (self->editor))
    {
      os_process_canvas_zoom_fit (self->canvas);
      update_zoom_label (self);
    }
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(OsProcess) process = os_process_new (_("Quy trình mới"));
  g_autoptr(GError) error = NULL;

  os_process_designer_set_process (self, process);
  /* Saved at once, so that it is in the list of processes. */
  if (!os_store_save_process_draft (self->store, self->process, &error))
    toast (self, error->message);
  update_process_menu (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->process_name_row));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(GError) error = NULL;

  if (!os_process_designer_open (self, g_variant_get_string (parameter, NULL), &error))
    toast (self, error->message);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(GError) error = NULL;

  if (!os_process_designer_save (self, &error))
    toast (self, error->message);
  else
    toast (self, _("Đã lưu bản nháp."));
  refresh (self);
}

/* BPMN --------------------------------------------------------------------------------- */

static void
on_export_response (GtkNativeDialog   *dialog,
                    int                response,
                    OsProcessDesigner *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  gsize length = 0;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      xml = os_bpmn_export (self->process, &length);
      if (!g_file_replace_contents (file, xml, length, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                    NULL, NULL, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Không ghi được tệp BPMN: %s"), error->message);
          toast (self, message);
        }
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Đã xuất quy trình ra tệp “%s”."), name);
          toast (self, message);
        }
    }
  g_clear_object (&self->chooser);
}

static void
import_file (OsProcessDesigner *self,
             GFile             *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(OsProcess) process = NULL;
  g_autofree char *message = NULL;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &error) ||
      (process = os_bpmn_import (contents, length, &error)) == NULL)
    {
      message = g_strdup_printf (_("Không nhập được tệp BPMN: %s"), error->message);
      toast (self, message);
      return;
    }
  os_process_designer_set_process (self, process);
  if (!os_store_save_process_draft (self->store, self->process, &error))
    toast (self, error->message);
  update_process_menu (self);
  message = g_strdup_printf (_("Đã nhập quy trình “%s” thành bản nháp."), os_process_get_name (self->process));
  toast (self, message);
}

static void
on_import_response (GtkNativeDialog   *dialog,
                    int                response,
                    OsProcessDesigner *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    import_file (self, file);
  g_clear_object (&self->chooser);
}

static GtkFileFilter *
bpmn_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Tệp BPMN 2.0"));
  gtk_file_filter_add_pattern (filter, "*.bpmn");
  gtk_file_filter_add_pattern (filter, "*.bpmn20.xml");
  gtk_file_filter_add_pattern (filter, "*.xml");
  return filter;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(GtkFileFilter) filter = bpmn_filter ();
  g_autofree char *name = g_strdup_printf ("%s.bpmn", os_process_get_name (self->process));

  if (self->chooser != NULL)
    return;
  g_strdelimit (name, "/\\", '-');
  self->chooser = os_ui_file_chooser_show (GTK_WINDOW (self), _("Xuất quy trình ra tệp BPMN"),
                                           GTK_FILE_CHOOSER_ACTION_SAVE, _("_Xuất"), filter, name, FALSE,
                                           G_CALLBACK (on_export_response), self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(GtkFileFilter) filter = bpmn_filter ();

  if (self->chooser != NULL)
    return;
  self->chooser = os_ui_file_chooser_show (GTK_WINDOW (self), _("Nhập quy trình từ tệp BPMN"),
                                           GTK_FILE_CHOOSER_ACTION_OPEN, _("_Nhập"), filter, NULL, FALSE,
                                           G_CALLBACK (on_import_response), self);
}

/* Publishing ------------------------------------------------------------------------- */

static void
publish_failed (OsProcessDesigner *self,
                const GError      *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Chưa phát hành được"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Đóng"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
published (OsProcessDesigner *self,
           OsProcess         *process)
{
  g_autofree char *message = g_strdup_printf (_("Đã phát hành “%s”, phiên bản %d."),
                                              os_process_get_name (process), os_process_get_version (process));

  /* The designer goes on with a new draft of what was just published. */
  os_process_designer_set_process (self, process);
  toast (self, message);
}

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(OsProcessDesigner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = os_sync_engine_publish_process_finish (OS_SYNC_ENGINE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->publishing = FALSE;
  if (process == NULL)
    {
      publish_failed (self, error);
      run_checks (self);
      return;
    }
  published (self, process);
}

static void
publish_now (OsProcessDesigner *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsProcess) process = NULL;

  if (self->engine != NULL)
    {
      /* With a server: the server numbers the version; the store gets it from the engine. */
      if (!os_process_designer_save (self, &error))
        {
          publish_failed (self, error);
          return;
        }
      self->publishing = TRUE;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "designer.publish", FALSE);
      toast (self, _("Đang gửi quy trình lên máy chủ để phát hành…"));
      os_sync_engine_publish_process_async (self->engine, self->process, self->cancellable,
                                            on_published, g_object_ref (self));
      return;
    }
  process = os_store_publish_process (self->store, self->process, &error);
  if (process == NULL)
    {
      publish_failed (self, error);
      return;
    }
  g_clear_handle_id (&self->save_id, g_source_remove);
  os_process_editor_mark_saved (self->editor);
  published (self, process);
}

static void
on_publish_response (AdwMessageDialog  *dialog,
                     const char        *response,
                     OsProcessDesigner *self)
{
  if (g_strcmp0 (response, "publish") == 0)
    publish_now (self);
}

static void
publish_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (widget);
  g_autoptr(GString) body = g_string_new (NULL);
  guint warnings = 0;
  GtkWidget *dialog;

  refresh (self);
  for (guint i = 0; self->problems && i < self->problems->len; i++)
    {
      const OsProcessProblem *problem = g_ptr_array_index (self->problems, i);

      if (problem->blocking)
        return;
      warnings++;
    }
  if (self->engine == NULL)
    g_string_append_printf (body, _("“%s” sẽ thành phiên bản %d và không sửa được nữa; hồ sơ tiếp nhận từ nay đi "
                                    "theo phiên bản này."),
                            os_process_get_name (self->process),
                            self->published ? os_process_get_version (self->published) + 1 : 1);
  else
    g_string_append_printf (body, _("“%s” sẽ được gửi lên máy chủ để thành một phiên bản mới, không sửa được nữa; "
                                    "hồ sơ tiếp nhận từ nay đi theo phiên bản này."),
                            os_process_get_name (self->process));
  g_string_append (body, _(" Hồ sơ đang giải quyết vẫn giữ phiên bản mà chúng đã bắt đầu."));
  if (warnings > 0)
    g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, " Còn %u cảnh báo chưa xử lý.",
                                               " Còn %u cảnh báo chưa xử lý.", warnings), warnings);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Phát hành quy trình?"), body->str);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"),
                                    "publish", _("_Phát hành"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "publish", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "publish");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_publish_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject ---------------------------------------------------------------------------- */

static gboolean
os_process_designer_close_request (GtkWindow *window)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (window);
  g_autoptr(GError) error = NULL;

  if (!os_process_designer_save (self, &error))
    g_warning ("Could not save the process draft: %s", error->message);
  return GTK_WINDOW_CLASS (os_process_designer_parent_class)->close_request (window);
}

static void
os_process_designer_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (object);

  switch (prop_id)
    {
    case PROP_OVERLAY:
      g_value_set_boolean (value, self->overlay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_designer_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (object);

  switch (prop_id)
    {
    case PROP_OVERLAY:
      if (self->overlay != g_value_get_boolean (value))
        {
          self->overlay = g_value_get_boolean (value);
          show_stats (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_designer_dispose (GObject *object)
{
  OsProcessDesigner *self = OS_PROCESS_DESIGNER (object);

  if (self->editor != NULL && self->store != NULL && os_process_editor_is_dirty (self->editor))
    os_store_save_process_draft (self->store, self->process, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  os_ui_file_chooser_clear (&self->chooser, self);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->editor != NULL)
    g_signal_handlers_disconnect_by_data (self->editor, self);
  if (self->canvas != NULL)
    os_process_canvas_set_editor (self->canvas, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_PROCESS_DESIGNER);
  g_clear_object (&self->editor);
  g_clear_object (&self->process);
  g_clear_object (&self->published);
  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->problem_model);
  g_clear_object (&self->procedure_filter);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->link_rows, g_ptr_array_unref);
  g_clear_pointer (&self->links_shown, g_free);

  G_OBJECT_CLASS (os_process_designer_parent_class)->dispose (object);
}

static void
os_process_designer_class_init (OsProcessDesignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = os_process_designer_dispose;
  object_class->get_property = os_process_designer_get_property;
  object_class->set_property = os_process_designer_set_property;
  window_class->close_request = os_process_designer_close_request;

  properties[PROP_OVERLAY] = g_param_spec_boolean ("overlay", NULL, NULL, FALSE,
                                                   G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Keeps the UI resource bundle linked in from the static library (tests, benchmarks). */
  g_assert (os_desk_get_resource () != NULL);
  g_type_ensure (OS_TYPE_PROCESS_CANVAS);
  g_type_ensure (OS_TYPE_PROCESS_PALETTE);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-process-designer.ui");
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, process_button);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, publish_button);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, overlay_button);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, palette);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, canvas);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, problems_label);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, problems_view);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, side_stack);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, process_name_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, version_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, total_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, procedure_search);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, procedures_view);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_name_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_unit_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_role_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_budget_spin);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_start_switch);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, abilities_group);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, step_links_group);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, link_from_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, link_to_row);
  gtk_widget_class_bind_template_child (widget_class, OsProcessDesigner, link_outcome_row);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_add_requested);
  gtk_widget_class_bind_template_callback (widget_class, on_rename_requested);
  gtk_widget_class_bind_template_callback (widget_class, update_zoom_label);
  gtk_widget_class_bind_template_callback (widget_class, on_problem_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_process_name_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_procedure_search);
  gtk_widget_class_bind_template_callback (widget_class, on_step_name_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_step_unit_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_step_role_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_step_budget_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_step_start_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_link_outcome_changed);

  gtk_widget_class_install_action (widget_class, "designer.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "designer.open", "s", open_action);
  gtk_widget_class_install_action (widget_class, "designer.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "designer.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "designer.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "designer.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "designer.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "designer.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "designer.tidy", NULL, tidy_action);
  gtk_widget_class_install_property_action (widget_class, "designer.overlay", "overlay");
  gtk_widget_class_install_action (widget_class, "designer.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "designer.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "designer.publish", NULL, publish_action);
  gtk_widget_class_install_action (widget_class, "designer.add-step", NULL, add_step_action);
  gtk_widget_class_install_action (widget_class, "designer.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "designer.rename", NULL, rename_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "designer.new", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "designer.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "designer.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_y, GDK_CONTROL_MASK, "designer.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "designer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "designer.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "designer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "designer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "designer.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "designer.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "designer.tidy", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "designer.overlay", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.publish", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.publish", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "designer.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "designer.export", NULL);
}

static void
os_process_designer_init (OsProcessDesigner *self)
{
  GtkListItemFactory *factory;
  g_autoptr(GtkStringList) role_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) outcome_names = gtk_string_list_new (NULL);

  self->cancellable = g_cancellable_new ();
  self->link_rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    gtk_string_list_append (role_names, *roles[i] ? os_role_to_string (roles[i]) : _("Chưa có vai trò"));
  adw_combo_row_set_model (self->step_role_row, G_LIST_MODEL (role_names));
  for (OsOutcome o = OS_OUTCOME_ACCEPT; o <= OS_OUTCOME_LAST; o++)
    gtk_string_list_append (outcome_names, os_outcome_to_string (o));
  adw_combo_row_set_model (self->link_outcome_row, G_LIST_MODEL (outcome_names));

  for (guint i = 0; i < G_N_ELEMENTS (abilities); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), os_step_ability_to_string (abilities[i]));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      os_step_ability_to_string (abilities[i]), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect (check, "toggled", G_CALLBACK (on_ability_toggled), self);
      adw_preferences_group_add (self->abilities_group, row);
      self->ability_checks[i] = check;
    }

  self->problem_model = gtk_string_list_new (NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_problem), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_problem), self);
  gtk_list_view_set_factory (self->problems_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->problems_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->problem_model)))));
  g_object_unref (gtk_list_view_get_model (self->problems_view));
}

static void
setup_procedures (OsProcessDesigner *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;

  self->procedure_filter = gtk_custom_filter_new (filter_procedure, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (os_store_get_procedures (self->store)),
                                        GTK_FILTER (g_object_ref (self->procedure_filter)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_procedure), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_procedure), self);
  gtk_list_view_set_factory (self->procedures_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->procedures_view, GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (filtered))));
  g_object_unref (gtk_list_view_get_model (self->procedures_view));
}

OsProcessDesigner *
os_process_designer_new (OsStore      *store,
                         OsSyncEngine *engine)
{
  OsProcessDesigner *self;
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (engine == NULL || OS_IS_SYNC_ENGINE (engine), NULL);

  self = g_object_new (OS_TYPE_PROCESS_DESIGNER, NULL);
  self->store = g_object_ref (store);
  self->engine = engine ? g_object_ref (engine) : NULL;
  setup_procedures (self);

  list = os_store_list_processes (store, NULL);
  if (list != NULL && list->len > 0)
    os_process_designer_set_process (self, g_ptr_array_index (list, 0));
  else
    {
      g_autoptr(OsProcess) process = os_process_new (_("Quy trình mới"));

      os_process_designer_set_process (self, process);
    }
  return self;
}
