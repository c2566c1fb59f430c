/* os-scanner.h: document scanners through SANE, on one worker thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

/* One scanner as SANE lists it. */
typedef struct
{
  char *name;    /* SANE device name, e.g. "test:0" or "genesys:libusb:001:004" */
  char *vendor;
  char *model;
  char *type;    /* "flatbed scanner", "sheetfed scanner", … as the backend says */
} OsScannerDevice;

#define OS_TYPE_SCANNER_DEVICE (os_scanner_device_get_type ())

GType            os_scanner_device_get_type (void) G_GNUC_CONST;
OsScannerDevice *os_scanner_device_copy     (const OsScannerDevice *device);
void             os_scanner_device_free     (OsScannerDevice       *device);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsScannerDevice, os_scanner_device_free)

typedef enum
{
  OS_SCAN_SOURCE_FLATBED,
  OS_SCAN_SOURCE_FEEDER,
  OS_SCAN_SOURCE_DUPLEX,
} OsScanSource;

typedef enum
{
  OS_SCAN_MODE_GRAY,
  OS_SCAN_MODE_COLOR,
  OS_SCAN_MODE_LINEART,
} OsScanMode;

/* Bit of @value in OsScannerCapabilities.modes / .sources. */
#define OS_SCAN_BIT(value) (1u << (value))

/* What to scan. Copied by os_scanner_scan_async(). */
typedef struct
{
  char          *device;   /* SANE device name */
  int            dpi;      /* the nearest resolution the device offers is used */
  OsScanMode     mode;
  OsScanSource   source;
  /* Optional, NULL-terminated "name=value" backend options set after the ones above,
   * e.g. "br-y=150" or the test backend's "read-return-value=SANE_STATUS_JAMMED".
   * Booleans take yes/no, string lists match case-insensitively, buttons take no "=value".
   * Note that some backends keep option values until the SANE session ends. */
  char         **options;
  /* From the feeder, stop after this many pages (0: until the feeder is empty), as when
   * an officer wants only the first sheets of a stack. The flatbed always gives one. */
  guint          max_pages;
} OsScanRequest;

#define OS_TYPE_SCAN_REQUEST (os_scan_request_get_type ())

GType          os_scan_request_get_type (void) G_GNUC_CONST;
OsScanRequest *os_scan_request_copy     (const OsScanRequest *request);
void           os_scan_request_free     (OsScanRequest       *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsScanRequest, os_scan_request_free)

/* The options a device really has, for the scan settings UI. */
typedef struct
{
  GArray   *resolutions;  /* of int, ascending: the device's list, or common values within its range */
  int       default_dpi;  /* the device's current resolution */
  guint     modes;        /* OS_SCAN_BIT (OsScanMode) for each mode available */
  guint     sources;      /* OS_SCAN_BIT (OsScanSource) for each source available */
  gboolean  has_feeder;
  gboolean  has_duplex;
} OsScannerCapabilities;

#define OS_TYPE_SCANNER_CAPABILITIES (os_scanner_capabilities_get_type ())

GType                  os_scanner_capabilities_get_type (void) G_GNUC_CONST;
OsScannerCapabilities *os_scanner_capabilities_copy     (const OsScannerCapabilities *caps);
void                   os_scanner_capabilities_free     (OsScannerCapabilities       *caps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsScannerCapabilities, os_scanner_capabilities_free)

#define OS_TYPE_SCANNER (os_scanner_get_type ())

G_DECLARE_FINAL_TYPE (OsScanner, os_scanner, OS, SCANNER, GObject)

/* SANE allows one session per process, so every OsScanner alive at a time is the same
 * object: this returns a new reference to it, or creates it. Its worker thread (which calls
 * sane_init) starts with the first request; dropping the last reference waits for the
 * request being run, stops the thread and ends the SANE session.
 *
 * Signals, emitted on the thread-default main context of the caller of scan_async:
 *   ::page-scanned (GdkPixbuf *page, int dpi, guint index)  — a page is complete (RGB, no
 *   alpha; take a reference to keep it); index counts from 0 within the scan. Emitted
 *   before the scan finishes, and no more once its cancellable is cancelled. */
OsScanner             *os_scanner_new                       (void);

void                   os_scanner_list_devices_async        (OsScanner            *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* A GPtrArray of OsScannerDevice, possibly empty. */
GPtrArray             *os_scanner_list_devices_finish       (OsScanner            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

void                   os_scanner_get_capabilities_async    (OsScanner            *self,
                                                             const char           *device,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
OsScannerCapabilities *os_scanner_get_capabilities_finish   (OsScanner            *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Scans one page (flatbed) or every page in the feeder, emitting ::page-scanned for each.
 * Finishes TRUE with the number of pages, or with an OS_ERROR_SCANNER_* error (pages
 * emitted before it stay the caller's), or G_IO_ERROR_CANCELLED. */
void                   os_scanner_scan_async                (OsScanner            *self,
                                                             const OsScanRequest  *request,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
gboolean               os_scanner_scan_finish               (OsScanner            *self,
                                                             GAsyncResult         *result,
                                                             guint                *n_pages,
                                                             GError              **error);

G_END_DECLS
