/* os-reception-page.c: the counter's form; one record per applicant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-admin-unit.h"
#include "os-cccd.h"
#include "os-code-scan.h"
#include "os-page-codes.h"
#include "os-datetime.h"
#include "os-error.h"
#include "os-reception-page.h"
#include "os-slip-window.h"
#include "os-text.h"
#include "os-window.h"

struct _OsReceptionPage
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkSearchEntry     *procedure_search;
  GtkListView        *procedure_list;
  AdwActionRow       *procedure_row;
  AdwActionRow       *time_row;
  AdwActionRow       *due_row;
  AdwEntryRow        *name_row;
  AdwEntryRow        *id_row;
  AdwEntryRow        *birth_row;
  AdwEntryRow        *phone_row;
  AdwEntryRow        *email_row;
  AdwEntryRow        *address_row;
  GtkDropDown        *province_dropdown;
  GtkDropDown        *commune_dropdown;
  GtkListBox         *documents_list;
  GtkWidget          *documents_group;
  GtkSpinButton      *sets_spin;
  AdwComboRow        *channel_row;
  AdwComboRow        *delivery_row;
  AdwEntryRow        *notes_row;
  GtkScrolledWindow  *form_scroller;

  OsStore            *store;
  GSettings          *settings;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GtkStringList      *documents;
  OsProcedure        *procedure;
  char               *folded_query;
  GCancellable       *cancellable;
  char               *address_suffix;  /* ", <commune>, <province>" added by the pickers */
  guint               default_province;
};

G_DEFINE_FINAL_TYPE (OsReceptionPage, os_reception_page, GTK_TYPE_WIDGET)

