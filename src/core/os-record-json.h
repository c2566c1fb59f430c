/* os-record-json.h: a record as the JSON object `Record` of data/openapi.yaml: the payload
 * of the desk's mutations, the server's `records.data`, the change feed's records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "os-record.h"

G_BEGIN_DECLS

/* @agency: the receiving agency's code; @unit_id (nullable): the server unit's id. The
 * process state, when the record has one, is the `process` member. */
JsonNode *os_record_to_json       (OsRecord    *record,
                                   const char  *agency,
                                   const char  *unit_id);
/* Members missing take their defaults; wrong types and out-of-range values fail with
 * OS_ERROR_PROTOCOL. */
OsRecord *os_record_new_from_json (JsonNode    *node,
                                   GError     **error);

G_END_DECLS
