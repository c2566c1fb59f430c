/* os-reception-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_RECEPTION_PAGE (os_reception_page_get_type ())

G_DECLARE_FINAL_TYPE (OsReceptionPage, os_reception_page, OS, RECEPTION_PAGE, GtkWidget)

void os_reception_page_set_store (OsReceptionPage *self,
                                  OsStore         *store,
                                  GSettings       *settings);
/* Empties the form for the next applicant and puts the focus on the procedure search. */
void os_reception_page_clear     (OsReceptionPage *self);

G_END_DECLS
