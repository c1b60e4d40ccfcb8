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
 * memory until answered. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "agent_mib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

#define TEXT_MAX 255 /* DisplayString (SIZE (0..255)) */
#define DATE_AND_TIME_LEN 11
#define USEC_PER_SEC 1000000LL
#define PCT_HUNDREDTHS_MAX 10000
#define OID_MAX_LEN 32

enum verdict { V_OK = 1, V_WARNING = 2, V_CRITICAL = 3, V_UNKNOWN = 4 };
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

/* Every served object, in OID order: the GETNEXT walk depends on it. */
enum obj {
	O_MEM_TOTAL, O_MEM_AVAILABLE, O_MEM_FREE, O_SWAP_TOTAL, O_SWAP_FREE, O_COMMITTED, O_COMMIT_LIMIT,
	O_MEM_AVAILABLE_PCT,
	O_PSI_SOME10, O_PSI_SOME60, O_PSI_SOME300, O_PSI_SOME_TOTAL,
	O_PSI_FULL10, O_PSI_FULL60, O_PSI_FULL300, O_PSI_FULL_TOTAL,
	O_KILL_COUNT, O_KILLS_NO_DETAILS, O_LAST_TIME, O_LAST_PID, O_LAST_NAME, O_LAST_CGROUP, O_LAST_INDEX,
	O_STATUS, O_STATUS_TEXT, O_KLOG_STATUS, O_SAMPLE_TIME,
	K_TIME, K_HAS_DETAILS, K_PID, K_NAME, K_UID, K_SCOPE, K_CONSTRAINT, K_MEMCG, K_TASK_MEMCG,
	K_TOTAL_VM, K_ANON_RSS, K_FILE_RSS, K_SHMEM_RSS, K_OOM_SCORE_ADJ,
	C_PID, C_NAME, C_OOM_SCORE, C_OOM_SCORE_ADJ, C_RSS,
	G_PATH, G_KILLS, G_USAGE, G_LIMIT, G_UNDER_OOM,
	N_OBJ
};

struct node {
	oid sub[3]; /* below oomwObjects */
	size_t sub_len;
	enum table table;
};

#define SCALAR(g, i) { { g, i }, 2, T_NONE }
#define COLUMN(t, c, tab) { { t, 1, c }, 3, tab }
static const struct node nodes[N_OBJ] = {
	SCALAR(1, 1), SCALAR(1, 2), SCALAR(1, 3), SCALAR(1, 4), SCALAR(1, 5), SCALAR(1, 6), SCALAR(1, 7), SCALAR(1, 8),
	SCALAR(2, 1), SCALAR(2, 2), SCALAR(2, 3), SCALAR(2, 4), SCALAR(2, 5), SCALAR(2, 6), SCALAR(2, 7), SCALAR(2, 8),
	SCALAR(3, 1), SCALAR(3, 2), SCALAR(3, 3), SCALAR(3, 4), SCALAR(3, 5), SCALAR(3, 6), SCALAR(3, 7),
	SCALAR(4, 1), SCALAR(4, 2), SCALAR(4, 3), SCALAR(4, 4),
	COLUMN(5, 2, T_KILL), COLUMN(5, 3, T_KILL), COLUMN(5, 4, T_KILL), COLUMN(5, 5, T_KILL),
	COLUMN(5, 6, T_KILL), COLUMN(5, 7, T_KILL), COLUMN(5, 8, T_KILL), COLUMN(5, 9, T_KILL),
	COLUMN(5, 10, T_KILL), COLUMN(5, 11, T_KILL), COLUMN(5, 12, T_KILL), COLUMN(5, 13, T_KILL),
	COLUMN(5, 14, T_KILL), COLUMN(5, 15, T_KILL),
	COLUMN(6, 2, T_CANDIDATE), COLUMN(6, 3, T_CANDIDATE), COLUMN(6, 4, T_CANDIDATE),
	COLUMN(6, 5, T_CANDIDATE), COLUMN(6, 6, T_CANDIDATE),
	COLUMN(7, 2, T_CGROUP), COLUMN(7, 3, T_CGROUP), COLUMN(7, 4, T_CGROUP), COLUMN(7, 5, T_CGROUP),
	COLUMN(7, 6, T_CGROUP),
};

