/* os-procedure.h: one administrative procedure of the catalogue.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-types.h"

G_BEGIN_DECLS

#define OS_TYPE_PROCEDURE (os_procedure_get_type ())

G_DECLARE_FINAL_TYPE (OsProcedure, os_procedure, OS, PROCEDURE, GObject)

OsProcedure        *os_procedure_new                 (const char        *id,
                                                      const char        *code,
                                                      const char        *name,
                                                      const char        *field,
                                                      const OsTimeLimit *limit);
const char         *os_procedure_get_id              (OsProcedure       *self);
const char         *os_procedure_get_code            (OsProcedure       *self);
const char         *os_procedure_get_name            (OsProcedure       *self);
const char         *os_procedure_get_field           (OsProcedure       *self);
const char         *os_procedure_get_fee             (OsProcedure       *self);
void                os_procedure_set_fee             (OsProcedure       *self,
                                                      const char        *fee);
const OsTimeLimit  *os_procedure_get_time_limit      (OsProcedure       *self);
/* Names of the documents the applicant must bring (thành phần hồ sơ). */
GStrv               os_procedure_get_documents       (OsProcedure       *self);
void                os_procedure_set_documents       (OsProcedure       *self,
                                                      const char * const *documents);
/* Name and code folded for type-to-search (os_text_fold). */
const char         *os_procedure_get_search_key      (OsProcedure       *self);

G_END_DECLS
