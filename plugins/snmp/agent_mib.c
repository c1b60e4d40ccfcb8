/* SPDX-License-Identifier: MIT */
/* agent_mib.c — OOMWATCH-MIB for net-snmp: one handler serves the whole
 * oomwObjects subtree (scalars and three tables) from the cache filled by
 * agent_mib_refresh(), so a request never waits on /proc. Unknown numbers are
 * absent (noSuchInstance, or a skipped cell) rather than 0. Every object is
 * one row of objects[]: its OID, its table, and how its value is read from a
 * row of that table (or the snapshot, for a scalar).
 *
 * Nothing here judges: the verdict, the summary, the held (hysteresis) memory
 * verdicts, the cgroups held at their limit, the victim's cgroup and the
 * wording of every source problem come from the core (common/assess.h); what
 * is news and what is owed come from common/news.h and common/ledger.h. The
 * varbinds of the notifications are built here from the same objects; their
 * delivery is agent_trap.c's. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agent_mib.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "news.h"
#include "notice.h"
#include "text.h"

#define USEC_PER_SEC 1000000LL
#define PCT_HUNDREDTHS_MAX 10000

#define OID_MAX_LEN MAX_OID_LEN /* 128 sub-identifiers (RFC 2578 3.5) */
#define AGENT_KILL_TABLE 5      /* oomwKillTable, below oomwObjects */
#define AGENT_CGROUP_TABLE 7

struct agent_value {
	u_char type;
	size_t len;
	union {
		struct counter64 c64;
		long l;
		u_long ul;
		char str[AGENT_TEXT_MAX + 1];
		u_char date[11]; /* DateAndTime with its offset from UTC */
	} u;
};

enum scope_value { SCOPE_UNKNOWN = 1, SCOPE_GLOBAL = 2, SCOPE_MEMCG = 3 };
enum truth { TRUTH_TRUE = 1, TRUTH_FALSE = 2 };

/* enterprises.32473 = oomwatchMIB (provisional, see the MIB). Not const:
 * register_sysORTable() takes it without const. */
static oid agent_mib_oid[] = { 1, 3, 6, 1, 4, 1, 32473 };
static const oid objects_oid[] = { 1, 3, 6, 1, 4, 1, 32473, 1 };
#define OBJECTS_LEN OID_LENGTH(objects_oid)

struct agent_cache cache;

/* ---- values ---- */

/* A number of type ASN_COUNTER64 (also CounterBasedGauge64), ASN_UNSIGNED
 * (Unsigned32 and Gauge32: held at 2^32-1), ASN_COUNTER (modulo 2^32) or
 * ASN_INTEGER (Integer32). False when x is unknown or out of range. */
static bool put_number(struct agent_value *v, u_char type, int64_t x)
{
	bool integer = type == ASN_INTEGER;
	if (x == OOMW_UNKNOWN || x < (integer ? INT32_MIN : 0) || (integer && x > INT32_MAX))
		return false;
	v->type = type;
	v->len = sizeof(v->u.ul);
	if (type == ASN_COUNTER64) {
		v->u.c64.high = (u_long)((uint64_t)x >> 32);
		v->u.c64.low = (u_long)((uint64_t)x & 0xffffffffu);
		v->len = sizeof(v->u.c64);
	} else if (integer) {
		v->u.l = (long)x;
	} else if (type == ASN_COUNTER) { /* modulo 2^32, as a 32-bit counter wraps */
		v->u.ul = (u_long)((uint64_t)x & 0xffffffffu);
	} else { /* Unsigned32, Gauge32: held at the maximum */
		v->u.ul = (u_long)(x > (int64_t)UINT32_MAX ? UINT32_MAX : x);
	}
	return true;
}

/* Hundredths of a percent, held at 100 %. */
static bool put_pct(struct agent_value *v, int64_t cpct)
{
	return put_number(v, ASN_UNSIGNED, cpct > PCT_HUNDREDTHS_MAX ? PCT_HUNDREDTHS_MAX : cpct);
}

/* Any bytes become printable ASCII of at most 255 characters (DisplayString). */
static bool put_text(struct agent_value *v, const char *s)
{
	v->type = ASN_OCTET_STR;
	v->len = oomw_escape(s, strlen(s), NULL, v->u.str, sizeof(v->u.str));
	return true;
}

/* A text of the core, already printable ASCII with "\xNN" escapes: served as
 * it is, never escaped twice, cut without splitting an escape. */
static bool put_ascii(struct agent_value *v, const char *s)
{
	oomw_cut_escaped(s, v->u.str, sizeof(v->u.str));
	v->type = ASN_OCTET_STR;
	v->len = strlen(v->u.str);
	return true;
}