/* Sources whose problems are logged when they appear, change or go away. */
enum source { S_MEMINFO, S_PSI, S_VMSTAT, S_KLOG, S_CGROUPS, S_CANDIDATES, S_STATE, N_SOURCES };

enum notification { N_KILL = 1, N_LOW_MEMORY = 2, N_RECOVERED = 3 };

/* A low-memory or recovered notification, copied when it is queued. */
struct pending {
	enum notification kind;
	enum verdict verdict;
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
	size_t kill_rows[OOMW_STATE_EVENTS_MAX]; /* events[] shown in oomwKillTable, index order */
	size_t n_kill_rows;
	enum verdict status;
	enum verdict mem_status;   /* memory and pressure only */
	enum verdict mem_notified; /* the last known mem_status: what the low-memory traps follow */
	char status_text[TEXT_MAX + 1];
	bool connected;
	netsnmp_session *master; /* the AgentX session, while connected */
	struct oomw_monitor *monitor; /* holds the events owed and the delivery cursor */
	struct delivery sent[OOMW_STATE_EVENTS_MAX];
	struct pending queue[AGENT_TRAP_QUEUE_MAX];
	size_t q_head, q_len;
	size_t n_history; /* kills reported by the first sample and not trapped */
	uint64_t q_dropped;
	int cursor_err; /* the last failure to save the delivery cursor, logged once */
	/* Kills without details up to this index, found by a first sample after
	 * an unusable state file, are not sent (see on_event). In memory only:
	 * an agent restarted before the cursor passed them would send them. */
	uint64_t backlog_through;
	int last_err[N_SOURCES]; /* what was last logged for each source */
} cache = { .status = V_UNKNOWN, .mem_status = V_UNKNOWN, .mem_notified = V_OK };

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

static enum scope_value scope_value(enum oomw_scope s)
{
	switch (s) {
	case OOMW_SCOPE_GLOBAL:
		return SCOPE_GLOBAL;
	case OOMW_SCOPE_MEMCG:
		return SCOPE_MEMCG;
	case OOMW_SCOPE_UNKNOWN:
		break;
	}
	return SCOPE_UNKNOWN;
}

static const char *klog_status(void)
{
	static char text[TEXT_MAX + 1];
	if (strcmp(cache.cfg->paths.kmsg, OOMW_KMSG_NONE) == 0)
		return "not read (kmsg none): kills are counted without details";
	if (cache.snap.klog_err != 0)
		return strerror(-cache.snap.klog_err);
	if (cache.snap.klog_missed == 0)
		return "ok";
	snprintf(text, sizeof(text), "ok; %llu records were overwritten before they could be read",
		 (unsigned long long)cache.snap.klog_missed);
	return text;
}

/* Recency is by time, not by index: kills the counter showed at a first
 * start, dated at boot, are numbered after the ones the log names. */
static bool more_recent(const struct oomw_event *a, const struct oomw_event *b)
{
	return a->wall_usec > b->wall_usec || (a->wall_usec == b->wall_usec && a->index > b->index);
}

static const struct oomw_event *last_event(void)
{
	const struct oomw_event *last = NULL;
	for (size_t i = 0; i < cache.n_events; i++)
		if (last == NULL || more_recent(&cache.events[i], last))
			last = &cache.events[i];
	return last;
}

/* MemAvailable in hundredths of a percent of MemTotal, or OOMW_UNKNOWN. */
static int64_t available_cpct(const struct oomw_snapshot *s)
{
	const struct oomw_meminfo *mem = &s->mem;
	if (s->mem_err != 0 || mem->mem_total_kib <= 0 || mem->mem_available_kib == OOMW_UNKNOWN ||
	    mem->mem_available_kib < 0)
		return OOMW_UNKNOWN;
	return (int64_t)((double)mem->mem_available_kib * PCT_HUNDREDTHS_MAX / (double)mem->mem_total_kib);
}

