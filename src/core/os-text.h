/* os-text.h: text helpers for search and validation.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lower-cases @text and strips Vietnamese diacritics ("Nguyễn Văn Ấn" → "nguyen van an",
 * "Đ" → "d"), collapsing runs of white space to one space. Never returns NULL. */
char     *os_text_fold           (const char *text);
/* Collapses white space and trims; NULL for NULL. */
char     *os_text_normalize_space (const char *text);
gboolean  os_text_is_blank       (const char *text);

G_END_DECLS
