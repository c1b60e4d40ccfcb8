/* SPDX-License-Identifier: MIT */
/* journal.c — reading the systemd journal with sd-journal.
 *
 * Which entries are whose is decided by the fields journald sets itself
 * (underscore-prefixed, doc/kernel-interfaces.md "The systemd journal"):
 * _TRANSPORT=kernel only for what journald read from /dev/kmsg, so a
 * `logger -t kernel` line (_TRANSPORT=syslog) is never the kernel's; a
 * userspace killer by _SYSTEMD_UNIT (its service), or by SYSLOG_IDENTIFIER
 * when the sender ran as root (_UID=0): any user can choose an identifier.
 * The matches only narrow what sd-journal hands over; every entry is checked
 * here again. */
#include "journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef OOMW_HAVE_SYSTEMD

#include <dlfcn.h>
#include <pthread.h>
#include <systemd/sd-journal.h>

#include "text.h"

/* libsystemd is loaded by the first open of a journal, not linked: linking it
 * maps it and its libraries (gcrypt, lzma, zstd, lz4, cap) and resolves their
 * symbols at every start of every program, about 0.5 ms and 1 million
 * instructions, as much as a whole run of check_oom, and resident memory in
 * the daemons, for a source most configurations never ask for. */
// clang-format off
#define SD_FUNCS(X) \
	X(sd_journal_open) X(sd_journal_open_directory) X(sd_journal_close) \
	X(sd_journal_add_match) X(sd_journal_add_disjunction) X(sd_journal_add_conjunction) \
	X(sd_journal_seek_head) X(sd_journal_seek_tail) X(sd_journal_seek_cursor) \
	X(sd_journal_test_cursor) X(sd_journal_next) X(sd_journal_previous) \
	X(sd_journal_get_data) X(sd_journal_get_monotonic_usec) \
	X(sd_journal_get_realtime_usec) X(sd_journal_get_cursor) X(sd_journal_get_fd) \
	X(sd_journal_process)
// clang-format on
#define SD_POINTER(f) __typeof__(f) *f;
static struct {
	SD_FUNCS(SD_POINTER)
} sd;
static int sd_loaded; /* 0 or -EOPNOTSUPP, once sd_once ran */
static pthread_once_t sd_once = PTHREAD_ONCE_INIT;

#define SD_SONAME "libsystemd.so.0"

