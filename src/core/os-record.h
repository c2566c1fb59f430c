/* os-record.h: one administrative-procedure record (hồ sơ).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-types.h"

G_BEGIN_DECLS

/* One line of the list of documents received (thành phần hồ sơ). */
typedef struct
{
  char *name;
  int   originals;   /* bản chính */
  int   certified;   /* bản sao chứng thực */
  int   copies;      /* bản photocopy */
} OsRecordDocument;

#define OS_TYPE_RECORD_DOCUMENT (os_record_document_get_type ())
GType             os_record_document_get_type (void) G_GNUC_CONST;
OsRecordDocument *os_record_document_new      (const char             *name,
                                               int                     originals,
                                               int                     certified,
                                               int                     copies);
OsRecordDocument *os_record_document_copy     (const OsRecordDocument *doc);
void              os_record_document_free     (OsRecordDocument       *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsRecordDocument, os_record_document_free)

#define OS_TYPE_RECORD (os_record_get_type ())

G_DECLARE_FINAL_TYPE (OsRecord, os_record, OS, RECORD, GObject)

OsRecord     *os_record_new                    (void);

/* Identity, set by the store when the record is saved. */
const char   *os_record_get_id                 (OsRecord   *self);
void          os_record_set_id                 (OsRecord   *self, const char *id);
const char   *os_record_get_code               (OsRecord   *self);
void          os_record_set_code               (OsRecord   *self, const char *code);
gint64        os_record_get_local_id           (OsRecord   *self);
void          os_record_set_local_id           (OsRecord   *self, gint64 local_id);

/* What is requested. */
const char   *os_record_get_procedure_id       (OsRecord   *self);
const char   *os_record_get_procedure_code     (OsRecord   *self);
const char   *os_record_get_procedure_name     (OsRecord   *self);
const char   *os_record_get_field              (OsRecord   *self);
void          os_record_set_procedure          (OsRecord   *self,
                                                const char *procedure_id,
                                                const char *procedure_code,
                                                const char *procedure_name,
                                                const char *field);
const OsTimeLimit *os_record_get_time_limit    (OsRecord   *self);
void          os_record_set_time_limit         (OsRecord   *self, const OsTimeLimit *limit);

/* The applicant. */
const char   *os_record_get_applicant_name     (OsRecord   *self);
void          os_record_set_applicant_name     (OsRecord   *self, const char *value);
const char   *os_record_get_id_number          (OsRecord   *self);
void          os_record_set_id_number          (OsRecord   *self, const char *value);
/* Date of birth as an ISO date (yyyy-mm-dd), or NULL. */
const char   *os_record_get_birth_date         (OsRecord   *self);
void          os_record_set_birth_date         (OsRecord   *self, const char *value);
const char   *os_record_get_phone              (OsRecord   *self);
void          os_record_set_phone              (OsRecord   *self, const char *value);
const char   *os_record_get_email              (OsRecord   *self);
void          os_record_set_email              (OsRecord   *self, const char *value);
const char   *os_record_get_address            (OsRecord   *self);
void          os_record_set_address            (OsRecord   *self, const char *value);

/* Reception. */
int           os_record_get_sets               (OsRecord   *self);
void          os_record_set_sets               (OsRecord   *self, int sets);
OsDelivery    os_record_get_delivery           (OsRecord   *self);
void          os_record_set_delivery           (OsRecord   *self, OsDelivery delivery);
OsChannel     os_record_get_channel            (OsRecord   *self);
void          os_record_set_channel            (OsRecord   *self, OsChannel channel);
const char   *os_record_get_notes              (OsRecord   *self);
void          os_record_set_notes              (OsRecord   *self, const char *value);
const char   *os_record_get_officer            (OsRecord   *self);
void          os_record_set_officer            (OsRecord   *self, const char *value);
/* Refusal reason (Mẫu 03) or what to supplement (Mẫu 02). */
const char   *os_record_get_reason             (OsRecord   *self);
void          os_record_set_reason             (OsRecord   *self, const char *value);
/* Entry in the tracking book: volume (the year) and number within it. */
int           os_record_get_book_volume        (OsRecord   *self);
int           os_record_get_book_number        (OsRecord   *self);
void          os_record_set_book_entry         (OsRecord   *self, int volume, int number);

/* Documents received; the array owns OsRecordDocument items. */
GPtrArray    *os_record_get_documents          (OsRecord   *self);
void          os_record_add_document           (OsRecord   *self,
                                                const char *name,
                                                int         originals,
                                                int         certified,
                                                int         copies);
void          os_record_clear_documents        (OsRecord   *self);

/* State and clock. Instants are UTC unix seconds; 0 means unset. */
OsStatus      os_record_get_status             (OsRecord   *self);
void          os_record_set_status             (OsRecord   *self, OsStatus status);
gint64        os_record_get_received_at        (OsRecord   *self);
void          os_record_set_received_at        (OsRecord   *self, gint64 instant);
gint64        os_record_get_due_at             (OsRecord   *self);
void          os_record_set_due_at             (OsRecord   *self, gint64 instant);
gint64        os_record_get_finished_at        (OsRecord   *self);
void          os_record_set_finished_at        (OsRecord   *self, gint64 instant);
gint64        os_record_get_returned_at        (OsRecord   *self);
void          os_record_set_returned_at        (OsRecord   *self, gint64 instant);

/* Where the record stands at @now against @near_due_at, the instant from which a
 * record still in progress counts as near due (now + the configured threshold). */
OsDueState    os_record_compute_due_state      (OsRecord   *self,
                                                gint64      now,
                                                gint64      near_due_at);

/* Where the record stands in its process (os-process-engine.h), or NULL when it follows
 * none. The record owns it; set takes ownership of @state (NULL clears). */
typedef struct _OsProcessState OsProcessState;
OsProcessState *os_record_get_process_state    (OsRecord       *self);
void          os_record_take_process_state     (OsRecord       *self,
                                                OsProcessState *state);

G_END_DECLS
