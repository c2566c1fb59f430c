/* os-process-palette.h: the designer's palette of step kinds (Tiếp nhận, Phân công, …), each
 * with a default role, abilities and budget. A GtkListView whose rows are drag sources
 * (the dragged value is the kind's id, a string) and whose selection is the kind that
 * Insert adds on the canvas.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-process-editor.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;         /* "receive", "assign", … (the dragged value) */
  const char *name;       /* untranslated; translate with gettext */
  const char *icon_name;
  const char *role;       /* OS_ROLE_* or "" */
  guint       abilities;  /* OsStepAbilities */
  int         budget;     /* sessions */
  const char *tooltip;    /* untranslated */
} OsStepKind;

/* NULL for an unknown id. */
const OsStepKind *os_step_kind_lookup (const char      *id);
const OsStepKind *os_step_kind_nth    (guint            n);
guint             os_step_kind_count  (void);
/* Adds a step of @kind at (@x, @y) (canvas units, top-left corner) through @editor.
 * Returns the new step's id. */
const char       *os_step_kind_add    (const OsStepKind *kind,
                                       OsProcessEditor  *editor,
                                       double            x,
                                       double            y);

#define OS_TYPE_PROCESS_PALETTE (os_process_palette_get_type ())
G_DECLARE_FINAL_TYPE (OsProcessPalette, os_process_palette, OS, PROCESS_PALETTE, GtkWidget)

GtkWidget        *os_process_palette_new          (void);
/* The selected kind (never NULL: the first one by default). */
const OsStepKind *os_process_palette_get_selected (OsProcessPalette *self);
void              os_process_palette_select       (OsProcessPalette *self,
                                                   guint             n);

G_END_DECLS
