/* SPDX-License-Identifier: MIT */
/* agent_mib.c — OOMWATCH-MIB for net-snmp: one handler serves the whole
 * oomwObjects subtree (scalars and three tables) from the cache filled by
 * agent_mib_refresh(), so a request never waits on /proc. Unknown numbers are
 * absent (noSuchInstance, or a skipped cell) rather than 0.
 *
 * Notifications are sent as AgentX Notify PDUs with a response callback: a
 * notification counts as delivered only when the master answered it (RFC 2741
 * 7.1.10: the master sends the trap, then its Response). Kill notifications
 * are not queued in memory: the monitor's persisted events above the state's
 * delivery cursor are the ones owed, so whichever agent process runs next
 * sends them; the cursor moves, and is saved, as the answers come in. Low
 * memory and recovery notifications are about the present, and are queued in
 * memory until answered.
 *
 * Nothing here judges: the verdict, the summary, the held (hysteresis) memory
 * verdicts, which kill is news, the victim's cgroup and the wording of every
 * source problem come from the core (common/assess.h); this file maps them
 * onto OOMWATCH-MIB objects and notifications. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agent_mib.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "assess.h"
#include "cgroup_name.h"
#include "journal.h"
#include "text.h"

#define TEXT_MAX 255 /* DisplayString (SIZE (0..255)) */
#define DATE_AND_TIME_LEN 11
#define USEC_PER_SEC 1000000LL
#define PCT_HUNDREDTHS_MAX 10000
#define OID_MAX_LEN MAX_OID_LEN /* 128 sub-identifiers (RFC 2578 3.5) */
/* oomwCgroupTable is indexed by the cgroup's path, IMPLIED (the path's bytes,
 * one sub-identifier each, no length): 11 sub-identifiers name the column
 * (1.3.6.1.4.1.32473.1.7.1.C), so a path of at most 117 bytes fits. */
#define CGROUP_INDEX_MAX (OID_MAX_LEN - 11)

enum scope_value { SCOPE_UNKNOWN = 1, SCOPE_GLOBAL = 2, SCOPE_MEMCG = 3 };
enum truth { TRUTH_TRUE = 1, TRUTH_FALSE = 2 };

/* enterprises.32473 = oomwatchMIB (provisional, see the MIB). Not const:
 * register_sysORTable() takes it without const. */
static oid mib_oid[] = { 1, 3, 6, 1, 4, 1, 32473 };
static const oid objects_oid[] = { 1, 3, 6, 1, 4, 1, 32473, 1 };
static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
/* RFC 2741 6.1: h.type of a Notify PDU; net-snmp's AgentX transport uses the
 * RFC's numbers as PDU commands, but installs no header that names them. */
#define AGENTX_NOTIFY_PDU 12
/* How long snmpd may take to answer a Notify before net-snmp sends it again
 * (its session default is 1 s): a Notify sent twice is two traps, and a
 * loaded snmpd can take longer than a second. */
#define NOTIFY_TIMEOUT_SEC 5
/* RFC 2741 6.2.16: res.error notOpen (the master no longer knows our session). */
#define AGENTX_ERR_NOT_OPEN_SESSION 257
#define MIB_LEN OID_LENGTH(mib_oid)
#define OBJECTS_LEN OID_LENGTH(objects_oid)

enum table { T_NONE, T_KILL, T_CANDIDATE, T_CGROUP };

/* Every served object, in OID order: the GETNEXT walk depends on it
 * (assert_oid_order checks it at registration). */
enum obj {
	O_MEM_TOTAL,
	O_MEM_AVAILABLE,
	O_MEM_FREE,
	O_SWAP_TOTAL,
	O_SWAP_FREE,
	O_COMMITTED,
	O_COMMIT_LIMIT,
	O_MEM_AVAILABLE_PCT,
	O_MEM_TOTAL_MIB,
	O_MEM_AVAILABLE_MIB,
	O_MEM_FREE_MIB,
	O_SWAP_TOTAL_MIB,
	O_SWAP_FREE_MIB,
	O_COMMITTED_MIB,
	O_COMMIT_LIMIT_MIB,
	O_PSI_SOME10,
	O_PSI_SOME60,
	O_PSI_SOME300,
	O_PSI_SOME_TOTAL,
	O_PSI_FULL10,
	O_PSI_FULL60,
	O_PSI_FULL300,
	O_PSI_FULL_TOTAL,
	O_KILL_COUNT,
	O_KILLS_NO_DETAILS,
	O_LAST_TIME,
	O_LAST_PID,
	O_LAST_NAME,
	O_LAST_CGROUP,
	O_LAST_INDEX,
	O_USERSPACE_KILL_COUNT,
	O_KILL_COUNT32,
	O_STATUS,
	O_STATUS_TEXT,
	O_KLOG_STATUS,
	O_SAMPLE_TIME,
	O_CGROUPS_UNINDEXED,
	K_TIME,
	K_HAS_DETAILS,
	K_PID,
	K_NAME,
	K_UID,
	K_SCOPE,
	K_CONSTRAINT,
	K_MEMCG,
	K_TASK_MEMCG,
	K_TOTAL_VM,
	K_ANON_RSS,
	K_FILE_RSS,
	K_SHMEM_RSS,
	K_OOM_SCORE_ADJ,
	K_WHY,
	K_REMEDY,
	K_UNIT,
	K_CONTAINER_ID,
	K_POD_UID,
	K_POD_QOS,
	K_KILLER,
	K_KILLER_DETAIL,
	C_PID,
	C_NAME,
	C_OOM_SCORE,
	C_OOM_SCORE_ADJ,
	C_RSS,
	G_PATH,
	G_KILLS,
	G_USAGE,
	G_LIMIT,
	G_UNDER_OOM,
	G_LIMIT_HITS,
	N_OBJ
};

struct node {
	oid sub[3]; /* below oomwObjects */
	size_t sub_len;
	enum table table;
};

#define SCALAR(g, i)                                                                               \
	{                                                                                          \
		{ g, i }, 2, T_NONE                                                                \
	}
#define COLUMN(t, c, tab)                                                                          \
	{                                                                                          \
		{ t, 1, c }, 3, tab                                                                \
	}