static void sd_load(void)
{
	/* Never closed: the functions stay valid for the life of the process. */
	void *lib = dlopen(SD_SONAME, RTLD_NOW | RTLD_LOCAL);
	sd_loaded = lib ? 0 : -EOPNOTSUPP;
#define SD_RESOLVE(f)                                                                              \
	if (lib && (*(void **)&sd.f = dlsym(lib, #f)) == NULL)                                     \
		sd_loaded = -EOPNOTSUPP;
	SD_FUNCS(SD_RESOLVE)
}

/* A field's value ("FIELD=value" as sd-journal returns it). */
static int field(sd_journal *j, const char *name, const char **v, size_t *n)
{
	const void *data;
	size_t len;
	int r = sd.sd_journal_get_data(j, name, &data, &len);
	if (r < 0)
		return r;
	size_t skip = strlen(name) + 1;
	if (len < skip)
		return -EBADMSG;
	*v = (const char *)data + skip;
	*n = len - skip;
	return 0;
}

static bool field_is(sd_journal *j, const char *name, const char *want)
{
	const char *v;
	size_t n;
	return field(j, name, &v, &n) == 0 && n == strlen(want) && memcmp(v, want, n) == 0;
}

/* A decimal field (µs stamps), or OOMW_UNKNOWN. */
static int64_t field_usec(sd_journal *j, const char *name)
{
	const char *v;
	size_t n;
	char buf[24];
	if (field(j, name, &v, &n) < 0 || n == 0 || n >= sizeof(buf))
		return OOMW_UNKNOWN;
	int64_t out = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return OOMW_UNKNOWN;
		out = out * 10 + (v[i] - '0');
	}
	return out <= OOMW_TIME_USEC_MAX ? out : OOMW_UNKNOWN;
}

/* The 32 hex digits of a boot_id, dashes dropped; false when it is not one. */
static bool boot_id_hex(const char *in, char out[33])
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		if (*p == '-')
			continue;
		bool hex = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f');
		if (!hex || n == 32)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n == 32;
}

static const char *const killer_units[] = { "systemd-oomd.service", "earlyoom.service" };
static const char *const killer_idents[] = { "systemd-oomd", "earlyoom" };

/* (_TRANSPORT=kernel OR a killer's unit OR a killer's identifier) AND _BOOT_ID. */
static int add_matches(sd_journal *j, const char *boot_hex)
{
	char m[64];
	int r = sd.sd_journal_add_match(j, "_TRANSPORT=kernel", 0);
	for (size_t i = 0; r >= 0 && i < sizeof(killer_units) / sizeof(killer_units[0]); i++) {
		snprintf(m, sizeof(m), "_SYSTEMD_UNIT=%s", killer_units[i]);
		if ((r = sd.sd_journal_add_disjunction(j)) >= 0)
			r = sd.sd_journal_add_match(j, m, 0);
	}
	for (size_t i = 0; r >= 0 && i < sizeof(killer_idents) / sizeof(killer_idents[0]); i++) {
		snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", killer_idents[i]);
		if ((r = sd.sd_journal_add_disjunction(j)) >= 0)
			r = sd.sd_journal_add_match(j, m, 0);
	}
	if (r >= 0 && boot_hex[0] != '\0') {
		snprintf(m, sizeof(m), "_BOOT_ID=%s", boot_hex);
		if ((r = sd.sd_journal_add_conjunction(j)) >= 0)
			r = sd.sd_journal_add_match(j, m, 0);
	}
	return r < 0 ? r : 0;
}

static int position(sd_journal *j, enum oomw_klog_start start, const char *cursor, bool *have_cursor)
{
	*have_cursor = false;
	switch (start) {
	case OOMW_KLOG_START_OLDEST:
		return sd.sd_journal_seek_head(j);
	case OOMW_KLOG_START_END: {
		/* At the tail, then back onto the last entry: its cursor is where a
		 * one-shot run that found nothing new resumes next time. */
		int r = sd.sd_journal_seek_tail(j);
		if (r >= 0 && (r = sd.sd_journal_previous(j)) > 0)
			*have_cursor = true;
		return r < 0 ? r : 0;
	}
	case OOMW_KLOG_START_SEQ:
		break;
	}
	int r = sd.sd_journal_seek_cursor(j, cursor);
	if (r < 0)
		return r;
	/* Onto the cursor's entry (or the first after it, when it is gone); when
	 * it is the entry itself it was read already. */
	r = sd.sd_journal_next(j);
	if (r > 0 && sd.sd_journal_test_cursor(j, cursor) <= 0)
		r = sd.sd_journal_previous(j);
	if (r > 0)
		*have_cursor = true;
	return r < 0 ? r : 0;
}

int oomw_journal_open(struct oomw_journal *jr, const char *dir, const char *boot_id,
		      enum oomw_klog_start start, const char *cursor, const char **why)
{
	memset(jr, 0, sizeof(*jr));
	*why = NULL;
	if (boot_id[0] != '\0' && !boot_id_hex(boot_id, jr->boot_id)) {
		*why = "boot_id is not 32 hex digits";
		return -EINVAL;
	}
	if (start == OOMW_KLOG_START_SEQ && (cursor == NULL || cursor[0] == '\0')) {
		*why = "no journal cursor to resume at";
		return -EINVAL;
	}
	pthread_once(&sd_once, sd_load);
	if (sd_loaded < 0) {
		*why = SD_SONAME " cannot be loaded: the journal cannot be read";
		return sd_loaded;
	}
	sd_journal *j = NULL;
	int r = dir && dir[0] ? sd.sd_journal_open_directory(&j, dir, 0)
			      : sd.sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		*why = "cannot open the journal";
		return r;
	}
	if ((r = add_matches(j, jr->boot_id)) < 0) {
		*why = "cannot filter the journal";
	} else if ((r = position(j, start, cursor, &jr->have_cursor)) < 0) {
		*why = "cannot find the position in the journal";
	}
	if (r < 0) {
		sd.sd_journal_close(j);
		return r;
	}
	jr->j = j;
	return 0;
}

/* Whose entry this is: the kernel's, a killer's, or neither (-ENOMSG). */
static int origin_of(sd_journal *j, struct oomw_journal *jr, struct oomw_journal_entry *e)
{
	if (field_is(j, "_TRANSPORT", "kernel")) {
		e->origin = OOMW_JOURNAL_KERNEL;
		return 0;
	}
	const char *v;
	size_t n;
	enum oomw_killer k = OOMW_KILLER_KERNEL;
	if (field(j, "_SYSTEMD_UNIT", &v, &n) == 0)
		k = oomw_killer_from_name(v, n);
	if (k == OOMW_KILLER_KERNEL && field(j, "SYSLOG_IDENTIFIER", &v, &n) == 0) {
		k = oomw_killer_from_name(v, n);
		if (k != OOMW_KILLER_KERNEL && !field_is(j, "_UID", "0")) {
			jr->foreign++;
			return -ENOMSG;
		}
	}
	if (k == OOMW_KILLER_KERNEL)
		return -ENOMSG;
	e->origin = OOMW_JOURNAL_KILLER;
	e->killer = k;
	return 0;
}

