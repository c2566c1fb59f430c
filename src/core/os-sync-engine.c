/* os-sync-engine.c
 *
 * A round: lease record-code blocks ahead, push the outbox (oldest first, in small
 * batches), pull the change feed to its end, fetch the procedure catalogue and the process
 * definitions if they changed. Rounds never overlap; everything a round needs is read from
 * the store, so a round after a crash or restart carries on where the last one stopped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "os-api-private.h"
#include "os-blob-store.h"
#include "os-datetime.h"
#include "os-error.h"
#include "os-record-code.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-sync-engine.h"

#define DEFAULT_BLOCK_SIZE    100
#define DEFAULT_BATCH_SIZE    10
#define LEASE_DAYS_AHEAD      3
#define PULL_PAGE_SIZE        1000
#define PERIODIC_SECONDS      180
#define BACKOFF_FIRST_MS      1000
#define BACKOFF_MAX_MS        (5 * 60 * 1000)
#define UPLOAD_CHUNK          (1024 * 1024)        /* the server takes at most 1 MiB a PUT */
#define DOWNLOAD_CHUNK        (4 * 1024 * 1024)    /* bytes asked per ranged GET */
#define MAX_CONFLICTS         8                    /* 409s in a row before a round gives up */

struct _OsSyncEngine
{
  GObject          parent_instance;

  OsStore         *store;
  OsApiClient     *client;
  OsBlobStore     *blobs;
  GHashTable      *fetches;        /* sha256 → GPtrArray of GTask: downloads under way */
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;

  OsSyncState      state;
  guint            pending;
  guint            quarantined;
  char            *message;
  gint64           last_sync;

  guint            block_size;
  guint            batch_size;

  gboolean         running;        /* between start() and stop() */
  gboolean         in_round;
  gboolean         again;          /* run another round when this one ends */
  GPtrArray       *round_waiters;  /* GTask of sync_async callers the running round answers */
  GPtrArray       *next_waiters;   /* … and those waiting for the next round */
  guint            backoff_ms;
  guint            retry_source;
  guint            periodic_source;
  guint            soon_source;
};

G_DEFINE_FINAL_TYPE (OsSyncEngine, os_sync_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_PENDING,
  PROP_QUARANTINED,
  PROP_MESSAGE,
  PROP_LAST_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum { CHANGES_APPLIED, BLOB_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

static void start_round (OsSyncEngine *self);

/* Properties -------------------------------------------------------------------- */

static void
set_state (OsSyncEngine *self,
           OsSyncState   state,
           const char   *message)
{
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (g_strcmp0 (self->message, message) != 0)
    {
      g_free (self->message);
      self->message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
    }
}

static void
refresh_counts (OsSyncEngine *self)
{
  gint64 pending = os_store_count_pending (self->store);
  gint64 quarantined = os_store_count_quarantined (self->store);

  if (pending >= 0 && (guint) pending != self->pending)
    {
      self->pending = (guint) pending;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
    }
  if (quarantined >= 0 && (guint) quarantined != self->quarantined)
    {
      self->quarantined = (guint) quarantined;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUARANTINED]);
    }
}

static void
on_store_sync_changed (OsSyncEngine *self,
                       OsStore      *store)
{
  guint before = self->pending;

  refresh_counts (self);
  if (!self->in_round && self->state == OS_SYNC_STATE_UP_TO_DATE && self->pending > 0)
    set_state (self, OS_SYNC_STATE_WAITING, NULL);
  /* Something new to send: send it soon. */
  if (self->running && self->pending > before)
    os_sync_engine_poke (self);
}

static void
os_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  OsSyncEngine *self = OS_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_QUARANTINED:
      g_value_set_uint (value, self->quarantined);
      break;
    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Gives each of @waiters the outcome: TRUE, or a copy of @error. */
static void
return_to_waiters (GPtrArray    *waiters,
                   const GError *error)
{
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (error == NULL)
        g_task_return_boolean (waiter, TRUE);
      else
        g_task_return_error (waiter, g_error_copy (error));
    }
}

static void
fail_waiters (GPtrArray *waiters)
{
  for (guint i = 0; waiters && i < waiters->len; i++)
    g_task_return_new_error (g_ptr_array_index (waiters, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The sync engine was stopped");
  if (waiters)
    g_ptr_array_set_size (waiters, 0);
}

static void
os_sync_engine_dispose (GObject *object)
{
  OsSyncEngine *self = (OsSyncEngine *) object;

  os_sync_engine_stop (self);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->blobs);

  G_OBJECT_CLASS (os_sync_engine_parent_class)->dispose (object);
}

static void
os_sync_engine_finalize (GObject *object)
{
  OsSyncEngine *self = (OsSyncEngine *) object;

  g_clear_pointer (&self->round_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->next_waiters, g_ptr_array_unref);
  g_clear_pointer (&self->fetches, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_free (self->message);

  G_OBJECT_CLASS (os_sync_engine_parent_class)->finalize (object);
}

static void
os_sync_engine_class_init (OsSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = os_sync_engine_get_property;
  object_class->dispose = os_sync_engine_dispose;
  object_class->finalize = os_sync_engine_finalize;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, OS_SYNC_STATE_UP_TO_DATE, OS_SYNC_STATE_LOGGED_OUT,
                      OS_SYNC_STATE_UP_TO_DATE, G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUARANTINED] =
    g_param_spec_uint ("quarantined", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGES_APPLIED] = g_signal_new ("changes-applied", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[BLOB_PROGRESS] = g_signal_new ("blob-progress", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_BOOLEAN,
                                         G_TYPE_INT64, G_TYPE_INT64);
}

static void
os_sync_engine_init (OsSyncEngine *self)
{
  self->block_size = DEFAULT_BLOCK_SIZE;
  self->batch_size = DEFAULT_BATCH_SIZE;
  self->cancellable = g_cancellable_new ();
  self->round_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->fetches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
}

OsSyncEngine *
os_sync_engine_new (OsStore     *store,
                    OsApiClient *client)
{
  OsSyncEngine *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);
  g_return_val_if_fail (OS_IS_API_CLIENT (client), NULL);

  self = g_object_new (OS_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  g_signal_connect_object (store, "sync-changed", G_CALLBACK (on_store_sync_changed), self,
                           G_CONNECT_SWAPPED);
  refresh_counts (self);
  self->state = self->pending > 0 ? OS_SYNC_STATE_WAITING : OS_SYNC_STATE_UP_TO_DATE;
  if (os_store_get_path (store) != NULL)
    {
      /* The desk's blob store is "blobs" beside its database (os-record-window.c). */
      g_autofree char *dir = g_path_get_dirname (os_store_get_path (store));
      g_autofree char *root = g_build_filename (dir, "blobs", NULL);

      self->blobs = os_blob_store_new (root);
    }
  return self;
}

void
os_sync_engine_set_blob_store (OsSyncEngine *self,
                               OsBlobStore  *blobs)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));
  g_return_if_fail (OS_IS_BLOB_STORE (blobs));

  g_set_object (&self->blobs, blobs);
}

