/* os-blob-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os-blob-store.h"
#include "os-error.h"

#define CHUNK_SIZE (256 * 1024)
#define TEMP_PREFIX ".tmp-"
/* A temporary file this old belongs to a process that died while writing it. */
#define STALE_TEMP_SECONDS 60

struct _OsBlobStore
{
  GObject  parent_instance;

  char    *root;
};

G_DEFINE_FINAL_TYPE (OsBlobStore, os_blob_store, G_TYPE_OBJECT)

static void
os_blob_store_finalize (GObject *object)
{
  OsBlobStore *self = (OsBlobStore *) object;

  g_free (self->root);

  G_OBJECT_CLASS (os_blob_store_parent_class)->finalize (object);
}

static void
os_blob_store_class_init (OsBlobStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_blob_store_finalize;
}

static void
os_blob_store_init (OsBlobStore *self)
{
}

gboolean
os_blob_store_sha256_is_valid (const char *sha256)
{
  if (sha256 == NULL)
    return FALSE;
  for (guint i = 0; i < OS_BLOB_SHA256_LENGTH; i++)
    {
      char c = sha256[i];

      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        return FALSE;   /* also stops at a short string's NUL */
    }
  return sha256[OS_BLOB_SHA256_LENGTH] == '\0';
}

static gboolean
check_sha256 (const char  *sha256,
              GError     **error)
{
  if (os_blob_store_sha256_is_valid (sha256))
    return TRUE;
  g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Mã SHA-256 của tệp đính kèm không hợp lệ (cần đúng 64 chữ số hệ 16 viết thường)."));
  return FALSE;
}

/* Only for a checked @sha256. */
static char *
blob_dir (OsBlobStore *self,
          const char  *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->root, prefix, NULL);
}

static char *
blob_path (OsBlobStore *self,
           const char  *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->root, prefix, sha256 + 2, NULL);
}

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, OS_ERROR, OS_ERROR_IO,
                 _("Ổ đĩa đã đầy, không lưu được tệp đính kèm. Hãy giải phóng dung lượng rồi thử lại. (%s)"),
                 path);
  else
    g_set_error (error, OS_ERROR, OS_ERROR_IO,
                 _("Không đọc hoặc ghi được tệp “%s”: %s"), path, g_strerror (saved_errno));
}

/* Makes a rename or a new file in @dir survive a power cut. */
static gboolean
sync_dir (const char  *dir,
          GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      set_io_error (error, saved, dir);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static void
remove_stale_temp_files (OsBlobStore *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->root, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, TEMP_PREFIX))
        continue;
      path = g_build_filename (self->root, name, NULL);
      if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
          now - (gint64) st.st_mtime > STALE_TEMP_SECONDS)
        {
          if (g_unlink (path) != 0)
            g_warning ("Could not remove stale temporary file %s: %s", path, g_strerror (errno));
        }
    }
}

OsBlobStore *
os_blob_store_new (const char *root_dir)
{
  OsBlobStore *self;

  g_return_val_if_fail (root_dir != NULL && *root_dir != '\0', NULL);

  self = g_object_new (OS_TYPE_BLOB_STORE, NULL);
  self->root = g_strdup (root_dir);
  remove_stale_temp_files (self);
  return self;
}

const char *
os_blob_store_get_root (OsBlobStore *self)
{
  g_return_val_if_fail (OS_IS_BLOB_STORE (self), NULL);
  return self->root;
}

/* Writing -------------------------------------------------------------------- */

typedef struct
{
  OsBlobStore *store;
  char        *path;
  int          fd;
  GChecksum   *checksum;
  goffset      size;
} TempBlob;

