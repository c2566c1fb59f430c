/* os-process-palette.c: see os-process-palette.h.
 *
 * The drag source is added once per row in the factory's `setup` (TESTING.md: adding it in
 * `bind` gave criticals on every drop); its `prepare` reads the row's current item.
 * Activating a row (Enter, double click) emits ::kind-activated, which the designer turns
 * into "add this step", the keyboard way to the same result as a drop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-process-palette.h"
#include "os-step-widget.h"

static const OsStepKind kinds[] = {
  { "receive", N_("Tiếp nhận"), "document-new-symbolic", OS_ROLE_RECEPTION,
    OS_STEP_CAN_HAND_OVER, 1, N_("Bộ phận một cửa tiếp nhận và chuyển hồ sơ") },
  { "assign", N_("Phân công"), "system-users-symbolic", OS_ROLE_HEAD,
    OS_STEP_CAN_ASSIGN | OS_STEP_CAN_HAND_OVER, 1, N_("Lãnh đạo phòng phân công người thụ lý") },
  { "process", N_("Thụ lý"), "document-edit-symbolic", OS_ROLE_SPECIALIST,
    OS_STEP_CAN_PROCESS | OS_STEP_CAN_PAUSE_PAYMENT, 4, N_("Chuyên viên xem xét, xử lý hồ sơ") },
  { "review", N_("Thẩm định"), "edit-find-symbolic", OS_ROLE_HEAD,
    OS_STEP_CAN_REVIEW, 2, N_("Thẩm định kết quả xử lý") },
  { "sign", N_("Ký duyệt"), "document-send-symbolic", OS_ROLE_LEADER,
    OS_STEP_CAN_SIGN, 2, N_("Lãnh đạo ký duyệt kết quả") },
  { "fee", N_("Thu phí"), "x-office-spreadsheet-symbolic", OS_ROLE_RECEPTION,
    OS_STEP_CAN_COLLECT_FEE | OS_STEP_CAN_HAND_OVER, 1, N_("Thu phí, lệ phí") },
  { "return", N_("Trả kết quả"), "mail-send-symbolic", OS_ROLE_RECEPTION,
    OS_STEP_CAN_COLLECT_FEE | OS_STEP_CAN_RETURN, 1, N_("Trả kết quả cho công dân, tổ chức") },
  { "blank", N_("Bước trống"), "list-add-symbolic", "",
    0, 0, N_("Một bước chưa có vai trò và quyền; điền ở khung bên phải") },
};

const OsStepKind *
os_step_kind_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].id, id) == 0)
      return &kinds[i];
  return NULL;
}

const OsStepKind *
os_step_kind_nth (guint n)
{
  return n < G_N_ELEMENTS (kinds) ? &kinds[n] : NULL;
}

guint
os_step_kind_count (void)
{
  return G_N_ELEMENTS (kinds);
}

const char *
os_step_kind_add (const OsStepKind *kind,
                  OsProcessEditor  *editor,
                  double            x,
                  double            y)
{
  const char *name;

  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (editor), NULL);

  name = g_strcmp0 (kind->id, "blank") == 0 ? _("Bước mới") : _(kind->name);
  return os_process_editor_add_step (editor, name, kind->role, kind->abilities, kind->budget, x, y);
}

struct _OsProcessPalette
{
  GtkWidget           parent_instance;

  GtkWidget          *scroller;
  GtkListView        *list_view;
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (OsProcessPalette, os_process_palette, GTK_TYPE_WIDGET)

enum { KIND_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListItem   *item)
{
  GtkStringObject *string = gtk_list_item_get_item (item);

  if (string == NULL)
    return NULL;
  return gdk_content_provider_new_typed (G_TYPE_STRING, gtk_string_object_get_string (string));
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListItem   *item)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  g_autoptr(GdkPaintable) icon = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, icon, 12, 12);
}

static char *
budget_text (int budget)
{
  if (budget <= 0)
    return g_strdup (_("không có thời hạn riêng"));
  return os_process_budget_to_string (budget);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           OsProcessPalette         *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  GtkDragSource *source = gtk_drag_source_new ();

  gtk_widget_add_css_class (row, "palette-row");
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_widget_add_css_class (icon, "palette-icon");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), detail);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), labels);
  gtk_list_item_set_child (item, row);

  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), item);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), item);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          OsProcessPalette         *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (row);
  GtkWidget *labels = gtk_widget_get_next_sibling (icon);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  const OsStepKind *kind = os_step_kind_lookup (gtk_string_object_get_string (gtk_list_item_get_item (item)));
  g_autofree char *budget = NULL;
  g_autofree char *text = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (kind != NULL);
  budget = budget_text (kind->budget);
  text = *kind->role ? g_strdup_printf ("%s · %s", os_role_to_string (kind->role), budget)
                     : g_strdup (_("Chưa có vai trò"));
  accessible = g_strdup_printf (_("Bước %s, %s"), _(kind->name), text);
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), kind->icon_name);
  gtk_label_set_label (GTK_LABEL (name), _(kind->name));
  gtk_label_set_label (GTK_LABEL (detail), text);
  gtk_widget_set_tooltip_text (row, _(kind->tooltip));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
}

static void
on_activate (GtkListView      *view,
             guint             position,
             OsProcessPalette *self)
{
  const OsStepKind *kind = os_step_kind_nth (position);

  if (kind != NULL)
    g_signal_emit (self, signals[KIND_ACTIVATED], 0, kind->id);
}

static void
os_process_palette_dispose (GObject *object)
{
  OsProcessPalette *self = OS_PROCESS_PALETTE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  G_OBJECT_CLASS (os_process_palette_parent_class)->dispose (object);
}

static void
os_process_palette_class_init (OsProcessPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_process_palette_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "palette");

  /* ::kind-activated (const char *kind_id): Enter or double click on a kind. */
  signals[KIND_ACTIVATED] = g_signal_new ("kind-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
os_process_palette_init (OsProcessPalette *self)
{
  g_autoptr(GtkStringList) ids = gtk_string_list_new (NULL);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (ids, kinds[i].id);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&ids)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (self->selection), factory));
  gtk_list_view_set_single_click_activate (self->list_view, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Các loại bước: kéo vào sơ đồ, hoặc chọn rồi nhấn Enter"), -1);
  g_signal_connect (self->list_view, "activate", G_CALLBACK (on_activate), self);

  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->list_view));
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
}

GtkWidget *
os_process_palette_new (void)
{
  return g_object_new (OS_TYPE_PROCESS_PALETTE, NULL);
}

const OsStepKind *
os_process_palette_get_selected (OsProcessPalette *self)
{
  guint selected;

  g_return_val_if_fail (OS_IS_PROCESS_PALETTE (self), NULL);
  selected = gtk_single_selection_get_selected (self->selection);
  return os_step_kind_nth (selected == GTK_INVALID_LIST_POSITION ? 0 : selected);
}

void
os_process_palette_select (OsProcessPalette *self,
                           guint             n)
{
  g_return_if_fail (OS_IS_PROCESS_PALETTE (self));
  gtk_single_selection_set_selected (self->selection, n);
}
