/* os-slip-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-slip-printer.h"
#include "os-slip-view.h"
#include "os-slip-window.h"

struct _OsSlipWindow
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkDropDown     *format_dropdown;
  GtkButton       *print_button;
  OsSlipView      *view;

  OsStore         *store;
  GSettings       *settings;
  OsRecord        *record;
  OsSlipKind       kind;
  char            *job_name;
  gboolean         fixed;      /* made elsewhere: nothing to rebuild */
  GtkFileChooserNative *chooser;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (OsSlipWindow, os_slip_window, ADW_TYPE_WINDOW)

static void
toast (OsSlipWindow *self,
       const char   *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
rebuild_slip (OsSlipWindow *self)
{
  g_autoptr(OsAgency) agency = os_store_dup_agency (self->store);
  OsPaperFormat format = gtk_drop_down_get_selected (self->format_dropdown) == 1
                         ? OS_PAPER_ROLL_80MM : OS_PAPER_A4;
  g_autoptr(OsSlip) slip = os_slip_new (self->kind, format, self->record, agency);

  os_slip_view_set_slip (self->view, slip);
  adw_window_title_set_title (self->window_title, os_slip_get_title (slip));
  /* The window's own title names it for screen readers and window lists. */
  gtk_window_set_title (GTK_WINDOW (self), os_slip_get_title (slip));
}

static void
on_format_changed (OsSlipWindow *self)
{
  if (self->fixed)
    return;
  if (self->settings != NULL)
    g_settings_set_enum (self->settings, "receipt-format",
                         gtk_drop_down_get_selected (self->format_dropdown));
  rebuild_slip (self);
}

/* Printing --------------------------------------------------------------------- */

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              OsSlip            *slip)
{
  os_slip_draw_page (slip, gtk_print_context_get_cairo_context (context), page);
}

static void
print_dialog_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  OsSlipWindow *self = OS_SLIP_WINDOW (widget);
  OsSlip *slip = os_slip_view_get_slip (self->view);
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(GError) error = NULL;
  double width, height;
  GtkPrintOperationResult result;

  os_slip_get_page_size (slip, &width, &height);
  if (os_slip_get_format (slip) == OS_PAPER_A4)
    paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  else
    paper = gtk_paper_size_new_custom ("onestop-roll-80", _("Giấy cuộn 80 mm"), width, height, GTK_UNIT_POINTS);
  gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
  /* The tracking book (Mẫu 06) is printed across the sheet. */
  gtk_page_setup_set_orientation (setup, width > height ? GTK_PAGE_ORIENTATION_LANDSCAPE
                                                        : GTK_PAGE_ORIENTATION_PORTRAIT);

  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, os_slip_get_n_pages (slip));
  gtk_print_operation_set_job_name (operation, self->job_name);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect_object (operation, "draw-page", G_CALLBACK (on_draw_page), slip, 0);

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *message = g_strdup_printf (_("Không in được: %s"), error->message);
      toast (self, message);
    }
  else if (result == GTK_PRINT_OPERATION_RESULT_APPLY && self->settings != NULL)
    {
      GtkPrintSettings *used = gtk_print_operation_get_print_settings (operation);
      const char *printer = used ? gtk_print_settings_get_printer (used) : NULL;

      /* Next time, Ctrl+P prints straight to the same printer. */
      if (printer != NULL && *printer != '\0')
        g_settings_set_string (self->settings, "printer", printer);
    }
}

static void
on_printed (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(OsSlipWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!os_slip_printer_print_finish (OS_SLIP_PRINTER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _("Đã gửi phiếu tới máy in."));
}

/* Ctrl+P: straight to the remembered printer; the first time, the dialog. */
static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  OsSlipWindow *self = OS_SLIP_WINDOW (widget);
  g_autofree char *printer = self->settings ? g_settings_get_string (self->settings, "printer") : NULL;
  g_autoptr(OsSlipPrinter) slip_printer = NULL;
  g_autofree char *message = NULL;

  if (printer == NULL || *printer == '\0')
    {
      print_dialog_action (widget, action_name, parameter);
      return;
    }

  slip_printer = os_slip_printer_new (printer);
  message = g_strdup_printf (_("Đang in tới %s…"), printer);
  toast (self, message);
  os_slip_printer_print_async (slip_printer, os_slip_view_get_slip (self->view),
                               self->job_name, self->cancellable,
                               on_printed, g_object_ref (self));
}

