/* os-document-pdf.c: arranging scanned pages and writing them as one PDF.
 *
 * Each page is JPEG-encoded here with libjpeg (quality OS_DOCUMENT_PDF_JPEG_QUALITY,
 * optimized Huffman tables; grey pages with one component) and handed to cairo as the
 * CAIRO_MIME_TYPE_JPEG data of an image surface, which cairo's PDF backend embeds as is
 * (a DCTDecode image) instead of its default Flate-compressed RGB. The surface still holds
 * the real pixels, so any other backend, or a cairo fallback, draws the same page.
 * Lineart pages (black print on white paper, no colour, almost no mid-tones) are drawn
 * instead through a CAIRO_FORMAT_A1 mask, which cairo writes as a 1-bit Flate-compressed
 * stencil: a JPEG of sharp print at 300 dpi costs 500 KB or more, the stencil a fifth.
 * Rotation is a transformation in the PDF (lossless, costs nothing); crop keeps only the
 * pixels that show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <jpeglib.h>

#include "os-document-pdf.h"
#include "os-pdf-file.h"
#include "os-error.h"

/* A pixel is neutral when its channels differ by at most GRAY_TOLERANCE (scanner colour
 * noise); a page is grey when at most 1 pixel in GRAY_OUTLIERS is not, so that a red seal
 * or a signature in blue ink keeps the page in colour. */
#define GRAY_TOLERANCE 24
#define GRAY_OUTLIERS 10000

typedef struct
{
  GdkPixbuf    *pixbuf;
  int           dpi;
  int           rotation;   /* clockwise: 0, 90, 180, 270 */
  gboolean      cropped;
  cairo_rectangle_int_t  crop;
  OsPageColor   color;
  int           auto_color; /* for OS_PAGE_COLOR_AUTO: what it resolves to, or -1 */
} Page;

struct _OsDocumentPdf
{
  GObject    parent_instance;

  GPtrArray *pages;  /* of Page */
};

G_DEFINE_FINAL_TYPE (OsDocumentPdf, os_document_pdf, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Pages */

static void
page_free (gpointer data)
{
  Page *page = data;

  g_clear_object (&page->pixbuf);
  g_free (page);
}

static Page *
page_copy (const Page *page)
{
  Page *copy = g_memdup2 (page, sizeof *page);

  copy->pixbuf = g_object_ref (page->pixbuf);
  return copy;
}

static void
page_region (const Page             *page,
             cairo_rectangle_int_t  *rect)
{
  if (page->cropped)
    *rect = page->crop;
  else
    *rect = (cairo_rectangle_int_t) { 0, 0, gdk_pixbuf_get_width (page->pixbuf),
                                      gdk_pixbuf_get_height (page->pixbuf) };
}

static gboolean
pixels_are_gray (GdkPixbuf                   *pixbuf,
                 const cairo_rectangle_int_t *rect)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  guint64 allowed = ((guint64) rect->width * rect->height) / GRAY_OUTLIERS;
  guint64 outliers = 0;

  for (int y = rect->y; y < rect->y + rect->height; y++)
    {
      const guint8 *p = pixels + (gsize) y * stride + (gsize) rect->x * n_channels;

      for (int x = 0; x < rect->width; x++, p += n_channels)
        {
          int rg = ABS ((int) p[0] - (int) p[1]);
          int gb = ABS ((int) p[1] - (int) p[2]);
          int rb = ABS ((int) p[0] - (int) p[2]);

          if (n_channels == 4 && p[3] == 0)
            continue;
          if (MAX (rg, MAX (gb, rb)) > GRAY_TOLERANCE && ++outliers > allowed)
            return FALSE;
        }
    }

  return TRUE;
}

/* Pixel @p (3 or 4 channels) flattened on white into @rgb. */
static inline void
flatten_pixel (const guint8 *p,
               int           n_channels,
               guint8       *rgb)
{
  if (n_channels == 4 && p[3] != 255)
    {
      guint a = p[3];

      for (int c = 0; c < 3; c++)
        rgb[c] = (guint8) ((p[c] * a + 255 * (255 - a) + 127) / 255);
    }
  else
    {
      rgb[0] = p[0];
      rgb[1] = p[1];
      rgb[2] = p[2];
    }
}

/* Paper */