enum {
  RECORD_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static OsWindow *
get_window (OsReceptionPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return OS_IS_WINDOW (root) ? OS_WINDOW (root) : NULL;
}

static void
toast (OsReceptionPage *self,
       const char      *message)
{
  OsWindow *window = get_window (self);

  if (window != NULL)
    os_window_show_toast (window, message);
}

/* Procedure search ------------------------------------------------------------- */

static gboolean
procedure_matches (gpointer item,
                   gpointer user_data)
{
  OsReceptionPage *self = user_data;
  const char *key = os_procedure_get_search_key (OS_PROCEDURE (item));
  g_auto(GStrv) words = NULL;

  if (self->folded_query == NULL || *self->folded_query == '\0')
    return TRUE;

  words = g_strsplit (self->folded_query, " ", -1);
  for (guint i = 0; words[i]; i++)
    if (*words[i] && strstr (key, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
on_procedure_search_changed (OsReceptionPage *self)
{
  g_free (self->folded_query);
  self->folded_query = os_text_fold (gtk_editable_get_text (GTK_EDITABLE (self->procedure_search)));
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static GtkSpinButton *
document_spin (GtkWidget *row,
               guint      kind)
{
  g_autofree char *key = g_strdup_printf ("count-%u", kind);

  return g_object_get_data (G_OBJECT (row), key);
}

/* Ticking a document counts one original; unticking clears its counts. */
static void
on_document_toggled (GtkCheckButton *check,
                     GtkWidget      *row)
{
  int total = 0;

  for (guint i = 0; i < 3; i++)
    total += gtk_spin_button_get_value_as_int (document_spin (row, i));

  if (gtk_check_button_get_active (check) && total == 0)
    gtk_spin_button_set_value (document_spin (row, 0), 1);
  else if (!gtk_check_button_get_active (check) && total > 0)
    for (guint i = 0; i < 3; i++)
      gtk_spin_button_set_value (document_spin (row, i), 0);
}

/* Counting a copy ticks the document. */
static void
on_document_count_changed (GtkSpinButton *spin,
                           GtkWidget     *row)
{
  GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");

  if (gtk_spin_button_get_value_as_int (spin) > 0 && !gtk_check_button_get_active (check))
    gtk_check_button_set_active (check, TRUE);
}

static GtkWidget *
create_document_row (gpointer item,
                     gpointer user_data)
{
  const char *name = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  const char *kinds[] = { N_("Bản chính"), N_("Bản sao chứng thực"), N_("Bản photocopy") };
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "check", check);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 20, 1);
      g_autofree char *label = g_strdup_printf ("%s: %s", _(kinds[i]), name);
      g_autofree char *key = g_strdup_printf ("count-%u", i);

      gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (spin, _(kinds[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (spin),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
      g_object_set_data (G_OBJECT (row), key, spin);
      g_signal_connect (spin, "value-changed", G_CALLBACK (on_document_count_changed), row);
    }
  g_signal_connect (check, "toggled", G_CALLBACK (on_document_toggled), row);

  return row;
}

static void
update_due_preview (OsReceptionPage *self)
{
  g_autofree char *limit = NULL;
  g_autofree char *due = NULL;
  g_autofree char *subtitle = NULL;
  const OsTimeLimit *time_limit;
  gint64 now;

  if (self->procedure == NULL)
    return;

  time_limit = os_procedure_get_time_limit (self->procedure);
  limit = os_time_limit_to_string (time_limit);
  if (time_limit->cutoff_minutes >= 0)
    subtitle = g_strdup_printf (_("%s; nhận sau %02d:%02d tính từ ngày làm việc tiếp theo"), limit,
                                time_limit->cutoff_minutes / 60, time_limit->cutoff_minutes % 60);
  else
    subtitle = g_strdup (limit);
  adw_action_row_set_subtitle (self->time_row, subtitle);

  now = g_get_real_time () / G_USEC_PER_SEC;
  due = os_datetime_format (os_calendar_compute_due (os_store_get_calendar (self->store), now,
                                                     time_limit),
                            TRUE);
  adw_action_row_set_subtitle (self->due_row, due);
}

static void
set_procedure (OsReceptionPage *self,
               OsProcedure     *procedure)
{
  GStrv documents;

  g_set_object (&self->procedure, procedure);

  gtk_string_list_splice (self->documents, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->documents)), NULL);
  gtk_widget_set_visible (self->documents_group, procedure != NULL);
  if (procedure == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->procedure_row), _("Chưa chọn thủ tục"));
      adw_action_row_set_subtitle (self->procedure_row, _("Chọn một thủ tục trong danh mục ở trên"));
      adw_action_row_set_subtitle (self->time_row, "—");
      adw_action_row_set_subtitle (self->due_row, "—");
      return;
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->procedure_row),
                                 os_procedure_get_name (procedure));
  if (*os_procedure_get_code (procedure))
    {
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", os_procedure_get_field (procedure),
                                                   os_procedure_get_code (procedure));
      adw_action_row_set_subtitle (self->procedure_row, subtitle);
    }
  else
    adw_action_row_set_subtitle (self->procedure_row, os_procedure_get_field (procedure));

  documents = os_procedure_get_documents (procedure);
  gtk_string_list_splice (self->documents, 0, 0, (const char * const *) documents);
  update_due_preview (self);
}

static void
on_procedure_activate (OsReceptionPage *self,
                       guint            position)
{
  g_autoptr(OsProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (procedure == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  set_procedure (self, procedure);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
on_procedure_search_activate (OsReceptionPage *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  if (position < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    on_procedure_activate (self, position);
}

static void
setup_procedure_item (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_item_set_child (item, box);
}

static void
bind_procedure_item (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  OsProcedure *procedure = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  g_autofree char *limit = os_time_limit_to_string (os_procedure_get_time_limit (procedure));
  g_autofree char *text = g_strdup_printf ("%s · %s", os_procedure_get_field (procedure), limit);

  gtk_label_set_label (GTK_LABEL (name), os_procedure_get_name (procedure));
  gtk_label_set_label (GTK_LABEL (detail), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  os_procedure_get_name (procedure), -1);
}

/* The ID-card QR ---------------------------------------------------------------- */

static void
fill_from_card (OsReceptionPage     *self,
                const OsCitizenCard *card)
{
  g_autofree char *birth = os_date_format (&card->birth_date);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), card->full_name);
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), card->id_number);
  gtk_editable_set_text (GTK_EDITABLE (self->birth_row), birth);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), card->address);
}

