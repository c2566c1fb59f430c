/* os-step-widget.c: see os-step-widget.h.
 *
 * The card fills the widget's allocation (the canvas gives it OS_PROCESS_STEP_WIDTH ×
 * OS_PROCESS_STEP_HEIGHT, scaled by the zoom); the overlay badge hangs below it, outside
 * the allocation, so turning the overlay on never moves a step.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-process-layout.h"
#include "os-step-widget.h"

#define HANDLE_SIZE 14

struct _OsStepWidget
{
  GtkWidget  parent_instance;

  char      *step_id;
  GtkWidget *card;
  GtkWidget *name_label;
  GtkWidget *start_icon;
  GtkWidget *problem_icon;
  GtkWidget *role_label;
  GtkWidget *budget_label;
  GtkWidget *handle;
  GtkWidget *stats_label;

  /* What is shown, to touch only what changed. */
  char      *name;
  char      *role;
  int        budget;
  gboolean   is_start;
  double     x, y;
  gboolean   shown;
  char      *label;      /* the accessible name */
};

G_DEFINE_FINAL_TYPE (OsStepWidget, os_step_widget, GTK_TYPE_WIDGET)

char *
os_process_budget_to_string (int sessions)
{
  if (sessions % 2 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d ngày", "%d ngày", sessions / 2), sessions / 2);
  /* Half days: Vietnamese writes a decimal comma. */
  return g_strdup_printf (_("%d,5 ngày"), sessions / 2);
}

static void
update_accessible (OsStepWidget *self)
{
  g_autofree char *budget = self->budget > 0 ? os_process_budget_to_string (self->budget)
                                             : g_strdup (_("không có thời hạn riêng"));
  const char *role = *self->role ? os_role_to_string (self->role) : _("chưa có vai trò");
  g_autofree char *label = g_strdup_printf (_("Bước %s, %s, %s"), self->name, role, budget);
  g_autoptr(GString) description = g_string_new (NULL);
  const char *problem = gtk_widget_get_tooltip_text (self->problem_icon);
  const char *stats = gtk_label_get_label (GTK_LABEL (self->stats_label));

  if (self->is_start)
    g_string_append (description, _("Bước bắt đầu. "));
  if (gtk_widget_get_visible (self->problem_icon) && problem != NULL)
    g_string_append_printf (description, "%s ", problem);
  if (gtk_widget_get_visible (self->stats_label) && stats != NULL)
    g_string_append (description, stats);
  g_free (self->label);
  self->label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description->str,
                                  -1);
}

gboolean
os_step_widget_update (OsStepWidget        *self,
                       const OsProcessStep *step,
                       gboolean             is_start)
{
  gboolean moved, text_changed = FALSE;

  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), FALSE);

  moved = !self->shown || self->x != step->x || self->y != step->y;
  self->x = step->x;
  self->y = step->y;

  if (!self->shown || g_strcmp0 (self->name, step->name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (step->name ? step->name : "");
      gtk_label_set_label (GTK_LABEL (self->name_label), *self->name ? self->name : _("(chưa đặt tên)"));
      text_changed = TRUE;
    }
  if (!self->shown || g_strcmp0 (self->role, step->role) != 0)
    {
      g_free (self->role);
      self->role = g_strdup (step->role ? step->role : "");
      gtk_label_set_label (GTK_LABEL (self->role_label),
                           *self->role ? os_role_to_string (self->role) : _("Chưa có vai trò"));
      text_changed = TRUE;
    }
  if (!self->shown || self->budget != step->budget)
    {
      g_autofree char *budget = step->budget > 0 ? os_process_budget_to_string (step->budget)
                                                 : g_strdup (_("Không có thời hạn riêng"));
      self->budget = step->budget;
      gtk_label_set_label (GTK_LABEL (self->budget_label), budget);
      text_changed = TRUE;
    }
  if (!self->shown || self->is_start != is_start)
    {
      self->is_start = is_start;
      gtk_widget_set_visible (self->start_icon, is_start);
      if (is_start)
        gtk_widget_add_css_class (self->card, "start");
      else
        gtk_widget_remove_css_class (self->card, "start");
      text_changed = TRUE;
    }
  self->shown = TRUE;
  if (text_changed)
    update_accessible (self);
  return moved;
}