/* Export ----------------------------------------------------------------------- */

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    OsSlipWindow    *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
      if (path == NULL)
        toast (self, _("Chỉ lưu được vào thư mục trên máy này."));
      else if (!os_slip_export_pdf (os_slip_view_get_slip (self->view), path, &error))
        toast (self, error->message);
      else
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *message = g_strdup_printf (_("Đã lưu %s."), name);
          toast (self, message);
        }
    }

  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  OsSlipWindow *self = OS_SLIP_WINDOW (widget);
  static const char *suffixes[] = { "mau-01", "mau-02", "mau-03", "mau-04", "mau-05", "mau-06" };
  OsSlipKind kind = os_slip_get_kind (os_slip_view_get_slip (self->view));
  g_autofree char *name = g_strdup_printf ("%s-%s.pdf", self->job_name,
                                           kind < G_N_ELEMENTS (suffixes) ? suffixes[kind] : "phieu");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GFile) folder = g_file_new_for_path (documents ? documents : g_get_home_dir ());

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Xuất phiếu ra PDF"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Lưu"), _("_Hủy"));
  gtk_file_filter_set_name (filter, _("Tệp PDF"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Lifecycle -------------------------------------------------------------------- */

static void
os_slip_window_dispose (GObject *object)
{
  OsSlipWindow *self = (OsSlipWindow *) object;

  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), OS_TYPE_SLIP_WINDOW);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->record);
  g_clear_pointer (&self->job_name, g_free);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (os_slip_window_parent_class)->dispose (object);
}

static void
os_slip_window_class_init (OsSlipWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = os_slip_window_dispose;

  g_type_ensure (OS_TYPE_SLIP_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/vn/onestop/Desk/os-slip-window.ui");
  gtk_widget_class_bind_template_child (widget_class, OsSlipWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, OsSlipWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, OsSlipWindow, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, OsSlipWindow, print_button);
  gtk_widget_class_bind_template_child (widget_class, OsSlipWindow, view);
  gtk_widget_class_bind_template_callback (widget_class, on_format_changed);

  gtk_widget_class_install_action (widget_class, "slip.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "slip.print-dialog", NULL, print_dialog_action);
  gtk_widget_class_install_action (widget_class, "slip.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "slip.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "slip.print-dialog", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "slip.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
os_slip_window_init (OsSlipWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

OsSlipWindow *
os_slip_window_new (OsStore    *store,
                    GSettings  *settings,
                    OsRecord   *record,
                    OsSlipKind  kind)
{
  OsSlipWindow *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (OS_IS_RECORD (record), NULL);

  self = g_object_new (OS_TYPE_SLIP_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->record = g_object_ref (record);
  self->kind = kind;
  self->job_name = g_strdup (os_record_get_code (record));

  g_signal_handlers_block_by_func (self->format_dropdown, on_format_changed, self);
  if (settings != NULL)
    gtk_drop_down_set_selected (self->format_dropdown, g_settings_get_enum (settings, "receipt-format"));
  g_signal_handlers_unblock_by_func (self->format_dropdown, on_format_changed, self);

  rebuild_slip (self);
  adw_window_title_set_subtitle (self->window_title, os_record_get_code (record));
  gtk_widget_grab_focus (GTK_WIDGET (self->print_button));

  return self;
}

OsSlipWindow *
os_slip_window_new_for_slip (OsStore    *store,
                             GSettings  *settings,
                             OsSlip     *slip,
                             const char *job_name)
{
  OsSlipWindow *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (OS_IS_SLIP (slip), NULL);

  self = g_object_new (OS_TYPE_SLIP_WINDOW, NULL);
  self->store = g_object_ref (store);
  self->settings = settings ? g_object_ref (settings) : NULL;
  self->kind = os_slip_get_kind (slip);
  self->job_name = g_strdup (job_name != NULL && *job_name != '\0' ? job_name : "phieu");
  self->fixed = TRUE;

  gtk_widget_set_visible (GTK_WIDGET (self->format_dropdown), FALSE);
  {
    double width, height;

    /* Room for a landscape page (the tracking book). */
    os_slip_get_page_size (slip, &width, &height);
    if (width > height)
      gtk_window_set_default_size (GTK_WINDOW (self), 960, 760);
  }
  os_slip_view_set_slip (self->view, slip);
  adw_window_title_set_title (self->window_title, os_slip_get_title (slip));
  gtk_window_set_title (GTK_WINDOW (self), os_slip_get_title (slip));
  adw_window_title_set_subtitle (self->window_title, job_name);
  gtk_widget_grab_focus (GTK_WIDGET (self->print_button));

  return self;
}

OsSlip *
os_slip_window_get_slip (OsSlipWindow *self)
{
  g_return_val_if_fail (OS_IS_SLIP_WINDOW (self), NULL);

  return os_slip_view_get_slip (self->view);
}
