/* os-page-codes.h: QR codes and barcodes found on a scanned page (zbar), and what they are:
 * the QR line of a citizen ID card (CCCD) fills the applicant, a record code (printed on
 * the receipt) opens the record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

typedef struct
{
  char                  *type;    /* zbar's name: "QR-Code", "CODE-128", "EAN-13"… */
  char                  *data;    /* valid UTF-8 */
  cairo_rectangle_int_t  bounds;  /* in pixels of the page given to os_page_codes_find() */
} OsPageCode;

typedef enum
{
  OS_PAGE_CODE_OTHER,
  OS_PAGE_CODE_RECORD,        /* a record code: open the record */
  OS_PAGE_CODE_CITIZEN_CARD,  /* the QR line of a CCCD: fill the applicant */
} OsPageCodeKind;

#define OS_TYPE_PAGE_CODE (os_page_code_get_type ())

GType       os_page_code_get_type (void) G_GNUC_CONST;
OsPageCode *os_page_code_copy     (const OsPageCode *code);
void        os_page_code_free     (OsPageCode       *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsPageCode, os_page_code_free)

/* Every code zbar finds on @page (RGB, 8 bits, any size; alpha is flattened on white),
 * in zbar's order, without duplicates. When nothing is found on a large page it is tried
 * again at half size, which helps with codes scanned at a high resolution. Returns an
 * array of OsPageCode (empty when there is none), or NULL with OS_ERROR_RENDER when the
 * scanner cannot run. Runs in any thread. */
GPtrArray  *os_page_codes_find     (GdkPixbuf       *page,
                                    GError         **error);

/* What @data (surrounding white space ignored) is. Returns TRUE when it is a record code
 * or a CCCD line, and sets @kind (which may be NULL) accordingly. */
gboolean    os_page_codes_classify (const char      *data,
                                    OsPageCodeKind  *kind);

G_END_DECLS