void
os_step_widget_get_position (OsStepWidget *self,
                             double       *x,
                             double       *y)
{
  g_return_if_fail (OS_IS_STEP_WIDGET (self));
  *x = self->x;
  *y = self->y;
}

void
os_step_widget_set_problem (OsStepWidget *self,
                            const char   *message,
                            gboolean      blocking)
{
  g_return_if_fail (OS_IS_STEP_WIDGET (self));

  if (message == NULL && !gtk_widget_get_visible (self->problem_icon))
    return;
  if (message != NULL && gtk_widget_get_visible (self->problem_icon) &&
      g_strcmp0 (gtk_widget_get_tooltip_text (self->problem_icon), message) == 0 &&
      gtk_widget_has_css_class (self->card, "blocking") == blocking)
    return;

  gtk_widget_set_visible (self->problem_icon, message != NULL);
  gtk_widget_set_tooltip_text (self->problem_icon, message);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->problem_icon),
                                blocking ? "dialog-error-symbolic" : "dialog-warning-symbolic");
  if (message != NULL)
    gtk_widget_add_css_class (self->card, "problem");
  else
    gtk_widget_remove_css_class (self->card, "problem");
  if (message != NULL && blocking)
    gtk_widget_add_css_class (self->card, "blocking");
  else
    gtk_widget_remove_css_class (self->card, "blocking");
  update_accessible (self);
}

void
os_step_widget_set_stats (OsStepWidget *self,
                          const char   *text,
                          gboolean      worst)
{
  g_return_if_fail (OS_IS_STEP_WIDGET (self));

  gtk_widget_set_visible (self->stats_label, text != NULL);
  gtk_label_set_label (GTK_LABEL (self->stats_label), text ? text : "");
  if (worst)
    gtk_widget_add_css_class (self->stats_label, "worst");
  else
    gtk_widget_remove_css_class (self->stats_label, "worst");
  if (worst)
    gtk_widget_add_css_class (self->card, "worst");
  else
    gtk_widget_remove_css_class (self->card, "worst");
  update_accessible (self);
}

void
os_step_widget_set_selected (OsStepWidget *self,
                             gboolean      selected)
{
  g_return_if_fail (OS_IS_STEP_WIDGET (self));

  if (selected)
    gtk_widget_add_css_class (self->card, "selected");
  else
    gtk_widget_remove_css_class (self->card, "selected");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

void
os_step_widget_set_target (OsStepWidget *self,
                           gboolean      target)
{
  g_return_if_fail (OS_IS_STEP_WIDGET (self));

  if (target)
    gtk_widget_add_css_class (self->card, "connect-target");
  else
    gtk_widget_remove_css_class (self->card, "connect-target");
}

gboolean
os_step_widget_is_handle (OsStepWidget *self,
                          GtkWidget    *widget)
{
  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), FALSE);
  return widget != NULL && widget == self->handle;
}

const char *
os_step_widget_get_label (OsStepWidget *self)
{
  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), NULL);
  return self->label;
}

gboolean
os_step_widget_has_problem (OsStepWidget *self)
{
  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), FALSE);
  return gtk_widget_get_visible (self->problem_icon);
}

const char *
os_step_widget_get_stats (OsStepWidget *self)
{
  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), NULL);
  return gtk_widget_get_visible (self->stats_label) ? gtk_label_get_label (GTK_LABEL (self->stats_label)) : NULL;
}

const char *
os_step_widget_get_step_id (OsStepWidget *self)
{
  g_return_val_if_fail (OS_IS_STEP_WIDGET (self), NULL);
  return self->step_id;
}

static void
os_step_widget_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  OsStepWidget *self = OS_STEP_WIDGET (widget);
  int size = orientation == GTK_ORIENTATION_HORIZONTAL ? (int) OS_PROCESS_STEP_WIDTH
                                                       : (int) OS_PROCESS_STEP_HEIGHT;
  int card_min, card_nat;

  /* The card's minimum must be honoured to allocate it; the step keeps its fixed size. */
  gtk_widget_measure (self->card, orientation, -1, &card_min, &card_nat, NULL, NULL);
  *minimum = *natural = MAX (size, card_min);
}