static const struct node nodes[N_OBJ] = {
	SCALAR(1, 1),
	SCALAR(1, 2),
	SCALAR(1, 3),
	SCALAR(1, 4),
	SCALAR(1, 5),
	SCALAR(1, 6),
	SCALAR(1, 7),
	SCALAR(1, 8),
	SCALAR(1, 9),
	SCALAR(1, 10),
	SCALAR(1, 11),
	SCALAR(1, 12),
	SCALAR(1, 13),
	SCALAR(1, 14),
	SCALAR(1, 15),
	SCALAR(2, 1),
	SCALAR(2, 2),
	SCALAR(2, 3),
	SCALAR(2, 4),
	SCALAR(2, 5),
	SCALAR(2, 6),
	SCALAR(2, 7),
	SCALAR(2, 8),
	SCALAR(3, 1),
	SCALAR(3, 2),
	SCALAR(3, 3),
	SCALAR(3, 4),
	SCALAR(3, 5),
	SCALAR(3, 6),
	SCALAR(3, 7),
	SCALAR(3, 8),
	SCALAR(3, 9),
	SCALAR(4, 1),
	SCALAR(4, 2),
	SCALAR(4, 3),
	SCALAR(4, 4),
	SCALAR(4, 5),
	COLUMN(5, 2, T_KILL),
	COLUMN(5, 3, T_KILL),
	COLUMN(5, 4, T_KILL),
	COLUMN(5, 5, T_KILL),
	COLUMN(5, 6, T_KILL),
	COLUMN(5, 7, T_KILL),
	COLUMN(5, 8, T_KILL),
	COLUMN(5, 9, T_KILL),
	COLUMN(5, 10, T_KILL),
	COLUMN(5, 11, T_KILL),
	COLUMN(5, 12, T_KILL),
	COLUMN(5, 13, T_KILL),
	COLUMN(5, 14, T_KILL),
	COLUMN(5, 15, T_KILL),
	COLUMN(5, 16, T_KILL),
	COLUMN(5, 17, T_KILL),
	COLUMN(5, 18, T_KILL),
	COLUMN(5, 19, T_KILL),
	COLUMN(5, 20, T_KILL),
	COLUMN(5, 21, T_KILL),
	COLUMN(5, 22, T_KILL),
	COLUMN(5, 23, T_KILL),
	COLUMN(6, 2, T_CANDIDATE),
	COLUMN(6, 3, T_CANDIDATE),
	COLUMN(6, 4, T_CANDIDATE),
	COLUMN(6, 5, T_CANDIDATE),
	COLUMN(6, 6, T_CANDIDATE),
	COLUMN(7, 2, T_CGROUP),
	COLUMN(7, 3, T_CGROUP),
	COLUMN(7, 4, T_CGROUP),
	COLUMN(7, 5, T_CGROUP),
	COLUMN(7, 6, T_CGROUP),
	COLUMN(7, 7, T_CGROUP),
};

#define N_SOURCES (OOMW_SRC_COUNT_KILLS + 1)
/* The problems of one source, joined: what was last logged for it. */
#define SOURCE_TEXT_MAX (2 * OOMW_PROBLEM_TEXT_MAX)

enum notification {
	N_KILL = 1,
	N_LOW_MEMORY = 2,
	N_RECOVERED = 3,
	N_KILLS_UNKNOWN_TIME = 4,
	N_USERSPACE_KILL = 5,
};

/* A status notification (low memory, recovered, kills at an unknown time),
 * copied when it is queued. */
struct pending {
	enum notification kind;
	enum oomw_severity severity;
	char text[TEXT_MAX + 1];
	int64_t available_cpct; /* OOMW_UNKNOWN when meminfo was unreadable */
	long reqid;             /* 0: not sent (or to send again) */
};

/* A kill notification handed to the master. What is owed is at most one
 * ring of events, so as many records do (found by index, reused once the
 * cursor passed them and no answer is awaited). */
struct delivery {
	uint64_t index; /* 0: slot unused */
	long reqid;     /* of the Notify in flight; 0 once answered or failed */
	bool acked;
};

struct value {
	u_char type;
	size_t len;
	union {
		struct counter64 c64;
		long l;
		u_long ul;
		char str[TEXT_MAX + 1];
		u_char date[DATE_AND_TIME_LEN];
	} u;
};

static struct {
	const struct agent_config *cfg;
	struct oomw_snapshot snap;
	bool have_snap;
	const struct oomw_event *events; /* the monitor's, valid until the next sample */
	size_t n_events;
	size_t n_new; /* events the last sample reported: the last ones of the ring */
	int save_err; /* of the last sample's state save */
	size_t kill_rows[OOMW_STATE_EVENTS_MAX]; /* events[] shown in oomwKillTable, index order */
	size_t n_kill_rows;
	size_t cgroup_rows[OOMW_SNAPSHOT_CGROUPS_MAX]; /* snap.cgroups[] in oomwCgroupTable, OID order */
	size_t n_cgroup_rows;
	size_t n_cgroups_unindexed; /* paths too long for an index (oomwCgroupsUnindexed) */
	struct oomw_verdict verdict;
	struct oomw_held held; /* the last known memory, swap and PSI verdicts (hysteresis) */
	enum oomw_severity mem_notified; /* the last known memory verdict */
	char status_text[TEXT_MAX + 1];
	char klog_text[TEXT_MAX + 1];
	bool connected;
	netsnmp_session *master;      /* the AgentX session, while connected */
	struct oomw_monitor *monitor; /* holds the events owed and the delivery cursor */
	struct delivery sent[OOMW_STATE_EVENTS_MAX];
	struct pending queue[AGENT_TRAP_QUEUE_MAX];
	size_t q_head, q_len;
	uint64_t q_dropped;
	int cursor_err; /* the last failure to save the delivery cursor, logged once */
	/* Kills at an unknown time up to this index are not sent one by one: one
	 * oomwKillsAtUnknownTimeNotification says them (see notify_news). In
	 * memory only: an agent restarted before the cursor passed them would
	 * send them. */
	uint64_t backlog_through;
	char logged[N_SOURCES][SOURCE_TEXT_MAX]; /* what was last logged for each source */
} cache = {
	.held = { OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN },
	.mem_notified = OOMW_SEV_UNKNOWN,
};

/* ---- values ---- */

static bool put_c64(struct value *v, int64_t x)
{
	if (x == OOMW_UNKNOWN || x < 0)
		return false;
	v->type = ASN_COUNTER64;
	v->u.c64.high = (u_long)((uint64_t)x >> 32);
	v->u.c64.low = (u_long)((uint64_t)x & 0xffffffffu);
	v->len = sizeof(v->u.c64);
	return true;
}

static bool put_u32(struct value *v, int64_t x)
{
	if (x == OOMW_UNKNOWN || x < 0)
		return false;
	v->type = ASN_UNSIGNED;
	v->u.ul = (u_long)(x > (int64_t)UINT32_MAX ? UINT32_MAX : x);
	v->len = sizeof(v->u.ul);
	return true;
}

/* Counter32: the counter modulo 2^32, as a 32-bit counter wraps. */
static bool put_c32(struct value *v, int64_t x)
{
	if (x == OOMW_UNKNOWN || x < 0)
		return false;
	v->type = ASN_COUNTER;
	v->u.ul = (u_long)((uint64_t)x & 0xffffffffu);
	v->len = sizeof(v->u.ul);
	return true;
}

static bool put_int(struct value *v, int64_t x)
{
	if (x == OOMW_UNKNOWN || x < INT32_MIN || x > INT32_MAX)
		return false;
	v->type = ASN_INTEGER;
	v->u.l = (long)x;
	v->len = sizeof(v->u.l);
	return true;
}