static void
on_applicant_row_changed (AdwEntryRow     *row,
                          OsReceptionPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  /* Remember what the row held before a reader started typing a QR line into it.
   * A reader types one character at a time, so this is the last text without a
   * separator: it ends with the line's first field (the ID number) already. */
  if (strchr (text, '|') == NULL)
    g_object_set_data_full (G_OBJECT (row), "clean-text", g_strdup (text), g_free);
}

static void
on_applicant_row_activated (AdwEntryRow     *row,
                            OsReceptionPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(OsCitizenCard) card = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  if (!os_citizen_card_looks_like (text))
    {
      gtk_widget_child_focus (GTK_WIDGET (row), GTK_DIR_TAB_FORWARD);
      return;
    }

  /* The reader typed the line after whatever the row held. */
  line = g_strdup (text);
  {
    const char *clean = g_object_get_data (G_OBJECT (row), "clean-text");
    gsize clean_len = clean ? strlen (clean) : 0;

    if (clean_len > 0 && g_str_has_prefix (line, clean))
      {
        /* Typed key by key, the ID number (up to 12 digits) right before the first
         * separator is part of the remembered text: give it back to the line. */
        if (line[clean_len] == '|')
          for (guint digits = 0; clean_len > 0 && digits < 12 &&
                                 g_ascii_isdigit (clean[clean_len - 1]); digits++)
            clean_len--;
        memmove (line, line + clean_len, strlen (line) - clean_len + 1);
        g_object_set_data_full (G_OBJECT (row), "clean-text", g_strndup (clean, clean_len), g_free);
      }
  }

  card = os_citizen_card_parse (line, &error);
  if (card == NULL)
    {
      /* A copy: setting the text replaces the row's "clean-text". */
      g_autofree char *clean = g_strdup (g_object_get_data (G_OBJECT (row), "clean-text"));

      gtk_editable_set_text (GTK_EDITABLE (row), clean ? clean : "");
      toast (self, error->message);
      return;
    }

  /* The line itself goes; the row keeps what it held (unless the card fills it). */
  {
    g_autofree char *clean = g_strdup (g_object_get_data (G_OBJECT (row), "clean-text"));

    gtk_editable_set_text (GTK_EDITABLE (row), clean ? clean : "");
  }
  fill_from_card (self, card);
  toast (self, _("Đã điền thông tin từ thẻ căn cước."));
  gtk_widget_grab_focus (GTK_WIDGET (self->phone_row));
}

/* Reading a card or a receipt on the scanner ------------------------------------ */

static void
on_code_scanned (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = os_code_scan_finish (result, &error);
  OsReceptionPage *self;

  if (codes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reception.scan-code", TRUE);
  if (codes == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < codes->len; i++)
    {
      OsPageCode *code = g_ptr_array_index (codes, i);
      OsPageCodeKind kind;

      if (!os_page_codes_classify (code->data, &kind))
        continue;

      if (kind == OS_PAGE_CODE_CITIZEN_CARD)
        {
          g_autoptr(OsCitizenCard) card = os_citizen_card_parse (code->data, &error);

          if (card == NULL)
            {
              toast (self, error->message);
              return;
            }
          fill_from_card (self, card);
          toast (self, _("Đã điền thông tin từ thẻ căn cước."));
          return;
        }
      if (kind == OS_PAGE_CODE_RECORD)
        {
          g_autoptr(OsRecord) record = os_store_find_record_by_code (self->store, code->data, &error);
          OsWindow *window = get_window (self);

          if (record == NULL)
            toast (self, error->message);
          else if (window != NULL)
            os_window_open_record (window, os_record_get_local_id (record));
          return;
        }
    }
  toast (self, _("Không tìm thấy mã QR của thẻ căn cước hay phiếu hẹn trên trang vừa quét."));
}

static void
scan_code_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  OsReceptionPage *self = OS_RECEPTION_PAGE (widget);
  g_autoptr(OsScanner) scanner = os_scanner_new ();
  g_autofree char *device = self->settings ? g_settings_get_string (self->settings, "scanner") : NULL;

  gtk_widget_action_set_enabled (widget, "reception.scan-code", FALSE);
  toast (self, _("Đang quét…"));
  os_code_scan_async (scanner, device, self->cancellable, on_code_scanned, self);
}

/* Address pickers --------------------------------------------------------------- */

