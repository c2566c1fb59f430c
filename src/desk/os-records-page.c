/* os-records-page.c: every local record, searchable, filtered, newest first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-datetime.h"
#include "os-record-code.h"
#include "os-record-list.h"
#include "os-records-page.h"
#include "os-ui-util.h"
#include "os-window.h"

struct _OsRecordsPage
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *status_dropdown;
  GtkDropDown        *due_dropdown;
  GtkEntry           *from_entry;
  GtkEntry           *to_entry;
  GtkColumnView      *column_view;
  GtkLabel           *count_label;

  GtkColumnViewColumn *sync_column;  /* shown only with an enrolled store */
  GHashTable         *sync_cells;  /* GtkImage bound to a record → its GtkListItem */

  OsStore            *store;
  OsRecordList       *list;        /* made the first time the page is shown */
  guint               fresh_id;    /* while set, the list was just loaded */
  GtkSingleSelection *selection;
};

G_DEFINE_FINAL_TYPE (OsRecordsPage, os_records_page, GTK_TYPE_WIDGET)

enum {
  OPEN_RECORD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  COLUMN_CODE = OS_UI_RECORD_CODE,
  COLUMN_APPLICANT = OS_UI_RECORD_APPLICANT,
  COLUMN_PROCEDURE = OS_UI_RECORD_PROCEDURE,
  COLUMN_RECEIVED = OS_UI_N_RECORD_COLUMNS,
  COLUMN_DUE,
  COLUMN_STATUS,
  COLUMN_DUE_STATE,
  COLUMN_SYNC,
} Column;

static const OsDueState due_filters[] = {
  OS_DUE_STATE_NONE, OS_DUE_STATE_IN_TIME, OS_DUE_STATE_NEAR_DUE, OS_DUE_STATE_OVERDUE,
  OS_DUE_STATE_PAUSED, OS_DUE_STATE_EARLY, OS_DUE_STATE_ON_TIME, OS_DUE_STATE_LATE,
};

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  gtk_list_item_set_child (item, os_ui_cell_label_new ());
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  OsRecordsPage *self = g_object_get_data (G_OBJECT (factory), "page");
  Column column = GPOINTER_TO_INT (user_data);
  OsRecord *record = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *owned = NULL;
  const char *text = NULL;

  os_ui_set_due_css_class (GTK_WIDGET (label), NULL);
  if (record == NULL)
    {
      gtk_label_set_label (label, "");
      return;
    }

  switch (column)
    {
    case COLUMN_CODE:
    case COLUMN_APPLICANT:
    case COLUMN_PROCEDURE:
      text = os_ui_record_column_text (record, (OsUiRecordColumn) column);
      break;
    case COLUMN_RECEIVED:
      text = owned = os_datetime_format (os_record_get_received_at (record), TRUE);
      break;
    case COLUMN_DUE:
      text = owned = os_datetime_format (os_record_get_due_at (record), TRUE);
      break;
    case COLUMN_STATUS:
      text = os_status_to_string (os_record_get_status (record));
      break;
    case COLUMN_DUE_STATE:
      {
        OsDueState state = os_record_compute_due_state (record, os_record_list_get_now (self->list),
                                                        os_record_list_get_near_due_at (self->list));

        text = os_due_state_to_string (state);
        os_ui_set_due_css_class (GTK_WIDGET (label), os_ui_due_state_css_class (state));
        break;
      }
    case COLUMN_SYNC:
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (label, text ? text : "");
}

static void
add_column (OsRecordsPage *self,
            const char    *title,
            Column         column,
            int            fixed_width,
            gboolean       expand)
{
  os_ui_column_view_add (self->column_view, title, self, G_CALLBACK (setup_cell), G_CALLBACK (bind_cell),
                         column, fixed_width, expand, TRUE);
}

/* The sync column: an icon with its meaning as tooltip and accessible label. */
static void
show_sync_state (GtkImage          *image,
                 OsRecordSyncState  state)
{
  const char *icon;
  const char *text;

  gtk_widget_remove_css_class (GTK_WIDGET (image), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (image), "dim-label");
  switch (state)
    {
    case OS_RECORD_SYNC_SYNCED:
      icon = "emblem-ok-symbolic";
      text = _("Đã đồng bộ với máy chủ");
      gtk_widget_add_css_class (GTK_WIDGET (image), "dim-label");
      break;
    case OS_RECORD_SYNC_REFUSED:
      icon = "dialog-warning-symbolic";
      text = _("Máy chủ đã từ chối một thay đổi của hồ sơ");
      gtk_widget_add_css_class (GTK_WIDGET (image), "error");
      break;
    case OS_RECORD_SYNC_PENDING:
    default:
      icon = "document-send-symbolic";
      text = _("Đang chờ gửi lên máy chủ");
      break;
    }
  os_ui_image_set_status (image, icon, text);
}