OsBlobStore *
os_sync_engine_get_blob_store (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), NULL);
  return self->blobs;
}

OsSyncState
os_sync_engine_get_state (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), OS_SYNC_STATE_ERROR);
  return self->state;
}

guint
os_sync_engine_get_pending (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), 0);
  return self->pending;
}

guint
os_sync_engine_get_quarantined (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), 0);
  return self->quarantined;
}

const char *
os_sync_engine_get_message (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), NULL);
  return self->message;
}

gint64
os_sync_engine_get_last_sync (OsSyncEngine *self)
{
  g_return_val_if_fail (OS_IS_SYNC_ENGINE (self), 0);
  return self->last_sync;
}

void
os_sync_engine_set_block_size (OsSyncEngine *self,
                               guint         block_size)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));
  g_return_if_fail (block_size >= 1 && block_size <= 1000);
  self->block_size = block_size;
}

void
os_sync_engine_set_batch_size (OsSyncEngine *self,
                               guint         batch_size)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));
  g_return_if_fail (batch_size >= 1 && batch_size <= 100);
  self->batch_size = batch_size;
}

/* A round ----------------------------------------------------------------------- */

typedef struct
{
  char       *client_id;
  char       *agency;
  GPtrArray  *lease_days;    /* "YYYY-MM-DD" still to top up */
  GHashTable *held_back;     /* record ids not to push again this round */
  GPtrArray  *batch;         /* OsOutboxEntry being pushed */
  guint       batch_size;
  gboolean    retry_later;   /* something retryable is still waiting */
  char       *cursor;
  guint       n_changed;
  guint       n_pages;
  guint       definitions;   /* the definitions feed being fetched (fetch_definitions()) */
  /* The upload of the batch's files before the batch (upload_next()) */
  guint         upload_index;   /* the batch entry whose file is being uploaded */
  char         *upload_sha256;
  gint64        upload_size;
  gint64        upload_offset;  /* where the server's copy ends */
  guint         conflicts;
  GInputStream *upload_stream;
  guint8       *upload_buffer;
  GError       *push_error;    /* the push failed for a reason worth retrying: pull anyway */
  char         *notice;        /* what keeps something waiting (a missing file), for :message */
} Round;

static void
round_free (Round *round)
{
  g_free (round->client_id);
  g_free (round->agency);
  g_clear_pointer (&round->lease_days, g_ptr_array_unref);
  g_clear_pointer (&round->held_back, g_hash_table_unref);
  g_clear_pointer (&round->batch, g_ptr_array_unref);
  g_free (round->cursor);
  g_free (round->upload_sha256);
  g_clear_object (&round->upload_stream);
  g_free (round->upload_buffer);
  g_clear_error (&round->push_error);
  g_free (round->notice);
  g_free (round);
}

static void lease_next (GTask *task);
static void push_next (GTask *task);
static void pull_next (GTask *task);
static void fetch_definitions (GTask *task);
static void upload_next (GTask *task);
static void send_batch (GTask *task);

/* TRUE if the round goes on; once cancelled, returns the cancellation and drops the
 * task reference. */
static gboolean
round_check (GTask *task)
{
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return FALSE;
    }
  return TRUE;
}

/* The body of a request of the round: an object, left open, that starts with the desk's
 * client id. */
static JsonBuilder *
round_body_begin (Round *round)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client_id");
  json_builder_add_string_value (b, round->client_id);
  return b;
}

/* The push cannot go on this round. A failure worth retrying (the server's 5xx, an answer
 * that is not the API's) still lets the pull run, so the desk keeps receiving; the round
 * then fails with it and backs off. Others (network, session) end the round. Takes
 * @error and the task reference. */