static bool scalar_value(enum obj o, struct value *v)
{
	const struct oomw_snapshot *s = &cache.snap;
	const struct oomw_meminfo *mem = &s->mem;
	const struct oomw_event *last = last_event();
	if (!cache.have_snap)
		return false;
	switch (o) {
	case O_MEM_TOTAL:
		return s->mem_err == 0 && put_c64(v, mem->mem_total_kib);
	case O_MEM_AVAILABLE:
		return s->mem_err == 0 && put_c64(v, mem->mem_available_kib);
	case O_MEM_FREE:
		return s->mem_err == 0 && put_c64(v, mem->mem_free_kib);
	case O_SWAP_TOTAL:
		return s->mem_err == 0 && put_c64(v, mem->swap_total_kib);
	case O_SWAP_FREE:
		return s->mem_err == 0 && put_c64(v, mem->swap_free_kib);
	case O_COMMITTED:
		return s->mem_err == 0 && put_c64(v, mem->committed_as_kib);
	case O_COMMIT_LIMIT:
		return s->mem_err == 0 && put_c64(v, mem->commit_limit_kib);
	case O_MEM_AVAILABLE_PCT:
		return put_pct(v, available_cpct(s) != OOMW_UNKNOWN, available_cpct(s));
	case O_PSI_SOME10:
		return put_pct(v, s->psi_err == 0 && s->psi.some.known, s->psi.some.avg10_cpct);
	case O_PSI_SOME60:
		return put_pct(v, s->psi_err == 0 && s->psi.some.known, s->psi.some.avg60_cpct);
	case O_PSI_SOME300:
		return put_pct(v, s->psi_err == 0 && s->psi.some.known, s->psi.some.avg300_cpct);
	case O_PSI_SOME_TOTAL:
		return s->psi_err == 0 && s->psi.some.known && put_c64(v, s->psi.some.total_usec);
	case O_PSI_FULL10:
		return put_pct(v, s->psi_err == 0 && s->psi.full.known, s->psi.full.avg10_cpct);
	case O_PSI_FULL60:
		return put_pct(v, s->psi_err == 0 && s->psi.full.known, s->psi.full.avg60_cpct);
	case O_PSI_FULL300:
		return put_pct(v, s->psi_err == 0 && s->psi.full.known, s->psi.full.avg300_cpct);
	case O_PSI_FULL_TOTAL:
		return s->psi_err == 0 && s->psi.full.known && put_c64(v, s->psi.full.total_usec);
	case O_KILL_COUNT:
		return s->vmstat_err == 0 && put_c64(v, s->oom_kill_total);
	case O_KILLS_NO_DETAILS:
		return put_c64(v, s->kills_without_details);
	case O_LAST_TIME:
		return last != NULL && put_time(v, last->wall_usec);
	case O_LAST_PID:
		return last != NULL && put_u32(v, last->kill.pid == OOMW_UNKNOWN ? 0 : last->kill.pid);
	case O_LAST_NAME:
		return last != NULL && put_text(v, last->kill.comm, last->kill.comm_len);
	case O_LAST_CGROUP:
		return last != NULL && put_str(v, last->kill.task_memcg);
	case O_LAST_INDEX:
		return last != NULL && last->index > 0 && put_u32(v, (int64_t)(last->index > UINT32_MAX ? UINT32_MAX : last->index));
	case O_STATUS:
		return put_int(v, cache.status);
	case O_STATUS_TEXT:
		return put_str(v, cache.status_text);
	case O_KLOG_STATUS:
		return put_str(v, klog_status());
	case O_SAMPLE_TIME:
		return put_time(v, s->wall_usec);
	default:
		return false;
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
		return put_int(v, scope_value(k->scope));
	case K_CONSTRAINT:
		return put_str(v, k->constraint);
	case K_MEMCG:
		return put_str(v, k->oom_memcg);
	case K_TASK_MEMCG:
		return put_str(v, k->task_memcg);
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
		return g->version == 1 && g->under_oom != OOMW_UNKNOWN && put_truth(v, g->under_oom != 0);
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
		return cache.snap.n_cgroups;
	case T_NONE:
		break;
	}
	return 0;
}