static void
setup_sync_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *image = gtk_image_new ();

  gtk_widget_set_halign (image, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Trạng thái đồng bộ"), -1);
  gtk_list_item_set_child (item, image);
}

static void
bind_sync_cell (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                OsRecordsPage            *self)
{
  OsRecord *record = gtk_list_item_get_item (item);
  GtkWidget *image = gtk_list_item_get_child (item);

  if (record == NULL)
    {
      gtk_image_clear (GTK_IMAGE (image));
      gtk_widget_set_tooltip_text (image, NULL);
      return;
    }
  show_sync_state (GTK_IMAGE (image), os_record_list_get_sync_state (self->list, record));
  g_hash_table_insert (self->sync_cells, image, item);
}

static void
unbind_sync_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  OsRecordsPage            *self)
{
  if (self->sync_cells != NULL)
    g_hash_table_remove (self->sync_cells, gtk_list_item_get_child (item));
}

/* An outbox or quarantine change: read again the state of the rows on screen (a few
 * index lookups), never the whole list; rows of cached pages are read again when they
 * are bound. */
static void
on_sync_changed (OsRecordsPage *self)
{
  GHashTableIter iter;
  gpointer image, item;

  if (self->list == NULL || !os_record_list_get_with_sync_state (self->list))
    return;
  os_record_list_sync_changed (self->list);
  g_hash_table_iter_init (&iter, self->sync_cells);
  while (g_hash_table_iter_next (&iter, &image, &item))
    {
      OsRecord *record = gtk_list_item_get_item (item);

      if (record != NULL)
        show_sync_state (image, os_record_list_get_sync_state (self->list, record));
    }
}

static void
update_sync_column (OsRecordsPage *self)
{
  gtk_column_view_column_set_visible (self->sync_column,
                                      self->list != NULL && os_record_list_get_with_sync_state (self->list));
}

static gboolean
read_date (GtkEntry *entry,
           GDate    *date,
           gboolean *valid)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (*text == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  if (!os_date_parse (text, date))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      *valid = FALSE;
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return TRUE;
}

static void
update_count (OsRecordsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  g_autofree char *text = NULL;

  if (os_record_list_is_truncated (self->list))
    text = g_strdup_printf (_("Hiển thị %u hồ sơ mới nhất khớp với tìm kiếm; hãy gõ thêm để thu hẹp."), n);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hồ sơ", "%u hồ sơ", n), n);
  gtk_label_set_label (self->count_label, text);
}

static void ensure_list (OsRecordsPage *self);

static void
on_query_changed (OsRecordsPage *self)
{
  GDate from, to;
  gboolean valid = TRUE;
  gboolean has_from, has_to;
  guint status, due;

  if (self->list == NULL)
    return;

  has_from = read_date (self->from_entry, &from, &valid);
  has_to = read_date (self->to_entry, &to, &valid);
  if (!valid)
    {
      gtk_label_set_label (self->count_label,
                           _("Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2026."));
      return;
    }
  if (has_to)
    g_date_add_days (&to, 1);

  status = gtk_drop_down_get_selected (self->status_dropdown);
  due = gtk_drop_down_get_selected (self->due_dropdown);
  os_record_list_set_query (self->list,
                            gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                            status == GTK_INVALID_LIST_POSITION ? 0 : status,
                            due < G_N_ELEMENTS (due_filters) ? due_filters[due] : OS_DUE_STATE_NONE,
                            has_from ? os_date_start_instant (&from) : 0,
                            has_to ? os_date_start_instant (&to) : 0);
  update_count (self);
  update_sync_column (self);
}

static void
open_position (OsRecordsPage *self,
               guint          position)
{
  g_autoptr(OsRecord) record = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (record != NULL)
    g_signal_emit (self, signals[OPEN_RECORD], 0, os_record_get_local_id (record));
}

static void
on_row_activate (OsRecordsPage *self,
                 guint          position)
{
  open_position (self, position);
}

/* Enter in the search: a whole record code (a reader scanning a receipt) opens that
 * record; a search with one result opens it. */