static void
push_failed (GTask  *task,
             GError *error)
{
  Round *round = g_task_get_task_data (task);

  if (error->domain == OS_ERROR &&
      (error->code == OS_ERROR_SERVER || error->code == OS_ERROR_REJECTED))
    {
      g_clear_error (&round->push_error);
      round->push_error = error;
      round->retry_later = TRUE;
      pull_next (task);
      return;
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* The end of a round that got through the pull. */
static void
round_succeeded (GTask *task)
{
  Round *round = g_task_get_task_data (task);

  if (round->push_error != NULL)
    g_task_return_error (task, g_steal_pointer (&round->push_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_leased (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = os_api_client_call_finish (OS_API_CLIENT (source), result, NULL, &error);
  g_autofree char *day = g_ptr_array_steal_index (round->lease_days, 0);
  JsonObject *lease;
  gint64 first, last;

  if (root == NULL)
    {
      /* No number left for that day on the server (409) or a refusal of this agency:
       * the desk says so when it runs out; the rest of the round goes on. */
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) ||
          g_error_matches (error, OS_ERROR, OS_ERROR_FORBIDDEN))
        {
          g_message ("No code block leased for %s on %s: %s", round->agency, day, error->message);
          lease_next (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lease = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (lease == NULL || !os_api_json_int (lease, "first", &first) || !os_api_json_int (lease, "last", &last) ||
      g_strcmp0 (os_api_json_string (lease, "day"), day) != 0 ||
      g_strcmp0 (os_api_json_string (lease, "agency_code"), round->agency) != 0)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_PROTOCOL,
                               _("Máy chủ trả lời không đúng giao thức (%s)."), "Lease");
      return;
    }
  if (!os_store_add_code_block (self->store, round->agency, day, first, last, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  lease_next (g_steal_pointer (&task));
}

static void
lease_next (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (!round_check (task))
    return;
  if (round->lease_days == NULL || round->lease_days->len == 0)
    {
      push_next (task);
      return;
    }

  b = round_body_begin (round);
  json_builder_set_member_name (b, "agency_code");
  json_builder_add_string_value (b, round->agency);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, g_ptr_array_index (round->lease_days, 0));
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, self->block_size);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  os_api_client_call_async (self->client, "POST", "/codes/lease", body, g_task_get_cancellable (task),
                            on_leased, task);
}

/* Push --------------------------------------------------------------------------- */

static gboolean
push_error_is_validation (const char *code)
{
  static const char * const codes[] = { "malformed_json", "invalid_field", "missing_field", "unknown_field",
                                        "too_large", NULL };

  return code != NULL && g_strv_contains (codes, code);
}

static gboolean
parse_push_results (Round         *round,
                    JsonNode      *root,
                    OsPushResult  *results,
                    GError       **error)
{
  JsonObject *object = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *array = os_api_json_array (object, "results");

  /* Success is only an answer that echoes every id sent, in order. */
  if (array == NULL || json_array_get_length (array) != round->batch->len)
    goto bad;

  for (guint i = 0; i < round->batch->len; i++)
    {
      OsOutboxEntry *entry = g_ptr_array_index (round->batch, i);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *r = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *status = os_api_json_string (r, "status");
      OsPushResult *out = &results[i];

      if (g_strcmp0 (os_api_json_string (r, "id"), entry->id) != 0 || status == NULL)
        goto bad;
      out->id = entry->id;
      out->record_id = entry->record_id;

      if (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "duplicate") == 0)
        {
          out->status = status[0] == 'a' ? OS_PUSH_APPLIED : OS_PUSH_DUPLICATE;
          if (!os_api_json_int (r, "version", &out->version))
            goto bad;
        }
      else if (g_strcmp0 (status, "rejected") == 0)
        {
          JsonObject *e = os_api_json_object (r, "error");
          gboolean retryable;

          if (e == NULL || os_api_json_string (e, "code") == NULL || os_api_json_string (e, "message") == NULL ||
              !os_api_json_bool (e, "retryable", &retryable))
            goto bad;
          out->status = retryable ? OS_PUSH_RETRY : OS_PUSH_REFUSED;
          out->error_code = os_api_json_string (e, "code");
          out->error_message = os_api_json_string (e, "message");
        }
      else
        goto bad;
    }
  return TRUE;

bad:
  g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
               _("Máy chủ trả lời không đúng giao thức (%s)."), "PushResponse");
  return FALSE;
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *api_code = NULL;
  guint status = 0;
  g_autoptr(JsonNode) root = os_api_client_call_finish_full (OS_API_CLIENT (source), result, &status, &api_code,
                                                             &error);
  g_autofree OsPushResult *results = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (root == NULL)
    {
      /* Only the API's own Error with a validation code says the request itself is bad; a
       * proxy's 404/405/413/415 or an older server's answer says nothing of the
       * mutations, so nothing is quarantined for it. */
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) && !push_error_is_validation (api_code))
        {
          g_clear_error (&error);
          error = g_error_new (OS_ERROR, OS_ERROR_REJECTED,
                               _("Máy chủ từ chối gói thay đổi (HTTP %u) mà không trả lời theo giao thức của hệ "
                                 "thống: có thể một máy trung gian (proxy) chặn, hoặc máy chủ chưa được nâng cấp. "
                                 "Không thay đổi nào bị bỏ; sẽ thử gửi lại sau."),
                               status);
          push_failed (g_steal_pointer (&task), g_steal_pointer (&error));
          return;
        }
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED))
        {
          /* The server refused the whole request (400, 413): find the one it refuses by
           * sending them one by one, and keep that one for the officer. */
          if (round->batch->len > 1)
            {
              round->batch_size = 1;
              push_next (g_steal_pointer (&task));
              return;
            }
          else
            {
              OsOutboxEntry *entry = g_ptr_array_index (round->batch, 0);
              OsPushResult refused = { entry->id, entry->record_id, OS_PUSH_REFUSED, 0, api_code,
                                       error->message };

              g_clear_error (&error);
              if (!os_store_save_push_results (self->store, &refused, 1, now, &error))
                {
                  g_task_return_error (task, g_steal_pointer (&error));
                  return;
                }
              push_next (g_steal_pointer (&task));
              return;
            }
        }
      push_failed (g_steal_pointer (&task), g_steal_pointer (&error));
      return;
    }

  results = g_new0 (OsPushResult, round->batch->len);
  if (!parse_push_results (round, root, results, &error) ||
      !os_store_save_push_results (self->store, results, round->batch->len, now, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A record whose change was not applied sends nothing more this round. */
  for (guint i = 0; i < round->batch->len; i++)
    if (results[i].status == OS_PUSH_RETRY || results[i].status == OS_PUSH_REFUSED)
      {
        g_hash_table_add (round->held_back, g_strdup (results[i].record_id));
        if (results[i].status == OS_PUSH_RETRY)
          round->retry_later = TRUE;
      }

  push_next (g_steal_pointer (&task));
}

static void
push_next (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!round_check (task))
    return;

  g_clear_pointer (&round->batch, g_ptr_array_unref);
  round->batch = os_store_next_push_batch (self->store, round->batch_size, round->held_back, &error);
  if (round->batch == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (round->batch->len == 0)
    {
      pull_next (task);
      return;
    }

  /* The files an "attach" names go first (DESIGN.md): the batch follows their upload. */
  round->upload_index = 0;
  upload_next (task);
}

/* The payload object of @entry, owned by @parser; NULL if it is not one. */
static JsonObject *
entry_payload (JsonParser    *parser,
               OsOutboxEntry *entry)
{
  if (!json_parser_load_from_data (parser, entry->payload, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

static void
send_batch (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (!round_check (task))
    return;

  b = round_body_begin (round);
  json_builder_set_member_name (b, "mutations");
  json_builder_begin_array (b);
  for (guint i = 0; i < round->batch->len; i++)
    {
      OsOutboxEntry *entry = g_ptr_array_index (round->batch, i);
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (entry_payload (parser, entry) == NULL)
        {
          /* Cannot happen with what the store writes; never send a half mutation. */
          g_task_return_new_error (task, OS_ERROR, OS_ERROR_DATABASE,
                                   _("Một thay đổi chờ gửi trên máy bị hỏng (%s)."), entry->id);
          g_object_unref (task);
          return;
        }

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, entry->id);
      json_builder_set_member_name (b, "record_id");
      json_builder_add_string_value (b, entry->record_id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, entry->kind);
      json_builder_set_member_name (b, "base_version");
      json_builder_add_int_value (b, entry->base_version);
      json_builder_set_member_name (b, "payload_hash");
      json_builder_add_string_value (b, entry->payload_hash);
      json_builder_set_member_name (b, "action_time");
      json_builder_add_int_value (b, entry->created_at);
      json_builder_set_member_name (b, "payload");
      json_builder_add_value (b, json_node_ref (json_parser_get_root (parser)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  body = json_builder_get_root (b);

  os_api_client_call_async (self->client, "POST", "/sync/push", body, g_task_get_cancellable (task),
                            on_pushed, task);
}

/* Upload ------------------------------------------------------------------------- */

/* Before a batch goes out, the file of each "attach" in it is made complete on the server:
 * the desk asks how many bytes the server has (GET /blobs/SHA/status) and sends the rest
 * in chunks of at most 1 MiB from there (PUT with Content-Range). The progress of an
 * upload is kept only on the server, so an upload cut by the network, a restart or a crash
 * goes on where the server's copy ends, and there is nothing on the desk to keep right. */

static void upload_chunk (GTask *task);

/* The file of the batch's "attach" at upload_index could not be made complete on the
 * server. A file damaged on this desk (OS_ERROR_BLOB_CORRUPT) will never go: that change
 * goes to the quarantine with the reason, its record's later changes wait behind it, and
 * the other records go on. One that may go later (a read error, a refusal the desk cannot
 * explain) holds its record back this round. The network, the server or the session
 * failing stops the push as for any request. Takes @error and the task reference. */
static void
upload_failed (GTask  *task,
               GError *error)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  OsOutboxEntry *entry = g_ptr_array_index (round->batch, round->upload_index);
  g_autoptr(GError) owned = error;

  g_clear_object (&round->upload_stream);
  g_clear_pointer (&round->upload_sha256, g_free);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, OS_ERROR, OS_ERROR_NETWORK) ||
      g_error_matches (error, OS_ERROR, OS_ERROR_SERVER) ||
      g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, OS_ERROR, OS_ERROR_FORBIDDEN))
    {
      push_failed (task, g_steal_pointer (&owned));
      return;
    }
  if (g_error_matches (error, OS_ERROR, OS_ERROR_BLOB_CORRUPT))
    {
      g_autoptr(GError) local = NULL;

      if (!os_store_quarantine_entry (self->store, entry->id, "blob_corrupt", error->message, &local))
        {
          g_task_return_error (task, g_steal_pointer (&local));
          g_object_unref (task);
          return;
        }
      /* What of the record came before it still goes; what comes after waits. */
    }
  else
    {
      g_message ("Attachment change %s held back: %s", entry->id, error->message);
      round->retry_later = TRUE;
      g_free (round->notice);
      round->notice = g_strdup (error->message);
      g_hash_table_add (round->held_back, g_strdup (entry->record_id));
    }
  push_next (task);
}

static void
upload_done (GTask *task)
{
  Round *round = g_task_get_task_data (task);

  g_clear_pointer (&round->upload_sha256, g_free);
  g_clear_object (&round->upload_stream);
  round->upload_index++;
  upload_next (task);
}

/* Reads a BlobStatus (or the status members of a 409): FALSE if it is not one. */
static gboolean
parse_blob_status (GBytes    *bytes,
                   gint64    *size,
                   gint64    *received,
                   gboolean  *complete)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (parser));
  if (!os_api_json_int (object, "size", size))
    *size = -1;
  return os_api_json_int (object, "received", received) && os_api_json_bool (object, "complete", complete) &&
         *received >= 0;
}