/* DateAndTime in UTC, to the deci-second, encoded by net-snmp. */
static bool put_time(struct agent_value *v, int64_t wall_usec)
{
	time_t sec = (time_t)(wall_usec / USEC_PER_SEC);
	struct tm tm;
	if (wall_usec == OOMW_UNKNOWN || wall_usec < 0 || gmtime_r(&sec, &tm) == NULL ||
	    tm.tm_year + 1900 > UINT16_MAX) /* two octets for the year (a bad date in a state file) */
		return false;
	v->type = ASN_OCTET_STR;
	v->len = sizeof(v->u.date);
	return netsnmp_dateandtime_set_buf_from_vars(
		       v->u.date, &v->len, (u_short)(tm.tm_year + 1900), (u_char)(tm.tm_mon + 1),
		       (u_char)tm.tm_mday, (u_char)tm.tm_hour, (u_char)tm.tm_min, (u_char)tm.tm_sec,
		       (u_char)((wall_usec % USEC_PER_SEC) / 100000), '+', 0, 0) == SNMPERR_SUCCESS;
}

static bool put_truth(struct agent_value *v, bool b)
{
	return put_number(v, ASN_INTEGER, b ? TRUTH_TRUE : TRUTH_FALSE);
}

/* OomwScope, OomwVerdict and OomwKiller are the core's enums plus one. */
_Static_assert(OOMW_SCOPE_UNKNOWN + 1 == SCOPE_UNKNOWN && OOMW_SCOPE_GLOBAL + 1 == SCOPE_GLOBAL &&
		       OOMW_SCOPE_MEMCG + 1 == SCOPE_MEMCG,
	       "OomwScope unknown(1) global(2) memcg(3)");
_Static_assert(OOMW_SEV_OK == 0 && OOMW_SEV_WARNING == 1 && OOMW_SEV_CRITICAL == 2 &&
		       OOMW_SEV_UNKNOWN == 3,
	       "OomwVerdict ok(1) warning(2) critical(3) unknown(4)");

/* OomwVerdict: the core's severity plus one. */
static long verdict_value(enum oomw_severity s)
{
	return (long)s + 1;
}

static int64_t i64_at(const void *row, size_t offset)
{
	int64_t x;
	memcpy(&x, (const char *)row + offset, sizeof(x));
	return x;
}

/* The core's verdict on that cgroup of the snapshot. */
static const struct oomw_cgroup_verdict *verdict_of(const void *cg)
{
	for (size_t i = 0; i < cache.verdict.n_cgroups; i++)
		if (cache.verdict.cgroups[i].cg == cg)
			return &cache.verdict.cgroups[i];
	return NULL;
}

/* ---- the objects, in OID order: the GETNEXT walk depends on it
 * (assert_oid_order checks it at registration) ---- */

enum table { T_NONE, T_KILL, T_CANDIDATE, T_CGROUP };

/* How an object's value is read from a row of its table (an event, a
 * candidate, a cgroup of the snapshot; the snapshot itself for a scalar):
 * the first ones take the int64_t at the object's arg (an offset in the
 * row), TEXT the text there; the others say what they are. */
enum how {
	C64, /* Counter64 or CounterBasedGauge64 */
	U32, /* Unsigned32 or Gauge32, held at its maximum */
	INT,
	TIME, /* DateAndTime of microseconds since the epoch */
	MEM_KIB,
	MEM_MIB, /* the Gauge32 twin of a MEM_KIB */
	BYTES_KIB,
	TEXT, /* bytes a process, the kernel or a cgroup chose: escaped */
	AVAILABLE_PCT,
	PSI_SOME, /* arg: the average's seconds (10, 60, 300), 0 for the total */
	PSI_FULL,
	KILL_COUNT, /* arg: 64, or 32 for the Counter32 twin */
	USERSPACE_KILLS,
	LAST_KILL, /* arg: the column of oomwKillTable, for the most recent kill */
	LAST_KILL_INDEX,
	STATUS,
	CACHE_TEXT, /* a text of the core in the cache at arg: served as it is */
	CGROUPS_UNINDEXED,
	KILL_HAS_DETAILS,
	KILL_PID,
	KILL_SCOPE,
	KILL_CGROUP,
	KILL_REASON, /* arg: enum reason */
	KILL_KILLER,
	KILLER_DETAIL,
	CG_UNDER_OOM,
	CG_LIMIT_HITS,
	CG_PRESSURE,
	CG_HELD, /* arg: enum held_column */
};

enum reason { WHY, REMEDY, UNIT, CONTAINER_ID, POD_UID, POD_QOS };
enum held_column { HELD, VICTIM_PID, VICTIM_NAME, HELD_TEXT };

struct object {
	oid sub[3]; /* below oomwObjects */
	size_t sub_len;
	enum table table;
	enum how how;
	size_t arg;
};