/* A scanned page of paper is mostly background, a little off white and noisy; that noise
 * is what a JPEG spends most of its bytes on. When the brightest frequent tone (the paper)
 * covers at least PAPER_COVERAGE of the page, every tone within PAPER_MARGIN of it becomes
 * white and the darker tones are stretched to match, as a scanner's document mode does.
 * Photographs have no such peak and are left alone. */
#define PAPER_MARGIN 12
#define PAPER_COVERAGE 0.3

static inline guint
luma (const guint8 *rgb)
{
  return (rgb[0] * 19595u + rgb[1] * 38470u + rgb[2] * 7471u + 32768u) >> 16;
}

static void
paper_levels (GdkPixbuf                   *pixbuf,
              const cairo_rectangle_int_t *rect,
              guint8                       lut[256])
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  guint64 histogram[256] = { 0 };
  guint64 total = 0, covered = 0;
  int paper = 128, white;

  for (int v = 0; v < 256; v++)
    lut[v] = (guint8) v;

  /* Every other pixel of every other row is plenty. */
  for (int y = rect->y; y < rect->y + rect->height; y += 2)
    {
      const guint8 *p = pixels + (gsize) y * stride + (gsize) rect->x * n_channels;

      for (int x = 0; x < rect->width; x += 2, p += 2 * n_channels)
        {
          guint8 rgb[3];

          flatten_pixel (p, n_channels, rgb);
          histogram[luma (rgb)]++;
          total++;
        }
    }

  for (int v = 128; v < 256; v++)
    if (histogram[v] > histogram[paper])
      paper = v;
  white = paper - PAPER_MARGIN;
  for (int v = white; v < 256; v++)
    covered += histogram[v];
  if (total == 0 || covered < total * PAPER_COVERAGE)
    return;

  for (int v = 0; v < 256; v++)
    lut[v] = v >= white ? 255 : (guint8) ((v * 255 + white / 2) / white);
}

/* Whether the grey region, once through @lut, is black print on white paper: at most
 * 1 pixel in LINEART_MIDTONES is a mid-tone (anti-aliased edges of print). */
#define LINEART_MIDTONES 12

static gboolean
pixels_are_lineart (GdkPixbuf                   *pixbuf,
                    const cairo_rectangle_int_t *rect,
                    const guint8                *lut)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  guint64 total = 0, midtones = 0;

  for (int y = rect->y; y < rect->y + rect->height; y += 2)
    {
      const guint8 *p = pixels + (gsize) y * stride + (gsize) rect->x * n_channels;

      for (int x = 0; x < rect->width; x += 2, p += 2 * n_channels)
        {
          guint8 rgb[3];
          guint v;

          flatten_pixel (p, n_channels, rgb);
          v = lut[luma (rgb)];
          if (v > 48 && v < 208)
            midtones++;
          total++;
        }
    }

  return midtones * LINEART_MIDTONES <= total;
}

/* What the page is written as: OS_PAGE_COLOR_GRAY, _COLOR or _LINEART. */
static OsPageColor
page_color (Page *page)
{
  cairo_rectangle_int_t rect;
  guint8 lut[256];

  if (page->color != OS_PAGE_COLOR_AUTO)
    return page->color;

  if (page->auto_color < 0)
    {
      page_region (page, &rect);
      if (!pixels_are_gray (page->pixbuf, &rect))
        page->auto_color = OS_PAGE_COLOR_COLOR;
      else
        {
          paper_levels (page->pixbuf, &rect, lut);
          page->auto_color = pixels_are_lineart (page->pixbuf, &rect, lut)
                             ? OS_PAGE_COLOR_LINEART : OS_PAGE_COLOR_GRAY;
        }
    }
  return (OsPageColor) page->auto_color;
}

static gboolean
page_is_gray (Page *page)
{
  return page_color (page) != OS_PAGE_COLOR_COLOR;
}

/* JPEG */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
  unsigned char        *buffer;
  unsigned long         size;
} JpegContext;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegContext *context = (JpegContext *) cinfo->err;

  (*cinfo->err->format_message) (cinfo, context->message);
  longjmp (context->jump, 1);
}

static void
jpeg_output_message (j_common_ptr cinfo)
{
  /* Warnings are not worth a line on the terminal of a reception desk. */
}

