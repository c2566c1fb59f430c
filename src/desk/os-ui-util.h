/* os-ui-util.h: small widget helpers the desk's pages and windows share: list cells
 * (a due state's colour, status icons, column-view columns) and the native file
 * chooser a window keeps while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-record.h"

G_BEGIN_DECLS

/* "due-ok", "due-near" or "due-late" (style.css) for @state; NULL without a due date. */
const char           *os_ui_due_state_css_class (OsDueState             state);
/* Takes the due-* style classes off @widget, then adds @css_class unless it is NULL. */
void                  os_ui_set_due_css_class   (GtkWidget             *widget,
                                                 const char            *css_class);
/* The columns of record lists that every page shows the same way; a page numbers its
 * own columns from OS_UI_N_RECORD_COLUMNS on. */
typedef enum
{
  OS_UI_RECORD_CODE,
  OS_UI_RECORD_APPLICANT,
  OS_UI_RECORD_PROCEDURE,
  OS_UI_N_RECORD_COLUMNS
} OsUiRecordColumn;

/* The text of @record in one of the shared columns. */
const char           *os_ui_record_column_text  (OsRecord              *record,
                                                 OsUiRecordColumn       column);
/* A list cell's label: start-aligned, ellipsized at the end. */
GtkWidget            *os_ui_cell_label_new      (void);
/* Shows @icon_name on @image (none when NULL) with @text as its tooltip and accessible
 * label. */
void                  os_ui_image_set_status    (GtkImage              *image,
                                                 const char            *icon_name,
                                                 const char            *text);
/* Appends a column titled @title to @view, its cells made by a signal factory whose
 * "setup" and "bind" handlers get GINT_TO_POINTER (@column) as user data and find @page
 * as the factory's "page" data. @fixed_width <= 0 leaves the width free. */
GtkColumnViewColumn  *os_ui_column_view_add     (GtkColumnView         *view,
                                                 const char            *title,
                                                 gpointer               page,
                                                 GCallback              setup,
                                                 GCallback              bind,
                                                 int                    column,
                                                 int                    fixed_width,
                                                 gboolean               expand,
                                                 gboolean               resizable);

/* Shows a modal GtkFileChooserNative for @parent with "_Hủy" to cancel, @filter (nullable)
 * added, @current_name (nullable) proposed, several files chosen at once with
 * @select_multiple, and @on_response connected with @user_data.
 * The caller keeps the returned chooser until its response. */
GtkFileChooserNative *os_ui_file_chooser_show   (GtkWindow             *parent,
                                                 const char            *title,
                                                 GtkFileChooserAction   action,
                                                 const char            *accept_label,
                                                 GtkFileFilter         *filter,
                                                 const char            *current_name,
                                                 gboolean               select_multiple,
                                                 GCallback              on_response,
                                                 gpointer               user_data);
/* For dispose: disconnects @user_data's handlers from *@chooser, destroys it and clears
 * the pointer; nothing when *@chooser is NULL. */
void                  os_ui_file_chooser_clear  (GtkFileChooserNative **chooser,
                                                 gpointer               user_data);

G_END_DECLS