/* One object a line. */
/* clang-format off */
#define SNAP(f) offsetof(struct oomw_snapshot, f)
#define MEM(f) SNAP(mem.f)
#define EV(f) offsetof(struct oomw_event, f)
#define CAND(f) offsetof(struct oomw_candidate, f)
#define CG(f) offsetof(struct oomw_snapshot_cgroup, f)
#define CACHE(f) offsetof(struct agent_cache, f)
#define SCALAR(group, n, how, arg) { { group, n }, 2, T_NONE, how, arg }
#define COLUMN(t, table, c, how, arg) { { t, 1, c }, 3, table, how, arg }
static const struct object objects[] = {
	SCALAR(1, 1, MEM_KIB, MEM(mem_total_kib)),
	SCALAR(1, 2, MEM_KIB, MEM(mem_available_kib)),
	SCALAR(1, 3, MEM_KIB, MEM(mem_free_kib)),
	SCALAR(1, 4, MEM_KIB, MEM(swap_total_kib)),
	SCALAR(1, 5, MEM_KIB, MEM(swap_free_kib)),
	SCALAR(1, 6, MEM_KIB, MEM(committed_as_kib)),
	SCALAR(1, 7, MEM_KIB, MEM(commit_limit_kib)),
	SCALAR(1, 8, AVAILABLE_PCT, 0),
	SCALAR(1, 9, MEM_MIB, MEM(mem_total_kib)),
	SCALAR(1, 10, MEM_MIB, MEM(mem_available_kib)),
	SCALAR(1, 11, MEM_MIB, MEM(mem_free_kib)),
	SCALAR(1, 12, MEM_MIB, MEM(swap_total_kib)),
	SCALAR(1, 13, MEM_MIB, MEM(swap_free_kib)),
	SCALAR(1, 14, MEM_MIB, MEM(committed_as_kib)),
	SCALAR(1, 15, MEM_MIB, MEM(commit_limit_kib)),
	SCALAR(2, 1, PSI_SOME, 10),
	SCALAR(2, 2, PSI_SOME, 60),
	SCALAR(2, 3, PSI_SOME, 300),
	SCALAR(2, 4, PSI_SOME, 0),
	SCALAR(2, 5, PSI_FULL, 10),
	SCALAR(2, 6, PSI_FULL, 60),
	SCALAR(2, 7, PSI_FULL, 300),
	SCALAR(2, 8, PSI_FULL, 0),
	SCALAR(3, 1, KILL_COUNT, 64),
	SCALAR(3, 2, C64, SNAP(kills_without_details)),
	SCALAR(3, 3, LAST_KILL, 2),  /* oomwLastKillTime: oomwKillTime */
	SCALAR(3, 4, LAST_KILL, 4),  /* oomwLastKillPid: oomwKillPid */
	SCALAR(3, 5, LAST_KILL, 5),  /* oomwLastKillName: oomwKillName */
	SCALAR(3, 6, LAST_KILL, 10), /* oomwLastKillCgroup: oomwKillTaskMemcg */
	SCALAR(3, 7, LAST_KILL_INDEX, 0),
	SCALAR(3, 8, USERSPACE_KILLS, 0),
	SCALAR(3, 9, KILL_COUNT, 32),
	SCALAR(4, 1, STATUS, 0),
	SCALAR(4, 2, CACHE_TEXT, CACHE(status_text)),
	SCALAR(4, 3, CACHE_TEXT, CACHE(klog_text)),
	SCALAR(4, 4, TIME, SNAP(wall_usec)),
	SCALAR(4, 5, CGROUPS_UNINDEXED, 0),
	COLUMN(5, T_KILL, 2, TIME, EV(wall_usec)),
	COLUMN(5, T_KILL, 3, KILL_HAS_DETAILS, 0),
	COLUMN(5, T_KILL, 4, KILL_PID, 0),
	COLUMN(5, T_KILL, 5, TEXT, EV(kill.comm)),
	COLUMN(5, T_KILL, 6, U32, EV(kill.uid)),
	COLUMN(5, T_KILL, 7, KILL_SCOPE, 0),
	COLUMN(5, T_KILL, 8, TEXT, EV(kill.constraint)),
	COLUMN(5, T_KILL, 9, TEXT, EV(kill.oom_memcg)),
	COLUMN(5, T_KILL, 10, KILL_CGROUP, 0),
	COLUMN(5, T_KILL, 11, C64, EV(kill.total_vm_kib)),
	COLUMN(5, T_KILL, 12, C64, EV(kill.anon_rss_kib)),
	COLUMN(5, T_KILL, 13, C64, EV(kill.file_rss_kib)),
	COLUMN(5, T_KILL, 14, C64, EV(kill.shmem_rss_kib)),
	COLUMN(5, T_KILL, 15, INT, EV(kill.oom_score_adj)),
	COLUMN(5, T_KILL, 16, KILL_REASON, WHY),
	COLUMN(5, T_KILL, 17, KILL_REASON, REMEDY),
	COLUMN(5, T_KILL, 18, KILL_REASON, UNIT),
	COLUMN(5, T_KILL, 19, KILL_REASON, CONTAINER_ID),
	COLUMN(5, T_KILL, 20, KILL_REASON, POD_UID),
	COLUMN(5, T_KILL, 21, KILL_REASON, POD_QOS),
	COLUMN(5, T_KILL, 22, KILL_KILLER, 0),
	COLUMN(5, T_KILL, 23, KILLER_DETAIL, 0),
	COLUMN(6, T_CANDIDATE, 2, U32, CAND(pid)),
	COLUMN(6, T_CANDIDATE, 3, TEXT, CAND(comm)),
	COLUMN(6, T_CANDIDATE, 4, U32, CAND(oom_score)),
	COLUMN(6, T_CANDIDATE, 5, INT, CAND(oom_score_adj)),
	COLUMN(6, T_CANDIDATE, 6, C64, CAND(rss_kib)),
	COLUMN(7, T_CGROUP, 2, TEXT, CG(stats.path)),
	COLUMN(7, T_CGROUP, 3, C64, CG(stats.oom_kill)),
	COLUMN(7, T_CGROUP, 4, BYTES_KIB, CG(stats.usage_bytes)),
	COLUMN(7, T_CGROUP, 5, BYTES_KIB, CG(stats.limit_bytes)),
	COLUMN(7, T_CGROUP, 6, CG_UNDER_OOM, 0),
	COLUMN(7, T_CGROUP, 7, CG_LIMIT_HITS, 0),
	COLUMN(7, T_CGROUP, 8, CG_HELD, HELD),
	COLUMN(7, T_CGROUP, 9, U32, CG(limit_hits_delta)),
	COLUMN(7, T_CGROUP, 10, CG_PRESSURE, 0),
	COLUMN(7, T_CGROUP, 11, CG_HELD, VICTIM_PID),
	COLUMN(7, T_CGROUP, 12, CG_HELD, VICTIM_NAME),
	COLUMN(7, T_CGROUP, 13, CG_HELD, HELD_TEXT),
};
/* clang-format on */
#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

