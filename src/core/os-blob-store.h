/* os-blob-store.h: attachment files stored by content (SHA-256) under the desk's data
 * directory, as ROOT/ab/cdef… (the first two hex digits name the folder).
 *
 * A file is written to a temporary file in ROOT, flushed to disk and then renamed into
 * place, so a blob that exists under its name is always whole. A killed process leaves at
 * most a ROOT/.tmp-* file, removed by the next os_blob_store_new() once it is a minute old.
 *
 * The store keeps no state but its root: one instance may be used from several threads,
 * and several processes may share a root.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OS_BLOB_SHA256_LENGTH 64

#define OS_TYPE_BLOB_STORE (os_blob_store_get_type ())

G_DECLARE_FINAL_TYPE (OsBlobStore, os_blob_store, OS, BLOB_STORE, GObject)

/* TRUE if @sha256 is exactly 64 lower-case hexadecimal digits. No path is ever built
 * from a string that fails this. */
gboolean     os_blob_store_sha256_is_valid  (const char          *sha256);

/* Does not touch the disk beyond removing stale temporary files; @root_dir is created on
 * the first put. */
OsBlobStore *os_blob_store_new              (const char          *root_dir);
const char  *os_blob_store_get_root         (OsBlobStore         *self);

/* Streams @source into the store. @sha256_out (lower-case hex) and @size_out may be NULL.
 * Storing content that is already there leaves the existing file untouched. */
gboolean     os_blob_store_put_file         (OsBlobStore         *self,
                                             GFile               *source,
                                             char               **sha256_out,
                                             goffset             *size_out,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* The same in a worker thread: big files must not block the UI. */
void         os_blob_store_put_file_async   (OsBlobStore         *self,
                                             GFile               *source,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean     os_blob_store_put_file_finish  (OsBlobStore         *self,
                                             GAsyncResult        *result,
                                             char               **sha256_out,
                                             goffset             *size_out,
                                             GError             **error);
gboolean     os_blob_store_put_bytes        (OsBlobStore         *self,
                                             GBytes              *bytes,
                                             char               **sha256_out,
                                             GCancellable        *cancellable,
                                             GError             **error);

/* The path of the blob, or NULL if @sha256 is not valid or not stored. */
char        *os_blob_store_get_path         (OsBlobStore         *self,
                                             const char          *sha256);
gboolean     os_blob_store_has              (OsBlobStore         *self,
                                             const char          *sha256);
/* Removing a blob that is not there succeeds. Only remove a blob no attachment references
 * any more (see os_store_remove_attachment()). */
gboolean     os_blob_store_remove           (OsBlobStore         *self,
                                             const char          *sha256,
                                             GError             **error);
/* Reads the blob again and checks its content still has its name: OS_ERROR_NOT_FOUND if
 * it is missing, OS_ERROR_BLOB_CORRUPT if it changed on disk. */
gboolean     os_blob_store_verify           (OsBlobStore         *self,
                                             const char          *sha256,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* Downloads (os_sync_engine_fetch_blob_async()): a file being fetched is written to its
 * partial path, ROOT/.partial-SHA256 (kept across restarts so a download resumes where it
 * stopped), then adopted. NULL if @sha256 is not valid. */
char        *os_blob_store_get_partial_path (OsBlobStore         *self,
                                             const char          *sha256);
/* Moves the file at @path (on the store's file system, e.g. the partial path) into the
 * store as @sha256 once its content is checked to hash to it. A file that does not match
 * is removed and the call fails with OS_ERROR_BLOB_CORRUPT. */
gboolean     os_blob_store_adopt_file       (OsBlobStore         *self,
                                             const char          *path,
                                             const char          *sha256,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* Every stored blob's SHA-256, sorted (for garbage collection against the database). */
GStrv        os_blob_store_list             (OsBlobStore         *self,
                                             GError             **error);

G_END_DECLS
