/*
 * archive_dl.h: libarchive, loaded when the first archive is met.
 *
 * Linked normally, libarchive brings some fifteen libraries (libxml2,
 * ICU, libstdc++, nettle, ...) that the dynamic linker maps and relocates
 * at every start: about 4 ms and 5M instructions before a plain log is
 * read, more than the renderer spends on a 2 MiB transcript.  So the
 * library is opened with dlopen() the first time an archive is opened
 * for reading or writing, and the calls go through a table of the few
 * functions sl uses.
 *
 * A file that calls libarchive includes this header instead of
 * <archive.h>; its calls stay as written (archive_read_next_header(a, &e))
 * and the macros below send them through the table.  The three calls that
 * start the work (archive_read_new, archive_write_new, archive_entry_new)
 * load the library first and return NULL if it cannot be loaded; then
 * sl_archive_dl_failure() says why.  Internal.
 */
#ifndef SL_BASE_ARCHIVE_DL_H
#define SL_BASE_ARCHIVE_DL_H

#include <stddef.h>

#include <archive.h>
#include <archive_entry.h>

/*
 * Every libarchive function called through the table but the three
 * entry points.  A function added here needs its #define below.
 */
#define SL_ARCHIVE_DL_FUNCS(X) \
	X(archive_entry_filetype) X(archive_entry_free) \
	X(archive_entry_hardlink) X(archive_entry_pathname) \
	X(archive_entry_pathname_utf8) X(archive_entry_set_filetype) \
	X(archive_entry_set_mtime) X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) X(archive_entry_set_size) \
	X(archive_entry_size) X(archive_errno) X(archive_error_string) \
	X(archive_filter_bytes) X(archive_filter_count) \
	X(archive_filter_name) X(archive_format) \
	X(archive_read_data_block) X(archive_read_free) \
	X(archive_read_next_header) X(archive_read_open1) \
	X(archive_read_set_callback_data) X(archive_read_set_read_callback) \
	X(archive_read_set_seek_callback) \
	X(archive_read_support_filter_bzip2) \
	X(archive_read_support_filter_compress) \
	X(archive_read_support_filter_gzip) X(archive_read_support_filter_lz4) \
	X(archive_read_support_filter_lzip) \
	X(archive_read_support_filter_lzma) X(archive_read_support_filter_xz) \
	X(archive_read_support_filter_zstd) \
	X(archive_read_support_format_7zip) X(archive_read_support_format_ar) \
	X(archive_read_support_format_cab) X(archive_read_support_format_cpio) \
	X(archive_read_support_format_empty) \
	X(archive_read_support_format_iso9660) \
	X(archive_read_support_format_rar) X(archive_read_support_format_rar5) \
	X(archive_read_support_format_raw) X(archive_read_support_format_tar) \
	X(archive_read_support_format_xar) X(archive_read_support_format_zip) \
	X(archive_set_error) X(archive_write_add_filter_gzip) \
	X(archive_write_close) X(archive_write_data) X(archive_write_fail) \
	X(archive_write_free) X(archive_write_header) X(archive_write_new) \
	X(archive_write_open_fd) X(archive_write_set_bytes_in_last_block) \
	X(archive_write_set_format_pax_restricted) \
	X(archive_write_set_format_zip) X(archive_read_new) \
	X(archive_entry_new)

/*
 * The table.  Each member has the type of a pointer to the function of
 * the same name as <archive.h> declares it (__typeof__, which gcc and
 * clang take in C11 mode), so a call through it is checked as a direct
 * call would be.
 */
struct sl_archive_dl {
#define SL_ARCHIVE_DL_MEMBER(f) __typeof__(&f) f;
	SL_ARCHIVE_DL_FUNCS(SL_ARCHIVE_DL_MEMBER)
#undef SL_ARCHIVE_DL_MEMBER
};

/* Filled by sl_archive_dl_load(); all NULL before. */
extern struct sl_archive_dl sl_archive_dl;

/*
 * Load libarchive and fill sl_archive_dl, once per process: 0 when it is
 * there (now or from an earlier call), -1 if it cannot be loaded; a
 * failure is remembered and not tried again.
 */
int sl_archive_dl_load(void);

/*
 * Why libarchive could not be loaded ("cannot load libarchive: ..."), or
 * otherwise, the caller's own message for a NULL handle.  Static storage.
 */
const char *sl_archive_dl_failure(const char *otherwise);

/*
 * Open the library named soname into t without touching the process's
 * table: 0, or -1 with the reason in msg.  sl_archive_dl_load() uses it;
 * tests call it with a missing name.  The library stays open.
 */
int sl_archive_dl_open(const char *soname, struct sl_archive_dl *t,
    char *msg, size_t len);

/* The entry points: load first, NULL if that fails. */
struct archive *sl_archive_dl_read_new(void);
struct archive *sl_archive_dl_write_new(void);
struct archive_entry *sl_archive_dl_entry_new(void);