/* Why that victim, the remedy, and who it was (notice.h, oomw_kill_reasons):
 * for the kernel's kills with details. */
static bool kill_reason(const struct oomw_event *ev, enum reason which, struct agent_value *v)
{
	struct oomw_kill_reasons r;
	if (!ev->has_details || ev->killer != OOMW_KILLER_KERNEL)
		return false;
	oomw_kill_reasons(&ev->kill, AGENT_TEXT_MAX, &r); /* in fewer words beyond a DisplayString */
	const char *const texts[] = { [WHY] = r.why,
				      [REMEDY] = r.remedy,
				      [UNIT] = r.who.unit,
				      [CONTAINER_ID] = r.who.container_id,
				      [POD_UID] = r.who.pod_uid,
				      [POD_QOS] = r.qos };
	/* The core's why and remedy are printable already: not escaped twice. */
	return which <= REMEDY ? put_ascii(v, texts[which]) : put_text(v, texts[which]);
}

/* Before the kill: whether the cgroup is held at its limit, the likeliest
 * victim and the core's words for it (empty when not held). */
static bool cgroup_held(const void *cg, enum held_column column, struct agent_value *v)
{
	const struct oomw_cgroup_verdict *cv = verdict_of(cg);
	char text[OOMW_PART_TEXT_MAX] = "";
	if (cv == NULL)
		return false;
	if (column == HELD)
		return put_truth(v, cv->held);
	if (column == HELD_TEXT) {
		if (cv->held)
			oomw_held_text(cv, text, sizeof(text));
		return put_ascii(v, text);
	}
	if (!cv->held || cv->likeliest == NULL)
		return false;
	return column == VICTIM_PID ? put_number(v, ASN_UNSIGNED, cv->likeliest->pid)
				    : put_text(v, cv->likeliest->comm);
}

/* A PSI line's average over avg_sec (0: its total). */
static bool psi_value(enum oomw_psi_which which, size_t avg_sec, struct agent_value *v)
{
	const struct oomw_psi_line *l = oomw_psi_selected(&cache.snap, which);
	if (cache.snap.psi_err != 0 || !l->known)
		return false;
	if (avg_sec == 0)
		return put_number(v, ASN_COUNTER64, l->total_usec);
	return put_pct(v, oomw_psi_avg_cpct(l, (int)avg_sec));
}

/* The value of column `column` of oomwKillTable for ev; false when absent. */
static bool kill_value(unsigned column, const struct oomw_event *ev, struct agent_value *v);