static void
setup_unit_item (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_unit_item (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  OsAdminUnit *unit = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)), os_admin_unit_get_name (unit));
}

/* Shows units by their full name and finds them by the name an officer types
 * ("Cầu Giấy" for "Phường Cầu Giấy"). */
static void
setup_unit_dropdown (GtkDropDown *dropdown)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_unit_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_unit_item), NULL);
  gtk_drop_down_set_factory (dropdown, factory);
  gtk_drop_down_set_expression (dropdown,
                                gtk_property_expression_new (OS_TYPE_ADMIN_UNIT, NULL, "short-name"));
}

static void
on_commune_selected (OsReceptionPage *self)
{
  OsAdminUnit *province = gtk_drop_down_get_selected_item (self->province_dropdown);
  OsAdminUnit *commune = gtk_drop_down_get_selected_item (self->commune_dropdown);
  g_autofree char *base = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row)));
  g_autofree char *address = NULL;

  if (province == NULL || commune == NULL)
    return;

  /* Replace what the pickers added before; keep what the officer typed. */
  if (self->address_suffix != NULL && g_str_has_suffix (base, self->address_suffix))
    base[strlen (base) - strlen (self->address_suffix)] = '\0';
  g_strstrip (base);

  g_clear_pointer (&self->address_suffix, g_free);
  if (*os_admin_unit_get_code (commune) != '\0')  /* not the "choose…" entry */
    self->address_suffix = g_strdup_printf ("%s%s, %s", *base ? ", " : "",
                                            os_admin_unit_get_name (commune),
                                            os_admin_unit_get_name (province));
  address = g_strconcat (base, self->address_suffix, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->address_row), address);
}

static void
on_province_selected (OsReceptionPage *self)
{
  OsAdminUnit *province = gtk_drop_down_get_selected_item (self->province_dropdown);
  g_autoptr(GListModel) communes = NULL;
  g_autoptr(GListStore) choices = NULL;
  g_autoptr(OsAdminUnit) choose = NULL;

  if (province == NULL)
    return;

  /* A first entry that says what to do, rather than GTK's "(None)". */
  communes = os_admin_unit_list_communes (os_admin_unit_get_code (province));
  choices = g_list_store_new (OS_TYPE_ADMIN_UNIT);
  choose = os_admin_unit_new ("", _("Chọn xã, phường…"));
  g_list_store_append (choices, choose);
  for (guint i = 0; i < g_list_model_get_n_items (communes); i++)
    {
      g_autoptr(OsAdminUnit) unit = g_list_model_get_item (communes, i);
      g_list_store_append (choices, unit);
    }

  g_signal_handlers_block_by_func (self->commune_dropdown, on_commune_selected, self);
  gtk_drop_down_set_model (self->commune_dropdown, G_LIST_MODEL (choices));
  gtk_drop_down_set_selected (self->commune_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->commune_dropdown, on_commune_selected, self);
}

/* The agency's own province comes first: most applicants live there. */
static guint
find_agency_province (OsStore *store)
{
  g_autoptr(OsAgency) agency = os_store_dup_agency (store);
  g_autoptr(GListModel) provinces = os_admin_unit_list_provinces ();
  OsAdminUnit *province = os_admin_unit_find_province_of (agency->name);
  for (guint i = 0; province && i < g_list_model_get_n_items (provinces); i++)
    {
      g_autoptr(OsAdminUnit) unit = g_list_model_get_item (provinces, i);
      if (unit == province)
        return i;
    }
  return 0;
}