static void
on_upload_answer (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 received = 0, size = -1;
  gboolean complete = FALSE;
  guint status = 0;

  bytes = os_api_client_send_bytes_finish (OS_API_CLIENT (source), result, &status, NULL, &error);
  if (bytes == NULL)
    {
      /* 422: the server hashed what it got and it did not match. */
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) &&
          !os_blob_store_verify (self->blobs, round->upload_sha256, NULL, NULL))
        {
          upload_failed (task, g_error_new (OS_ERROR, OS_ERROR_BLOB_CORRUPT,
                                            _("Tệp đính kèm %s trên máy đã bị hỏng nên không gửi được lên máy chủ."),
                                            round->upload_sha256));
          return;
        }
      upload_failed (task, g_steal_pointer (&error));
      return;
    }
  if (!parse_blob_status (bytes, &size, &received, &complete))
    {
      upload_failed (task, g_error_new (OS_ERROR, OS_ERROR_PROTOCOL,
                                        _("Máy chủ trả lời không đúng giao thức (%s)."), "BlobStatus"));
      return;
    }
  if (status == 409)
    {
      /* The server's copy ends elsewhere (another desk, a lost answer): go on from there. */
      if (++round->conflicts > MAX_CONFLICTS)
        {
          upload_failed (task, g_error_new (OS_ERROR, OS_ERROR_PROTOCOL,
                                            _("Máy chủ trả lời không đúng giao thức (%s)."), "BlobConflict"));
          return;
        }
    }
  else
    round->conflicts = 0;

  if (complete)
    {
      g_signal_emit (self, signals[BLOB_PROGRESS], 0, round->upload_sha256, TRUE, round->upload_size,
                     round->upload_size);
      upload_done (task);
      return;
    }
  /* An unfinished upload of another size (a bad claim): the server starts it afresh when
   * a chunk comes from byte 0. */
  if (size >= 0 && size != round->upload_size)
    received = 0;
  if (received > round->upload_size)
    {
      upload_failed (task, g_error_new (OS_ERROR, OS_ERROR_PROTOCOL,
                                        _("Máy chủ trả lời không đúng giao thức (%s)."), "BlobStatus"));
      return;
    }
  round->upload_offset = received;
  if (status != 409 && received > 0)
    g_signal_emit (self, signals[BLOB_PROGRESS], 0, round->upload_sha256, TRUE, received, round->upload_size);
  upload_chunk (task);
}

