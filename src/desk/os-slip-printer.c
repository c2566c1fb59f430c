/* os-slip-printer.c
 *
 * GtkPrintJob rather than GtkPrintOperation: the operation without its dialog is not
 * reliable on GTK 4.8, the job is (TESTING.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtkunixprint.h>

#include "os-error.h"
#include "os-slip-printer.h"

#define FIND_TIMEOUT_SECONDS 10

struct _OsSlipPrinter
{
  GObject  parent_instance;

  char    *name;
};

G_DEFINE_FINAL_TYPE (OsSlipPrinter, os_slip_printer, G_TYPE_OBJECT)

typedef struct
{
  OsSlip     *slip;
  char       *job_name;
  GtkPrinter *printer;
  guint       timeout_id;
  gboolean    done_looking;
} PrintData;

static void
print_data_free (PrintData *data)
{
  g_clear_object (&data->slip);
  g_clear_object (&data->printer);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_free (data->job_name);
  g_free (data);
}

static void
os_slip_printer_finalize (GObject *object)
{
  OsSlipPrinter *self = (OsSlipPrinter *) object;

  g_free (self->name);

  G_OBJECT_CLASS (os_slip_printer_parent_class)->finalize (object);
}

static void
os_slip_printer_class_init (OsSlipPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_slip_printer_finalize;
}

static void
os_slip_printer_init (OsSlipPrinter *self)
{
}

OsSlipPrinter *
os_slip_printer_new (const char *printer_name)
{
  OsSlipPrinter *self;

  g_return_val_if_fail (printer_name != NULL, NULL);

  self = g_object_new (OS_TYPE_SLIP_PRINTER, NULL);
  self->name = g_strdup (printer_name);
  return self;
}

const char *
os_slip_printer_get_name (OsSlipPrinter *self)
{
  g_return_val_if_fail (OS_IS_SLIP_PRINTER (self), NULL);
  return self->name;
}

static void
on_job_complete (GtkPrintJob  *job,
                 gpointer      user_data,
                 const GError *error)
{
  GTask *task = user_data;

  if (error != NULL)
    g_task_return_new_error (task, OS_ERROR, OS_ERROR_IO,
                             _("Máy in không nhận lệnh in: %s"), error->message);
  else
    g_task_return_boolean (task, TRUE);
}

static void
send_job (GTask *task)
{
  PrintData *data = g_task_get_task_data (task);
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(GtkPrintJob) job = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double width, height;
  int n_pages;

  os_slip_get_page_size (data->slip, &width, &height);
  n_pages = os_slip_get_n_pages (data->slip);
  if (os_slip_get_format (data->slip) == OS_PAPER_A4)
    paper = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  else
    paper = gtk_paper_size_new_custom ("onestop-roll-80", _("Giấy cuộn 80 mm"), width, height, GTK_UNIT_POINTS);
  gtk_page_setup_set_paper_size (setup, paper);
  /* The tracking book (Mẫu 06) is printed across the sheet. */
  if (width > height)
    {
      gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
      gtk_print_settings_set_orientation (settings, GTK_PAGE_ORIENTATION_LANDSCAPE);
    }
  gtk_print_settings_set_paper_size (settings, paper);
  gtk_print_settings_set_printer (settings, gtk_printer_get_name (data->printer));

  job = gtk_print_job_new (data->job_name, data->printer, settings, setup);
  surface = gtk_print_job_get_surface (job, &error);
  if (surface == NULL)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_IO,
                               _("Không chuẩn bị được bản in: %s"), error->message);
      g_object_unref (task);
      return;
    }

  cr = cairo_create (surface);
  for (int page = 0; page < n_pages; page++)
    {
      cairo_save (cr);
      os_slip_draw_page (data->slip, cr, page);
      cairo_restore (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);

  gtk_print_job_send (job, on_job_complete, task, g_object_unref);
}

static gboolean
on_printer_found (GtkPrinter *printer,
                  gpointer    user_data)
{
  GTask *task = user_data;
  OsSlipPrinter *self = g_task_get_source_object (task);
  PrintData *data = g_task_get_task_data (task);

  if (data->done_looking || g_strcmp0 (gtk_printer_get_name (printer), self->name) != 0)
    return FALSE;

  data->done_looking = TRUE;
  data->printer = g_object_ref (printer);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  send_job (task);
  return TRUE;
}

/* Called when every backend has listed its printers (or the search was given up). */
static void
on_search_done (gpointer user_data)
{
  GTask *task = user_data;
  OsSlipPrinter *self = g_task_get_source_object (task);
  PrintData *data = g_task_get_task_data (task);

  if (!data->done_looking)
    {
      data->done_looking = TRUE;
      g_clear_handle_id (&data->timeout_id, g_source_remove);
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_NOT_FOUND,
                               _("Không tìm thấy máy in “%s”. Hãy kiểm tra máy in đã bật và "
                                 "được kết nối, hoặc chọn máy in khác."), self->name);
      g_object_unref (task);
    }
  g_object_unref (task);
}

static gboolean
on_search_timeout (gpointer user_data)
{
  GTask *task = user_data;
  PrintData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  if (!data->done_looking)
    {
      data->done_looking = TRUE;
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_NOT_FOUND,
                               _("Máy in “%s” không trả lời."),
                               os_slip_printer_get_name (g_task_get_source_object (task)));
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

void
os_slip_printer_print_async (OsSlipPrinter       *self,
                             OsSlip              *slip,
                             const char          *job_name,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  PrintData *data;

  g_return_if_fail (OS_IS_SLIP_PRINTER (self));
  g_return_if_fail (OS_IS_SLIP (slip));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_slip_printer_print_async);
  data = g_new0 (PrintData, 1);
  data->slip = g_object_ref (slip);
  data->job_name = g_strdup (job_name ? job_name : os_slip_get_title (slip));
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);

  /* One reference for the answer, one for the search itself. */
  data->timeout_id = g_timeout_add_seconds (FIND_TIMEOUT_SECONDS, on_search_timeout, task);
  gtk_enumerate_printers (on_printer_found, g_object_ref (task), on_search_done, FALSE);
}

gboolean
os_slip_printer_print_finish (OsSlipPrinter  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (OS_IS_SLIP_PRINTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