#ifndef SL_ARCHIVE_DL_IMPL
#define archive_read_new sl_archive_dl_read_new
#define archive_write_new sl_archive_dl_write_new
#define archive_entry_new sl_archive_dl_entry_new
#define archive_entry_filetype (*sl_archive_dl.archive_entry_filetype)
#define archive_entry_free (*sl_archive_dl.archive_entry_free)
#define archive_entry_hardlink (*sl_archive_dl.archive_entry_hardlink)
#define archive_entry_pathname (*sl_archive_dl.archive_entry_pathname)
#define archive_entry_pathname_utf8 \
	(*sl_archive_dl.archive_entry_pathname_utf8)
#define archive_entry_set_filetype (*sl_archive_dl.archive_entry_set_filetype)
#define archive_entry_set_mtime (*sl_archive_dl.archive_entry_set_mtime)
#define archive_entry_set_pathname (*sl_archive_dl.archive_entry_set_pathname)
#define archive_entry_set_perm (*sl_archive_dl.archive_entry_set_perm)
#define archive_entry_set_size (*sl_archive_dl.archive_entry_set_size)
#define archive_entry_size (*sl_archive_dl.archive_entry_size)
#define archive_errno (*sl_archive_dl.archive_errno)
#define archive_error_string (*sl_archive_dl.archive_error_string)
#define archive_filter_bytes (*sl_archive_dl.archive_filter_bytes)
#define archive_filter_count (*sl_archive_dl.archive_filter_count)
#define archive_filter_name (*sl_archive_dl.archive_filter_name)
#define archive_format (*sl_archive_dl.archive_format)
#define archive_read_data_block (*sl_archive_dl.archive_read_data_block)
#define archive_read_free (*sl_archive_dl.archive_read_free)
#define archive_read_next_header (*sl_archive_dl.archive_read_next_header)
#define archive_read_open1 (*sl_archive_dl.archive_read_open1)
#define archive_read_set_callback_data \
	(*sl_archive_dl.archive_read_set_callback_data)
#define archive_read_set_read_callback \
	(*sl_archive_dl.archive_read_set_read_callback)
#define archive_read_set_seek_callback \
	(*sl_archive_dl.archive_read_set_seek_callback)
#define archive_read_support_filter_bzip2 \
	(*sl_archive_dl.archive_read_support_filter_bzip2)
#define archive_read_support_filter_compress \
	(*sl_archive_dl.archive_read_support_filter_compress)
#define archive_read_support_filter_gzip \
	(*sl_archive_dl.archive_read_support_filter_gzip)
#define archive_read_support_filter_lz4 \
	(*sl_archive_dl.archive_read_support_filter_lz4)
#define archive_read_support_filter_lzip \
	(*sl_archive_dl.archive_read_support_filter_lzip)
#define archive_read_support_filter_lzma \
	(*sl_archive_dl.archive_read_support_filter_lzma)
#define archive_read_support_filter_xz \
	(*sl_archive_dl.archive_read_support_filter_xz)
#define archive_read_support_filter_zstd \
	(*sl_archive_dl.archive_read_support_filter_zstd)
#define archive_read_support_format_7zip \
	(*sl_archive_dl.archive_read_support_format_7zip)
#define archive_read_support_format_ar \
	(*sl_archive_dl.archive_read_support_format_ar)
#define archive_read_support_format_cab \
	(*sl_archive_dl.archive_read_support_format_cab)
#define archive_read_support_format_cpio \
	(*sl_archive_dl.archive_read_support_format_cpio)
#define archive_read_support_format_empty \
	(*sl_archive_dl.archive_read_support_format_empty)
#define archive_read_support_format_iso9660 \
	(*sl_archive_dl.archive_read_support_format_iso9660)
#define archive_read_support_format_rar \
	(*sl_archive_dl.archive_read_support_format_rar)
#define archive_read_support_format_rar5 \
	(*sl_archive_dl.archive_read_support_format_rar5)
#define archive_read_support_format_raw \
	(*sl_archive_dl.archive_read_support_format_raw)
#define archive_read_support_format_tar \
	(*sl_archive_dl.archive_read_support_format_tar)
#define archive_read_support_format_xar \
	(*sl_archive_dl.archive_read_support_format_xar)
#define archive_read_support_format_zip \
	(*sl_archive_dl.archive_read_support_format_zip)
#define archive_set_error (*sl_archive_dl.archive_set_error)
#define archive_write_add_filter_gzip \
	(*sl_archive_dl.archive_write_add_filter_gzip)
#define archive_write_close (*sl_archive_dl.archive_write_close)
#define archive_write_data (*sl_archive_dl.archive_write_data)
#define archive_write_fail (*sl_archive_dl.archive_write_fail)
#define archive_write_free (*sl_archive_dl.archive_write_free)
#define archive_write_header (*sl_archive_dl.archive_write_header)
#define archive_write_open_fd (*sl_archive_dl.archive_write_open_fd)
#define archive_write_set_bytes_in_last_block \
	(*sl_archive_dl.archive_write_set_bytes_in_last_block)
#define archive_write_set_format_pax_restricted \
	(*sl_archive_dl.archive_write_set_format_pax_restricted)
#define archive_write_set_format_zip \
	(*sl_archive_dl.archive_write_set_format_zip)
#endif

#endif