/* Unknown numbers are absent; pid 0 and "" in a kill mean unknown. */
static bool value_of(const struct object *o, const void *row, struct agent_value *v)
{
	const struct oomw_snapshot *s = &cache.snap;
	const struct oomw_event *ev = row;
	const struct oomw_cgroup_stats *st = &((const struct oomw_snapshot_cgroup *)row)->stats;
	int64_t x = o->how < TEXT ? i64_at(row, o->arg) : 0;
	switch (o->how) {
	case C64:
		return put_number(v, ASN_COUNTER64, x);
	case U32:
		return put_number(v, ASN_UNSIGNED, x);
	case INT:
		return put_number(v, ASN_INTEGER, x);
	case TEXT:
		return put_text(v, (const char *)row + o->arg);
	case TIME:
		return put_time(v, x);
	case MEM_KIB:
		return s->mem_err == 0 && put_number(v, ASN_COUNTER64, x);
	case MEM_MIB:
		return s->mem_err == 0 && x != OOMW_UNKNOWN && put_number(v, ASN_UNSIGNED, x / 1024);
	case BYTES_KIB:
		return x != OOMW_UNKNOWN && x != OOMW_UNLIMITED &&
		       put_number(v, ASN_COUNTER64, x / 1024);
	case AVAILABLE_PCT:
		return put_pct(v, oomw_available_cpct(&cache.verdict));
	case PSI_SOME:
	case PSI_FULL:
		return psi_value(o->how == PSI_SOME ? OOMW_PSI_SOME : OOMW_PSI_FULL, o->arg, v);
	case KILL_COUNT:
		return s->vmstat_err == 0 &&
		       (o->arg == 32 ? put_number(v, ASN_COUNTER, s->oom_kill_total)
				     : put_number(v, ASN_COUNTER64, s->oom_kill_total));
	case USERSPACE_KILLS: /* known while a log is read */
		return s->klog_err == 0 && strcmp(cache.cfg->paths.kmsg, OOMW_KMSG_NONE) != 0 &&
		       put_number(v, ASN_COUNTER64, s->userspace_kills);
	case LAST_KILL:
		ev = oomw_last_kernel_kill(cache.events, cache.n_events);
		return ev != NULL && kill_value((unsigned)o->arg, ev, v);
	case LAST_KILL_INDEX:
		ev = oomw_last_kernel_kill(cache.events, cache.n_events);
		return ev != NULL && ev->index > 0 && put_number(v, ASN_UNSIGNED, (int64_t)ev->index);
	case STATUS:
		return put_number(v, ASN_INTEGER, verdict_value(cache.verdict.severity));
	case CACHE_TEXT:
		return put_ascii(v, (const char *)&cache + o->arg);
	case CGROUPS_UNINDEXED:
		return put_number(v, ASN_UNSIGNED, (int64_t)cache.n_cgroups_unindexed);
	case KILL_HAS_DETAILS:
		return put_truth(v, ev->has_details);
	case KILL_PID:
		return put_number(v, ASN_UNSIGNED, ev->kill.pid == OOMW_UNKNOWN ? 0 : ev->kill.pid);
	case KILL_SCOPE: /* OomwScope is the core's enum plus one */
		return ev->killer == OOMW_KILLER_KERNEL &&
		       put_number(v, ASN_INTEGER, (long)ev->kill.scope + 1);
	case KILL_CGROUP: /* memory.oom.group victims after the first: the OOM memcg */
		return put_text(v, oomw_kill_cgroup(&ev->kill));
	case KILL_REASON:
		return kill_reason(ev, (enum reason)o->arg, v);
	case KILL_KILLER: /* OomwKiller: kernel(1), systemdOomd(2), earlyoom(3) */
		return put_number(v, ASN_INTEGER, (long)ev->killer + 1);
	case KILLER_DETAIL:
		return ev->killer != OOMW_KILLER_KERNEL && put_text(v, ev->ukill.detail);
	case CG_UNDER_OOM:
		return st->version == 1 && st->under_oom != OOMW_UNKNOWN &&
		       put_truth(v, st->under_oom != 0);
	case CG_LIMIT_HITS:
		return put_number(v, ASN_COUNTER64, oomw_cgroup_limit_hits(st));
	case CG_PRESSURE:
		return put_pct(v, st->pressure_some_avg10_cpct);
	case CG_HELD:
		return cgroup_held(row, (enum held_column)o->arg, v);
	}
	return false;
}

/* The object of that column of a table. */
static const struct object *column_of(oid table, unsigned column)
{
	for (size_t o = 0; o < N_OBJECTS; o++)
		if (objects[o].sub_len == 3 && objects[o].sub[0] == table && objects[o].sub[2] == column)
			return &objects[o];
	return NULL;
}

static bool kill_value(unsigned column, const struct oomw_event *ev, struct agent_value *v)
{
	const struct object *o = column_of(AGENT_KILL_TABLE, column);
	return o != NULL && value_of(o, ev, v);
}

/* ---- tables: rows in ascending index order ---- */

/* The cgroup path as an IMPLIED OCTET STRING index: its bytes, each one
 * sub-identifier. 0 when the path does not fit (or is empty). */