/* Saving ----------------------------------------------------------------------- */

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
mark_error (AdwEntryRow *row)
{
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* Builds the record from the form; NULL (with the offending field marked and a toast)
 * when the form is not ready. */
static OsRecord *
build_record (OsReceptionPage *self,
              OsStatus         status,
              const char      *reason)
{
  g_autoptr(OsRecord) record = os_record_new ();
  g_autofree char *name = os_text_normalize_space (row_text (self->name_row));
  g_autofree char *birth_iso = NULL;
  g_autofree char *phone = g_strdup (row_text (self->phone_row));
  const char *birth = row_text (self->birth_row);
  const char *id_number = row_text (self->id_row);
  guint n_rows;

  if (self->procedure == NULL)
    {
      toast (self, _("Chưa chọn thủ tục hành chính."));
      gtk_widget_grab_focus (GTK_WIDGET (self->procedure_search));
      return NULL;
    }
  if (os_text_is_blank (name))
    {
      toast (self, _("Chưa nhập họ và tên người nộp hồ sơ."));
      mark_error (self->name_row);
      return NULL;
    }
  if (*id_number && (strlen (id_number) != 12 || strspn (id_number, "0123456789") != 12))
    {
      toast (self, _("Số định danh cá nhân phải có đúng 12 chữ số."));
      mark_error (self->id_row);
      return NULL;
    }
  if (!os_text_is_blank (birth))
    {
      GDate date;
      g_autoptr(GDateTime) now = g_date_time_new_now (os_datetime_zone ());

      if (!os_date_parse (birth, &date) || g_date_get_year (&date) > g_date_time_get_year (now))
        {
          toast (self, _("Ngày sinh không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990."));
          mark_error (self->birth_row);
          return NULL;
        }
      birth_iso = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                                   g_date_get_month (&date), g_date_get_day (&date));
    }

  os_record_set_procedure (record, os_procedure_get_id (self->procedure),
                           os_procedure_get_code (self->procedure),
                           os_procedure_get_name (self->procedure),
                           os_procedure_get_field (self->procedure));
  os_record_set_time_limit (record, os_procedure_get_time_limit (self->procedure));
  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, id_number);
  os_record_set_birth_date (record, birth_iso);
  os_record_set_phone (record, g_strstrip (phone));
  os_record_set_email (record, row_text (self->email_row));
  os_record_set_address (record, row_text (self->address_row));
  os_record_set_sets (record, gtk_spin_button_get_value_as_int (self->sets_spin));
  os_record_set_channel (record, adw_combo_row_get_selected (self->channel_row) == 1
                                 ? OS_CHANNEL_POST : OS_CHANNEL_IN_PERSON);
  os_record_set_delivery (record, adw_combo_row_get_selected (self->delivery_row) == 1
                                  ? OS_DELIVERY_POST : OS_DELIVERY_DESK);
  os_record_set_notes (record, row_text (self->notes_row));
  os_record_set_status (record, status);
  os_record_set_reason (record, reason);

  n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  for (guint i = 0; i < n_rows; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->documents_list, i);
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "check");
      int counts[3];

      for (guint k = 0; k < 3; k++)
        counts[k] = gtk_spin_button_get_value_as_int (document_spin (GTK_WIDGET (row), k));
      if (gtk_check_button_get_active (check) || counts[0] + counts[1] + counts[2] > 0)
        os_record_add_document (record, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                counts[0], counts[1], counts[2]);
    }

  if (status == OS_STATUS_RECEIVED && os_record_get_documents (record)->len == 0 && n_rows > 0)
    {
      toast (self, _("Chưa đánh dấu giấy tờ nào đã nhận trong thành phần hồ sơ."));
      return NULL;
    }

  return g_steal_pointer (&record);
}

/* The desk has used every number the server leased to it for today and cannot ask for
 * more: it never invents one. The officer learns why and what to do. */