static void
os_step_widget_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  OsStepWidget *self = OS_STEP_WIDGET (widget);

  gtk_widget_allocate (self->card, width, height, -1, NULL);
  gtk_widget_allocate (self->handle, HANDLE_SIZE, HANDLE_SIZE, -1,
                       gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (width - HANDLE_SIZE - 3,
                                                                          (height - HANDLE_SIZE) / 2.0)));
  if (gtk_widget_get_visible (self->stats_label))
    {
      int min, nat;

      gtk_widget_measure (self->stats_label, GTK_ORIENTATION_VERTICAL, width + 40, &min, &nat, NULL, NULL);
      gtk_widget_allocate (self->stats_label, width + 40, nat, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (-20, height + 4)));
    }
}

static gboolean
os_step_widget_contains (GtkWidget *widget,
                         double     x,
                         double     y)
{
  /* The card only: the overlay badge below does not take clicks. */
  return x >= 0 && y >= 0 && x < gtk_widget_get_width (widget) && y < gtk_widget_get_height (widget);
}

static void
os_step_widget_dispose (GObject *object)
{
  OsStepWidget *self = OS_STEP_WIDGET (object);

  g_clear_pointer (&self->card, gtk_widget_unparent);
  g_clear_pointer (&self->handle, gtk_widget_unparent);
  g_clear_pointer (&self->stats_label, gtk_widget_unparent);
  G_OBJECT_CLASS (os_step_widget_parent_class)->dispose (object);
}

static void
os_step_widget_finalize (GObject *object)
{
  OsStepWidget *self = OS_STEP_WIDGET (object);

  g_free (self->step_id);
  g_free (self->name);
  g_free (self->role);
  g_free (self->label);
  G_OBJECT_CLASS (os_step_widget_parent_class)->finalize (object);
}

static void
os_step_widget_class_init (OsStepWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_step_widget_dispose;
  object_class->finalize = os_step_widget_finalize;
  widget_class->measure = os_step_widget_measure;
  widget_class->size_allocate = os_step_widget_size_allocate;
  widget_class->contains = os_step_widget_contains;
  gtk_widget_class_set_css_name (widget_class, "processstep");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static GtkWidget *
small_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
os_step_widget_init (OsStepWidget *self)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);
  self->role = g_strdup ("");
  self->name = g_strdup ("");

  self->card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 1);
  gtk_widget_add_css_class (self->card, "step-card");
  self->name_label = small_label ("step-name");
  gtk_widget_set_hexpand (self->name_label, TRUE);
  self->start_icon = gtk_image_new_from_icon_name ("media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (self->start_icon, _("Bước bắt đầu"));
  gtk_widget_add_css_class (self->start_icon, "step-start-icon");
  gtk_widget_set_visible (self->start_icon, FALSE);
  self->problem_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->problem_icon, "step-problem-icon");
  gtk_widget_set_visible (self->problem_icon, FALSE);
  gtk_box_append (GTK_BOX (header), self->start_icon);
  gtk_box_append (GTK_BOX (header), self->name_label);
  gtk_box_append (GTK_BOX (header), self->problem_icon);
  self->role_label = small_label ("step-role");
  self->budget_label = small_label ("step-budget");
  gtk_widget_set_margin_end (self->role_label, HANDLE_SIZE);
  gtk_widget_set_margin_end (self->budget_label, HANDLE_SIZE);
  gtk_box_append (GTK_BOX (self->card), header);
  gtk_box_append (GTK_BOX (self->card), self->role_label);
  gtk_box_append (GTK_BOX (self->card), self->budget_label);
  gtk_widget_set_parent (self->card, GTK_WIDGET (self));

  self->handle = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->handle, "step-handle");
  gtk_widget_set_tooltip_text (self->handle, _("Kéo tới bước khác để nối (hoặc Ctrl+K)"));
  gtk_widget_set_cursor_from_name (self->handle, "crosshair");
  gtk_widget_set_parent (self->handle, GTK_WIDGET (self));

  self->stats_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->stats_label), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->stats_label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->stats_label, "step-stats");
  gtk_widget_set_visible (self->stats_label, FALSE);
  gtk_widget_set_parent (self->stats_label, GTK_WIDGET (self));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
}

GtkWidget *
os_step_widget_new (const char *step_id)
{
  OsStepWidget *self = g_object_new (OS_TYPE_STEP_WIDGET, NULL);

  self->step_id = g_strdup (step_id);
  return GTK_WIDGET (self);
}
