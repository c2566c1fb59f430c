/* os-cccd.h: the QR line of a chip-based citizen ID card (CCCD), as a handheld reader types it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char  *id_number;      /* 12 digits */
  char  *old_id_number;  /* 9 digits, or "" */
  char  *full_name;
  GDate  birth_date;
  char  *sex;            /* "Nam" or "Nữ" */
  char  *address;        /* permanent address as printed */
  GDate  issue_date;
} OsCitizenCard;

/* Parses one QR line (fields separated by '|'). Every field is checked; on any problem
 * returns NULL and sets an OS_ERROR_INVALID_INPUT error that says what is wrong. */
OsCitizenCard *os_citizen_card_parse      (const char    *line,
                                           GError       **error);
void           os_citizen_card_free       (OsCitizenCard *card);
/* TRUE when @text looks like a QR line rather than something typed by hand. */
gboolean       os_citizen_card_looks_like (const char    *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsCitizenCard, os_citizen_card_free)

G_END_DECLS