static bool put_pct(struct value *v, bool known, int64_t cpct)
{
	if (!known)
		return false;
	return put_u32(v, cpct > PCT_HUNDREDTHS_MAX ? PCT_HUNDREDTHS_MAX : cpct);
}

/* Any bytes become printable ASCII of at most 255 characters (DisplayString). */
static bool put_text(struct value *v, const char *s, size_t len)
{
	v->type = ASN_OCTET_STR;
	v->len = oomw_escape(s, len, NULL, v->u.str, sizeof(v->u.str));
	return true;
}

static bool put_str(struct value *v, const char *s)
{
	return put_text(v, s, strlen(s));
}

/* Cuts the core's text, already printable ASCII with "\xNN" escapes
 * (assess.h), to out's size without splitting an escape. */
static void cut_ascii(const char *in, char *out, size_t size)
{
	size_t n = strlen(in);
	if (n >= size) {
		n = size - 1;
		for (size_t k = 1; k <= 3 && k <= n; k++)
			if (in[n - k] == '\\') {
				n -= k;
				break;
			}
	}
	memcpy(out, in, n);
	out[n] = '\0';
}

/* A text of the core: served as it is, never escaped twice. */
static bool put_ascii(struct value *v, const char *s)
{
	cut_ascii(s, v->u.str, sizeof(v->u.str));
	v->type = ASN_OCTET_STR;
	v->len = strlen(v->u.str);
	return true;
}

/* DateAndTime in UTC: year(2) month day hour minute second deci-second '+' 0 0. */
static bool put_time(struct value *v, int64_t wall_usec)
{
	if (wall_usec == OOMW_UNKNOWN || wall_usec < 0)
		return false;
	time_t sec = (time_t)(wall_usec / USEC_PER_SEC);
	struct tm tm;
	if (gmtime_r(&sec, &tm) == NULL)
		return false;
	int year = tm.tm_year + 1900;
	if (year > UINT16_MAX)
		return false; /* DateAndTime has two octets for the year (a bad date in a state file) */
	u_char *d = v->u.date;
	d[0] = (u_char)(year >> 8);
	d[1] = (u_char)(year & 0xff);
	d[2] = (u_char)(tm.tm_mon + 1);
	d[3] = (u_char)tm.tm_mday;
	d[4] = (u_char)tm.tm_hour;
	d[5] = (u_char)tm.tm_min;
	d[6] = (u_char)tm.tm_sec;
	d[7] = (u_char)((wall_usec % USEC_PER_SEC) / 100000);
	d[8] = '+';
	d[9] = 0;
	d[10] = 0;
	v->type = ASN_OCTET_STR;
	v->len = DATE_AND_TIME_LEN;
	return true;
}

static bool put_truth(struct value *v, bool b)
{
	return put_int(v, b ? TRUTH_TRUE : TRUTH_FALSE);
}

/* OomwScope and OomwVerdict are the core's enums plus one. */
_Static_assert(OOMW_SCOPE_UNKNOWN + 1 == SCOPE_UNKNOWN && OOMW_SCOPE_GLOBAL + 1 == SCOPE_GLOBAL &&
		       OOMW_SCOPE_MEMCG + 1 == SCOPE_MEMCG,
	       "OomwScope unknown(1) global(2) memcg(3)");
_Static_assert(OOMW_SEV_OK == 0 && OOMW_SEV_WARNING == 1 && OOMW_SEV_CRITICAL == 2 &&
		       OOMW_SEV_UNKNOWN == 3,
	       "OomwVerdict ok(1) warning(2) critical(3) unknown(4)");

static long scope_value(enum oomw_scope s)
{
	return (long)s + 1;
}

/* OomwKiller: kernel(1), systemdOomd(2), earlyoom(3). */
static long killer_value(enum oomw_killer k)
{
	return (long)k + 1;
}

static long verdict_value(enum oomw_severity s)
{
	return (long)s + 1;
}

/* Recency is by time, not by index: kills the counter showed at a first
 * start, dated at boot, are numbered after the ones the log names. */
static bool more_recent(const struct oomw_event *a, const struct oomw_event *b)
{
	return a->wall_usec > b->wall_usec || (a->wall_usec == b->wall_usec && a->index > b->index);
}

/* The kernel's most recent kill (oomwLastKill*): a userspace killer's is not one. */
static const struct oomw_event *last_event(void)
{
	const struct oomw_event *last = NULL;
	for (size_t i = 0; i < cache.n_events; i++)
		if (cache.events[i].killer == OOMW_KILLER_KERNEL &&
		    (last == NULL || more_recent(&cache.events[i], last)))
			last = &cache.events[i];
	return last;
}

/* MemAvailable as the core computed it, in hundredths of a percent of
 * MemTotal (rounded, as check_oom's and collectd's two decimals), or
 * OOMW_UNKNOWN. */
static int64_t available_cpct(void)
{
	const struct oomw_gauge *g = &cache.verdict.mem_available;
	if (!g->known || !g->pct_known)
		return OOMW_UNKNOWN;
	return (int64_t)(g->pct * 100.0 + 0.5);
}

/* oomwMemTotal .. oomwCommitLimit, in the order of enum obj (and so their
 * MiB twins, oomwMemTotalMiB .. oomwCommitLimitMiB). */
#define MEMINFO(field) offsetof(struct oomw_meminfo, field)
static const size_t meminfo_kib[] = {
	MEMINFO(mem_total_kib),    MEMINFO(mem_available_kib), MEMINFO(mem_free_kib),
	MEMINFO(swap_total_kib),   MEMINFO(swap_free_kib),     MEMINFO(committed_as_kib),
	MEMINFO(commit_limit_kib),
};

static bool memory_value(enum obj o, struct value *v)
{
	if (o == O_MEM_AVAILABLE_PCT)
		return put_pct(v, available_cpct() != OOMW_UNKNOWN, available_cpct());
	const char *mem = (const char *)&cache.snap.mem;
	if (cache.snap.mem_err != 0)
		return false;
	if (o >= O_MEM_TOTAL_MIB) {
		int64_t kib = *(const int64_t *)(mem + meminfo_kib[o - O_MEM_TOTAL_MIB]);
		return kib != OOMW_UNKNOWN && put_u32(v, kib / 1024); /* Gauge32, held at its maximum */
	}
	return put_c64(v, *(const int64_t *)(mem + meminfo_kib[o - O_MEM_TOTAL]));
}

/* oomwPsiSome* then oomwPsiFull*, each avg10, avg60, avg300, total. */
static bool pressure_value(enum obj o, struct value *v)
{
	static const int avg_sec[] = { 10, 60, 300 };
	const struct oomw_snapshot *s = &cache.snap;
	bool full = o >= O_PSI_FULL10;
	const struct oomw_psi_line *l = oomw_psi_selected(s, full ? OOMW_PSI_FULL : OOMW_PSI_SOME);
	size_t which = (size_t)(o - (full ? O_PSI_FULL10 : O_PSI_SOME10));
	if (s->psi_err != 0 || !l->known)
		return false;
	if (which == 3)
		return put_c64(v, l->total_usec);
	return put_pct(v, l->known, oomw_psi_avg_cpct(l, avg_sec[which]));
}