static size_t path_index(const char *path, oid *out)
{
	size_t len = strlen(path);
	if (len == 0 || len > AGENT_CGROUP_INDEX_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = (u_char)path[i];
	return len;
}

/* IMPLIED strings sort as OIDs do: byte by byte, a prefix first. */
static int path_order(const char *a, const char *b)
{
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

/* oomwCgroupTable: the matched cgroups whose path fits an index, in OID
 * order (a path matched twice is served once); the others are counted. */
static void choose_cgroup_rows(void)
{
	const struct oomw_snapshot *s = &cache.snap;
	oid scratch[OID_MAX_LEN];
	cache.n_cgroup_rows = 0;
	cache.n_cgroups_unindexed = 0;
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const char *path = s->cgroups[i].stats.path;
		if (path_index(path, scratch) == 0) {
			cache.n_cgroups_unindexed++;
			continue;
		}
		size_t at = cache.n_cgroup_rows;
		while (at > 0 && path_order(s->cgroups[cache.cgroup_rows[at - 1]].stats.path, path) > 0)
			at--;
		if (at > 0 && path_order(s->cgroups[cache.cgroup_rows[at - 1]].stats.path, path) == 0)
			continue;
		memmove(&cache.cgroup_rows[at + 1], &cache.cgroup_rows[at],
			(cache.n_cgroup_rows - at) * sizeof(cache.cgroup_rows[0]));
		cache.cgroup_rows[at] = i;
		cache.n_cgroup_rows++;
	}
}

void agent_mib_choose_rows(void)
{
	/* oomwKillTable: the kill_table_size most recent kills, in index order. */
	cache.n_kill_rows = oomw_recent_events(cache.events, cache.n_events,
					       cache.cfg->kill_table_size, cache.kill_rows);
	choose_cgroup_rows();
}

static size_t table_rows(enum table t)
{
	if (!cache.have_snap)
		return 0;
	switch (t) {
	case T_KILL:
		return cache.n_kill_rows;
	case T_CANDIDATE:
		return cache.snap.n_candidates;
	case T_CGROUP:
		return cache.n_cgroup_rows;
	case T_NONE:
		break;
	}
	return 1; /* a scalar: its one instance */
}

/* The row's struct, which the getters read; the snapshot for a scalar. */
static const void *row_of(enum table t, size_t row)
{
	switch (t) {
	case T_KILL:
		return &cache.events[cache.kill_rows[row]];
	case T_CANDIDATE:
		return &cache.snap.candidates[row];
	case T_CGROUP:
		return &cache.snap.cgroups[cache.cgroup_rows[row]];
	case T_NONE:
		break;
	}
	return &cache.snap;
}

/* The index of a row, as sub-identifiers in out; its length, 0 = no valid
 * index (an event index beyond Unsigned32 is not served). A scalar's is 0. */
static size_t row_index(enum table t, size_t row, oid *out)
{
	if (t == T_KILL) {
		uint64_t idx = cache.events[cache.kill_rows[row]].index;
		out[0] = (oid)idx;
		return idx > UINT32_MAX ? 0 : 1;
	}
	if (t == T_CGROUP)
		return path_index(cache.snap.cgroups[cache.cgroup_rows[row]].stats.path, out);
	out[0] = t == T_NONE ? 0 : (oid)(row + 1);
	return 1;
}

/* ---- the handler ---- */

/* The OID of object o without its instance, in out; its length. */
static size_t object_oid(const struct object *o, oid *out)
{
	memcpy(out, objects_oid, sizeof(objects_oid));
	memcpy(out + OBJECTS_LEN, o->sub, o->sub_len * sizeof(oid));
	return OBJECTS_LEN + o->sub_len;
}

/* The OID of an instance: oomwObjects, sub (below it), index. Its length. */
static size_t instance_oid(const oid *sub, size_t sub_len, const oid *index, size_t index_len, oid *out)
{
	memcpy(out, objects_oid, sizeof(objects_oid));
	memcpy(out + OBJECTS_LEN, sub, sub_len * sizeof(oid));
	memcpy(out + OBJECTS_LEN + sub_len, index, index_len * sizeof(oid));
	return OBJECTS_LEN + sub_len + index_len;
}

/* Value of the instance inst (inst_len sub-identifiers) of object o; false
 * when absent. */
static bool instance_value(const struct object *o, const oid *inst, size_t inst_len,
			   struct agent_value *v)
{
	size_t n = table_rows(o->table);
	for (size_t row = 0; row < n; row++) {
		oid idx[OID_MAX_LEN];
		size_t len = row_index(o->table, row, idx);
		if (len != 0 && snmp_oid_compare(idx, len, inst, inst_len) == 0)
			return value_of(o, row_of(o->table, row), v);
	}
	return false;
}

static void answer_get(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
	const netsnmp_variable_list *var = r->requestvb;
	struct agent_value v;
	for (size_t o = 0; o < N_OBJECTS; o++) {
		oid full[OID_MAX_LEN];
		size_t len = object_oid(&objects[o], full);
		if (var->name_length < len || snmp_oid_compare(full, len, var->name, len) != 0)
			continue;
		/* The object exists: any name below it that is not an instance we
		 * hold is noSuchInstance (RFC 3416 4.2.1). */
		if (instance_value(&objects[o], var->name + len, var->name_length - len, &v))
			snmp_set_var_typed_value(r->requestvb, v.type, &v.u, v.len);
		else
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
		return;
	}
	netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
}

/* The first present instance after the requested OID; leaves the varbind
 * alone when there is none, so the agent moves on to the next subtree. Rows
 * are in OID order (row_index), so the first one after the request is the
 * next. */
static void answer_getnext(netsnmp_request_info *r)
{
	netsnmp_variable_list *var = r->requestvb;
	struct agent_value v;
	for (size_t o = 0; o < N_OBJECTS; o++) {
		const struct object *obj = &objects[o];
		oid full[OID_MAX_LEN];
		size_t plen = object_oid(obj, full);
		size_t cmp_len = var->name_length < plen ? var->name_length : plen;
		if (snmp_oid_compare(full, plen, var->name, cmp_len) < 0)
			continue; /* the whole object sorts before the request */
		size_t n = table_rows(obj->table);
		for (size_t row = 0; row < n; row++) {
			size_t ilen = row_index(obj->table, row, full + plen);
			if (ilen == 0 ||
			    snmp_oid_compare(full, plen + ilen, var->name, var->name_length) <= 0)
				continue;
			if (!value_of(obj, row_of(obj->table, row), &v))
				continue;
			snmp_set_var_objid(var, full, plen + ilen);
			snmp_set_var_typed_value(var, v.type, &v.u, v.len);
			return;
		}
	}
}

static int handle_request(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	(void)handler;
	(void)reginfo;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		if (r->processed)
			continue;
		if (reqinfo->mode == MODE_GET)
			answer_get(reqinfo, r);
		else if (reqinfo->mode == MODE_GETNEXT)
			answer_getnext(r);
		else
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
	}
	return SNMP_ERR_NOERROR;
}

