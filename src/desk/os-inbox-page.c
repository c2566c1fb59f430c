/* os-inbox-page.c: the records waiting for the officer, most urgent first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-datetime.h"
#include "os-inbox-page.h"
#include "os-store-process.h"
#include "os-ui-util.h"

#define INBOX_LIMIT 500

struct _OsInboxPage
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkLabel           *count_label;
  GtkColumnView      *column_view;

  OsStore            *store;
  GListStore         *records;
  GtkSingleSelection *selection;
  gint64              now;
  gint64              near_due_at;
  guint               reload_id;
};

G_DEFINE_FINAL_TYPE (OsInboxPage, os_inbox_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  OPEN_RECORD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  COLUMN_CODE = OS_UI_RECORD_CODE,
  COLUMN_APPLICANT = OS_UI_RECORD_APPLICANT,
  COLUMN_PROCEDURE = OS_UI_RECORD_PROCEDURE,
  COLUMN_URGENCY = OS_UI_N_RECORD_COLUMNS,
  COLUMN_STEP,
  COLUMN_STEP_DUE,
  COLUMN_DUE,
} Column;

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *child;

  if (column == COLUMN_URGENCY)
    {
      child = gtk_image_new ();
      gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
    }
  else
    child = os_ui_cell_label_new ();
  gtk_list_item_set_child (item, child);
}

static const char *
step_timing_css (OsStepTiming timing)
{
  switch (timing)
    {
    case OS_STEP_TIMING_AHEAD:       return "due-ok";
    case OS_STEP_TIMING_ON_SCHEDULE: return "due-near";
    case OS_STEP_TIMING_BEHIND:      return "due-late";
    case OS_STEP_TIMING_NONE:
    default:                         return NULL;
    }
}

static void
show_urgency (GtkImage     *image,
              OsDueState    due,
              OsStepTiming  timing,
              OsPause       pause)
{
  const char *icon = NULL;
  const char *text = _("Trong hạn");

  gtk_widget_remove_css_class (GTK_WIDGET (image), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (image), "warning");
  if (pause != OS_PAUSE_NONE)
    {
      icon = "media-playback-pause-symbolic";
      text = _("Đang tạm dừng");
    }
  else if (due == OS_DUE_STATE_OVERDUE)
    {
      icon = "dialog-error-symbolic";
      text = _("Hồ sơ quá hạn");
      gtk_widget_add_css_class (GTK_WIDGET (image), "error");
    }
  else if (timing == OS_STEP_TIMING_BEHIND)
    {
      icon = "dialog-warning-symbolic";
      text = _("Bước xử lý chậm tiến độ");
      gtk_widget_add_css_class (GTK_WIDGET (image), "warning");
    }
  else if (due == OS_DUE_STATE_NEAR_DUE || timing == OS_STEP_TIMING_ON_SCHEDULE)
    {
      icon = "alarm-symbolic";
      text = _("Sắp đến hạn");
      gtk_widget_add_css_class (GTK_WIDGET (image), "warning");
    }

  os_ui_image_set_status (image, icon, text);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  OsInboxPage *self = g_object_get_data (G_OBJECT (factory), "page");
  Column column = GPOINTER_TO_INT (user_data);
  OsRecord *record = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  OsProcessState *state = record ? os_record_get_process_state (record) : NULL;
  OsStepTiming timing = state ? os_process_state_timing (state, self->now) : OS_STEP_TIMING_NONE;
  OsDueState due = record ? os_record_compute_due_state (record, self->now, self->near_due_at)
                          : OS_DUE_STATE_NONE;
  g_autofree char *owned = NULL;
  const char *text = NULL;
  const char *css = NULL;

  if (column == COLUMN_URGENCY)
    {
      show_urgency (GTK_IMAGE (child), due, timing, state ? state->pause : OS_PAUSE_NONE);
      return;
    }

  switch (column)
    {
    case COLUMN_CODE:
    case COLUMN_APPLICANT:
    case COLUMN_PROCEDURE:
      text = os_ui_record_column_text (record, (OsUiRecordColumn) column);
      break;
    case COLUMN_STEP:
      text = state ? state->step_name : "";
      break;
    case COLUMN_STEP_DUE:
      if (state != NULL && state->step_due_at > 0)
        {
          g_autofree char *when = os_datetime_format (state->step_due_at, TRUE);

          text = owned = timing != OS_STEP_TIMING_NONE
                         ? g_strdup_printf ("%s — %s", when, os_step_timing_to_string (timing))
                         : g_strdup (when);
        }
      else if (state != NULL && timing != OS_STEP_TIMING_NONE)
        text = os_step_timing_to_string (timing);
      css = step_timing_css (timing);
      break;
    case COLUMN_DUE:
      {
        g_autofree char *when = os_datetime_format (os_record_get_due_at (record), TRUE);

        text = owned = due != OS_DUE_STATE_NONE ? g_strdup_printf ("%s — %s", when, os_due_state_to_string (due))
                                                : g_strdup (when);
        css = os_ui_due_state_css_class (due);
        break;
      }
    case COLUMN_URGENCY:
    default:
      g_assert_not_reached ();
    }

  os_ui_set_due_css_class (child, css);
  gtk_label_set_label (GTK_LABEL (child), text ? text : "");
}

static void
add_column (OsInboxPage *self,
            const char  *title,
            Column       column,
            int          fixed_width,
            gboolean     expand)
{
  os_ui_column_view_add (self->column_view, title, self, G_CALLBACK (setup_cell), G_CALLBACK (bind_cell),
                         column, fixed_width, expand, column != COLUMN_URGENCY);
}

static void
on_activate (OsInboxPage *self,
             guint        position)
{
  g_autoptr(OsRecord) record = g_list_model_get_item (G_LIST_MODEL (self->records), position);

  if (record != NULL)
    g_signal_emit (self, signals[OPEN_RECORD], 0, os_record_get_local_id (record));
}

void
os_inbox_page_reload (OsInboxPage *self)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *count = NULL;
  const OsActor *actor;
  guint n;

  g_return_if_fail (OS_IS_INBOX_PAGE (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->store == NULL)
    return;

  self->now = g_get_real_time () / G_USEC_PER_SEC;
  self->near_due_at = os_store_near_due_at (self->store, self->now);
  actor = os_store_get_actor (self->store);
  records = actor != NULL ? os_store_list_inbox (self->store, actor, INBOX_LIMIT, &error) : NULL;
  if (records == NULL && error != NULL)
    g_warning ("Could not read the inbox: %s", error->message);

  n = records ? records->len : 0;
  g_list_store_splice (self->records, 0, g_list_model_get_n_items (G_LIST_MODEL (self->records)),
                       records ? records->pdata : NULL, n);

  if (n == 0)
    count = g_strdup (_("Không có hồ sơ nào chờ xử lý."));
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hồ sơ đang chờ xử lý, hồ sơ gấp nhất ở trên cùng.",
                                          "%u hồ sơ đang chờ xử lý, hồ sơ gấp nhất ở trên cùng.", n), n);
  gtk_label_set_label (self->count_label, count);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

static void
reload_after_changes (gpointer data)
{
  OsInboxPage *self = data;

  self->reload_id = 0;
  os_inbox_page_reload (self);
}

/* A pull applies its pages one after another, an action saves one record: one reload
 * for the whole burst. */