static bool kill_value(enum obj o, const struct oomw_event *ev, struct value *v);

/* oomwLastKill*: the cells of the most recent kill, as in oomwKillTable. */
static bool last_kill_value(enum obj o, struct value *v)
{
	static const enum obj as_cell[] = { K_TIME, K_PID, K_NAME, K_TASK_MEMCG };
	const struct oomw_snapshot *s = &cache.snap;
	const struct oomw_event *last = last_event();
	if (o == O_KILL_COUNT)
		return s->vmstat_err == 0 && put_c64(v, s->oom_kill_total);
	if (o == O_KILL_COUNT32)
		return s->vmstat_err == 0 && put_c32(v, s->oom_kill_total);
	if (o == O_KILLS_NO_DETAILS)
		return put_c64(v, s->kills_without_details);
	if (o == O_USERSPACE_KILL_COUNT) /* known while a log is read */
		return s->klog_err == 0 && strcmp(cache.cfg->paths.kmsg, OOMW_KMSG_NONE) != 0 &&
		       put_c64(v, s->userspace_kills);
	if (last == NULL)
		return false;
	if (o == O_LAST_INDEX)
		return last->index > 0 &&
		       put_u32(v, (int64_t)(last->index > UINT32_MAX ? UINT32_MAX : last->index));
	return kill_value(as_cell[o - O_LAST_TIME], last, v);
}

static bool agent_value(enum obj o, struct value *v)
{
	switch (o) {
	case O_STATUS:
		return put_int(v, verdict_value(cache.verdict.severity));
	case O_STATUS_TEXT:
		return put_ascii(v, cache.status_text);
	case O_KLOG_STATUS:
		return put_ascii(v, cache.klog_text);
	case O_SAMPLE_TIME:
		return put_time(v, cache.snap.wall_usec);
	case O_CGROUPS_UNINDEXED:
		return put_u32(v, (int64_t)cache.n_cgroups_unindexed);
	default:
		return false;
	}
}

static bool scalar_value(enum obj o, struct value *v)
{
	if (!cache.have_snap)
		return false;
	if (o <= O_COMMIT_LIMIT_MIB)
		return memory_value(o, v);
	if (o <= O_PSI_FULL_TOTAL)
		return pressure_value(o, v);
	return o <= O_KILL_COUNT32 ? last_kill_value(o, v) : agent_value(o, v);
}

/* Why that victim, the remedy (assess.h), and who it was (cgroup_name.h). */
static bool kill_reason_value(enum obj o, const struct oomw_kill *k, struct value *v)
{
	char text[OOMW_WHY_TEXT_MAX];
	const char *cg = oomw_kill_cgroup(k);
	struct oomw_cgroup_name who;
	if (o == K_WHY || o == K_REMEDY) {
		/* whole when it fits the DisplayString, else in fewer words */
		(o == K_WHY ? oomw_kill_why_within : oomw_kill_remedy_within)(k, TEXT_MAX, text,
									      sizeof(text));
		return put_ascii(v, text);
	}
	oomw_cgroup_name(cg, strlen(cg), &who);
	switch (o) {
	case K_UNIT:
		return put_str(v, who.unit);
	case K_CONTAINER_ID:
		return put_str(v, who.container_id);
	case K_POD_UID:
		return put_str(v, who.pod_uid);
	default:
		return put_str(v, oomw_qos_name(who.qos));
	}
}

/* Shared by the table and the kill notification. pid 0 and "" mean unknown. */
static bool kill_value(enum obj o, const struct oomw_event *ev, struct value *v)
{
	const struct oomw_kill *k = &ev->kill;
	switch (o) {
	case K_TIME:
		return put_time(v, ev->wall_usec);
	case K_HAS_DETAILS:
		return put_truth(v, ev->has_details);
	case K_PID:
		return put_u32(v, k->pid == OOMW_UNKNOWN ? 0 : k->pid);
	case K_NAME:
		return put_text(v, k->comm, k->comm_len);
	case K_UID:
		return put_u32(v, k->uid);
	case K_SCOPE:
		return ev->killer == OOMW_KILLER_KERNEL && put_int(v, scope_value(k->scope));
	case K_CONSTRAINT:
		return put_str(v, k->constraint);
	case K_MEMCG:
		return put_str(v, k->oom_memcg);
	case K_TASK_MEMCG:
		/* memory.oom.group victims after the first: the OOM memcg. */
		return put_str(v, oomw_kill_cgroup(k));
	case K_TOTAL_VM:
		return put_c64(v, k->total_vm_kib);
	case K_ANON_RSS:
		return put_c64(v, k->anon_rss_kib);
	case K_FILE_RSS:
		return put_c64(v, k->file_rss_kib);
	case K_SHMEM_RSS:
		return put_c64(v, k->shmem_rss_kib);
	case K_OOM_SCORE_ADJ:
		return put_int(v, k->oom_score_adj);
	case K_WHY:
	case K_REMEDY:
	case K_UNIT:
	case K_CONTAINER_ID:
	case K_POD_UID:
	case K_POD_QOS:
		return ev->has_details && ev->killer == OOMW_KILLER_KERNEL &&
		       kill_reason_value(o, k, v);
	case K_KILLER:
		return put_int(v, killer_value(ev->killer));
	case K_KILLER_DETAIL:
		return ev->killer != OOMW_KILLER_KERNEL && put_str(v, ev->ukill.detail);
	default:
		return false;
	}
}

static bool candidate_value(enum obj o, const struct oomw_candidate *c, struct value *v)
{
	switch (o) {
	case C_PID:
		return put_u32(v, c->pid);
	case C_NAME:
		return put_text(v, c->comm, c->comm_len);
	case C_OOM_SCORE:
		return put_u32(v, c->oom_score);
	case C_OOM_SCORE_ADJ:
		return put_int(v, c->oom_score_adj);
	case C_RSS:
		return put_c64(v, c->rss_kib);
	default:
		return false;
	}
}

static bool cgroup_value(enum obj o, const struct oomw_cgroup_stats *g, struct value *v)
{
	switch (o) {
	case G_PATH:
		return put_str(v, g->path);
	case G_KILLS:
		return put_c64(v, g->oom_kill);
	case G_USAGE:
		return g->usage_bytes != OOMW_UNKNOWN && put_c64(v, g->usage_bytes / 1024);
	case G_LIMIT:
		return g->limit_bytes != OOMW_UNKNOWN && g->limit_bytes != OOMW_UNLIMITED &&
		       put_c64(v, g->limit_bytes / 1024);
	case G_UNDER_OOM:
		return g->version == 1 && g->under_oom != OOMW_UNKNOWN &&
		       put_truth(v, g->under_oom != 0);
	case G_LIMIT_HITS:
		return put_c64(v, oomw_cgroup_limit_hits(g));
	default:
		return false;
	}
}