/* ---- notifications: their varbinds ---- */

/* snmpTrapOID.0: the first varbind of every notification names it. */
static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

/* Below oomwNotifications. */
enum notification {
	N_KILL = 1,
	N_LOW_MEMORY = 2,
	N_RECOVERED = 3,
	N_KILLS_UNKNOWN_TIME = 4,
	N_USERSPACE_KILL = 5,
	N_CGROUP_HELD = 6,
	N_CGROUP_RELEASED = 7,
};
static const enum notification of_notice[] = {
	[OOMW_NOTICE_LOW_MEMORY] = N_LOW_MEMORY,
	[OOMW_NOTICE_RECOVERED] = N_RECOVERED,
	[OOMW_NOTICE_KILLS_UNKNOWN_TIME] = N_KILLS_UNKNOWN_TIME,
	[OOMW_NOTICE_CGROUP_HELD] = N_CGROUP_HELD,
	[OOMW_NOTICE_CGROUP_RELEASED] = N_CGROUP_RELEASED,
};

static bool add_var(netsnmp_variable_list **vars, const oid *sub, size_t sub_len, const oid *index,
		    size_t index_len, const struct agent_value *v)
{
	oid name[OID_MAX_LEN];
	size_t len = instance_oid(sub, sub_len, index, index_len, name);
	return snmp_varlist_add_variable(vars, name, len, v->type, &v->u, v->len) != NULL;
}

/* A kill: these columns of oomwKillTable, as the MIB's NOTIFICATION-TYPE
 * lists them; the instance is the kill's index. */
static bool add_kill(netsnmp_variable_list **vars, const struct oomw_event *ev)
{
	/* Time, HasDetails, Pid, Name, Scope, TaskMemcg, Why, Remedy. */
	static const unsigned kernel[] = { 2, 3, 4, 5, 7, 10, 16, 17 };
	/* Time, Killer, Pid, Name, TaskMemcg, KillerDetail. */
	static const unsigned userspace[] = { 2, 22, 4, 5, 10, 23 };
	bool by_kernel = ev->killer == OOMW_KILLER_KERNEL;
	const unsigned *columns = by_kernel ? kernel : userspace;
	size_t n = by_kernel ? sizeof(kernel) / sizeof(kernel[0])
			     : sizeof(userspace) / sizeof(userspace[0]);
	oid index = ev->index > UINT32_MAX ? UINT32_MAX : (oid)ev->index;
	struct agent_value v;
	bool built = true;
	for (size_t i = 0; i < n; i++) {
		const oid column[] = { AGENT_KILL_TABLE, 1, columns[i] };
		if (kill_value(columns[i], ev, &v))
			built = built && add_var(vars, column, 3, &index, 1, &v);
	}
	return built;
}