/* 0 = no valid index (an event index beyond Unsigned32 is not served). */
static oid row_index(enum table t, size_t row)
{
	if (t == T_KILL) {
		uint64_t idx = cache.events[cache.kill_rows[row]].index;
		return idx > UINT32_MAX ? 0 : (oid)idx;
	}
	return (oid)(row + 1);
}

static bool cell_value(enum obj o, size_t row, struct value *v)
{
	switch (nodes[o].table) {
	case T_KILL:
		return kill_value(o, &cache.events[cache.kill_rows[row]], v);
	case T_CANDIDATE:
		return candidate_value(o, &cache.snap.candidates[row], v);
	case T_CGROUP:
		return cgroup_value(o, &cache.snap.cgroups[row].stats, v);
	case T_NONE:
		break;
	}
	return false;
}

/* ---- the handler ---- */

static size_t instance_oid(enum obj o, oid instance, oid *out)
{
	memcpy(out, objects_oid, sizeof(objects_oid));
	memcpy(out + OBJECTS_LEN, nodes[o].sub, nodes[o].sub_len * sizeof(oid));
	out[OBJECTS_LEN + nodes[o].sub_len] = instance;
	return OBJECTS_LEN + nodes[o].sub_len + 1;
}

/* Value of the instance `instance` of object o; false when absent. */
static bool instance_value(enum obj o, oid instance, struct value *v)
{
	if (nodes[o].table == T_NONE)
		return instance == 0 && scalar_value(o, v);
	size_t n = table_rows(nodes[o].table);
	for (size_t row = 0; row < n; row++)
		if (row_index(nodes[o].table, row) == instance && instance != 0)
			return cell_value(o, row, v);
	return false;
}

static void answer_get(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *r)
{
	const netsnmp_variable_list *var = r->requestvb;
	struct value v;
	for (int o = 0; o < N_OBJ; o++) {
		oid full[OID_MAX_LEN];
		size_t len = instance_oid((enum obj)o, 0, full) - 1;
		if (var->name_length < len || snmp_oid_compare(full, len, var->name, len) != 0)
			continue;
		/* The object exists: any name below it that is not an instance we
		 * hold (none, or more than one sub-identifier) is noSuchInstance
		 * (RFC 3416 4.2.1). */
		if (var->name_length == len + 1 && instance_value((enum obj)o, var->name[len], &v))
			snmp_set_var_typed_value(r->requestvb, v.type, &v.u, v.len);
		else
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
		return;
	}
	netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
}

/* The first present instance after the requested OID; leaves the varbind
 * alone when there is none, so the agent moves on to the next subtree. */