/* ---- tables: rows in ascending index order ---- */

/* oomwKillTable shows the kill_table_size most recent kills, in index order. */
static void choose_kill_rows(void)
{
	size_t keep = cache.cfg->kill_table_size;
	cache.n_kill_rows = 0;
	for (size_t i = 0; i < cache.n_events; i++) {
		size_t newer = 0;
		for (size_t j = 0; j < cache.n_events && newer < keep; j++)
			newer += more_recent(&cache.events[j], &cache.events[i]);
		if (newer < keep)
			cache.kill_rows[cache.n_kill_rows++] = i;
	}
}

/* The cgroup path as an IMPLIED OCTET STRING index: its bytes, each one
 * sub-identifier. 0 when the path does not fit (or is empty). */
static size_t path_index(const char *path, oid *out)
{
	size_t len = strlen(path);
	if (len == 0 || len > CGROUP_INDEX_MAX)
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
	return 0;
}

/* The index of a row, as sub-identifiers in out; its length, 0 = no valid
 * index (an event index beyond Unsigned32 is not served). */
static size_t row_index(enum table t, size_t row, oid *out)
{
	if (t == T_KILL) {
		uint64_t idx = cache.events[cache.kill_rows[row]].index;
		out[0] = (oid)idx;
		return idx > UINT32_MAX ? 0 : 1;
	}
	if (t == T_CGROUP)
		return path_index(cache.snap.cgroups[cache.cgroup_rows[row]].stats.path, out);
	out[0] = (oid)(row + 1);
	return 1;
}

static bool cell_value(enum obj o, size_t row, struct value *v)
{
	switch (nodes[o].table) {
	case T_KILL:
		return kill_value(o, &cache.events[cache.kill_rows[row]], v);
	case T_CANDIDATE:
		return candidate_value(o, &cache.snap.candidates[row], v);
	case T_CGROUP:
		return cgroup_value(o, &cache.snap.cgroups[cache.cgroup_rows[row]].stats, v);
	case T_NONE:
		break;
	}
	return false;
}

/* ---- the handler ---- */

/* The OID of object o without its instance, in out; its length. */
static size_t object_oid(enum obj o, oid *out)
{
	memcpy(out, objects_oid, sizeof(objects_oid));
	memcpy(out + OBJECTS_LEN, nodes[o].sub, nodes[o].sub_len * sizeof(oid));
	return OBJECTS_LEN + nodes[o].sub_len;
}

/* The OID of a one-sub-identifier instance (a scalar's 0, a kill's index). */
static size_t instance_oid(enum obj o, oid instance, oid *out)
{
	size_t len = object_oid(o, out);
	out[len] = instance;
	return len + 1;
}

/* Value of the instance inst (inst_len sub-identifiers) of object o; false
 * when absent. */
static bool instance_value(enum obj o, const oid *inst, size_t inst_len, struct value *v)
{
	if (nodes[o].table == T_NONE)
		return inst_len == 1 && inst[0] == 0 && scalar_value(o, v);
	size_t n = table_rows(nodes[o].table);
	for (size_t row = 0; row < n; row++) {
		oid idx[OID_MAX_LEN];
		size_t len = row_index(nodes[o].table, row, idx);
		if (len != 0 && snmp_oid_compare(idx, len, inst, inst_len) == 0)
			return cell_value(o, row, v);
	}
	return false;
}