static void
on_chunk_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autofree char *path = NULL;
  g_autofree char *range = NULL;
  gsize n = 0;
  const char *headers[3] = { "Content-Range", NULL, NULL };

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, &error))
    {
      upload_failed (task, g_steal_pointer (&error));
      return;
    }
  if (round->upload_size > 0 && n == 0)
    {
      upload_failed (task, g_error_new (OS_ERROR, OS_ERROR_BLOB_CORRUPT,
                                        _("Tệp đính kèm %s trên máy ngắn hơn kích thước đã ghi."),
                                        round->upload_sha256));
      return;
    }
  chunk = g_bytes_new (round->upload_buffer, n);
  if (round->upload_size == 0)
    range = g_strdup ("bytes */0");
  else
    range = g_strdup_printf ("bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                             round->upload_offset, round->upload_offset + (gint64) n - 1, round->upload_size);
  headers[1] = range;
  path = g_strconcat ("/blobs/", round->upload_sha256, NULL);
  os_api_client_send_bytes_async (self->client, "PUT", path, headers, chunk, "application/octet-stream",
                                  g_task_get_cancellable (task), on_upload_answer, task);
}

static void
upload_chunk (GTask *task)
{
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gint64 want = MIN ((gint64) UPLOAD_CHUNK, round->upload_size - round->upload_offset);

  if (!round_check (task))
    return;
  if (!g_seekable_seek (G_SEEKABLE (round->upload_stream), round->upload_offset, G_SEEK_SET,
                        g_task_get_cancellable (task), &error))
    {
      upload_failed (task, g_steal_pointer (&error));
      return;
    }
  if (round->upload_buffer == NULL)
    round->upload_buffer = g_malloc (UPLOAD_CHUNK);
  g_input_stream_read_all_async (round->upload_stream, round->upload_buffer, (gsize) want, G_PRIORITY_DEFAULT,
                                 g_task_get_cancellable (task), on_chunk_read, task);
}

static void
upload_next (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);

  if (!round_check (task))
    return;

  for (; round->upload_index < round->batch->len; round->upload_index++)
    {
      OsOutboxEntry *entry = g_ptr_array_index (round->batch, round->upload_index);
      g_autoptr(JsonParser) parser = NULL;
      g_autofree char *blob_path = NULL;
      g_autofree char *status_path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *payload;
      const char *sha256;
      gint64 size;

      if (g_strcmp0 (entry->kind, "attach") != 0 || self->blobs == NULL)
        continue;
      parser = json_parser_new ();
      payload = entry_payload (parser, entry);
      if (payload == NULL)
        continue;   /* send_batch() refuses it */
      sha256 = os_api_json_string (payload, "sha256");
      if (!os_blob_store_sha256_is_valid (sha256) || !os_api_json_int (payload, "size", &size) || size < 0)
        continue;   /* the server says `invalid` */
      blob_path = os_blob_store_get_path (self->blobs, sha256);
      if (blob_path != NULL)
        {
          file = g_file_new_for_path (blob_path);
          round->upload_stream = G_INPUT_STREAM (g_file_read (file, NULL, &error));
        }
      if (blob_path == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          const char *file_name = os_api_json_string (payload, "file_name");

          /* Not on this desk (cannot happen for its own attachments unless someone removed
           * it): the change waits (the server answers blob_missing unless it has the file
           * from elsewhere), and the officer is told which file is missing. */
          g_message ("The file %s of attachment change %s is not in the blob store", sha256, entry->id);
          g_free (round->notice);
          round->notice = g_strdup_printf (_("Tệp đính kèm “%s” (SHA-256 %.12s…) không còn trên máy này nên "
                                             "chưa gửi được lên máy chủ; thay đổi đính kèm vẫn chờ. Hãy đính "
                                             "kèm lại tệp này."),
                                           file_name ? file_name : "", sha256);
          continue;
        }
      if (round->upload_stream == NULL)
        {
          upload_failed (task, g_steal_pointer (&error));
          return;
        }
      g_free (round->upload_sha256);
      round->upload_sha256 = g_strdup (sha256);
      round->upload_size = size;
      round->upload_offset = 0;
      round->conflicts = 0;
      status_path = g_strconcat ("/blobs/", sha256, "/status", NULL);
      os_api_client_send_bytes_async (self->client, "GET", status_path, NULL, NULL, NULL,
                                      g_task_get_cancellable (task), on_upload_answer, task);
      return;
    }

  send_batch (task);
}

/* Fetch on demand ------------------------------------------------------------------ */

typedef struct
{
  char          *sha256;
  gint64         size;
  char          *partial;
  GOutputStream *out;
  gint64         offset;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_free (fetch->sha256);
  g_free (fetch->partial);
  g_clear_object (&fetch->out);
  g_free (fetch);
}

static void fetch_range (GTask *task);

/* Answers every caller waiting for this file. */
static void
fetch_complete (GTask  *task,
                GError *error)   /* taken; NULL for success */
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) owned = error;
  g_autofree char *key = NULL;

  g_clear_object (&fetch->out);
  if (g_hash_table_steal_extended (self->fetches, fetch->sha256, (gpointer *) &key, (gpointer *) &waiters))
    return_to_waiters (waiters, owned);
  if (owned == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&owned));
  g_object_unref (task);
}