static void
show_no_code_dialog (OsReceptionPage *self,
                     const GError    *error)
{
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("%s\n\nMọi thông tin đã nhập vẫn còn trên màn hình. Khi có mạng, bấm "
                            "“Đồng bộ ngay” (F5) rồi lưu lại."), error->message);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   _("Hết số hiệu hồ sơ được cấp cho hôm nay"), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Đã hiểu"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save (OsReceptionPage *self,
      OsStatus         status,
      const char      *reason)
{
  g_autoptr(OsRecord) record = build_record (self, status, reason);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  OsSlipWindow *slip;
  OsSlipKind kind;

  if (record == NULL)
    return;

  if (!os_store_receive (self->store, record, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      /* Nothing was saved and the form keeps everything typed. */
      if (g_error_matches (error, OS_ERROR, OS_ERROR_NO_CODE_BLOCK))
        show_no_code_dialog (self, error);
      else
        toast (self, error->message);
      return;
    }

  switch (status)
    {
    case OS_STATUS_REFUSED:
      kind = OS_SLIP_REFUSAL;
      message = g_strdup_printf (_("Đã ghi nhận từ chối hồ sơ %s."), os_record_get_code (record));
      break;
    case OS_STATUS_SUPPLEMENT:
      kind = OS_SLIP_SUPPLEMENT;
      message = g_strdup_printf (_("Đã ghi nhận yêu cầu bổ sung hồ sơ %s."), os_record_get_code (record));
      break;
    case OS_STATUS_RECEIVED:
    default:
      kind = OS_SLIP_RECEIPT;
      message = g_strdup_printf (_("Đã tiếp nhận hồ sơ %s."), os_record_get_code (record));
      break;
    }

  toast (self, message);
  g_signal_emit (self, signals[RECORD_SAVED], 0, record);

  slip = os_slip_window_new (self->store, self->settings, record, kind);
  gtk_window_set_transient_for (GTK_WINDOW (slip), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (slip));

  os_reception_page_clear (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save (OS_RECEPTION_PAGE (widget), OS_STATUS_RECEIVED, NULL);
}

typedef struct
{
  OsReceptionPage *self;
  GtkTextView     *reason_view;
  OsStatus         status;
} ReasonDialog;

static void
on_reason_response (AdwMessageDialog *dialog,
                    const char       *response,
                    ReasonDialog     *data)
{
  if (g_strcmp0 (response, "confirm") == 0)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (data->reason_view);
      GtkTextIter start, end;
      g_autofree char *reason = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      reason = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_strstrip (reason);
      if (*reason == '\0')
        toast (data->self, data->status == OS_STATUS_REFUSED
                           ? _("Cần ghi rõ lý do từ chối tiếp nhận.")
                           : _("Cần ghi rõ giấy tờ cần bổ sung, hoàn thiện."));
      else
        save (data->self, data->status, reason);
    }
  g_object_unref (data->self);
  g_free (data);
}

static void
ask_reason (OsReceptionPage *self,
            OsStatus         status)
{
  GtkWidget *dialog, *scroller, *view;
  ReasonDialog *data;
  gboolean refuse = status == OS_STATUS_REFUSED;

  /* Check the form before asking for the reason, so nothing typed is wasted. */
  {
    g_autoptr(OsRecord) probe = build_record (self, status, "-");
    if (probe == NULL)
      return;
  }

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   refuse ? _("Từ chối tiếp nhận hồ sơ")
                                          : _("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
                                   refuse ? _("Ghi rõ lý do từ chối. Phiếu từ chối (Mẫu 03) sẽ được in cho người nộp.")
                                          : _("Ghi rõ giấy tờ cần bổ sung, hoàn thiện và lý do. Phiếu yêu cầu bổ sung (Mẫu 02) sẽ được in cho người nộp."));
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  refuse ? _("Lý do từ chối") : _("Nội dung cần bổ sung"), -1);
  gtk_widget_add_css_class (view, "card");
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 120);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Hủy"),
                                    "confirm", refuse ? _("_Từ chối và in phiếu") : _("_Ghi nhận và in phiếu"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "confirm",
                                              refuse ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  data = g_new0 (ReasonDialog, 1);
  data->self = g_object_ref (self);
  data->reason_view = GTK_TEXT_VIEW (view);
  data->status = status;
  g_signal_connect (dialog, "response", G_CALLBACK (on_reason_response), data);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

static void
refuse_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ask_reason (OS_RECEPTION_PAGE (widget), OS_STATUS_REFUSED);
}

static void
supplement_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ask_reason (OS_RECEPTION_PAGE (widget), OS_STATUS_SUPPLEMENT);
}

/* Lifecycle -------------------------------------------------------------------- */

