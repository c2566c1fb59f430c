/* os-slip-process.h: the printed forms of a record's process (DOMAIN.md, "Printed
 * templates"): Mẫu 04 (apology and new appointment), Mẫu 05 (process control slip) and
 * Mẫu 06 (tracking book), always on A4 (the book in landscape).
 *
 * They are OsSlip objects like Mẫu 01–03, so the preview, printing and PDF export of the
 * desk take them as they are. Like the other slips they copy what they print when made
 * and render with cairo and pango alone (no display).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "os-process-engine.h"
#include "os-slip.h"

G_BEGIN_DECLS

/* Mẫu 04: the record's extension (its process state's original due date and reason, the
 * record's due date as the new one). A record not extended prints dotted blanks. */
OsSlip     *os_slip_new_extension (OsRecord       *record,
                                   const OsAgency *agency);
/* Mẫu 05: one table row per hand-off of the record's process entries; @definition
 * (nullable) names the steps, their units and roles. Continues on further pages. */
OsSlip     *os_slip_new_control   (OsRecord       *record,
                                   OsProcess      *definition,
                                   const OsAgency *agency);
/* Mẫu 06: one line per record of @records (OsRecord, in book order) received in
 * [@from, @to); landscape; the table headings repeat on every page. */
OsSlip     *os_slip_new_book      (GPtrArray      *records,
                                   gint64          from,
                                   gint64          to,
                                   const OsAgency *agency);

/* The rows of the control slip (Mẫu 05): the entries that hand the record on (a move to
 * another step, or an assignment), rolled-back ones and roll-backs left out. */
gboolean    os_process_entry_is_hand_off (const OsProcessEntry *entry);
/* "Sớm hạn" / "Đúng hạn" / "Quá hạn" for a hand-off at @at against @step_due_at, "" without
 * a deadline. */
const char *os_process_punctuality_to_string (gint64 at,
                                              gint64 step_due_at);

/* Internal: the pages of the three forms, drawn for an OsSlip by os-slip.c. */
typedef struct _OsProcessSheet OsProcessSheet;

OsSlip     *os_slip_new_for_sheet          (OsSlipKind      kind,
                                            OsProcessSheet *sheet);
void        os_process_sheet_free          (OsProcessSheet *sheet);
const char *os_process_sheet_get_code      (OsProcessSheet *sheet);
int         os_process_sheet_get_n_pages   (OsProcessSheet *sheet);
void        os_process_sheet_get_page_size (OsProcessSheet *sheet,
                                            double         *width_pt,
                                            double         *height_pt);
void        os_process_sheet_draw_page     (OsProcessSheet *sheet,
                                            cairo_t        *cr,
                                            int             page);

G_END_DECLS
