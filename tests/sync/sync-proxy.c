/* sync-proxy.c: see sync-proxy.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "sync-proxy.h"

struct _SyncProxy
{
  GSocketService  *service;
  GTlsCertificate *certificate;
  GTlsDatabase    *trust;
  guint            upstream_port;
  char            *base_url;
  gint             drop_pushes;   /* atomic */
  gint             dropped;       /* atomic */
  gssize           upload_bytes;  /* atomic: PUT request bytes forwarded to the server */
  gint64           cut_after;     /* cut at PUTs past this many bytes (0: never) */
  gboolean         cut_once;      /* … only the first one */
};

/* Reads one HTTP message (head + Content-Length body) from @in, with @buffer holding what
 * was read past the previous one. NULL at a clean end of stream or on an error. */
static GBytes *
read_message (GInputStream *in,
              GByteArray   *buffer,
              gboolean      response,
              gboolean      head_request)
{
  gsize head_end = 0;
  gint64 length = 0;
  guint status = 0;

  for (;;)
    {
      guint8 chunk[16384];
      gssize n;
      const char *data = (const char *) buffer->data;
      const char *end = buffer->len >= 4 ? g_strstr_len (data, buffer->len, "\r\n\r\n") : NULL;

      if (end != NULL)
        {
          head_end = (end - data) + 4;
          break;
        }
      n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);
      if (n <= 0)
        return NULL;
      g_byte_array_append (buffer, chunk, n);
    }

  {
    g_autofree char *head = g_strndup ((const char *) buffer->data, head_end);
    g_auto(GStrv) lines = g_strsplit (head, "\r\n", -1);

    if (response && lines[0] != NULL && strlen (lines[0]) > 12)
      status = (guint) g_ascii_strtoull (lines[0] + 9, NULL, 10);
    for (guint i = 1; lines[i] != NULL; i++)
      if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
        length = g_ascii_strtoll (lines[i] + 15, NULL, 10);
  }
  if (response && (status == 204 || status == 304 || head_request))
    length = 0;

  while (buffer->len < head_end + length)
    {
      guint8 chunk[16384];
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);

      if (n <= 0)
        return NULL;
      g_byte_array_append (buffer, chunk, n);
    }

  {
    GBytes *message = g_bytes_new (buffer->data, head_end + length);

    g_byte_array_remove_range (buffer, 0, head_end + length);
    return message;
  }
}

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  SyncProxy *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) client = NULL;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) upstream_tcp = NULL;
  g_autoptr(GIOStream) upstream = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GByteArray) from_client = g_byte_array_new ();
  g_autoptr(GByteArray) from_server = g_byte_array_new ();

  client = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error);
  if (client == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (client), NULL, &error))
    return TRUE;

  upstream_tcp = g_socket_client_connect_to_host (socket_client, "127.0.0.1", self->upstream_port, NULL, &error);
  if (upstream_tcp == NULL)
    return TRUE;   /* the server is down: the desk sees its connection closed */
  identity = g_network_address_new ("127.0.0.1", self->upstream_port);
  upstream = g_tls_client_connection_new (G_IO_STREAM (upstream_tcp), identity, &error);
  if (upstream == NULL)
    return TRUE;
  g_tls_connection_set_database (G_TLS_CONNECTION (upstream), self->trust);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (upstream), NULL, &error))
    return TRUE;

  for (;;)
    {
      g_autoptr(GBytes) request = read_message (g_io_stream_get_input_stream (client), from_client, FALSE, FALSE);
      g_autoptr(GBytes) answer = NULL;
      gsize size;
      const char *data;
      gboolean is_push, is_head;

      if (request == NULL)
        break;
      data = g_bytes_get_data (request, &size);
      is_push = size > 5 && strncmp (data, "POST ", 5) == 0 && g_strstr_len (data, MIN (size, 200), "/sync/push") != NULL;
      is_head = size > 5 && strncmp (data, "HEAD ", 5) == 0;
      if (size > 4 && strncmp (data, "PUT ", 4) == 0)
        {
          gint64 cut = self->cut_after;   /* set by the test while no upload runs */

          if (cut > 0 && (gint64) g_atomic_pointer_get (&self->upload_bytes) >= cut)
            {
              /* The network went away in the middle of the upload. */
              if (self->cut_once)
                self->cut_after = 0;
              break;
            }
          g_atomic_pointer_add (&self->upload_bytes, (gssize) size);
        }
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (upstream), data, size, NULL, NULL, NULL))
        break;

      answer = read_message (g_io_stream_get_input_stream (upstream), from_server, TRUE, is_head);
      if (answer == NULL)
        break;

      if (is_push && g_atomic_int_get (&self->drop_pushes) > 0)
        {
          /* The server has answered, so it committed: the desk never hears of it. */
          g_atomic_int_add (&self->drop_pushes, -1);
          g_atomic_int_inc (&self->dropped);
          break;
        }
      data = g_bytes_get_data (answer, &size);
      if (!g_output_stream_write_all (g_io_stream_get_output_stream (client), data, size, NULL, NULL, NULL))
        break;
    }

  g_io_stream_close (client, NULL, NULL);
  g_io_stream_close (upstream, NULL, NULL);
  return TRUE;
}

void
sync_proxy_cut_uploads_after (SyncProxy *self,
                              gint64     bytes,
                              gboolean   once)
{
  self->cut_after = bytes;
  self->cut_once = once;
}

gint64
sync_proxy_take_upload_bytes (SyncProxy *self)
{
  return (gint64) g_atomic_pointer_exchange (&self->upload_bytes, 0);
}

SyncProxy *
sync_proxy_new (guint         upstream_port,
                GTlsDatabase *upstream_trust)
{
  SyncProxy *self = g_new0 (SyncProxy, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  self->upstream_port = upstream_port;
  self->trust = g_object_ref (upstream_trust);
  self->certificate = g_tls_certificate_new_from_files (g_getenv ("ONESTOP_TEST_CERT"),
                                                        g_getenv ("ONESTOP_TEST_KEY"), &error);
  g_assert_no_error (error);

  self->service = g_threaded_socket_service_new (16);
  g_signal_connect (self->service, "run", G_CALLBACK (on_run), self);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  self->base_url = g_strdup_printf ("https://127.0.0.1:%u/api/v1",
                                    g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_socket_service_start (self->service);
  return self;
}

void
sync_proxy_free (SyncProxy *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  /* Worker threads may still be inside on_run() with @self (a desk's idle keep-alive
   * connection): the few bytes of the proxy are left to the end of the test program. */
}

const char *
sync_proxy_get_base_url (SyncProxy *self)
{
  return self->base_url;
}

void
sync_proxy_drop_pushes (SyncProxy *self,
                        guint      n)
{
  g_atomic_int_set (&self->drop_pushes, (gint) n);
}

guint
sync_proxy_get_dropped (SyncProxy *self)
{
  return (guint) g_atomic_int_get (&self->dropped);
}
