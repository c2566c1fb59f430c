/* os-record-window.h: one record's fields, documents and history.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-action-dialog.h"
#include "os-store.h"
#include "os-sync-engine.h"

G_BEGIN_DECLS

#define OS_TYPE_RECORD_WINDOW (os_record_window_get_type ())

G_DECLARE_FINAL_TYPE (OsRecordWindow, os_record_window, OS, RECORD_WINDOW, AdwWindow)

OsRecordWindow *os_record_window_new (OsStore    *store,
                                      GSettings  *settings,
                                      gint64      local_id,
                                      GError    **error);
/* Checks @file, copies it into the desk's file store and attaches it to the record; a
 * refusal is shown in the window and attaches nothing. */
void            os_record_window_attach_file (OsRecordWindow *self,
                                              GFile          *file);
/* The same for a copy of one of the record's papers (a scanned document), named
 * @document_name in the attachment list. */
void            os_record_window_attach_document (OsRecordWindow *self,
                                                  GFile          *file,
                                                  const char     *document_name);

/* The engine poked after a save or a resend; without one, the application's (if any). */
void            os_record_window_set_sync_engine (OsRecordWindow *self,
                                                  OsSyncEngine   *engine);
/* Edit mode (Ctrl+E): the applicant's fields, notes, channel and delivery become a form.
 * FALSE when the record's status does not allow editing (finished, returned, refused…). */
gboolean        os_record_window_begin_edit  (OsRecordWindow *self);
/* Ctrl+S: validates the form and saves it with os_store_update_record (an outbox
 * "update"); FALSE, with a message in the window and nothing saved, when the form is not
 * valid or the store refuses it. */
gboolean        os_record_window_save_edit   (OsRecordWindow *self);
/* Escape: leaves the form, showing the saved record again. */
void            os_record_window_cancel_edit (OsRecordWindow *self);
gboolean        os_record_window_get_editing (OsRecordWindow *self);

/* The record as the window shows it. */
OsRecord       *os_record_window_get_record  (OsRecordWindow *self);
/* The process actions offered as buttons (ids, os_action_to_id), in order. */
char          **os_record_window_dup_offered_actions (OsRecordWindow *self);
/* Opens the dialog for @action (what a button or Ctrl+Enter does); NULL when the engine
 * does not offer @action now. */
OsActionDialog *os_record_window_open_action (OsRecordWindow *self,
                                              OsAction        action);

G_END_DECLS