static void
on_records_changed (OsInboxPage *self)
{
  if (self->reload_id == 0)
    self->reload_id = g_timeout_add_once (250, reload_after_changes, self);
}

void
os_inbox_page_set_store (OsInboxPage *self,
                         OsStore     *store)
{
  g_return_if_fail (OS_IS_INBOX_PAGE (self));
  g_return_if_fail (OS_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_signal_connect_object (store, "records-changed", G_CALLBACK (on_records_changed), self,
                           G_CONNECT_SWAPPED);
  os_inbox_page_reload (self);
}

GListModel *
os_inbox_page_get_model (OsInboxPage *self)
{
  g_return_val_if_fail (OS_IS_INBOX_PAGE (self), NULL);

  return G_LIST_MODEL (self->records);
}

guint
os_inbox_page_get_count (OsInboxPage *self)
{
  g_return_val_if_fail (OS_IS_INBOX_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->records));
}

void
os_inbox_page_focus (OsInboxPage *self)
{
  g_return_if_fail (OS_IS_INBOX_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
os_inbox_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OsInboxPage *self = OS_INBOX_PAGE (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      g_value_set_uint (value, os_inbox_page_get_count (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_inbox_page_dispose (GObject *object)
{
  OsInboxPage *self = (OsInboxPage *) object;

  g_clear_handle_id (&self->reload_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_INBOX_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (os_inbox_page_parent_class)->dispose (object);
}

static void
os_inbox_page_class_init (OsInboxPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_inbox_page_dispose;
  object_class->get_property = os_inbox_page_get_property;

  properties[PROP_COUNT] = g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (gint64 local_id) */
  signals[OPEN_RECORD] = g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-inbox-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OsInboxPage, stack);
  gtk_widget_class_bind_template_child (widget_class, OsInboxPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, OsInboxPage, column_view);
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
os_inbox_page_init (OsInboxPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->records = g_list_store_new (OS_TYPE_RECORD);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->records)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  add_column (self, _("Gấp"), COLUMN_URGENCY, 52, FALSE);
  add_column (self, _("Mã hồ sơ"), COLUMN_CODE, 220, FALSE);
  add_column (self, _("Người nộp"), COLUMN_APPLICANT, 160, FALSE);
  add_column (self, _("Thủ tục"), COLUMN_PROCEDURE, -1, TRUE);
  add_column (self, _("Bước"), COLUMN_STEP, 120, FALSE);
  add_column (self, _("Hạn của bước"), COLUMN_STEP_DUE, 270, FALSE);
  add_column (self, _("Hẹn trả kết quả"), COLUMN_DUE, 220, FALSE);
}