static void answer_get(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
	const netsnmp_variable_list *var = r->requestvb;
	struct value v;
	for (int o = 0; o < N_OBJ; o++) {
		oid full[OID_MAX_LEN];
		size_t len = object_oid((enum obj)o, full);
		if (var->name_length < len || snmp_oid_compare(full, len, var->name, len) != 0)
			continue;
		/* The object exists: any name below it that is not an instance we
		 * hold is noSuchInstance (RFC 3416 4.2.1). */
		if (instance_value((enum obj)o, var->name + len, var->name_length - len, &v))
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
	struct value v;
	for (int o = 0; o < N_OBJ; o++) {
		oid full[OID_MAX_LEN];
		size_t plen = object_oid((enum obj)o, full);
		size_t cmp_len = var->name_length < plen ? var->name_length : plen;
		if (snmp_oid_compare(full, plen, var->name, cmp_len) < 0)
			continue; /* the whole object sorts before the request */
		enum table t = nodes[o].table;
		size_t n = t == T_NONE ? 1 : table_rows(t);
		for (size_t row = 0; row < n; row++) {
			size_t ilen = 1;
			full[plen] = 0;
			if (t != T_NONE && (ilen = row_index(t, row, full + plen)) == 0)
				continue;
			if (snmp_oid_compare(full, plen + ilen, var->name, var->name_length) <= 0)
				continue;
			bool present = t == T_NONE ? scalar_value((enum obj)o, &v)
						   : cell_value((enum obj)o, row, &v);
			if (!present)
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

/* ---- notifications ---- */

static void queue_pop(void)
{
	cache.q_head = (cache.q_head + 1) % AGENT_TRAP_QUEUE_MAX;
	cache.q_len--;
}

static void note_dropped(uint64_t n)
{
	cache.q_dropped += n;
	snmp_log(LOG_WARNING,
		 "notification queue full (%zu): dropped the oldest %llu; %llu dropped so far\n",
		 cache.cfg->trap_queue_size, (unsigned long long)n,
		 (unsigned long long)cache.q_dropped);
}

/* Keeps at most `keep` memory notifications, dropping the oldest, and says so. */
static void queue_trim(size_t keep)
{
	while (cache.q_len > keep) {
		queue_pop();
		note_dropped(1);
	}
}

static struct pending *queue_push(void)
{
	queue_trim(cache.cfg->trap_queue_size - 1);
	struct pending *p = &cache.queue[(cache.q_head + cache.q_len) % AGENT_TRAP_QUEUE_MAX];
	cache.q_len++;
	memset(p, 0, sizeof(*p));
	return p;
}

static bool add_var(netsnmp_variable_list **vars, const oid *name, size_t len, const struct value *v)
{
	return snmp_varlist_add_variable(vars, name, len, v->type, &v->u, v->len) != NULL;
}

static bool add_scalar(netsnmp_variable_list **vars, enum obj o, const struct value *v)
{
	oid full[OID_MAX_LEN];
	return add_var(vars, full, instance_oid(o, 0, full), v);
}

/* The varbinds of a kill notification (ev) or of a memory one (p). A
 * notification missing some of its objects is not sent at all. */
static int build_vars(const struct oomw_event *ev, const struct pending *p, netsnmp_variable_list **vars)
{
	static const enum obj kill_objects[] = { K_TIME,  K_HAS_DETAILS, K_PID, K_NAME,
						 K_SCOPE, K_TASK_MEMCG,  K_WHY, K_REMEDY };
	static const enum obj userspace_objects[] = { K_TIME, K_KILLER,     K_PID,
						      K_NAME, K_TASK_MEMCG, K_KILLER_DETAIL };
	bool userspace = ev != NULL && ev->killer != OOMW_KILLER_KERNEL;
	const enum obj *objects = userspace ? userspace_objects : kill_objects;
	size_t n_objects = userspace ? sizeof(userspace_objects) / sizeof(userspace_objects[0])
				     : sizeof(kill_objects) / sizeof(kill_objects[0]);
	oid trap_oid[MIB_LEN + 2];
	struct value v;
	bool built = true;

	memcpy(trap_oid, mib_oid, sizeof(mib_oid));
	trap_oid[MIB_LEN] = 0; /* oomwNotifications */
	trap_oid[MIB_LEN + 1] = (oid)(userspace ? N_USERSPACE_KILL : ev != NULL ? N_KILL : p->kind);
	if (snmp_varlist_add_variable(vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID,
				      trap_oid, sizeof(trap_oid)) == NULL)
		return -ENOMEM;
	if (ev != NULL) {
		oid index = ev->index > UINT32_MAX ? UINT32_MAX : (oid)ev->index;
		for (size_t i = 0; i < n_objects; i++) {
			oid full[OID_MAX_LEN];
			if (kill_value(objects[i], ev, &v))
				built = built && add_var(vars, full,
							 instance_oid(objects[i], index, full), &v);
		}
	} else {
		put_int(&v, verdict_value(p->severity));
		built = built && add_scalar(vars, O_STATUS, &v);
		put_ascii(&v, p->text);
		built = built && add_scalar(vars, O_STATUS_TEXT, &v);
		if (p->kind != N_KILLS_UNKNOWN_TIME &&
		    put_pct(&v, p->available_cpct != OOMW_UNKNOWN, p->available_cpct))
			built = built && add_scalar(vars, O_MEM_AVAILABLE_PCT, &v);
	}
	return built ? 0 : -ENOMEM;
}

static int on_response(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic);

/* Hands one notification to the master as an AgentX Notify whose Response
 * comes to on_response. Returns its request id, or 0 when it was not sent
 * (it is tried again at the next flush). */
static long send_notify(const struct oomw_event *ev, const struct pending *p)
{
	netsnmp_variable_list *vars = NULL;
	if (build_vars(ev, p, &vars) != 0) {
		snmp_free_varbind(vars);
		snmp_log(LOG_ERR, "cannot build a notification: out of memory; will retry\n");
		return 0;
	}
	netsnmp_pdu *pdu = snmp_pdu_create(AGENTX_NOTIFY_PDU);
	if (pdu == NULL) {
		snmp_free_varbind(vars);
		return 0;
	}
	/* As net-snmp's own trap sender fills an AgentX Notify: our session
	 * with the master, and request ids never reused in a time window. */
	pdu->version = cache.master->version;
	pdu->sessid = cache.master->sessid;
	pdu->msgid = snmp_get_next_msgid();
	do
		pdu->reqid = snmp_get_next_reqid();
	while (pdu->reqid == 0);
	pdu->time = NOTIFY_TIMEOUT_SEC; /* not encoded in a Notify: read by net-snmp only */
	pdu->flags |= UCD_MSG_FLAG_PDU_TIMEOUT;
	pdu->variables = vars;
	long reqid = pdu->reqid;
	if (snmp_async_send(cache.master, pdu, on_response, NULL) == 0) {
		snmp_free_pdu(pdu);
		return 0;
	}
	return reqid;
}

/* The record of the notification of event `index`; with `create`, a new one
 * if there is none (NULL when all are busy: it is sent later). */
static struct delivery *delivery_of(uint64_t index, bool create)
{
	uint64_t cursor = oomw_monitor_notified(cache.monitor);
	struct delivery *spare = NULL;
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++) {
		struct delivery *d = &cache.sent[i];
		if (d->index == index)
			return d;
		if (spare == NULL && (d->index == 0 || (d->index <= cursor && d->reqid == 0)))
			spare = d;
	}
	if (!create || spare == NULL)
		return NULL;
	*spare = (struct delivery){ .index = index };
	return spare;
}

static void save_cursor(uint64_t index)
{
	int r = oomw_monitor_set_notified(cache.monitor, index);
	if (r != 0 && r != cache.cursor_err)
		snmp_log(LOG_ERR,
			 "cannot save the delivered notifications to the state file: %s; a restart "
			 "now would send them again\n",
			 strerror(-r));
	cache.cursor_err = r;
}

/* Answered, or not to be sent at all. */
static bool passed_over(const struct oomw_event *ev)
{
	const struct delivery *d = delivery_of(ev->index, false);
	return (d != NULL && d->acked) || (ev->backlog && ev->index <= cache.backlog_through);
}

/* Moves the saved delivery cursor over the answered notifications that
 * follow it. Indexes the ring does not hold (kills without details that found
 * it full at a first sample) were never owed: they do not stop it. */
static void advance_cursor(void)
{
	uint64_t from = oomw_monitor_notified(cache.monitor), to = from;
	for (size_t i = 0; i < cache.n_events; i++) {
		const struct oomw_event *ev = &cache.events[i];
		if (ev->index <= from)
			continue;
		if (!passed_over(ev))
			break;
		to = ev->index;
	}
	if (to != from)
		save_cursor(to);
}

/* Keeps what is owed sendable: at most trap_queue_size kill notifications.
 * The oldest beyond that are given up; so are kills that left the ring before
 * they could be sent (a storm of more than it holds in one sample, or kills
 * owed for longer than the ring lasts). The cursor moves past them and the
 * agent logs how many. */
static void give_up_unsendable(void)
{
	uint64_t cursor = oomw_monitor_notified(cache.monitor);
	size_t owed = 0, dropped = 0, passed = 0, i;
	for (i = 0; i < cache.n_events; i++)
		owed += cache.events[i].index > cursor && !passed_over(&cache.events[i]);
	for (i = 0; i < cache.n_events; i++) {
		const struct oomw_event *ev = &cache.events[i];
		if (ev->index <= cursor)
			continue;
		if (passed_over(ev)) {
			passed++;
			continue;
		}
		if (owed - dropped <= cache.cfg->trap_queue_size)
			break;
		dropped++;
	}
	if (i == cache.n_events)
		return; /* nothing owed is kept: the cursor follows the answers */
	uint64_t to = cache.events[i].index - 1;
	if (to <= cursor)
		return;
	if (dropped > 0)
		note_dropped(dropped);
	if (to - cursor > dropped + passed)
		snmp_log(LOG_WARNING,
			 "%llu kill notifications were lost: their kills left the ring of %d "
			 "before they could be sent\n",
			 (unsigned long long)(to - cursor - dropped - passed), OOMW_STATE_EVENTS_MAX);
	save_cursor(to);
}

/* Drops memory notifications answered out of order at the head of the queue. */
static void queue_settle(void)
{
	while (cache.q_len > 0 && cache.queue[cache.q_head].reqid == -1)
		queue_pop();
}

/* A Response from the master (delivered), or the request's end without one:
 * timed out, or its session closed (net-snmp ends pending requests so). */
static int on_response(int op, netsnmp_session *session, int reqid, netsnmp_pdu *pdu, void *magic)
{
	(void)session;
	(void)magic;
	bool answered = op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu != NULL;
	/* notOpen: the master lost our session; sent again after registering. */
	bool done = answered && pdu->errstat != AGENTX_ERR_NOT_OPEN_SESSION;
	if (answered && pdu->errstat != 0 && done)
		snmp_log(LOG_ERR,
			 "the AgentX master refused a notification (AgentX error %ld); not sent again\n",
			 pdu->errstat);
	if (reqid == 0)
		return 1;
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++) {
		struct delivery *d = &cache.sent[i];
		if (d->index == 0 || d->reqid != reqid)
			continue;
		d->reqid = 0;
		d->acked = done;
		if (done)
			advance_cursor();
		return 1;
	}
	for (size_t i = 0; i < cache.q_len; i++) {
		struct pending *p = &cache.queue[(cache.q_head + i) % AGENT_TRAP_QUEUE_MAX];
		if (p->reqid != reqid)
			continue;
		p->reqid = done ? -1 : 0;
		queue_settle();
		return 1;
	}
	return 1;
}

void agent_mib_flush(void)
{
	if (!cache.connected || cache.master == NULL || cache.monitor == NULL)
		return;
	uint64_t cursor = oomw_monitor_notified(cache.monitor);
	for (size_t i = 0; i < cache.n_events; i++) {
		const struct oomw_event *ev = &cache.events[i];
		if (ev->index <= cursor || passed_over(ev))
			continue;
		struct delivery *d = delivery_of(ev->index, true);
		if (d == NULL)
			return;
		if (d->reqid != 0)
			continue;
		if ((d->reqid = send_notify(ev, NULL)) == 0)
			return;
	}
	for (size_t i = 0; i < cache.q_len; i++) {
		struct pending *p = &cache.queue[(cache.q_head + i) % AGENT_TRAP_QUEUE_MAX];
		if (p->reqid == 0 && (p->reqid = send_notify(NULL, p)) == 0)
			return;
	}
}

bool agent_mib_connected(void)
{
	return cache.connected;
}

bool agent_mib_in_flight(void)
{
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		if (cache.sent[i].index != 0 && cache.sent[i].reqid != 0)
			return true;
	for (size_t i = 0; i < cache.q_len; i++)
		if (cache.queue[(cache.q_head + i) % AGENT_TRAP_QUEUE_MAX].reqid > 0)
			return true;
	return false;
}

/* ---- sampling: the core judges, the agent maps ---- */

static void count_new(const struct oomw_event *ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	cache.n_new++;
}

static void assess_input(struct oomw_assess_input *in)
{
	const struct agent_config *cfg = cache.cfg;
	*in = (struct oomw_assess_input){
		.snap = &cache.snap,
		.events = cache.events,
		.n_events = cache.n_events,
		.n_new = cache.n_new,
		.paths = &cfg->paths,
		.kmsg_option = "kmsg", /* the config key naming the log */
		.state_path = cfg->state_file[0] ? cfg->state_file : NULL,
		.cgroups_asked = cfg->n_cgroup_globs > 0,
		.candidates_asked = cfg->n_candidates > 0,
		.save_err = cache.save_err,
		.prev = &cache.held,
	};
}

/* The held verdicts move only on what was known: a spell of unreadable
 * meminfo keeps the last one. */
static void hold(const struct oomw_verdict *v)
{
	if (v->mem_severity != OOMW_SEV_UNKNOWN)
		cache.held.mem = v->mem_severity;
	if (v->swap_severity != OOMW_SEV_UNKNOWN)
		cache.held.swap = v->swap_severity;
	if (v->psi_judged)
		cache.held.psi = v->psi_severity;
}

/* The core's words for the problems of src, joined; "" when it has none. */
static void source_text(enum oomw_source src, char out[SOURCE_TEXT_MAX])
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < cache.verdict.n_problems; i++)
		if (cache.verdict.problems[i].source == src && len < SOURCE_TEXT_MAX)
			len += (size_t)snprintf(out + len, SOURCE_TEXT_MAX - len, "%s%s",
						len ? "; " : "", cache.verdict.problems[i].text);
}