/* A cgroup started being held at its limit: the columns of oomwCgroupTable
 * the notification lists, as they were then; the instance is its path. */
static bool add_held(netsnmp_variable_list **vars, const struct oomw_notice *n, const oid *index,
		     size_t len)
{
	/* Path, RecentLimitHits, Pressure, VictimPid, VictimName, HeldText. */
	enum { N_COLUMNS = 6 };
	static const unsigned columns[N_COLUMNS] = { 2, 9, 10, 11, 12, 13 };
	struct agent_value v[N_COLUMNS];
	const bool known[N_COLUMNS] = {
		put_text(&v[0], n->cgroup),
		put_number(&v[1], ASN_UNSIGNED, n->limit_hits),
		put_pct(&v[2], n->pressure_cpct),
		put_number(&v[3], ASN_UNSIGNED, n->victim_pid),
		n->victim_pid != OOMW_UNKNOWN && put_text(&v[4], n->victim_comm),
		put_ascii(&v[5], n->text),
	};
	bool built = true;
	for (size_t i = 0; i < N_COLUMNS; i++) {
		const oid column[] = { AGENT_CGROUP_TABLE, 1, columns[i] };
		if (known[i])
			built = built && add_var(vars, column, 3, index, len, &v[i]);
	}
	return built;
}

/* A notice about the present: oomwStatus, oomwStatusText and
 * oomwMemAvailablePct; or a cgroup's columns, the instance its path. */
static bool add_notice(netsnmp_variable_list **vars, const struct oomw_notice *n)
{
	static const oid zero = 0, status[] = { 4, 1 }, text[] = { 4, 2 }, pct[] = { 1, 8 };
	static const oid path[] = { AGENT_CGROUP_TABLE, 1, 2 }, held[] = { AGENT_CGROUP_TABLE, 1, 8 };
	oid index[OID_MAX_LEN];
	size_t len = path_index(n->cgroup, index);
	struct agent_value v;
	if (n->kind == OOMW_NOTICE_CGROUP_HELD)
		return add_held(vars, n, index, len);
	if (n->kind == OOMW_NOTICE_CGROUP_RELEASED)
		return put_text(&v, n->cgroup) && add_var(vars, path, 3, index, len, &v) &&
		       put_truth(&v, false) && add_var(vars, held, 3, index, len, &v);
	put_number(&v, ASN_INTEGER, verdict_value(n->severity));
	bool built = add_var(vars, status, 2, &zero, 1, &v);
	put_ascii(&v, n->text);
	built = built && add_var(vars, text, 2, &zero, 1, &v);
	if (n->kind != OOMW_NOTICE_KILLS_UNKNOWN_TIME && put_pct(&v, n->available_cpct))
		built = built && add_var(vars, pct, 2, &zero, 1, &v);
	return built;
}

int agent_mib_notification(const struct oomw_event *ev, const struct oomw_notice *n,
			   netsnmp_variable_list **vars)
{
	oid trap_oid[OID_LENGTH(agent_mib_oid) + 2];
	memcpy(trap_oid, agent_mib_oid, sizeof(agent_mib_oid));
	trap_oid[OID_LENGTH(agent_mib_oid)] = 0; /* oomwNotifications */
	trap_oid[OID_LENGTH(agent_mib_oid) + 1] = ev == NULL ? of_notice[n->kind]
						  : ev->killer != OOMW_KILLER_KERNEL ? N_USERSPACE_KILL
										     : N_KILL;
	if (snmp_varlist_add_variable(vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
				      trap_oid, sizeof(trap_oid)) == NULL)
		return -ENOMEM;
	return (ev != NULL ? add_kill(vars, ev) : add_notice(vars, n)) ? 0 : -ENOMEM;
}

/* GETNEXT walks objects[] in order: each object must sort after the one before. */
static void assert_oid_order(void)
{
	for (size_t o = 1; o < N_OBJECTS; o++) {
		oid prev[OID_MAX_LEN], cur[OID_MAX_LEN];
		size_t prev_len = object_oid(&objects[o - 1], prev);
		size_t cur_len = object_oid(&objects[o], cur);
		int order = snmp_oid_compare(prev, prev_len, cur, cur_len);
		assert(order < 0);
		(void)order;
	}
}

int agent_mib_register(void)
{
	assert_oid_order();
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"oomwatch", handle_request, objects_oid, OBJECTS_LEN, HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		return -ENOMEM;
	/* sysORTable tells a manager which MIB this agent implements. */
	register_sysORTable(agent_mib_oid, OID_LENGTH(agent_mib_oid),
			    "OOMWATCH-MIB: OOM kills and memory pressure (oomwatch-agent)");
	return agent_trap_register();
}