void
os_reception_page_clear (OsReceptionPage *self)
{
  AdwEntryRow *rows[] = { self->name_row, self->id_row, self->birth_row, self->phone_row,
                          self->email_row, self->address_row, self->notes_row };

  g_return_if_fail (OS_IS_RECEPTION_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (rows[i]), "");
      gtk_widget_remove_css_class (GTK_WIDGET (rows[i]), "error");
    }
  g_clear_pointer (&self->address_suffix, g_free);
  if (gtk_drop_down_get_model (self->province_dropdown) != NULL)
    {
      gtk_drop_down_set_selected (self->province_dropdown, self->default_province);
      on_province_selected (self);
    }
  gtk_spin_button_set_value (self->sets_spin, 1);
  adw_combo_row_set_selected (self->channel_row, 0);
  adw_combo_row_set_selected (self->delivery_row, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->procedure_search), "");
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  set_procedure (self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->form_scroller), 0);
  gtk_widget_grab_focus (GTK_WIDGET (self->procedure_search));
}

void
os_reception_page_set_store (OsReceptionPage *self,
                             OsStore         *store,
                             GSettings       *settings)
{
  g_return_if_fail (OS_IS_RECEPTION_PAGE (self));
  g_return_if_fail (OS_IS_STORE (store));

  g_set_object (&self->store, store);
  g_set_object (&self->settings, settings);

  self->filtered = gtk_filter_list_model_new (g_object_ref (os_store_get_procedures (store)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_list_view_set_model (self->procedure_list, GTK_SELECTION_MODEL (self->selection));

  self->default_province = find_agency_province (store);
  {
    g_autoptr(GListModel) provinces = os_admin_unit_list_provinces ();
    gtk_drop_down_set_model (self->province_dropdown, provinces);
  }
  os_reception_page_clear (self);
}

static void
os_reception_page_dispose (GObject *object)
{
  OsReceptionPage *self = (OsReceptionPage *) object;

  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_RECEPTION_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->documents);
  g_clear_object (&self->procedure);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->folded_query, g_free);
  g_clear_pointer (&self->address_suffix, g_free);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (os_reception_page_parent_class)->dispose (object);
}

static void
os_reception_page_class_init (OsReceptionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_reception_page_dispose;

  signals[RECORD_SAVED] =
    g_signal_new ("record-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, OS_TYPE_RECORD);

  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-reception-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, box);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, procedure_search);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, procedure_list);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, procedure_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, time_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, due_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, id_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, birth_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, province_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, commune_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, documents_list);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, sets_spin);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, channel_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, delivery_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, notes_row);
  gtk_widget_class_bind_template_child (widget_class, OsReceptionPage, form_scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_procedure_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_procedure_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_procedure_activate);

  gtk_widget_class_install_action (widget_class, "reception.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "reception.refuse", NULL, refuse_action);
  gtk_widget_class_install_action (widget_class, "reception.supplement", NULL, supplement_action);
  gtk_widget_class_install_action (widget_class, "reception.scan-code", NULL, scan_code_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Q, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "reception.scan-code", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "reception.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "reception.refuse", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_b, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "reception.supplement", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
os_reception_page_init (OsReceptionPage *self)
{
  AdwEntryRow *applicant_rows[6];
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->filter = gtk_custom_filter_new (procedure_matches, self, NULL);
  self->documents = gtk_string_list_new (NULL);
  gtk_list_box_bind_model (self->documents_list, G_LIST_MODEL (self->documents),
                           create_document_row, self, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_procedure_item), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_procedure_item), self);
  gtk_list_view_set_factory (self->procedure_list, factory);

  setup_unit_dropdown (self->province_dropdown);
  setup_unit_dropdown (self->commune_dropdown);
  g_signal_connect_swapped (self->province_dropdown, "notify::selected", G_CALLBACK (on_province_selected), self);
  g_signal_connect_swapped (self->commune_dropdown, "notify::selected", G_CALLBACK (on_commune_selected), self);

  applicant_rows[0] = self->name_row;
  applicant_rows[1] = self->id_row;
  applicant_rows[2] = self->birth_row;
  applicant_rows[3] = self->phone_row;
  applicant_rows[4] = self->email_row;
  applicant_rows[5] = self->address_row;
  for (guint i = 0; i < G_N_ELEMENTS (applicant_rows); i++)
    {
      g_signal_connect (applicant_rows[i], "changed", G_CALLBACK (on_applicant_row_changed), self);
      g_signal_connect (applicant_rows[i], "entry-activated", G_CALLBACK (on_applicant_row_activated), self);
    }
}