/* Fills cache.verdict, the held verdicts and the texts served. */
static void judge(void)
{
	struct oomw_assess_input in;
	char summary[OOMW_PARTS_MAX * OOMW_PART_TEXT_MAX], text[sizeof(summary) + 16];
	assess_input(&in);
	oomw_assess(&in, &cache.cfg->params, &cache.verdict);
	hold(&cache.verdict);
	oomw_verdict_summary(&cache.verdict, summary, sizeof(summary));
	snprintf(text, sizeof(text), "%s: %s", oomw_severity_name(cache.verdict.severity), summary);
	cut_ascii(text, cache.status_text, sizeof(cache.status_text));
	source_text(OOMW_SRC_KLOG, summary); /* oomwKernelLogStatus */
	cut_ascii(summary[0] ? summary : "ok", cache.klog_text, sizeof(cache.klog_text));
}

/* A notification about the status: severity is the verdict that changed. */
static void queue_status(enum notification kind, enum oomw_severity severity)
{
	struct pending *p = queue_push();
	p->kind = kind;
	p->severity = severity;
	cut_ascii(cache.status_text, p->text, sizeof(p->text));
	p->available_cpct = available_cpct();
}

/* A kill to notify: owed from now on (sent by agent_mib_flush). */
static void log_kill(const struct oomw_assess_input *in, const struct oomw_event *ev)
{
	char victim[OOMW_CGROUP_PATH_MAX * 4 + 256];
	/* The core escapes what a process or cgroup chose: no forged log line. */
	oomw_victim_text(in, ev, OOMW_CGROUP_PATH_MAX * 4, victim, sizeof(victim));
	snmp_log(LOG_NOTICE, "OOM kill #%llu: %s\n", (unsigned long long)ev->index, victim);
}

/* n kills at an unknown time since boot: one notification, the core's words. */
static void notify_backlog(size_t n)
{
	char text[OOMW_PART_TEXT_MAX];
	/* More new events than the ring holds: some were not kept. */
	enum oomw_count_bound bound =
		cache.n_new > cache.n_events ? OOMW_COUNT_AT_LEAST : OOMW_COUNT_EXACT;
	oomw_backlog_text(n, bound, cache.snap.wall_usec, text, sizeof(text));
	queue_status(N_KILLS_UNKNOWN_TIME, cache.verdict.kills.severity);
	snmp_log(LOG_WARNING, "%s\n", text);
}

