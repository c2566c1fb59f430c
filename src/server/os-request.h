/* os-request.h: one API request as the worker threads see it.
 *
 * The main thread copies what a handler needs out of the SoupServerMessage (method, path,
 * query, body, a few headers) into an OsRequest and hands it to a worker; the worker fills
 * in the status and body of the answer; the main thread sends it. Nothing here touches
 * libsoup, so handlers run on any thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OS_REQUEST_MAX_BODY (1024 * 1024)

typedef enum {
  OS_LANG_VI,
  OS_LANG_EN,
} OsLang;

typedef struct {
  /* In */
  char       *method;
  char       *path;          /* below /api/v1, e.g. "/sync/push" */
  GHashTable *query;         /* char* → char*, may be NULL */
  GBytes     *body;
  char       *content_type;  /* media type without parameters, or NULL */
  char       *authorization;
  char       *if_none_match;
  OsLang      lang;
  gint64      started_us;

  /* Set by authentication */
  char       *session_id;
  char       *user_id;
  char       *desk_id;
  char       *client_id;
  char       *units;          /* PostgreSQL uuid[] literal of the visible units */

  /* Out */
  guint       status;
  char       *response;       /* JSON text, or NULL for no body */
  char       *etag;
  char       *error_code;     /* for the log line */
} OsRequest;

OsRequest  *os_request_new               (void);
void        os_request_free              (OsRequest   *req);
OsLang      os_request_parse_language    (const char  *accept_language);

/* The message of an error code in the request's language. */
const char *os_request_message           (OsLang       lang,
                                          const char  *code);

/* Answers with an Error body; @message_key picks the message (NULL: @code's). Returns FALSE
 * so handlers can `return os_request_fail (…)`. */
gboolean    os_request_fail              (OsRequest   *req,
                                          guint        status,
                                          const char  *code,
                                          const char  *field,
                                          const char  *message_key);
/* The same with @message as the message (NULL or empty: @code's), e.g. a sentence of the
 * process rules (Vietnamese whatever the request's language). */
gboolean    os_request_fail_message      (OsRequest   *req,
                                          guint        status,
                                          const char  *code,
                                          const char  *field,
                                          const char  *message);
void        os_request_reply             (OsRequest   *req,
                                          guint        status,
                                          char        *json);     /* takes ownership */
void        os_request_reply_node        (OsRequest   *req,
                                          guint        status,
                                          JsonNode    *node);

/* Strict request bodies: the schema of an object as a table of members. */
typedef enum {
  OS_FIELD_STRING,
  OS_FIELD_INT,
  OS_FIELD_UUID,
  OS_FIELD_HEX64,
  OS_FIELD_DATE,
  OS_FIELD_OBJECT,
  OS_FIELD_ARRAY,
} OsFieldType;

typedef struct {
  const char  *name;
  OsFieldType  type;
  gboolean     required;
  gint64       min;      /* string: length in characters; int: value; array: items */
  gint64       max;      /* 0: no limit */
} OsFieldSpec;

/* Parses the body as a JSON object (415/400 answers set on failure). */
JsonObject *os_request_parse_body        (OsRequest          *req,
                                          JsonNode          **root);
/* Checks @object against @specs (NULL-terminated by name); @prefix names its place for the
 * error's `field`, e.g. "mutations[3]". Answers 400 and returns FALSE on the first fault. */
gboolean    os_request_check_object      (OsRequest          *req,
                                          JsonObject         *object,
                                          const OsFieldSpec  *specs,
                                          const char         *prefix);
/* The same checks without answering: the first fault's code and field, or NULL. */
const char *os_check_object              (JsonObject         *object,
                                          const OsFieldSpec  *specs,
                                          gboolean            allow_unknown,
                                          const char        **field);

gboolean    os_is_uuid                   (const char         *text);
char       *os_random_token              (void);
char       *os_sha256_hex                (const char         *text);

G_END_DECLS