static void
fill_row (GdkPixbuf                   *pixbuf,
          const cairo_rectangle_int_t *rect,
          const guint8                *lut,
          int                          y,
          gboolean                     gray,
          guint8                      *row)
{
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *p = pixels + (gsize) (rect->y + y) * stride + (gsize) rect->x * n_channels;

  for (int x = 0; x < rect->width; x++, p += n_channels)
    {
      guint8 rgb[3];

      flatten_pixel (p, n_channels, rgb);
      if (gray)
        *row++ = lut[luma (rgb)];
      else
        {
          *row++ = lut[rgb[0]];
          *row++ = lut[rgb[1]];
          *row++ = lut[rgb[2]];
        }
    }
}

static GBytes *
encode_jpeg_region (GdkPixbuf                   *pixbuf,
                    const cairo_rectangle_int_t *rect,
                    const guint8                *lut,
                    gboolean                     gray,
                    int                          quality,
                    GError                     **error)
{
  struct jpeg_compress_struct cinfo;
  JpegContext context = { 0 };
  guint8 *row = g_malloc ((gsize) rect->width * 3);

  cinfo.err = jpeg_std_error (&context.pub);
  context.pub.error_exit = jpeg_error_exit;
  context.pub.output_message = jpeg_output_message;

  if (setjmp (context.jump))
    {
      jpeg_destroy_compress (&cinfo);
      free (context.buffer);
      g_free (row);
      g_set_error (error, OS_ERROR, OS_ERROR_RENDER, _("Không thể nén trang thành JPEG: %s"),
                   context.message);
      return NULL;
    }

  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &context.buffer, &context.size);
  cinfo.image_width = rect->width;
  cinfo.image_height = rect->height;
  cinfo.input_components = gray ? 1 : 3;
  cinfo.in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (quality, 1, 100), TRUE);
  cinfo.optimize_coding = TRUE;
  jpeg_start_compress (&cinfo, TRUE);

  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW rows[1] = { row };

      fill_row (pixbuf, rect, lut, (int) cinfo.next_scanline, gray, row);
      jpeg_write_scanlines (&cinfo, rows, 1);
    }

  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  g_free (row);

  return g_bytes_new_with_free_func (context.buffer, context.size, free, context.buffer);
}

GBytes *
os_document_pdf_encode_jpeg (GdkPixbuf  *pixbuf,
                             gboolean    gray,
                             int         quality,
                             GError    **error)
{
  cairo_rectangle_int_t rect;
  guint8 identity[256];

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rect = (cairo_rectangle_int_t) { 0, 0, gdk_pixbuf_get_width (pixbuf),
                                   gdk_pixbuf_get_height (pixbuf) };
  for (int v = 0; v < 256; v++)
    identity[v] = (guint8) v;
  return encode_jpeg_region (pixbuf, &rect, identity, gray, quality, error);
}

/* Writing */


/* An opaque image surface holding the region's pixels, with @jpeg attached as its
 * CAIRO_MIME_TYPE_JPEG data. */
static cairo_surface_t *
page_surface (Page                        *page,
              const cairo_rectangle_int_t *rect,
              const guint8                *lut,
              GBytes                      *jpeg)
{
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  gboolean gray = page_is_gray (page);
  const guint8 *pixels = gdk_pixbuf_read_pixels (page->pixbuf);
  int pixbuf_stride = gdk_pixbuf_get_rowstride (page->pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (page->pixbuf);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, rect->width, rect->height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < rect->height; y++)
    {
      const guint8 *p = pixels + (gsize) (rect->y + y) * pixbuf_stride
                        + (gsize) rect->x * n_channels;
      guint32 *out = (guint32 *) (data + (gsize) y * stride);

      for (int x = 0; x < rect->width; x++, p += n_channels)
        {
          guint8 rgb[3];

          flatten_pixel (p, n_channels, rgb);
          if (gray)
            {
              guint32 v = lut[luma (rgb)];

              out[x] = 0xff000000u | (v << 16) | (v << 8) | v;
            }
          else
            out[x] = 0xff000000u | ((guint32) lut[rgb[0]] << 16) | ((guint32) lut[rgb[1]] << 8)
                     | lut[rgb[2]];
        }
    }
  cairo_surface_mark_dirty (surface);

  cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                               g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                               (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (jpeg));
  return surface;
}

