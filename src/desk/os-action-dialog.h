/* os-action-dialog.h: asks what one process action needs (os_process_engine_needs) and
 * applies it to the record through the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-slip.h"
#include "os-store-process.h"

G_BEGIN_DECLS

#define OS_TYPE_ACTION_DIALOG (os_action_dialog_get_type ())

G_DECLARE_FINAL_TYPE (OsActionDialog, os_action_dialog, OS, ACTION_DIALOG, AdwWindow)

/* @outcomes: the outcomes offered (bits 1 << OsOutcome, from os_process_engine_list_actions);
 * @expected_version: the record version the window showed. */
OsActionDialog *os_action_dialog_new          (OsStore        *store,
                                               OsRecord       *record,
                                               gint64          expected_version,
                                               OsAction        action,
                                               guint           outcomes);
OsAction        os_action_dialog_get_action   (OsActionDialog *self);
/* The record moved (a conflict): act against @record at @expected_version next time,
 * keeping what was typed. */
void            os_action_dialog_set_record   (OsActionDialog *self,
                                               OsRecord       *record,
                                               gint64          expected_version);

/* For the keyboard-less (tests): choose and type what a user would. */
gboolean        os_action_dialog_set_outcome  (OsActionDialog *self,
                                               OsOutcome       outcome);
void            os_action_dialog_set_field    (OsActionDialog *self,
                                               const char     *field,   /* "assignee", "co-processors", "reason", "amount", "new-due", "issued" */
                                               const char     *text);
const char     *os_action_dialog_get_field    (OsActionDialog *self,
                                               const char     *field);
/* Which fields are shown (what the action needs). */
gboolean        os_action_dialog_field_visible (OsActionDialog *self,
                                                const char     *field);
/* Validates and applies (the "Thực hiện" button, Ctrl+Enter). On success emits
 * ::applied (the saved record, and the slip kind to print or -1) and closes. Otherwise
 * shows why, keeps everything typed and returns FALSE; a conflict also emits ::conflict. */
gboolean        os_action_dialog_apply        (OsActionDialog *self);
/* The message shown after a failed apply, or NULL. */
const char     *os_action_dialog_get_error    (OsActionDialog *self);

G_END_DECLS