static void
on_search_activate (OsRecordsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GError) error = NULL;

  if (os_record_code_looks_like (text))
    {
      g_autoptr(OsRecord) record = os_store_find_record_by_code (self->store, text, &error);
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (record != NULL)
        g_signal_emit (self, signals[OPEN_RECORD], 0, os_record_get_local_id (record));
      else if (OS_IS_WINDOW (root))
        os_window_show_toast (OS_WINDOW (root), error->message);
      return;
    }

  ensure_list (self);
  on_query_changed (self);
  if (self->list != NULL && g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 1)
    open_position (self, 0);
}

static gboolean
on_fresh_timeout (gpointer user_data)
{
  OsRecordsPage *self = user_data;

  self->fresh_id = 0;
  return G_SOURCE_REMOVE;
}

/* A desk with a million records starts on the reception page without counting them:
 * the list is read when the records page is first shown. */
static void
ensure_list (OsRecordsPage *self)
{
  if (self->list != NULL || self->store == NULL)
    return;

  self->list = os_record_list_new (self->store);
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->list));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  update_count (self);
  update_sync_column (self);

  /* Showing the page also asks for a reload; the list is new, skip it. */
  self->fresh_id = g_timeout_add (500, on_fresh_timeout, self);
}

static void
on_map (OsRecordsPage *self)
{
  ensure_list (self);
}

void
os_records_page_reload (OsRecordsPage *self)
{
  g_return_if_fail (OS_IS_RECORDS_PAGE (self));

  if (self->list == NULL)
    {
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        ensure_list (self);
      return;
    }
  if (self->fresh_id != 0)
    return;

  os_record_list_reload (self->list);
  update_count (self);
  update_sync_column (self);
}

void
os_records_page_focus_search (OsRecordsPage *self)
{
  g_return_if_fail (OS_IS_RECORDS_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
os_records_page_set_store (OsRecordsPage *self,
                           OsStore       *store)
{
  g_return_if_fail (OS_IS_RECORDS_PAGE (self));
  g_return_if_fail (OS_IS_STORE (store));

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  g_signal_connect_object (store, "sync-changed", G_CALLBACK (on_sync_changed), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  update_sync_column (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    ensure_list (self);
}

GtkColumnViewColumn *
os_records_page_get_sync_column (OsRecordsPage *self)
{
  g_return_val_if_fail (OS_IS_RECORDS_PAGE (self), NULL);
  return self->sync_column;
}

static void
os_records_page_dispose (GObject *object)
{
  OsRecordsPage *self = (OsRecordsPage *) object;

  g_clear_handle_id (&self->fresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_RECORDS_PAGE);
  g_clear_object (&self->sync_column);
  g_clear_pointer (&self->sync_cells, g_hash_table_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (os_records_page_parent_class)->dispose (object);
}

static void
os_records_page_class_init (OsRecordsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_records_page_dispose;

  signals[OPEN_RECORD] =
    g_signal_new ("open-record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-records-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, box);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, due_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, OsRecordsPage, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_query_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activate);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
os_records_page_init (OsRecordsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);

  add_column (self, _("Mã hồ sơ"), COLUMN_CODE, 230, FALSE);
  add_column (self, _("Người nộp"), COLUMN_APPLICANT, 190, FALSE);
  add_column (self, _("Thủ tục"), COLUMN_PROCEDURE, -1, TRUE);
  add_column (self, _("Ngày nhận"), COLUMN_RECEIVED, 130, FALSE);
  add_column (self, _("Hẹn trả"), COLUMN_DUE, 130, FALSE);
  add_column (self, _("Trạng thái"), COLUMN_STATUS, 170, FALSE);
  add_column (self, _("Tình trạng hạn"), COLUMN_DUE_STATE, 120, FALSE);

  /* Narrow, at the end, only with a server (os_records_page_set_store). */
  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    self->sync_cells = g_hash_table_new (g_direct_hash, g_direct_equal);
    g_signal_connect (factory, "setup", G_CALLBACK (setup_sync_cell), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (bind_sync_cell), self);
    g_signal_connect (factory, "unbind", G_CALLBACK (unbind_sync_cell), self);
    self->sync_column = gtk_column_view_column_new (_("Đồng bộ"), g_object_ref (factory));
    gtk_column_view_column_set_fixed_width (self->sync_column, 80);
    gtk_column_view_column_set_visible (self->sync_column, FALSE);
    gtk_column_view_append_column (self->column_view, self->sync_column);
  }
}