/* Drops the partial file and fetches the file again from its first byte. */
static void
fetch_restart (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  g_clear_object (&fetch->out);
  g_unlink (fetch->partial);
  fetch->offset = 0;
  fetch_range (task);
}

static gboolean
parse_content_range (const char *text,
                     gint64     *start,
                     gint64     *end,
                     gint64     *total)
{
  return text != NULL &&
         sscanf (text, "bytes %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, start, end, total) == 3;
}

static void
on_range (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_range = NULL;
  gint64 start = 0, end = -1, total = fetch->size;
  guint status = 0;
  gsize n;
  gconstpointer data;

  bytes = os_api_client_send_bytes_finish (OS_API_CLIENT (source), result, &status, &content_range, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) || g_error_matches (error, OS_ERROR, OS_ERROR_FORBIDDEN))
        fetch_complete (task, g_error_new (OS_ERROR, OS_ERROR_NOT_FOUND,
                                           _("Máy chủ không có tệp đính kèm này, hoặc bạn không được xem nó.")));
      else
        fetch_complete (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (bytes, &n);
  if (status == 416 || status == 409)
    {
      /* The partial file is longer than the file: start again. */
      fetch_restart (task);
      return;
    }
  if (status == 200)
    {
      /* The whole file, from its first byte. */
      GFile *file = g_file_new_for_path (fetch->partial);

      g_clear_object (&fetch->out);
      fetch->out = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, &error));
      g_object_unref (file);
      if (fetch->out == NULL)
        {
          fetch_complete (task, g_steal_pointer (&error));
          return;
        }
      fetch->offset = 0;
      start = 0;
      end = (gint64) n - 1;
    }
  else if (!parse_content_range (content_range, &start, &end, &total) || start != fetch->offset ||
           end - start + 1 != (gint64) n || total != fetch->size)
    {
      fetch_complete (task, g_error_new (OS_ERROR, OS_ERROR_PROTOCOL,
                                         _("Máy chủ trả lời không đúng giao thức (%s)."), "Content-Range"));
      return;
    }
  if (!g_output_stream_write_all (fetch->out, data, n, NULL, g_task_get_cancellable (task), &error))
    {
      fetch_complete (task, g_steal_pointer (&error));
      return;
    }
  fetch->offset += n;
  g_signal_emit (self, signals[BLOB_PROGRESS], 0, fetch->sha256, FALSE, fetch->offset, fetch->size);
  fetch_range (task);
}

static void
fetch_range (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *range = NULL;
  const char *headers[3] = { "Range", NULL, NULL };

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      /* What arrived stays in the partial file for the next attempt. */
      fetch_complete (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled"));
      return;
    }

  if (fetch->out == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (fetch->partial);
      g_autoptr(GFileInfo) info = NULL;

      if (g_mkdir_with_parents (os_blob_store_get_root (self->blobs), 0700) != 0)
        {
          fetch_complete (task, g_error_new (OS_ERROR, OS_ERROR_IO, _("Không tạo được thư mục “%s”."),
                                             os_blob_store_get_root (self->blobs)));
          return;
        }
      fetch->out = G_OUTPUT_STREAM (g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL, &error));
      if (fetch->out != NULL)
        info = g_file_output_stream_query_info (G_FILE_OUTPUT_STREAM (fetch->out),
                                                G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error);
      if (info == NULL)
        {
          fetch_complete (task, g_steal_pointer (&error));
          return;
        }
      fetch->offset = g_file_info_get_size (info);
    }

  if (fetch->offset > fetch->size)
    {
      fetch_restart (task);
      return;
    }
  if (fetch->offset == fetch->size)
    {
      if (!g_output_stream_close (fetch->out, NULL, &error) ||
          !os_blob_store_adopt_file (self->blobs, fetch->partial, fetch->sha256, NULL, &error))
        {
          fetch_complete (task, g_steal_pointer (&error));
          return;
        }
      fetch_complete (task, NULL);
      return;
    }

  range = g_strdup_printf ("bytes=%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, fetch->offset,
                           MIN (fetch->offset + DOWNLOAD_CHUNK, fetch->size) - 1);
  headers[1] = range;
  path = g_strconcat ("/blobs/", fetch->sha256, NULL);
  os_api_client_send_bytes_async (self->client, "GET", path, headers, NULL, NULL,
                                  g_task_get_cancellable (task), on_range, task);
}

void
os_sync_engine_fetch_blob_async (OsSyncEngine        *self,
                                 const char          *sha256,
                                 gint64               size,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *waiters;
  Fetch *fetch;

  g_return_if_fail (OS_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_sync_engine_fetch_blob_async);
  if (self->blobs == NULL || !os_blob_store_sha256_is_valid (sha256) || size < 0)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Mã SHA-256 của tệp đính kèm không hợp lệ (cần đúng 64 chữ số hệ 16 viết thường)."));
      return;
    }
  if (os_blob_store_has (self->blobs, sha256))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* One download per file: later callers wait for the one under way. */
  waiters = g_hash_table_lookup (self->fetches, sha256);
  if (waiters != NULL)
    {
      g_ptr_array_add (waiters, g_steal_pointer (&task));
      return;
    }
  g_hash_table_insert (self->fetches, g_strdup (sha256), g_ptr_array_new_with_free_func (g_object_unref));

  fetch = g_new0 (Fetch, 1);
  fetch->sha256 = g_strdup (sha256);
  fetch->size = size;
  fetch->partial = os_blob_store_get_partial_path (self->blobs, sha256);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  fetch_range (g_steal_pointer (&task));
}

