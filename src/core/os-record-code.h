/* os-record-code.h: the record code AGENCY-YYMMDD-NNNN (DOMAIN.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Numbers 1–9999 print with four digits. Past 9999 a day's numbers go on with five digits
 * (10000–99999), the way the national systems behave, so a very busy agency never stops
 * receiving; past 99999 the store refuses to issue a number (OS_ERROR_CODE_EXHAUSTED). */
#define OS_RECORD_CODE_MAX_NUMBER 99999
#define OS_AGENCY_IDENTIFIER_MAX_LENGTH 35

gboolean  os_agency_identifier_is_valid (const char  *identifier);
char     *os_record_code_format         (const char  *agency,
                                         const GDate *date,
                                         guint        number);
gboolean  os_record_code_parse          (const char  *code,
                                         char       **agency,
                                         GDate       *date,
                                         guint       *number,
                                         GError     **error);
/* TRUE when @text looks like a whole record code (for a scanner typing into a search). */
gboolean  os_record_code_looks_like     (const char  *text);

G_END_DECLS