static void
temp_blob_clear (TempBlob *t)
{
  if (t->fd >= 0)
    close (t->fd);
  t->fd = -1;
  if (t->path != NULL)
    g_unlink (t->path);   /* nothing left behind on failure or cancel */
  g_clear_pointer (&t->path, g_free);
  g_clear_pointer (&t->checksum, g_checksum_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TempBlob, temp_blob_clear)

static gboolean
temp_blob_open (TempBlob     *t,
                OsBlobStore  *store,
                GError      **error)
{
  t->store = store;
  t->fd = -1;
  if (g_mkdir_with_parents (store->root, 0700) != 0)
    {
      set_io_error (error, errno, store->root);
      return FALSE;
    }
  t->path = g_build_filename (store->root, TEMP_PREFIX "XXXXXX", NULL);
  t->fd = g_mkstemp_full (t->path, O_RDWR | O_CLOEXEC, 0600);
  if (t->fd < 0)
    {
      int saved = errno;

      set_io_error (error, saved, store->root);
      g_clear_pointer (&t->path, g_free);   /* not created: nothing to unlink */
      return FALSE;
    }
  t->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  return TRUE;
}

static gboolean
temp_blob_write (TempBlob      *t,
                 const guint8  *data,
                 gsize          length,
                 GError       **error)
{
  g_checksum_update (t->checksum, data, length);
  t->size += length;
  while (length > 0)
    {
      gssize n = write (t->fd, data, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_io_error (error, errno, t->path);
          return FALSE;
        }
      data += n;
      length -= n;
    }
  return TRUE;
}

/* Flushes the temporary file and renames it to its content's name, unless a whole copy of
 * that content is already there. */
static gboolean
temp_blob_commit (TempBlob  *t,
                  char     **sha256_out,
                  GError   **error)
{
  g_autofree char *sha256 = g_strdup (g_checksum_get_string (t->checksum));
  g_autofree char *dir = blob_dir (t->store, sha256);
  g_autofree char *path = blob_path (t->store, sha256);
  GStatBuf st;

  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == t->size)
    {
      /* Same name and size: the same content (a corrupted copy is found by verify). */
      temp_blob_clear (t);
    }
  else
    {
      if (fsync (t->fd) != 0 || close (t->fd) != 0)
        {
          t->fd = -1;
          set_io_error (error, errno, t->path);
          return FALSE;
        }
      t->fd = -1;
      /* os_blob_store_remove() drops a folder once it is empty: if that happened between
       * creating it and renaming into it, create it again. */
      for (int attempt = 0;; attempt++)
        {
          if (g_mkdir_with_parents (dir, 0700) != 0)
            {
              set_io_error (error, errno, dir);
              return FALSE;
            }
          if (g_rename (t->path, path) == 0)
            break;
          if (errno != ENOENT || attempt == 2)
            {
              set_io_error (error, errno, path);
              return FALSE;
            }
        }
      g_clear_pointer (&t->path, g_free);
      if (!sync_dir (dir, error) || !sync_dir (t->store->root, error))
        return FALSE;
    }

  if (sha256_out != NULL)
    *sha256_out = g_steal_pointer (&sha256);
  return TRUE;
}

gboolean
os_blob_store_put_file (OsBlobStore   *self,
                        GFile         *source,
                        char         **sha256_out,
                        goffset       *size_out,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_auto(TempBlob) t = { NULL, NULL, -1, NULL, 0 };
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GError) local_error = NULL;
  goffset size;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (source), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  in = g_file_read (source, cancellable, &local_error);
  if (in == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (source);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, OS_ERROR, OS_ERROR_IO,
                     _("Không đọc được tệp “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  if (!temp_blob_open (&t, self, error))
    return FALSE;

  buffer = g_malloc (CHUNK_SIZE);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, CHUNK_SIZE,
                                      cancellable, &local_error);

      if (n < 0)
        {
          g_autofree char *name = g_file_get_parse_name (source);

          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, OS_ERROR, OS_ERROR_IO,
                         _("Không đọc được tệp “%s”: %s"), name, local_error->message);
          return FALSE;
        }
      if (n == 0)
        break;
      if (!temp_blob_write (&t, buffer, n, error))
        return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  size = t.size;
  if (!temp_blob_commit (&t, sha256_out, error))
    return FALSE;
  if (size_out != NULL)
    *size_out = size;
  return TRUE;
}

gboolean
os_blob_store_put_bytes (OsBlobStore   *self,
                         GBytes        *bytes,
                         char         **sha256_out,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_auto(TempBlob) t = { NULL, NULL, -1, NULL, 0 };
  const guint8 *data;
  gsize size, offset = 0;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (bytes, &size);
  if (!temp_blob_open (&t, self, error))
    return FALSE;
  while (offset < size)
    {
      gsize n = MIN (CHUNK_SIZE, size - offset);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !temp_blob_write (&t, data + offset, n, error))
        return FALSE;
      offset += n;
    }
  return temp_blob_commit (&t, sha256_out, error);
}

typedef struct
{
  char    *sha256;
  goffset  size;
} PutResult;

static void
put_result_free (PutResult *result)
{
  g_free (result->sha256);
  g_free (result);
}

static void
put_file_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  PutResult *result = g_new0 (PutResult, 1);
  GError *error = NULL;

  if (os_blob_store_put_file (source_object, task_data, &result->sha256, &result->size,
                              cancellable, &error))
    g_task_return_pointer (task, result, (GDestroyNotify) put_result_free);
  else
    {
      put_result_free (result);
      g_task_return_error (task, error);
    }
}

void
os_blob_store_put_file_async (OsBlobStore         *self,
                              GFile               *source,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OS_IS_BLOB_STORE (self));
  g_return_if_fail (G_IS_FILE (source));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_blob_store_put_file_async);
  g_task_set_task_data (task, g_object_ref (source), g_object_unref);
  g_task_run_in_thread (task, put_file_thread);
}

gboolean
os_blob_store_put_file_finish (OsBlobStore   *self,
                               GAsyncResult  *result,
                               char         **sha256_out,
                               goffset       *size_out,
                               GError       **error)
{
  PutResult *put;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, os_blob_store_put_file_async), FALSE);

  put = g_task_propagate_pointer (G_TASK (result), error);
  if (put == NULL)
    return FALSE;
  if (sha256_out != NULL)
    *sha256_out = g_steal_pointer (&put->sha256);
  if (size_out != NULL)
    *size_out = put->size;
  put_result_free (put);
  return TRUE;
}

/* Reading -------------------------------------------------------------------- */

