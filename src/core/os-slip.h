/* os-slip.h: the printed slips of the one-stop desk (DOMAIN.md, "Printed templates"):
 * Mẫu 01 (receipt and appointment), Mẫu 02 (supplement request) and Mẫu 03 (refusal),
 * on A4 or on an 80 mm receipt roll.
 *
 * A slip is laid out with cairo and pango alone, so it renders with no display: the
 * in-app preview, GtkPrintOperation and the PDF export all call os_slip_draw_page().
 * The slip copies what it prints from the record and the agency when it is made, so
 * later changes to them do not show. A slip may be used from any one thread at a time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "os-agency.h"
#include "os-record.h"

G_BEGIN_DECLS

typedef enum
{
  OS_SLIP_RECEIPT,     /* Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả */
  OS_SLIP_SUPPLEMENT,  /* Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ */
  OS_SLIP_REFUSAL,     /* Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ */
  OS_SLIP_EXTENSION,   /* Mẫu 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả (os-slip-process.h) */
  OS_SLIP_CONTROL,     /* Mẫu 05: Phiếu kiểm soát quá trình giải quyết hồ sơ (os-slip-process.h) */
  OS_SLIP_BOOK,        /* Mẫu 06: Sổ theo dõi hồ sơ (os-slip-process.h) */
} OsSlipKind;

typedef enum
{
  OS_PAPER_A4,         /* 595.28 × 841.89 pt; the receipt prints two copies */
  OS_PAPER_ROLL_80MM,  /* 226.77 pt wide, one page as tall as the content, one copy */
} OsPaperFormat;

#define OS_TYPE_SLIP (os_slip_get_type ())

G_DECLARE_FINAL_TYPE (OsSlip, os_slip, OS, SLIP, GObject)

OsSlip        *os_slip_new           (OsSlipKind      kind,
                                      OsPaperFormat   format,
                                      OsRecord       *record,
                                      const OsAgency *agency);
OsSlipKind     os_slip_get_kind      (OsSlip         *self);
OsPaperFormat  os_slip_get_format    (OsSlip         *self);
/* The title printed on the slip, e.g. "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ". */
const char    *os_slip_get_title     (OsSlip         *self);

/* Copies (liên) printed: 2 for the receipt on A4, otherwise 1. Each copy starts on a new
 * page and takes os_slip_get_n_pages() / os_slip_get_n_copies() pages. */
int            os_slip_get_n_copies  (OsSlip         *self);
int            os_slip_get_n_pages   (OsSlip         *self);
void           os_slip_get_page_size (OsSlip         *self,
                                      double         *width_pt,
                                      double         *height_pt);

/* Draws page @page (from 0) at 1 unit = 1 pt with the origin at the top left corner of
 * the page; paints no background. */
void           os_slip_draw_page     (OsSlip         *self,
                                      cairo_t        *cr,
                                      int             page);

/* Writes every page to a PDF at @path, atomically: a temporary file in the same folder
 * renamed over @path once complete. Fails with OS_ERROR_IO and leaves nothing behind. */
gboolean       os_slip_export_pdf    (OsSlip         *self,
                                      const char     *path,
                                      GError        **error);

G_END_DECLS
