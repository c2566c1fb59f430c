/* os-document-pdf.h: the pages of one scanned document, arranged (order, rotation, crop,
 * colour) and written as one compact PDF whose metadata name the document and the record.
 *
 * Every page keeps the pixels it was added with; rotation and crop are settings applied
 * when the PDF is written or a preview is made. Each page is placed at its physical size
 * (pixels / dpi × 72 pt) and written, by default (OS_PAGE_COLOR_AUTO), as: 1-bit lineart
 * when it is black print on white paper (a scanned form or letter: ~60–130 KB for an A4
 * page at 300 dpi), a one-component grey JPEG when it is grey with tones, a YCbCr JPEG
 * when it has colour (a red seal, a signature in blue ink). The JPEGs are encoded here and
 * embedded as is through cairo's PDF backend. Grey and colour pages on paper have their
 * background cleaned to white first, as a scanner's document mode does.
 *
 * The model emits "changed" after every edit, so an arrange view can redraw. It belongs to
 * the thread that made it; os_document_pdf_write_async() takes a snapshot of the pages, so
 * the model may be edited while the file is written.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  OS_PAGE_COLOR_AUTO,     /* one of the below, from the pixels (os-document-pdf.c) */
  OS_PAGE_COLOR_GRAY,     /* 8-bit grey JPEG */
  OS_PAGE_COLOR_COLOR,    /* YCbCr JPEG */
  OS_PAGE_COLOR_LINEART,  /* 1 bit: black print on white paper (Flate) */
} OsPageColor;

#define OS_DOCUMENT_PDF_JPEG_QUALITY 75

#define OS_TYPE_DOCUMENT_PDF (os_document_pdf_get_type ())

G_DECLARE_FINAL_TYPE (OsDocumentPdf, os_document_pdf, OS, DOCUMENT_PDF, GObject)

OsDocumentPdf *os_document_pdf_new               (void);

/* Appends @page (RGB, 8 bits, any size; alpha is flattened on white) scanned at @dpi
 * (> 0), keeping a reference: its pixels must not change afterwards. Returns the index of
 * the new page. */
int            os_document_pdf_add_page          (OsDocumentPdf      *self,
                                                  GdkPixbuf          *page,
                                                  int                 dpi);
int            os_document_pdf_get_n_pages       (OsDocumentPdf      *self);
/* The page as added (no rotation or crop), owned by @self. */
GdkPixbuf     *os_document_pdf_get_page          (OsDocumentPdf      *self,
                                                  int                 index);
int            os_document_pdf_get_page_dpi      (OsDocumentPdf      *self,
                                                  int                 index);

/* Moves page @from so that it ends at index @to (both < n_pages). */
void           os_document_pdf_move_page         (OsDocumentPdf      *self,
                                                  int                 from,
                                                  int                 to);
void           os_document_pdf_remove_page       (OsDocumentPdf      *self,
                                                  int                 index);
/* Moves page @index of @self into @dest at @dest_index (-1 appends), keeping its rotation,
 * crop and colour: assigns a page to the document it belongs to. */
void           os_document_pdf_transfer_page     (OsDocumentPdf      *self,
                                                  int                 index,
                                                  OsDocumentPdf      *dest,
                                                  int                 dest_index);

/* Inserts a copy of page @index of @self into @dest at @dest_index (-1 appends): the same
 * pixels, dpi, rotation, crop and colour; @self is unchanged. Splits an arranged batch
 * into one document per paper without losing the batch if writing fails. */
void           os_document_pdf_copy_page         (OsDocumentPdf      *self,
                                                  int                 index,
                                                  OsDocumentPdf      *dest,
                                                  int                 dest_index);

/* Turns the page clockwise by @degrees (a multiple of 90, may be negative), cumulatively. */
void           os_document_pdf_rotate_page       (OsDocumentPdf      *self,
                                                  int                 index,
                                                  int                 degrees);
/* Clockwise rotation in 0, 90, 180 or 270. */
int            os_document_pdf_get_page_rotation (OsDocumentPdf      *self,
                                                  int                 index);

/* Keeps only @rect (a GdkRectangle is the same type), in pixels of the page as added
 * (before rotation); it is clipped to the page and must keep at least one pixel of it.
 * NULL shows the whole page again. */
void           os_document_pdf_crop_page         (OsDocumentPdf               *self,
                                                  int                          index,
                                                  const cairo_rectangle_int_t *rect);
/* FALSE when the page is not cropped; @rect then holds the whole page. */
gboolean       os_document_pdf_get_page_crop     (OsDocumentPdf         *self,
                                                  int                    index,
                                                  cairo_rectangle_int_t *rect);

void           os_document_pdf_set_page_color    (OsDocumentPdf      *self,
                                                  int                 index,
                                                  OsPageColor         color);
OsPageColor    os_document_pdf_get_page_color    (OsDocumentPdf      *self,
                                                  int                 index);
/* What the page will be written as: OS_PAGE_COLOR_AUTO resolved. */
OsPageColor    os_document_pdf_resolve_page_color (OsDocumentPdf *self,
                                                   int            index);
/* Whether the page will be written without colour (grey or lineart). */
gboolean       os_document_pdf_page_is_gray      (OsDocumentPdf      *self,
                                                  int                 index);

/* Size of the page in the PDF, in points, after crop and rotation. */
void           os_document_pdf_get_page_size     (OsDocumentPdf      *self,
                                                  int                 index,
                                                  double             *width_pt,
                                                  double             *height_pt);
/* A new pixbuf of the page as it will be written (crop, rotation), scaled to fit in
 * @max_size × @max_size pixels (never enlarged); for thumbnails in an arrange view. */
GdkPixbuf     *os_document_pdf_render_preview    (OsDocumentPdf      *self,
                                                  int                 index,
                                                  int                 max_size);

/* Writes every page to a PDF at @path, atomically (temporary file in the same folder,
 * renamed over @path once complete; nothing is left behind on failure). @title is the
 * document name and @record_code the record it belongs to ("" or NULL for none); both go
 * in the metadata. Fails with OS_ERROR_INVALID_INPUT when there is no page, OS_ERROR_IO
 * when the file cannot be written, OS_ERROR_RENDER when encoding fails, and
 * G_IO_ERROR_CANCELLED when @cancellable is cancelled. */
gboolean       os_document_pdf_write             (OsDocumentPdf      *self,
                                                  const char         *path,
                                                  const char         *title,
                                                  const char         *record_code,
                                                  GCancellable       *cancellable,
                                                  GError            **error);
/* The same in a worker thread, on a snapshot of the pages taken now. */
void           os_document_pdf_write_async       (OsDocumentPdf      *self,
                                                  const char         *path,
                                                  const char         *title,
                                                  const char         *record_code,
                                                  GCancellable       *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer            user_data);
gboolean       os_document_pdf_write_finish      (OsDocumentPdf      *self,
                                                  GAsyncResult       *result,
                                                  GError            **error);

/* Encodes the pixels of @pixbuf (RGB, 8 bits; alpha flattened on white) as a baseline
 * JPEG with libjpeg, unchanged otherwise: one component when @gray. */
GBytes        *os_document_pdf_encode_jpeg       (GdkPixbuf          *pixbuf,
                                                  gboolean            gray,
                                                  int                 quality,
                                                  GError            **error);

G_END_DECLS
