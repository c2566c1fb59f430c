/* os-ui-util.c: see os-ui-util.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-ui-util.h"

static const char * const due_css_classes[] = { "due-ok", "due-near", "due-late" };

const char *
os_ui_due_state_css_class (OsDueState state)
{
  switch (state)
    {
    case OS_DUE_STATE_IN_TIME:
    case OS_DUE_STATE_EARLY:
    case OS_DUE_STATE_ON_TIME:
      return "due-ok";
    case OS_DUE_STATE_NEAR_DUE:
    case OS_DUE_STATE_PAUSED:
      return "due-near";
    case OS_DUE_STATE_OVERDUE:
    case OS_DUE_STATE_LATE:
      return "due-late";
    case OS_DUE_STATE_NONE:
    default:
      return NULL;
    }
}

void
os_ui_set_due_css_class (GtkWidget  *widget,
                         const char *css_class)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (guint i = 0; i < G_N_ELEMENTS (due_css_classes); i++)
    gtk_widget_remove_css_class (widget, due_css_classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
}

const char *
os_ui_record_column_text (OsRecord         *record,
                          OsUiRecordColumn  column)
{
  g_return_val_if_fail (OS_IS_RECORD (record), NULL);

  switch (column)
    {
    case OS_UI_RECORD_CODE:      return os_record_get_code (record);
    case OS_UI_RECORD_APPLICANT: return os_record_get_applicant_name (record);
    case OS_UI_RECORD_PROCEDURE: return os_record_get_procedure_name (record);
    case OS_UI_N_RECORD_COLUMNS:
    default:                     g_return_val_if_reached (NULL);
    }
}

GtkWidget *
os_ui_cell_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

void
os_ui_image_set_status (GtkImage   *image,
                        const char *icon_name,
                        const char *text)
{
  g_return_if_fail (GTK_IS_IMAGE (image));

  if (icon_name != NULL)
    gtk_image_set_from_icon_name (image, icon_name);
  else
    gtk_image_clear (image);
  gtk_widget_set_tooltip_text (GTK_WIDGET (image), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

GtkColumnViewColumn *
os_ui_column_view_add (GtkColumnView *view,
                       const char    *title,
                       gpointer       page,
                       GCallback      setup,
                       GCallback      bind,
                       int            column,
                       int            fixed_width,
                       gboolean       expand,
                       gboolean       resizable)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_return_val_if_fail (GTK_IS_COLUMN_VIEW (view), NULL);

  g_object_set_data (G_OBJECT (factory), "page", page);
  g_signal_connect (factory, "setup", setup, GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", bind, GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_resizable (view_column, resizable);
  gtk_column_view_column_set_expand (view_column, expand);
  if (fixed_width > 0)
    gtk_column_view_column_set_fixed_width (view_column, fixed_width);
  gtk_column_view_append_column (view, view_column);

  /* The view holds it. */
  return view_column;
}

GtkFileChooserNative *
os_ui_file_chooser_show (GtkWindow            *parent,
                         const char           *title,
                         GtkFileChooserAction  action,
                         const char           *accept_label,
                         GtkFileFilter        *filter,
                         const char           *current_name,
                         gboolean              select_multiple,
                         GCallback             on_response,
                         gpointer              user_data)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, parent, action, accept_label, _("_Hủy"));
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (current_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), current_name);
  if (select_multiple)
    gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", on_response, user_data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));

  return chooser;
}

void
os_ui_file_chooser_clear (GtkFileChooserNative **chooser,
                          gpointer               user_data)
{
  if (*chooser == NULL)
    return;

  g_signal_handlers_disconnect_by_data (*chooser, user_data);
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (*chooser));
  g_clear_object (chooser);
}
