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
  OS_ERROR_NETWORK,              /* the server cannot be reached: retry later */
  OS_ERROR_SERVER,               /* the server failed (5xx, unavailable): retry later */
  OS_ERROR_PROTOCOL,             /* the server answered something that does not follow the API */
  OS_ERROR_UNAUTHORIZED,         /* wrong credentials, expired or revoked token: log in again */
  OS_ERROR_FORBIDDEN,            /* the user may not do this */
  OS_ERROR_REJECTED,             /* the server refused the request for good (4xx with a reason) */
  OS_ERROR_NO_CODE_BLOCK,        /* a desk synced with a server has no leased number left */
  OS_ERROR_ACTION_REFUSED,       /* the process does not allow this action now, or not to this user */
  OS_ERROR_CONFLICT,             /* someone else acted on the record first; the input is kept */
} OsError;

GQuark os_error_quark (void);

G_END_DECLS