char *
os_blob_store_get_path (OsBlobStore *self,
                        const char  *sha256)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), NULL);

  if (!os_blob_store_sha256_is_valid (sha256))
    return NULL;
  path = blob_path (self, sha256);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&path);
}

gboolean
os_blob_store_has (OsBlobStore *self,
                   const char  *sha256)
{
  g_autofree char *path = os_blob_store_get_path (self, sha256);

  return path != NULL;
}

gboolean
os_blob_store_remove (OsBlobStore  *self,
                      const char   *sha256,
                      GError      **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), FALSE);

  if (!check_sha256 (sha256, error))
    return FALSE;
  path = blob_path (self, sha256);
  if (g_unlink (path) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      set_io_error (error, errno, path);
      return FALSE;
    }
  dir = blob_dir (self, sha256);
  g_rmdir (dir);   /* only succeeds once the folder is empty */
  return TRUE;
}

/* The SHA-256 (lowercase hex) of what is left to read of @fd, which stays open; @path
 * names it in errors. */
static gboolean
hash_fd (int            fd,
         const char    *path,
         GCancellable  *cancellable,
         char         **digest,
         GError       **error)
{
  g_autofree guint8 *buffer = g_malloc (CHUNK_SIZE);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (;;)
    {
      gssize n = read (fd, buffer, CHUNK_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_io_error (error, errno, path);
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
  *digest = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

gboolean
os_blob_store_verify (OsBlobStore   *self,
                      const char    *sha256,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *digest = NULL;
  int fd;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), FALSE);

  if (!check_sha256 (sha256, error))
    return FALSE;
  path = blob_path (self, sha256);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      if (errno == ENOENT)
        g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                     _("Không tìm thấy tệp đính kèm %s trong kho lưu trữ."), sha256);
      else
        set_io_error (error, errno, path);
      return FALSE;
    }

  if (!hash_fd (fd, path, cancellable, &digest, error))
    {
      close (fd);
      return FALSE;
    }
  close (fd);

  if (strcmp (digest, sha256) != 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_BLOB_CORRUPT,
                   _("Tệp đính kèm %s đã bị hỏng trên đĩa (nội dung không còn khớp mã SHA-256)."),
                   sha256);
      return FALSE;
    }
  return TRUE;
}

char *
os_blob_store_get_partial_path (OsBlobStore *self,
                                const char  *sha256)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), NULL);

  if (!os_blob_store_sha256_is_valid (sha256))
    return NULL;
  name = g_strconcat (".partial-", sha256, NULL);
  return g_build_filename (self->root, name, NULL);
}

gboolean
os_blob_store_adopt_file (OsBlobStore   *self,
                          const char    *path,
                          const char    *sha256,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *digest = NULL;
  int fd;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_sha256 (sha256, error))
    return FALSE;
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_io_error (error, errno, path);
      return FALSE;
    }
  if (!hash_fd (fd, path, cancellable, &digest, error))
    {
      close (fd);
      return FALSE;
    }
  if (strcmp (digest, sha256) != 0)
    {
      close (fd);
      g_unlink (path);
      g_set_error (error, OS_ERROR, OS_ERROR_BLOB_CORRUPT,
                   _("Tệp tải về không khớp mã SHA-256 %s; đã bỏ tệp này."), sha256);
      return FALSE;
    }
  if (fsync (fd) != 0)
    {
      set_io_error (error, errno, path);
      close (fd);
      return FALSE;
    }
  close (fd);

  dir = blob_dir (self, sha256);
  target = blob_path (self, sha256);
  for (int attempt = 0;; attempt++)
    {
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          set_io_error (error, errno, dir);
          return FALSE;
        }
      if (g_rename (path, target) == 0)
        break;
      if (errno != ENOENT || attempt == 2)
        {
          set_io_error (error, errno, target);
          return FALSE;
        }
    }
  return sync_dir (dir, error) && sync_dir (self->root, error);
}

static gboolean
is_hex_name (const char *name,
             gsize       length)
{
  if (strlen (name) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (name[i]) || g_ascii_isupper (name[i]))
      return FALSE;
  return TRUE;
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

GStrv
os_blob_store_list (OsBlobStore  *self,
                    GError      **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) root = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (OS_IS_BLOB_STORE (self), NULL);

  root = g_dir_open (self->root, 0, &local_error);
  if (root == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_new0 (char *, 1);
      g_set_error (error, OS_ERROR, OS_ERROR_IO,
                   _("Không đọc được thư mục tệp đính kèm “%s”: %s"), self->root,
                   local_error->message);
      return NULL;
    }
  while ((name = g_dir_read_name (root)) != NULL)
    {
      g_autofree char *sub_path = NULL;
      g_autoptr(GDir) sub = NULL;
      const char *leaf;

      if (!is_hex_name (name, 2))
        continue;
      sub_path = g_build_filename (self->root, name, NULL);
      sub = g_dir_open (sub_path, 0, NULL);
      if (sub == NULL)
        continue;
      while ((leaf = g_dir_read_name (sub)) != NULL)
        if (is_hex_name (leaf, OS_BLOB_SHA256_LENGTH - 2))
          g_ptr_array_add (names, g_strconcat (name, leaf, NULL));
    }

  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}