/* A first sample after a state file that was unusable (not merely absent):
 * what it said was notified is lost with it. */
static bool state_lost(void)
{
	return cache.snap.first_sample && cache.snap.state_err != 0; /* a missing file is 0 */
}

/* What the core says each new event is under the first-start policy: a kill
 * now owed, one of the kills at an unknown time since boot (passed over, and
 * notified together in the core's words), or history (in oomwKillTable only,
 * the delivery cursor moves past it). After an unusable state file every
 * kill the log names is owed again: at least once, never lost. */
static void notify_news(void)
{
	struct oomw_assess_input in;
	struct oomw_assess_params p = cache.cfg->params;
	size_t n_history = 0, n_backlog = 0;
	uint64_t history_through = 0;
	bool news_seen = false;
	size_t first = cache.n_new < cache.n_events ? cache.n_events - cache.n_new : 0;
	if (state_lost())
		p.first_start = OOMW_FIRST_START_ALL;
	assess_input(&in);
	for (size_t i = first; i < cache.n_events; i++) {
		const struct oomw_event *ev = &cache.events[i];
		switch (oomw_event_news(ev, &cache.snap, &p)) {
		case OOMW_NEWS_KILL:
			log_kill(&in, ev);
			news_seen = true;
			break;
		case OOMW_NEWS_BACKLOG:
			n_backlog++;
			cache.backlog_through = ev->index;
			break;
		case OOMW_NEWS_HISTORY:
			n_history++;
			history_through = news_seen ? history_through : ev->index;
			break;
		}
	}
	if (history_through > 0)
		save_cursor(history_through);
	advance_cursor(); /* over the kills of unknown time, when nothing owed precedes them */
	if (n_history > 0)
		snmp_log(LOG_INFO,
			 "%zu OOM kill%s from before kill_window found at the first start: in "
			 "oomwKillTable, not notified\n",
			 n_history, n_history == 1 ? "" : "s");
	if (state_lost())
		snmp_log(LOG_WARNING,
			 "the state file was unusable: the OOM kills since boot that the kernel log "
			 "still names are notified again (some may have been already)\n");
	if (n_backlog > 0)
		notify_backlog(n_backlog);
}

/* Compares with the last known verdict, not the last one: a spell of
 * unreadable meminfo between "low" and "ok" must not swallow the recovery
 * (nor, between warning and critical, the escalation). The verdicts are the
 * core's held ones: memory hovering at a threshold changes them once. */
static void queue_memory_transition(void)
{
	enum oomw_severity before = cache.mem_notified, now = cache.verdict.memory_severity;
	enum oomw_change change = oomw_severity_change(before, now);
	if (now != OOMW_SEV_UNKNOWN)
		cache.mem_notified = now;
	if (change == OOMW_CHANGE_NONE)
		return;
	/* Critical to warning is still low memory: said with the new verdict. */
	enum notification kind = change == OOMW_CHANGE_RECOVERED ? N_RECOVERED : N_LOW_MEMORY;
	queue_status(kind, now);
	snmp_log(kind == N_LOW_MEMORY ? LOG_WARNING : LOG_NOTICE, "memory %s -> %s: %s\n",
		 oomw_severity_name(before), oomw_severity_name(now), cache.status_text);
}

/* Each source's problems, in the core's words, logged when they appear or
 * change, and once when they are gone ("resolved: " and the old words). */
static void log_problems(void)
{
	char now[SOURCE_TEXT_MAX];
	for (int src = 0; src < N_SOURCES; src++) {
		source_text((enum oomw_source)src, now);
		if (strcmp(now, cache.logged[src]) == 0)
			continue;
		if (now[0] != '\0')
			snmp_log(LOG_WARNING, "%s\n", now);
		else
			snmp_log(LOG_NOTICE, "resolved: %s\n", cache.logged[src]);
		memcpy(cache.logged[src], now, SOURCE_TEXT_MAX);
	}
}

void agent_mib_refresh(struct oomw_monitor *m)
{
	cache.n_new = 0;
	cache.monitor = m;
	cache.save_err = oomw_monitor_sample(m, &cache.snap, count_new, NULL);
	cache.have_snap = true;
	cache.events = oomw_monitor_events(m, &cache.n_events);
	choose_kill_rows();
	choose_cgroup_rows();
	judge();
	log_problems();
	notify_news();
	give_up_unsendable();
	queue_memory_transition();
}

void agent_mib_configure(const struct agent_config *cfg)
{
	cache.cfg = cfg;
	queue_trim(cfg->trap_queue_size); /* a smaller trap_queue_size on SIGHUP */
	if (cache.have_snap) {
		give_up_unsendable();
		choose_kill_rows();
		/* New thresholds can change the verdict on the same values. */
		judge();
		queue_memory_transition();
	}
}

/* ---- master connection ---- */

static int on_connect(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major;
	(void)minor;
	(void)client_arg;
	cache.connected = true;
	cache.master = server_arg; /* subagent.c passes its session with the master */
	size_t owed = cache.q_len;
	uint64_t cursor = cache.monitor ? oomw_monitor_notified(cache.monitor) : UINT64_MAX;
	for (size_t i = 0; i < cache.n_events; i++)
		owed += cache.events[i].index > cursor && !passed_over(&cache.events[i]);
	snmp_log(LOG_INFO, "registered with the AgentX master; %zu notification%s queued\n", owed,
		 owed == 1 ? "" : "s");
	return 0;
}

static int on_disconnect(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major;
	(void)minor;
	(void)server_arg;
	(void)client_arg;
	cache.connected = false;
	cache.master = NULL;
	/* What the old session did not answer is sent again to the next one
	 * (net-snmp also ends those requests, as timed out, when it frees it). */
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		cache.sent[i].reqid = 0;
	for (size_t i = 0; i < cache.q_len; i++) {
		struct pending *p = &cache.queue[(cache.q_head + i) % AGENT_TRAP_QUEUE_MAX];
		p->reqid = p->reqid > 0 ? 0 : p->reqid;
	}
	snmp_log(LOG_WARNING, "lost the AgentX master; notifications are queued until it is back\n");
	return 0;
}

/* GETNEXT walks nodes[] in order: each object must sort after the one before. */
static void assert_oid_order(void)
{
	for (int o = 1; o < N_OBJ; o++) {
		oid prev[OID_MAX_LEN], cur[OID_MAX_LEN];
		size_t prev_len = object_oid((enum obj)(o - 1), prev);
		size_t cur_len = object_oid((enum obj)o, cur);
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
	register_sysORTable(mib_oid, MIB_LEN,
			    "OOMWATCH-MIB: OOM kills and memory pressure (oomwatch-agent)");
	/* The subagent announces its master session through these two; without
	 * them the notification queue would never be sent. */
	if (snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
				   on_connect, NULL) != SNMPERR_SUCCESS ||
	    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
				   on_disconnect, NULL) != SNMPERR_SUCCESS)
		return -ENOMEM;
	return 0;
}