/* A CAIRO_FORMAT_A1 mask of the dark pixels of the region, through @lut. */
static cairo_surface_t *
lineart_mask (Page                        *page,
              const cairo_rectangle_int_t *rect,
              const guint8                *lut)
{
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  const guint8 *pixels = gdk_pixbuf_read_pixels (page->pixbuf);
  int pixbuf_stride = gdk_pixbuf_get_rowstride (page->pixbuf);
  int n_channels = gdk_pixbuf_get_n_channels (page->pixbuf);

  surface = cairo_image_surface_create (CAIRO_FORMAT_A1, rect->width, rect->height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < rect->height; y++)
    {
      const guint8 *p = pixels + (gsize) (rect->y + y) * pixbuf_stride
                        + (gsize) rect->x * n_channels;
      guint32 *out = (guint32 *) (data + (gsize) y * stride);

      memset (out, 0, stride);
      for (int x = 0; x < rect->width; x++, p += n_channels)
        {
          guint8 rgb[3];

          flatten_pixel (p, n_channels, rgb);
          if (lut[luma (rgb)] < 128)
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
            out[x >> 5] |= 1u << (x & 31);
#else
            out[x >> 5] |= 1u << (31 - (x & 31));
#endif
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
page_size_pt (const Page *page,
              double     *width_pt,
              double     *height_pt)
{
  cairo_rectangle_int_t rect;
  double w, h;

  page_region (page, &rect);
  w = rect.width * 72.0 / page->dpi;
  h = rect.height * 72.0 / page->dpi;
  if (page->rotation == 90 || page->rotation == 270)
    {
      double t = w;

      w = h;
      h = t;
    }
  if (width_pt != NULL)
    *width_pt = w;
  if (height_pt != NULL)
    *height_pt = h;
}

static gboolean
draw_page (cairo_surface_t  *pdf,
           Page             *page,
           GError          **error)
{
  g_autoptr(GBytes) jpeg = NULL;
  cairo_surface_t *image;
  cairo_t *cr;
  cairo_status_t status;
  cairo_rectangle_int_t rect;
  double width_pt, height_pt;
  OsPageColor color = page_color (page);
  guint8 lut[256];

  page_region (page, &rect);
  paper_levels (page->pixbuf, &rect, lut);
  if (color == OS_PAGE_COLOR_LINEART)
    image = lineart_mask (page, &rect, lut);
  else
    {
      jpeg = encode_jpeg_region (page->pixbuf, &rect, lut, color == OS_PAGE_COLOR_GRAY,
                                 OS_DOCUMENT_PDF_JPEG_QUALITY, error);
      if (jpeg == NULL)
        return FALSE;
      image = page_surface (page, &rect, lut, jpeg);
    }

  status = cairo_surface_status (image);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (image);
      g_set_error (error, OS_ERROR, OS_ERROR_RENDER, _("Không thể vẽ trang: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }

  page_size_pt (page, &width_pt, &height_pt);
  cairo_pdf_surface_set_size (pdf, width_pt, height_pt);

  cr = cairo_create (pdf);
  cairo_scale (cr, 72.0 / page->dpi, 72.0 / page->dpi);
  switch (page->rotation)
    {
    case 90:
      cairo_translate (cr, rect.height, 0);
      break;
    case 180:
      cairo_translate (cr, rect.width, rect.height);
      break;
    case 270:
      cairo_translate (cr, 0, rect.width);
      break;
    default:
      break;
    }
  cairo_rotate (cr, page->rotation * G_PI / 180.0);
  if (color == OS_PAGE_COLOR_LINEART)
    {
      /* A PDF page is white: only the print is drawn, through a 1-bit stencil mask. */
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_mask_surface (cr, image, 0, 0);
    }
  else
    {
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
    }
  cairo_show_page (cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (image);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_RENDER, _("Không thể vẽ trang: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray    *pages;
  const char   *title;
  const char   *record_code;
  GCancellable *cancellable;
} WriteData;

static gboolean
write_pdf_stream (cairo_write_func_t   write,
                  void                *closure,
                  gpointer             user_data,
                  cairo_status_t      *out_status,
                  GError             **error)
{
  WriteData *data = user_data;
  GPtrArray *pages = data->pages;
  const char *title = data->title;
  const char *record_code = data->record_code;
  GCancellable *cancellable = data->cancellable;
  cairo_surface_t *pdf;
  cairo_status_t status;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *subject = NULL;

  pdf = cairo_pdf_surface_create_for_stream (write, closure, 595.28, 841.89);
  if (title != NULL && *title != '\0')
    cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_TITLE, title);
  if (record_code != NULL && *record_code != '\0')
    {
      /* TRANSLATORS: PDF metadata "Subject" of a scanned document: record code, document name */
      subject = g_strdup_printf (_("Hồ sơ %s: %s"), record_code, title != NULL ? title : "");
      cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_SUBJECT, subject);
      cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_KEYWORDS, record_code);
    }
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "Một cửa");

  for (guint i = 0; i < pages->len && local_error == NULL; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;
      draw_page (pdf, g_ptr_array_index (pages, i), &local_error);
    }

  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *out_status = status;
  return TRUE;
}

static gboolean
write_pages (GPtrArray     *pages,
             const char    *path,
             const char    *title,
             const char    *record_code,
             GCancellable  *cancellable,
             GError       **error)
{
  if (pages->len == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Tài liệu chưa có trang nào"));
      return FALSE;
    }

  {
    WriteData data = { pages, title, record_code, cancellable };

    return os_pdf_file_write (path, write_pdf_stream, &data, error);
  }
}

static GPtrArray *
snapshot_pages (OsDocumentPdf *self)
{
  GPtrArray *copy = g_ptr_array_new_full (self->pages->len, page_free);

  for (guint i = 0; i < self->pages->len; i++)
    g_ptr_array_add (copy, page_copy (g_ptr_array_index (self->pages, i)));
  return copy;
}

/* Object */

static void
os_document_pdf_finalize (GObject *object)
{
  OsDocumentPdf *self = OS_DOCUMENT_PDF (object);

  g_ptr_array_unref (self->pages);

  G_OBJECT_CLASS (os_document_pdf_parent_class)->finalize (object);
}

static void
os_document_pdf_class_init (OsDocumentPdfClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_document_pdf_finalize;

  /**
   * OsDocumentPdf::changed:
   *
   * Emitted after pages were added, moved, removed, rotated, cropped or recoloured.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
os_document_pdf_init (OsDocumentPdf *self)
{
  self->pages = g_ptr_array_new_with_free_func (page_free);
}

OsDocumentPdf *
os_document_pdf_new (void)
{
  return g_object_new (OS_TYPE_DOCUMENT_PDF, NULL);
}

static void
emit_changed (OsDocumentPdf *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

#define CHECK_INDEX(self, index, val) \
  G_STMT_START { \
    g_return_val_if_fail (OS_IS_DOCUMENT_PDF (self), val); \
    g_return_val_if_fail ((index) >= 0 && (guint) (index) < (self)->pages->len, val); \
  } G_STMT_END

#define CHECK_INDEX_VOID(self, index) \
  G_STMT_START { \
    g_return_if_fail (OS_IS_DOCUMENT_PDF (self)); \
    g_return_if_fail ((index) >= 0 && (guint) (index) < (self)->pages->len); \
  } G_STMT_END

static Page *
get_page (OsDocumentPdf *self,
          int            index)
{
  return g_ptr_array_index (self->pages, index);
}

int
os_document_pdf_add_page (OsDocumentPdf *self,
                          GdkPixbuf     *pixbuf,
                          int            dpi)
{
  Page *page;

  g_return_val_if_fail (OS_IS_DOCUMENT_PDF (self), -1);
  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), -1);
  g_return_val_if_fail (gdk_pixbuf_get_colorspace (pixbuf) == GDK_COLORSPACE_RGB, -1);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, -1);
  g_return_val_if_fail (gdk_pixbuf_get_n_channels (pixbuf) >= 3, -1);
  g_return_val_if_fail (dpi > 0, -1);

  page = g_new0 (Page, 1);
  page->pixbuf = g_object_ref (pixbuf);
  page->dpi = dpi;
  page->color = OS_PAGE_COLOR_AUTO;
  page->auto_color = -1;
  g_ptr_array_add (self->pages, page);

  emit_changed (self);
  return (int) self->pages->len - 1;
}

int
os_document_pdf_get_n_pages (OsDocumentPdf *self)
{
  g_return_val_if_fail (OS_IS_DOCUMENT_PDF (self), 0);

  return (int) self->pages->len;
}

GdkPixbuf *
os_document_pdf_get_page (OsDocumentPdf *self,
                          int            index)
{
  CHECK_INDEX (self, index, NULL);

  return get_page (self, index)->pixbuf;
}

int
os_document_pdf_get_page_dpi (OsDocumentPdf *self,
                              int            index)
{
  CHECK_INDEX (self, index, 0);

  return get_page (self, index)->dpi;
}

void
os_document_pdf_move_page (OsDocumentPdf *self,
                           int            from,
                           int            to)
{
  Page *page;

  CHECK_INDEX_VOID (self, from);
  CHECK_INDEX_VOID (self, to);

  if (from == to)
    return;
  page = g_ptr_array_steal_index (self->pages, from);
  g_ptr_array_insert (self->pages, to, page);
  emit_changed (self);
}

void
os_document_pdf_remove_page (OsDocumentPdf *self,
                             int            index)
{
  CHECK_INDEX_VOID (self, index);

  g_ptr_array_remove_index (self->pages, index);
  emit_changed (self);
}

void
os_document_pdf_transfer_page (OsDocumentPdf *self,
                               int            index,
                               OsDocumentPdf *dest,
                               int            dest_index)
{
  Page *page;

  CHECK_INDEX_VOID (self, index);
  g_return_if_fail (OS_IS_DOCUMENT_PDF (dest));
  g_return_if_fail (dest_index >= -1);
  g_return_if_fail (dest_index <= (int) dest->pages->len - (dest == self ? 1 : 0));

  if (dest == self)
    {
      os_document_pdf_move_page (self, index, dest_index < 0 ? (int) self->pages->len - 1
                                                             : dest_index);
      return;
    }

  page = g_ptr_array_steal_index (self->pages, index);
  g_ptr_array_insert (dest->pages, dest_index, page);
  emit_changed (self);
  emit_changed (dest);
}

void
os_document_pdf_copy_page (OsDocumentPdf *self,
                           int            index,
                           OsDocumentPdf *dest,
                           int            dest_index)
{
  Page *page, *copy;

  CHECK_INDEX_VOID (self, index);
  g_return_if_fail (OS_IS_DOCUMENT_PDF (dest));
  g_return_if_fail (dest_index >= -1 && dest_index <= (int) dest->pages->len);

  page = get_page (self, index);
  copy = g_memdup2 (page, sizeof *page);
  copy->pixbuf = g_object_ref (page->pixbuf);
  g_ptr_array_insert (dest->pages, dest_index, copy);
  emit_changed (dest);
}

void
os_document_pdf_rotate_page (OsDocumentPdf *self,
                             int            index,
                             int            degrees)
{
  Page *page;

  CHECK_INDEX_VOID (self, index);
  g_return_if_fail (degrees % 90 == 0);

  page = get_page (self, index);
  page->rotation = (((page->rotation + degrees) % 360) + 360) % 360;
  emit_changed (self);
}

int
os_document_pdf_get_page_rotation (OsDocumentPdf *self,
                                   int            index)
{
  CHECK_INDEX (self, index, 0);

  return get_page (self, index)->rotation;
}

void
os_document_pdf_crop_page (OsDocumentPdf               *self,
                           int                          index,
                           const cairo_rectangle_int_t *rect)
{
  Page *page;
  cairo_rectangle_int_t whole, clipped;

  CHECK_INDEX_VOID (self, index);

  page = get_page (self, index);
  if (rect == NULL)
    {
      page->cropped = FALSE;
    }
  else
    {
      whole = (cairo_rectangle_int_t) { 0, 0, gdk_pixbuf_get_width (page->pixbuf),
                                        gdk_pixbuf_get_height (page->pixbuf) };
      clipped.x = MAX (rect->x, 0);
      clipped.y = MAX (rect->y, 0);
      clipped.width = MIN (rect->x + rect->width, whole.width) - clipped.x;
      clipped.height = MIN (rect->y + rect->height, whole.height) - clipped.y;
      g_return_if_fail (clipped.width > 0 && clipped.height > 0);
      page->cropped = clipped.width != whole.width || clipped.height != whole.height;
      page->crop = clipped;
    }
  page->auto_color = -1;
  emit_changed (self);
}

gboolean
os_document_pdf_get_page_crop (OsDocumentPdf *self,
                               int            index,
                               cairo_rectangle_int_t  *rect)
{
  Page *page;

  CHECK_INDEX (self, index, FALSE);

  page = get_page (self, index);
  if (rect != NULL)
    page_region (page, rect);
  return page->cropped;
}

void
os_document_pdf_set_page_color (OsDocumentPdf *self,
                                int            index,
                                OsPageColor    color)
{
  CHECK_INDEX_VOID (self, index);
  g_return_if_fail (color >= OS_PAGE_COLOR_AUTO && color <= OS_PAGE_COLOR_LINEART);

  get_page (self, index)->color = color;
  emit_changed (self);
}

OsPageColor
os_document_pdf_get_page_color (OsDocumentPdf *self,
                                int            index)
{
  CHECK_INDEX (self, index, OS_PAGE_COLOR_AUTO);

  return get_page (self, index)->color;
}

OsPageColor
os_document_pdf_resolve_page_color (OsDocumentPdf *self,
                                    int            index)
{
  CHECK_INDEX (self, index, OS_PAGE_COLOR_COLOR);

  return page_color (get_page (self, index));
}

gboolean
os_document_pdf_page_is_gray (OsDocumentPdf *self,
                              int            index)
{
  CHECK_INDEX (self, index, FALSE);

  return page_is_gray (get_page (self, index));
}

void
os_document_pdf_get_page_size (OsDocumentPdf *self,
                               int            index,
                               double        *width_pt,
                               double        *height_pt)
{
  CHECK_INDEX_VOID (self, index);

  page_size_pt (get_page (self, index), width_pt, height_pt);
}

GdkPixbuf *
os_document_pdf_render_preview (OsDocumentPdf *self,
                                int            index,
                                int            max_size)
{
  g_autoptr(GdkPixbuf) region = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  Page *page;
  cairo_rectangle_int_t rect;
  double scale;
  int width, height;

  CHECK_INDEX (self, index, NULL);
  g_return_val_if_fail (max_size > 0, NULL);

  page = get_page (self, index);
  page_region (page, &rect);
  region = gdk_pixbuf_new_subpixbuf (page->pixbuf, rect.x, rect.y, rect.width, rect.height);
  scale = MIN (1.0, (double) max_size / MAX (rect.width, rect.height));
  width = MAX (1, (int) round (rect.width * scale));
  height = MAX (1, (int) round (rect.height * scale));
  scaled = gdk_pixbuf_scale_simple (region, width, height, GDK_INTERP_BILINEAR);
  if (scaled == NULL)
    return NULL;

  /* GdkPixbufRotation counts counter-clockwise. */
  return gdk_pixbuf_rotate_simple (scaled, (GdkPixbufRotation) ((360 - page->rotation) % 360));
}

gboolean
os_document_pdf_write (OsDocumentPdf  *self,
                       const char     *path,
                       const char     *title,
                       const char     *record_code,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(GPtrArray) pages = NULL;

  g_return_val_if_fail (OS_IS_DOCUMENT_PDF (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Grey detection results land in the snapshot; keep them for the next write. */
  pages = snapshot_pages (self);
  if (!write_pages (pages, path, title, record_code, cancellable, error))
    return FALSE;
  for (guint i = 0; i < pages->len; i++)
    {
      Page *copy = g_ptr_array_index (pages, i);

      get_page (self, (int) i)->auto_color = copy->auto_color;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *pages;
  char      *path;
  char      *title;
  char      *record_code;
} WriteJob;

static void
write_job_free (gpointer data)
{
  WriteJob *job = data;

  g_ptr_array_unref (job->pages);
  g_free (job->path);
  g_free (job->title);
  g_free (job->record_code);
  g_free (job);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (write_pages (job->pages, job->path, job->title, job->record_code, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
os_document_pdf_write_async (OsDocumentPdf       *self,
                             const char          *path,
                             const char          *title,
                             const char          *record_code,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteJob *job;

  g_return_if_fail (OS_IS_DOCUMENT_PDF (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (WriteJob, 1);
  job->pages = snapshot_pages (self);
  job->path = g_strdup (path);
  job->title = g_strdup (title);
  job->record_code = g_strdup (record_code);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_document_pdf_write_async);
  g_task_set_task_data (task, job, write_job_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
os_document_pdf_write_finish (OsDocumentPdf  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (OS_IS_DOCUMENT_PDF (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == os_document_pdf_write_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