/* Fills e from the current entry; -ENOMSG when it is not one of ours. */
static int take_entry(struct oomw_journal *jr, struct oomw_journal_entry *e)
{
	sd_journal *j = jr->j;
	if (jr->boot_id[0] != '\0' && !field_is(j, "_BOOT_ID", jr->boot_id))
		return -ENOMSG;
	int r = origin_of(j, jr, e);
	const char *msg;
	size_t n;
	if (r < 0 || field(j, "MESSAGE", &msg, &n) < 0)
		return -ENOMSG;
	struct oomw_klog_record *rec = &e->rec;
	memset(rec, 0, sizeof(*rec));
	rec->prio = -1;
	if (e->origin == OOMW_JOURNAL_KERNEL) {
		/* journald decoded the kernel's \xNN escapes; oomparse expects them. */
		if (n > OOMW_KLOG_RECORD_MAX)
			n = OOMW_KLOG_RECORD_MAX;
		rec->text_len = oomw_escape(msg, n, "", jr->text, sizeof(jr->text));
		rec->text = jr->text;
		rec->facility = 0;
	} else {
		rec->text = msg;
		rec->text_len = n;
		rec->facility = -1;
	}
	rec->mono_usec = field_usec(j, "_SOURCE_MONOTONIC_TIMESTAMP");
	uint64_t usec;
	sd_id128_t boot;
	if (rec->mono_usec == OOMW_UNKNOWN && sd.sd_journal_get_monotonic_usec(j, &usec, &boot) >= 0 &&
	    usec <= (uint64_t)OOMW_TIME_USEC_MAX)
		rec->mono_usec = (int64_t)usec;
	rec->wall_usec = sd.sd_journal_get_realtime_usec(j, &usec) >= 0 &&
					 usec <= (uint64_t)OOMW_TIME_USEC_MAX
				 ? (int64_t)usec
				 : OOMW_UNKNOWN;
	return 0;
}

int oomw_journal_read(struct oomw_journal *jr, struct oomw_journal_entry *e)
{
	if (jr->j == NULL) /* never opened: libsystemd may not even be loaded */
		return -EINVAL;
	for (;;) {
		int r = sd.sd_journal_next(jr->j);
		if (r < 0)
			return r;
		if (r == 0)
			return -EAGAIN;
		jr->have_cursor = true;
		if (take_entry(jr, e) == 0)
			return 0;
	}
}

int oomw_journal_cursor(struct oomw_journal *jr, char *out, size_t size)
{
	if (!jr->have_cursor || jr->j == NULL)
		return -ENODATA;
	char *c = NULL;
	int r = sd.sd_journal_get_cursor(jr->j, &c);
	if (r < 0)
		return r;
	size_t n = strlen(c);
	if (n >= size) {
		free(c);
		return -ENAMETOOLONG;
	}
	memcpy(out, c, n + 1);
	free(c);
	return 0;
}

int oomw_journal_fd(struct oomw_journal *jr)
{
	return jr->j ? sd.sd_journal_get_fd(jr->j) : -EINVAL;
}

void oomw_journal_process(struct oomw_journal *jr)
{
	if (jr->j)
		(void)sd.sd_journal_process(jr->j);
}

void oomw_journal_close(struct oomw_journal *jr)
{
	if (jr->j)
		sd.sd_journal_close(jr->j);
	jr->j = NULL;
}

#else /* built without libsystemd */

#define NO_SYSTEMD "built without libsystemd (libsystemd-dev): the journal cannot be read"

int oomw_journal_open(struct oomw_journal *jr, const char *dir, const char *boot_id,
		      enum oomw_klog_start start, const char *cursor, const char **why)
{
	(void)dir, (void)boot_id, (void)start, (void)cursor;
	memset(jr, 0, sizeof(*jr));
	*why = NO_SYSTEMD;
	return -EOPNOTSUPP;
}

int oomw_journal_read(struct oomw_journal *jr, struct oomw_journal_entry *e)
{
	(void)jr, (void)e;
	return -EOPNOTSUPP;
}

int oomw_journal_cursor(struct oomw_journal *jr, char *out, size_t size)
{
	(void)jr, (void)out, (void)size;
	return -EOPNOTSUPP;
}

int oomw_journal_fd(struct oomw_journal *jr)
{
	(void)jr;
	return -EOPNOTSUPP;
}

void oomw_journal_process(struct oomw_journal *jr)
{
	(void)jr;
}

void oomw_journal_close(struct oomw_journal *jr)
{
	(void)jr;
}

#endif