gboolean
os_sync_engine_fetch_blob_finish (OsSyncEngine  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Pull --------------------------------------------------------------------------- */

static void
on_pulled (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = os_api_client_call_finish (OS_API_CLIENT (source), result, NULL, &error);
  JsonObject *page;
  JsonArray *changes;
  const char *next_cursor;
  gboolean has_more;
  guint n = 0;

  if (root == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  page = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  changes = os_api_json_array (page, "changes");
  next_cursor = os_api_json_string (page, "next_cursor");
  if (changes == NULL || next_cursor == NULL || !os_api_json_bool (page, "has_more", &has_more) ||
      /* A page that says "more" but does not move on would loop for ever. */
      (has_more && json_array_get_length (changes) == 0 && g_strcmp0 (next_cursor, round->cursor) == 0))
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_PROTOCOL,
                               _("Máy chủ trả lời không đúng giao thức (%s)."), "ChangePage");
      return;
    }

  if (!os_store_apply_changes (self->store, changes, next_cursor, &n, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  round->n_changed += n;
  round->n_pages++;

  if (has_more)
    pull_next (g_steal_pointer (&task));
  else
    fetch_definitions (g_steal_pointer (&task));
}

static void
pull_next (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (!round_check (task))
    return;

  g_free (round->cursor);
  round->cursor = os_store_dup_sync_cursor (self->store);
  escaped = g_uri_escape_string (round->cursor, NULL, FALSE);
  path = g_strdup_printf ("/sync/changes?limit=%d%s%s", PULL_PAGE_SIZE,
                          *escaped ? "&cursor=" : "", escaped);
  os_api_client_call_async (self->client, "GET", path, NULL, g_task_get_cancellable (task),
                            on_pulled, task);
}

/* Definitions: the procedure catalogue, then the process definitions ------------- */

/* A feed of definitions fetched at the end of each round with the ETag kept as the
 * setting @etag_setting. Records matter more: a feed the server cannot give now (an older
 * server's 404, a user who may not read it) or a body that does not follow the API is
 * asked for again next round, and the round goes on. */
typedef struct
{
  const char *path;
  const char *etag_setting;
  const char *what;     /* for the log */
  gboolean  (*apply) (OsStore *store, JsonNode *root, const char *etag, GError **error);
} DefinitionsFeed;

static const DefinitionsFeed definitions_feeds[] = {
  { "/definitions/procedures", "catalogue-etag", "Procedure catalogue", os_store_apply_catalogue },
  { "/definitions/processes", "processes-etag", "Process definitions", os_store_apply_processes },
};

static void
on_definitions (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  const DefinitionsFeed *feed = &definitions_feeds[round->definitions];
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(JsonNode) root = os_api_client_get_with_etag_finish (OS_API_CLIENT (source), result,
                                                                  &etag, &error);

  if (root == NULL && error != NULL)
    {
      if (!g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) &&
          !g_error_matches (error, OS_ERROR, OS_ERROR_FORBIDDEN) &&
          !g_error_matches (error, OS_ERROR, OS_ERROR_PROTOCOL))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_message ("%s not fetched: %s", feed->what, error->message);
    }
  else if (root != NULL && !feed->apply (self->store, root, etag, &error))
    {
      if (!g_error_matches (error, OS_ERROR, OS_ERROR_PROTOCOL))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_message ("%s not applied: %s", feed->what, error->message);
    }
  round->definitions++;
  fetch_definitions (g_steal_pointer (&task));
}

static void
fetch_definitions (GTask *task)
{
  OsSyncEngine *self = g_task_get_source_object (task);
  Round *round = g_task_get_task_data (task);
  const DefinitionsFeed *feed;
  g_autofree char *etag = NULL;

  if (round->definitions >= G_N_ELEMENTS (definitions_feeds))
    {
      round_succeeded (task);
      g_object_unref (task);
      return;
    }
  if (!round_check (task))
    return;
  feed = &definitions_feeds[round->definitions];
  etag = os_store_dup_setting (self->store, feed->etag_setting);
  os_api_client_get_with_etag_async (self->client, feed->path, etag, g_task_get_cancellable (task),
                                     on_definitions, task);
}

/* Publishing a process definition ------------------------------------------------ */

static void
on_published (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsSyncEngine *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *api_code = NULL;
  g_autoptr(OsProcess) published = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status = 0;

  root = os_api_client_call_finish_full (OS_API_CLIENT (source), result, &status, &api_code, &error);
  if (root == NULL)
    {
      /* A 404/405 that is not the API's word: a server without process definitions. */
      if (g_error_matches (error, OS_ERROR, OS_ERROR_REJECTED) && api_code == NULL &&
          (status == 404 || status == 405))
        g_task_return_new_error (task, OS_ERROR, OS_ERROR_REJECTED,
                                 _("Máy chủ chưa hỗ trợ ban hành quy trình. Hãy cập nhật phần mềm máy chủ."));
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  published = os_process_new_from_json (root, NULL);
  if (published == NULL || os_process_get_version (published) < 1)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_PROTOCOL,
                               _("Máy chủ trả lời không đúng giao thức (%s)."), "ProcessDefinition");
      return;
    }
  if (!os_store_put_process_version (self->store, published, &error) ||
      !os_store_delete_process_draft (self->store, os_process_get_id (published), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&published), g_object_unref);
}