static void answer_getnext(netsnmp_request_info *r)
{
	netsnmp_variable_list *var = r->requestvb;
	struct value v;
	for (int o = 0; o < N_OBJ; o++) {
		oid full[OID_MAX_LEN];
		size_t plen = instance_oid((enum obj)o, 0, full) - 1;
		size_t cmp_len = var->name_length < plen ? var->name_length : plen;
		if (snmp_oid_compare(full, plen, var->name, cmp_len) < 0)
			continue; /* the whole object sorts before the request */
		enum table t = nodes[o].table;
		size_t n = t == T_NONE ? 1 : table_rows(t);
		for (size_t row = 0; row < n; row++) {
			oid instance = t == T_NONE ? 0 : row_index(t, row);
			if (t != T_NONE && instance == 0)
				continue;
			full[plen] = instance;
			if (snmp_oid_compare(full, plen + 1, var->name, var->name_length) <= 0)
				continue;
			bool present = t == T_NONE ? scalar_value((enum obj)o, &v) : cell_value((enum obj)o, row, &v);
			if (!present)
				continue;
			snmp_set_var_objid(var, full, plen + 1);
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
	snmp_log(LOG_WARNING, "notification queue full (%zu): dropped the oldest %llu; %llu dropped so far\n",
		 cache.cfg->trap_queue_size, (unsigned long long)n, (unsigned long long)cache.q_dropped);
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
	static const enum obj kill_objects[] = { K_TIME, K_HAS_DETAILS, K_PID, K_NAME, K_SCOPE, K_TASK_MEMCG };
	oid trap_oid[MIB_LEN + 2];
	struct value v;
	bool built = true;

	memcpy(trap_oid, mib_oid, sizeof(mib_oid));
	trap_oid[MIB_LEN] = 0; /* oomwNotifications */
	trap_oid[MIB_LEN + 1] = (oid)(ev != NULL ? N_KILL : p->kind);
	if (snmp_varlist_add_variable(vars, snmptrap_oid, OID_LENGTH(snmptrap_oid), ASN_OBJECT_ID, trap_oid,
				      sizeof(trap_oid)) == NULL)
		return -ENOMEM;
	if (ev != NULL) {
		oid index = ev->index > UINT32_MAX ? UINT32_MAX : (oid)ev->index;
		for (size_t i = 0; i < sizeof(kill_objects) / sizeof(kill_objects[0]); i++) {
			oid full[OID_MAX_LEN];
			if (kill_value(kill_objects[i], ev, &v))
				built = built && add_var(vars, full, instance_oid(kill_objects[i], index, full), &v);
		}
	} else {
		put_int(&v, p->verdict);
		built = built && add_scalar(vars, O_STATUS, &v);
		put_str(&v, p->text);
		built = built && add_scalar(vars, O_STATUS_TEXT, &v);
		if (put_pct(&v, p->available_cpct != OOMW_UNKNOWN, p->available_cpct))
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
		snmp_log(LOG_ERR, "cannot save the delivered notifications to the state file: %s; a restart "
				  "now would send them again\n", strerror(-r));
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
		snmp_log(LOG_WARNING, "%llu kill notifications were lost: their kills left the ring of %d "
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
		snmp_log(LOG_ERR, "the AgentX master refused a notification (AgentX error %ld); not sent again\n",
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

/* ---- sampling and verdicts ---- */

static void on_event(const struct oomw_event *ev, void *ctx)
{
	(void)ctx;
	if (cache.snap.first_sample && cache.snap.state_err == 0) {
		/* No saved state: kills since boot are history from before the
		 * agent ever ran (they are in the table), not news for a trap
		 * receiver. oomw_monitor_sample sets first_sample before it
		 * reports events. (A state file that was unusable is another
		 * matter: what it owed is unknown, so they are sent again.) */
		cache.n_history++;
		return;
	}
	if (cache.snap.first_sample && ev->backlog) {
		/* After an unusable state file, the kills the log no longer
		 * names, at some unknown time since boot, are not worth a trap
		 * each (nor must they crowd out the named ones): passed over. */
		cache.backlog_through = ev->index;
		cache.n_history++;
		return;
	}
	/* Both are chosen by whoever named the process or the cgroup: a raw
	 * newline would forge a line of syslog. "\xNN" takes 4 bytes per byte. */
	char name[OOMW_COMM_MAX * 4 + 1], cgroup[OOMW_CGROUP_PATH_MAX * 4 + 1];
	oomw_escape(ev->kill.comm, ev->kill.comm_len, NULL, name, sizeof(name));
	oomw_escape(ev->kill.task_memcg, strlen(ev->kill.task_memcg), NULL, cgroup, sizeof(cgroup));
	if (ev->has_details)
		snmp_log(LOG_NOTICE, "OOM kill #%llu: pid %lld (%s), %s scope, cgroup %s\n",
			 (unsigned long long)ev->index, (long long)ev->kill.pid, name, oomw_scope_name(ev->kill.scope),
			 cgroup[0] ? cgroup : "?");
	else
		snmp_log(LOG_NOTICE, "OOM kill #%llu without details (counted, not in the readable kernel log)\n",
			 (unsigned long long)ev->index);
}

static enum verdict worse(enum verdict a, enum verdict b)
{
	/* critical > warning > unknown > ok */
	static const int rank[] = { [V_OK] = 0, [V_UNKNOWN] = 1, [V_WARNING] = 2, [V_CRITICAL] = 3 };
	return rank[b] > rank[a] ? b : a;
}

static enum verdict judge(const struct oomw_range *warn, double warn_value, const struct oomw_range *crit,
			  double crit_value)
{
	if (oomw_range_alerts(crit, crit_value))
		return V_CRITICAL;
	if (oomw_range_alerts(warn, warn_value))
		return V_WARNING;
	return V_OK;
}

/* An available-memory range judges a share of MemTotal when written with
 * '%', bytes otherwise. */
static double available_in(const struct oomw_range *r, double pct, double bytes)
{
	return r->unit == OOMW_UNIT_PCT ? pct : bytes;
}

static const char *verdict_name(enum verdict v)
{
	switch (v) {
	case V_OK:
		return "ok";
	case V_WARNING:
		return "warning";
	case V_CRITICAL:
		return "critical";
	case V_UNKNOWN:
		break;
	}
	return "unknown";
}

static size_t recent_kills(int64_t now_usec)
{
	int64_t window_usec = cache.cfg->kill_window_sec * USEC_PER_SEC;
	size_t n = 0;
	if (window_usec <= 0)
		return 0;
	for (size_t i = 0; i < cache.n_events; i++) {
		const struct oomw_event *ev = &cache.events[i];
		if (ev->wall_usec != OOMW_UNKNOWN && ev->wall_usec >= now_usec - window_usec)
			n++;
	}
	return n;
}

/* Sets cache.status, cache.mem_status and cache.status_text. */
static void judge_all(void)
{
	const struct agent_config *cfg = cache.cfg;
	const struct oomw_snapshot *s = &cache.snap;
	const struct oomw_meminfo *mem = &s->mem;
	char avail[128] = "MemAvailable unknown", psi[96] = "", kills[96] = "";
	enum verdict mem_v = V_UNKNOWN, psi_v = V_OK, kill_v = V_OK;

	if (s->mem_err != 0)
		snprintf(avail, sizeof(avail), "meminfo unreadable: %s",
			 s->mem_why ? s->mem_why : strerror(-s->mem_err));
	else if (mem->mem_total_kib > 0 && mem->mem_available_kib != OOMW_UNKNOWN) {
		double pct = 100.0 * (double)mem->mem_available_kib / (double)mem->mem_total_kib;
		double bytes = (double)mem->mem_available_kib * 1024.0;
		const struct oomw_range *w = &cfg->available_warning, *c = &cfg->available_critical;
		mem_v = judge(w, available_in(w, pct, bytes), c, available_in(c, pct, bytes));
		snprintf(avail, sizeof(avail), "MemAvailable %.1f%% (%lld MiB)", pct,
			 (long long)(mem->mem_available_kib / 1024));
	}
	if (s->psi_err == 0 && s->psi.full.known) {
		double p = (double)s->psi.full.avg10_cpct / 100.0;
		psi_v = judge(&cfg->psi_warning, p, &cfg->psi_critical, p);
		snprintf(psi, sizeof(psi), ", PSI full avg10 %.2f%%", p);
	}
	size_t n = recent_kills(s->wall_usec);
	if (n > 0) {
		kill_v = V_CRITICAL;
		snprintf(kills, sizeof(kills), "%zu OOM kill%s in the last %llds, ", n, n == 1 ? "" : "s",
			 (long long)cfg->kill_window_sec);
	}
	cache.mem_status = worse(mem_v, psi_v);
	cache.status = worse(cache.mem_status, kill_v);
	snprintf(cache.status_text, sizeof(cache.status_text), "%s: %s%s%s", verdict_name(cache.status), kills,
		 avail, psi);
}

/* Compares with the last known verdict, not the last one: a spell of
 * unreadable meminfo between "low" and "ok" must not swallow the recovery
 * (nor, between warning and critical, the escalation). */
static void queue_memory_transition(void)
{
	enum verdict before = cache.mem_notified, now = cache.mem_status;
	enum notification kind;
	if (now == V_UNKNOWN)
		return;
	cache.mem_notified = now;
	if ((now == V_WARNING && before == V_OK) || (now == V_CRITICAL && (before == V_OK || before == V_WARNING)))
		kind = N_LOW_MEMORY;
	else if (now == V_OK && (before == V_WARNING || before == V_CRITICAL))
		kind = N_RECOVERED;
	else
		return;
	struct pending *p = queue_push();
	p->kind = kind;
	p->verdict = now;
	snprintf(p->text, sizeof(p->text), "%s", cache.status_text);
	p->available_cpct = available_cpct(&cache.snap);
	snmp_log(kind == N_LOW_MEMORY ? LOG_WARNING : LOG_NOTICE, "memory %s -> %s: %s\n", verdict_name(before),
		 verdict_name(now), cache.status_text);
}

static void note_source(enum source src, const char *what, int err, const char *why)
{
	if (err == cache.last_err[src])
		return;
	if (err == 0)
		snmp_log(LOG_NOTICE, "%s: readable again\n", what);
	else if (why != NULL && strncmp(why, what, strlen(what)) == 0)
		snmp_log(LOG_WARNING, "%s\n", why); /* the core's reason already names it */
	else
		snmp_log(LOG_WARNING, "%s: %s\n", what, why ? why : strerror(-err));
	cache.last_err[src] = err;
}

static void note_sources(void)
{
	const struct oomw_snapshot *s = &cache.snap;
	note_source(S_MEMINFO, "meminfo", s->mem_err, s->mem_why);
	note_source(S_PSI, "pressure/memory (PSI objects absent)", s->psi_err, s->psi_why);
	note_source(S_VMSTAT, "vmstat oom_kill", s->vmstat_err, s->vmstat_why);
	note_source(S_KLOG, "kernel log (kills counted without details)", s->klog_err, NULL);
	if (cache.cfg->n_cgroup_globs > 0)
		note_source(S_CGROUPS, "cgroups", s->cgroup_err, NULL);
	if (cache.cfg->n_candidates > 0)
		note_source(S_CANDIDATES, "candidates", s->candidates_err, NULL);
	note_source(S_STATE, "state file (replaced)", s->state_err, s->state_why);
}

int agent_mib_refresh(struct oomw_monitor *m)
{
	cache.n_history = 0;
	cache.monitor = m;
	int rc = oomw_monitor_sample(m, &cache.snap, on_event, NULL);
	cache.have_snap = true;
	cache.events = oomw_monitor_events(m, &cache.n_events);
	choose_kill_rows();
	if (cache.snap.first_sample && cache.snap.state_err == 0) {
		if (cache.n_history > 0)
			snmp_log(LOG_INFO, "%zu OOM kills since boot found at the first start: in oomwKillTable, "
					   "no notification\n", cache.n_history);
		save_cursor(UINT64_MAX); /* all of them: history */
	} else if (cache.snap.first_sample) {
		snmp_log(LOG_WARNING, "the state file was unusable: the OOM kills since boot that the kernel log "
				      "still names are notified again (some may have been already); %zu it no "
				      "longer names are only counted\n", cache.n_history);
	}
	give_up_unsendable();
	note_sources();
	judge_all();
	queue_memory_transition();
	return rc;
}

void agent_mib_configure(const struct agent_config *cfg)
{
	cache.cfg = cfg;
	queue_trim(cfg->trap_queue_size); /* a smaller trap_queue_size on SIGHUP */
	if (cache.have_snap) {
		give_up_unsendable();
		choose_kill_rows();
		/* New thresholds can change the verdict on the same values. */
		judge_all();
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
		owed += cache.events[i].index > cursor;
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

int agent_mib_register(void)
{
	netsnmp_handler_registration *reg = netsnmp_create_handler_registration(
		"oomwatch", handle_request, objects_oid, OBJECTS_LEN, HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		return -ENOMEM;
	/* sysORTable tells a manager which MIB this agent implements. */
	register_sysORTable(mib_oid, MIB_LEN, "OOMWATCH-MIB: OOM kills and memory pressure (oomwatch-agent)");
	/* The subagent announces its master session through these two; without
	 * them the notification queue would never be sent. */
	if (snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, on_connect, NULL) !=
		    SNMPERR_SUCCESS ||
	    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP, on_disconnect, NULL) !=
		    SNMPERR_SUCCESS)
		return -ENOMEM;
	return 0;
}
