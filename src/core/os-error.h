/* os-error.h: the error domain shared by the core library.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OS_ERROR (os_error_quark ())

typedef enum
{
  OS_ERROR_INVALID_INPUT,     /* the user typed something that does not parse */
  OS_ERROR_NOT_FOUND,
  OS_ERROR_DATABASE,          /* SQLite failed: disk full, I/O error, locked too long */
  OS_ERROR_DATABASE_TOO_NEW,  /* written by a newer version of the application */
  OS_ERROR_DATABASE_CORRUPT,
  OS_ERROR_CODE_EXHAUSTED,    /* no record number left for this agency and day */
  OS_ERROR_RENDER,
  OS_ERROR_IO,
  OS_ERROR_BLOB_CORRUPT,      /* a stored attachment file no longer matches its SHA-256 */
  OS_ERROR_SCANNER,              /* any other scanner failure */
  OS_ERROR_SCANNER_UNAVAILABLE,  /* no such device, unplugged, I/O error, access denied */
  OS_ERROR_SCANNER_BUSY,
  OS_ERROR_SCANNER_JAMMED,
  OS_ERROR_SCANNER_NO_DOCS,      /* the feeder was empty when the scan started */
  OS_ERROR_SCANNER_COVER_OPEN,
  OS_ERROR_SCANNER_OPTION,       /* the device does not offer the requested settings */
} OsError;

GQuark os_error_quark (void);

G_END_DECLS