void
os_sync_engine_publish_process_async (OsSyncEngine        *self,
                                      OsProcess           *draft,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) body = NULL;
  GError *error = NULL;

  g_return_if_fail (OS_IS_SYNC_ENGINE (self));
  g_return_if_fail (OS_IS_PROCESS (draft));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_sync_engine_publish_process_async);

  /* What the server would refuse is said at once, offline too. */
  if (!os_process_validate (draft, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  body = os_process_to_json (draft);
  os_api_client_call_async (self->client, "POST", "/definitions/processes", body, cancellable,
                            on_published, g_steal_pointer (&task));
}

OsProcess *
os_sync_engine_publish_process_finish (OsSyncEngine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Rounds and scheduling ---------------------------------------------------------- */

static guint
jittered (guint ms)
{
  /* ±20 %, so desks that failed together do not come back together. */
  return ms - ms / 5 + g_random_int_range (0, (gint) (2 * (ms / 5) + 1));
}

static gboolean
on_retry (gpointer user_data)
{
  OsSyncEngine *self = user_data;

  self->retry_source = 0;
  if (!self->in_round)
    start_round (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (OsSyncEngine *self)
{
  self->backoff_ms = self->backoff_ms == 0 ? BACKOFF_FIRST_MS : MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (jittered (self->backoff_ms), on_retry, self);
}

static void
on_round_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  OsSyncEngine *self = OS_SYNC_ENGINE (source);
  Round *round = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);
  gboolean retry_later = round->retry_later;
  guint n_changed = round->n_changed;
  g_autofree char *notice = g_strdup (round->notice);

  self->in_round = FALSE;
  waiters = g_steal_pointer (&self->round_waiters);
  self->round_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  refresh_counts (self);

  if (ok)
    {
      self->last_sync = g_get_real_time () / G_USEC_PER_SEC;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
      set_state (self, self->pending > 0 ? OS_SYNC_STATE_WAITING : OS_SYNC_STATE_UP_TO_DATE,
                 self->pending > 0 ? notice : NULL);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_state (self, self->pending > 0 ? OS_SYNC_STATE_WAITING : OS_SYNC_STATE_UP_TO_DATE, NULL);
  else if (g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED))
    set_state (self, OS_SYNC_STATE_LOGGED_OUT, error->message);
  else if (g_error_matches (error, OS_ERROR, OS_ERROR_NETWORK))
    set_state (self, OS_SYNC_STATE_OFFLINE, error->message);
  else
    set_state (self, OS_SYNC_STATE_ERROR, error->message);

  if (n_changed > 0)
    g_signal_emit (self, signals[CHANGES_APPLIED], 0, n_changed);

  return_to_waiters (waiters, ok ? NULL : error);

  if (self->next_waiters->len > 0 || (self->running && self->again))
    {
      self->again = FALSE;
      start_round (self);
    }
  else if (self->running)
    {
      if (ok && !retry_later)
        self->backoff_ms = 0;
      else if (!g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED) &&
               !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        schedule_retry (self);
    }

  g_object_unref (self);
}

static void
start_round (OsSyncEngine *self)
{
  g_autoptr(OsAgency) agency = NULL;
  GTask *task;
  Round *round;

  g_assert (!self->in_round);
  self->in_round = TRUE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->again = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_ptr_array_extend_and_steal (self->round_waiters, g_steal_pointer (&self->next_waiters));
  self->next_waiters = g_ptr_array_new_with_free_func (g_object_unref);

  set_state (self, OS_SYNC_STATE_SYNCING, NULL);

  round = g_new0 (Round, 1);
  round->client_id = os_store_dup_client_id (self->store);
  round->held_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  round->batch_size = self->batch_size;

  /* Lease ahead: today and the next days, topped up when a quarter is left. */
  agency = os_store_dup_agency (self->store);
  if (os_store_is_enrolled (self->store) && os_agency_identifier_is_valid (agency->identifier))
    {
      GDate date = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);

      round->agency = g_strdup (agency->identifier);
      round->lease_days = g_ptr_array_new_with_free_func (g_free);
      for (int d = 0; d <= LEASE_DAYS_AHEAD; d++)
        {
          if (os_store_count_free_codes (self->store, round->agency, &date) < (gint64) self->block_size / 4 + 1)
            g_ptr_array_add (round->lease_days,
                             g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                                              g_date_get_month (&date), g_date_get_day (&date)));
          g_date_add_days (&date, 1);
        }
    }

  task = g_task_new (g_object_ref (self), self->cancellable, on_round_done, NULL);
  g_task_set_source_tag (task, start_round);
  g_task_set_task_data (task, round, (GDestroyNotify) round_free);
  lease_next (task);
}

static gboolean
on_soon (gpointer user_data)
{
  OsSyncEngine *self = user_data;

  self->soon_source = 0;
  if (self->in_round)
    self->again = TRUE;
  else
    start_round (self);
  return G_SOURCE_REMOVE;
}

static void
run_soon (OsSyncEngine *self)
{
  if (self->soon_source == 0)
    self->soon_source = g_idle_add (on_soon, self);
}

static gboolean
on_periodic (gpointer user_data)
{
  OsSyncEngine *self = user_data;

  /* A round already scheduled after a failure keeps its backoff. */
  if (!self->in_round && self->retry_source == 0 && self->state != OS_SYNC_STATE_LOGGED_OUT)
    run_soon (self);
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed (OsSyncEngine *self,
                    gboolean      available,
                    GNetworkMonitor *monitor)
{
  if (!available || !self->running)
    return;
  /* The network is back: try now instead of waiting out the backoff. */
  if (self->state == OS_SYNC_STATE_OFFLINE || self->state == OS_SYNC_STATE_ERROR ||
      self->state == OS_SYNC_STATE_WAITING)
    {
      self->backoff_ms = 0;
      g_clear_handle_id (&self->retry_source, g_source_remove);
      run_soon (self);
    }
}

void
os_sync_engine_start (OsSyncEngine *self)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));

  if (self->running)
    return;
  self->running = TRUE;
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  self->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (on_network_changed), self,
                           G_CONNECT_SWAPPED);
  self->periodic_source = g_timeout_add_seconds (PERIODIC_SECONDS, on_periodic, self);
  self->backoff_ms = 0;
  run_soon (self);
}

void
os_sync_engine_stop (OsSyncEngine *self)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));

  self->running = FALSE;
  self->again = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->periodic_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  if (self->monitor)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->in_round)
    g_cancellable_cancel (self->cancellable);
  fail_waiters (self->next_waiters);
}

void
os_sync_engine_poke (OsSyncEngine *self)
{
  g_return_if_fail (OS_IS_SYNC_ENGINE (self));

  if (!self->running)
    return;
  if (self->state == OS_SYNC_STATE_LOGGED_OUT)
    self->backoff_ms = 0;
  if (self->in_round)
    self->again = TRUE;
  else
    {
      /* Local work goes out now, not after a backoff meant for a failing server. */
      g_clear_handle_id (&self->retry_source, g_source_remove);
      run_soon (self);
    }
}

void
os_sync_engine_sync_async (OsSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (OS_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_sync_engine_sync_async);

  /* A round already running may have passed the push: answer after a whole new one. */
  g_ptr_array_add (self->next_waiters, task);
  if (!self->in_round)
    {
      g_clear_handle_id (&self->soon_source, g_source_remove);
      start_round (self);
    }
}

gboolean
os_sync_engine_sync_finish (OsSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
