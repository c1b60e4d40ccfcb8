/* SPDX-License-Identifier: MIT */
/* agent_trap.c — each sample judged by the core, and OOMWATCH-MIB's
 * notifications sent as AgentX Notify PDUs with a response callback: a
 * notification counts as delivered only when the master answered it (RFC 2741
 * 7.1.10: the master sends the trap, then its Response). Which notifications
 * are owed, in flight, delivered or given up is the core's delivery ledger
 * (common/ledger.h): kills are the monitor's persisted events above the
 * state's delivery cursor, so whichever agent process runs next sends them;
 * the cursor moves, and is saved, as the answers come in. Notices about the
 * present (memory, cgroups held at their limit, kills at an unknown time) are
 * queued in memory until answered. This file builds and sends the PDUs and
 * logs what the core says. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent_mib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "news.h"
#include "text.h"

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
#define N_SOURCES (OOMW_SRC_COUNT_KILLS + 1)
/* The problems of one source, joined: what was last logged for it. */
#define SOURCE_TEXT_MAX (2 * OOMW_PROBLEM_TEXT_MAX)

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

static struct oomw_monitor *monitor; /* holds the events owed and the delivery cursor */
static struct oomw_ledger ledger;
static bool ledger_ready;
static bool connected;
static netsnmp_session *master; /* the AgentX session, while connected */
static int cursor_err;          /* the last failure to save the delivery cursor, logged once */
static char logged[N_SOURCES][SOURCE_TEXT_MAX]; /* what was last logged for each source */
static struct oomw_held_set held_cgroups;       /* the cgroups said to be held */
static enum oomw_severity mem_notified = OOMW_SEV_UNKNOWN; /* the last known memory verdict */

/* ---- the varbinds ---- */

static bool add_var(netsnmp_variable_list **vars, const oid *sub, size_t sub_len, const oid *index,
		    size_t index_len, const struct agent_value *v)
{
	oid name[OID_MAX_LEN];
	size_t len = agent_instance_oid(sub, sub_len, index, index_len, name);
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
		if (agent_kill_value(columns[i], ev, &v))
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
		agent_put_text(&v[0], n->cgroup),
		agent_put_number(&v[1], ASN_UNSIGNED, n->limit_hits),
		agent_put_pct(&v[2], n->pressure_cpct),
		agent_put_number(&v[3], ASN_UNSIGNED, n->victim_pid),
		n->victim_pid != OOMW_UNKNOWN && agent_put_text(&v[4], n->victim_comm),
		agent_put_ascii(&v[5], n->text),
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
	size_t len = agent_path_index(n->cgroup, index);
	struct agent_value v;
	if (n->kind == OOMW_NOTICE_CGROUP_HELD)
		return add_held(vars, n, index, len);
	if (n->kind == OOMW_NOTICE_CGROUP_RELEASED)
		return agent_put_text(&v, n->cgroup) && add_var(vars, path, 3, index, len, &v) &&
		       agent_put_truth(&v, false) && add_var(vars, held, 3, index, len, &v);
	agent_put_number(&v, ASN_INTEGER, agent_verdict_value(n->severity));
	bool built = add_var(vars, status, 2, &zero, 1, &v);
	agent_put_ascii(&v, n->text);
	built = built && add_var(vars, text, 2, &zero, 1, &v);
	if (n->kind != OOMW_NOTICE_KILLS_UNKNOWN_TIME && agent_put_pct(&v, n->available_cpct))
		built = built && add_var(vars, pct, 2, &zero, 1, &v);
	return built;
}

/* The varbinds of a kill notification (ev) or of a notice (n). */
static int build_vars(const struct oomw_event *ev, const struct oomw_notice *n,
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

/* ---- delivery ---- */

static void save_cursor(void)
{
	if (ledger.cursor <= oomw_monitor_notified(monitor))
		return;
	int r = oomw_monitor_set_notified(monitor, ledger.cursor);
	if (r != 0 && r != cursor_err)
		snmp_log(LOG_ERR,
			 "cannot save the delivered notifications to the state file: %s; a restart "
			 "now would send them again\n",
			 strerror(-r));
	cursor_err = r;
}

static void note_dropped(size_t n)
{
	if (n > 0)
		snmp_log(LOG_WARNING,
			 "notification queue full (%zu): dropped the oldest %zu; %llu dropped so far\n",
			 ledger.keep, n, (unsigned long long)ledger.dropped);
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
	if (oomw_ledger_answered(&ledger, cache.events, cache.n_events, reqid, done))
		save_cursor();
	return 1;
}

/* Hands one notification to the master as an AgentX Notify whose Response
 * comes to on_response. Returns its request id, or 0 when it was not sent
 * (it is tried again at the next flush). */
static long send_notify(const struct oomw_event *ev, const struct oomw_notice *n)
{
	netsnmp_variable_list *vars = NULL;
	if (build_vars(ev, n, &vars) != 0) {
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
	pdu->version = master->version;
	pdu->sessid = master->sessid;
	pdu->msgid = snmp_get_next_msgid();
	do
		pdu->reqid = snmp_get_next_reqid();
	while (pdu->reqid == 0);
	pdu->time = NOTIFY_TIMEOUT_SEC; /* not encoded in a Notify: read by net-snmp only */
	pdu->flags |= UCD_MSG_FLAG_PDU_TIMEOUT;
	pdu->variables = vars;
	long reqid = pdu->reqid;
	if (snmp_async_send(master, pdu, on_response, NULL) == 0) {
		snmp_free_pdu(pdu);
		return 0;
	}
	return reqid;
}

void agent_mib_flush(void)
{
	struct oomw_outgoing o;
	if (!connected || master == NULL || !ledger_ready)
		return;
	while (oomw_ledger_next(&ledger, cache.events, cache.n_events, &o)) {
		long reqid = send_notify(o.ev, o.notice);
		if (reqid == 0)
			return;
		oomw_ledger_sending(&o, reqid);
	}
}

bool agent_mib_connected(void)
{
	return connected;
}

bool agent_mib_in_flight(void)
{
	return oomw_ledger_in_flight(&ledger);
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

/* Fills cache.verdict, the held verdicts and the texts served. */
static void judge(void)
{
	struct oomw_assess_input in;
	char summary[OOMW_PARTS_MAX * OOMW_PART_TEXT_MAX], text[sizeof(summary) + 16];
	assess_input(&in);
	oomw_assess(&in, &cache.cfg->params, &cache.verdict);
	oomw_held_update(&cache.held, &cache.verdict);
	oomw_verdict_summary(&cache.verdict, summary, sizeof(summary));
	snprintf(text, sizeof(text), "%s: %s", oomw_severity_name(cache.verdict.severity), summary);
	agent_cut_ascii(text, cache.status_text, sizeof(cache.status_text));
	oomw_source_text(&cache.verdict, OOMW_SRC_KLOG, summary, sizeof(summary));
	agent_cut_ascii(summary[0] ? summary : "ok", cache.klog_text, sizeof(cache.klog_text));
}

static struct oomw_notice *queue(enum oomw_notice_kind kind)
{
	size_t dropped;
	struct oomw_notice *n = oomw_ledger_queue(&ledger, &dropped);
	note_dropped(dropped);
	n->kind = kind;
	return n;
}

/* A notice about the status: severity is the verdict that changed. */
static void queue_status(enum oomw_notice_kind kind, enum oomw_severity severity)
{
	struct oomw_notice *n = queue(kind);
	n->severity = severity;
	agent_cut_ascii(cache.status_text, n->text, sizeof(n->text));
	n->available_cpct = oomw_available_cpct(&cache.verdict);
}

/* A kill now owed (sent by agent_mib_flush). */
static void log_kill(const struct oomw_assess_input *in, const struct oomw_event *ev)
{
	char victim[OOMW_CGROUP_PATH_MAX * 4 + 256];
	/* The core escapes what a process or cgroup chose: no forged log line. */
	oomw_victim_text(in, ev, OOMW_CGROUP_PATH_MAX * 4, victim, sizeof(victim));
	snmp_log(LOG_NOTICE, "OOM kill #%llu: %s\n", (unsigned long long)ev->index, victim);
}

/* What the core says each new event is under the first-start policy: a kill
 * now owed, one of the kills at an unknown time since boot (passed over, and
 * notified together in the core's words), or history (in oomwKillTable only,
 * the delivery cursor moves past it). After an unusable state file every
 * kill the log names is owed again: at least once, never lost. */
static void notify_news(void)
{
	struct oomw_assess_input in;
	struct oomw_news_count news;
	char text[OOMW_PART_TEXT_MAX];
	assess_input(&in);
	oomw_ledger_file(&ledger, &in, &cache.cfg->params, &news);
	save_cursor();
	for (size_t i = cache.n_new < cache.n_events ? cache.n_events - cache.n_new : 0;
	     i < cache.n_events; i++)
		if (oomw_ledger_owes(&ledger, &cache.events[i]))
			log_kill(&in, &cache.events[i]);
	if (news.n_history > 0)
		snmp_log(LOG_INFO,
			 "%zu OOM kill%s from before kill_window found at the first start: in "
			 "oomwKillTable, not notified\n",
			 news.n_history, news.n_history == 1 ? "" : "s");
	if (news.state_lost)
		snmp_log(LOG_WARNING,
			 "the state file was unusable: the OOM kills since boot that the kernel log "
			 "still names are notified again (some may have been already)\n");
	if (news.n_backlog == 0)
		return;
	/* n kills at an unknown time since boot: one notification, the core's words. */
	oomw_backlog_text(news.n_backlog, news.backlog_bound, cache.snap.wall_usec, text, sizeof(text));
	queue_status(OOMW_NOTICE_KILLS_UNKNOWN_TIME, cache.verdict.kills.severity);
	snmp_log(LOG_WARNING, "%s\n", text);
}

/* At most trap_queue_size kill notifications stay owed (ledger.h). */
static void give_up_unsendable(void)
{
	struct oomw_given_up gone;
	oomw_ledger_give_up(&ledger, cache.events, cache.n_events, &gone);
	note_dropped(gone.dropped);
	if (gone.lost > 0)
		snmp_log(LOG_WARNING,
			 "%llu kill notifications were lost: their kills left the ring of %d "
			 "before they could be sent\n",
			 (unsigned long long)gone.lost, OOMW_STATE_EVENTS_MAX);
	save_cursor();
}

/* Compares with the last known verdict, not the last one (news.h). The
 * verdicts are the core's held ones: memory hovering at a threshold changes
 * them once. */
static void queue_memory_transition(void)
{
	enum oomw_severity before = mem_notified, now = cache.verdict.memory_severity;
	enum oomw_change change = oomw_severity_track(&mem_notified, now);
	if (change == OOMW_CHANGE_NONE)
		return;
	/* Critical to warning is still low memory: said with the new verdict. */
	bool recovered = change == OOMW_CHANGE_RECOVERED;
	queue_status(recovered ? OOMW_NOTICE_RECOVERED : OOMW_NOTICE_LOW_MEMORY, now);
	snmp_log(recovered ? LOG_NOTICE : LOG_WARNING, "memory %s -> %s: %s\n",
		 oomw_severity_name(before), oomw_severity_name(now), cache.status_text);
}

/* Before the kill: a notice when a cgroup starts being held at its limit, one
 * when it stops. A path too long for an index is only logged. */
static void queue_held_cgroups(void)
{
	static struct oomw_held_changes changes;
	char text[OOMW_PART_TEXT_MAX], path[OOMW_CGROUP_ESCAPED_MAX];
	oid scratch[OID_MAX_LEN];
	oomw_held_cgroups_update(&held_cgroups, &cache.verdict, &changes);
	for (size_t i = 0; i < changes.n_started; i++) {
		const struct oomw_cgroup_verdict *cv = changes.started[i];
		oomw_held_text(cv, text, sizeof(text));
		snmp_log(LOG_WARNING, "%s\n", text);
		if (agent_path_index(cv->cg->stats.path, scratch) == 0)
			continue;
		struct oomw_notice *n = queue(OOMW_NOTICE_CGROUP_HELD);
		snprintf(n->cgroup, sizeof(n->cgroup), "%s", cv->cg->stats.path);
		snprintf(n->text, sizeof(n->text), "%s", text);
		n->limit_hits = cv->cg->limit_hits_delta;
		n->pressure_cpct = cv->cg->stats.pressure_some_avg10_cpct;
		n->victim_pid = cv->likeliest ? cv->likeliest->pid : OOMW_UNKNOWN;
		if (cv->likeliest)
			snprintf(n->victim_comm, sizeof(n->victim_comm), "%s", cv->likeliest->comm);
	}
	for (size_t i = 0; i < changes.n_stopped; i++) {
		const char *stopped = changes.stopped[i];
		oomw_escape(stopped, strlen(stopped), NULL, path, sizeof(path));
		snmp_log(LOG_NOTICE, "cgroup %s no longer held at its limit\n", path);
		if (agent_path_index(stopped, scratch) == 0)
			continue;
		struct oomw_notice *n = queue(OOMW_NOTICE_CGROUP_RELEASED);
		snprintf(n->cgroup, sizeof(n->cgroup), "%s", stopped);
	}
}

/* Each source's problems, in the core's words, logged when they appear or
 * change, and once when they are gone ("resolved: " and the old words). */
static void log_problems(void)
{
	char now[SOURCE_TEXT_MAX];
	for (int src = 0; src < N_SOURCES; src++) {
		oomw_source_text(&cache.verdict, (enum oomw_source)src, now, sizeof(now));
		if (strcmp(now, logged[src]) == 0)
			continue;
		if (now[0] != '\0')
			snmp_log(LOG_WARNING, "%s\n", now);
		else
			snmp_log(LOG_NOTICE, "resolved: %s\n", logged[src]);
		memcpy(logged[src], now, SOURCE_TEXT_MAX);
	}
}

void agent_mib_refresh(struct oomw_monitor *m)
{
	cache.n_new = 0;
	monitor = m;
	cache.save_err = oomw_monitor_sample(m, &cache.snap, count_new, NULL);
	cache.have_snap = true;
	cache.events = oomw_monitor_events(m, &cache.n_events);
	if (!ledger_ready)
		oomw_ledger_init(&ledger, oomw_monitor_notified(m), cache.cfg->trap_queue_size);
	ledger_ready = true;
	agent_mib_choose_rows();
	judge();
	log_problems();
	notify_news();
	give_up_unsendable();
	queue_memory_transition();
	queue_held_cgroups();
}

void agent_mib_configure(const struct agent_config *cfg)
{
	cache.cfg = cfg;
	if (!ledger_ready)
		return;
	note_dropped(oomw_ledger_keep(&ledger, cfg->trap_queue_size)); /* a smaller one on SIGHUP */
	give_up_unsendable();
	agent_mib_choose_rows();
	/* New thresholds can change the verdict on the same values. */
	judge();
	queue_memory_transition();
}

/* ---- master connection ---- */

static int on_connect(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major;
	(void)minor;
	(void)client_arg;
	connected = true;
	master = server_arg; /* subagent.c passes its session with the master */
	size_t owed = ledger_ready ? oomw_ledger_owed(&ledger, cache.events, cache.n_events) : 0;
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
	connected = false;
	master = NULL;
	/* What the old session did not answer is sent again to the next one
	 * (net-snmp also ends those requests, as timed out, when it frees it). */
	oomw_ledger_disconnected(&ledger);
	snmp_log(LOG_WARNING, "lost the AgentX master; notifications are queued until it is back\n");
	return 0;
}

int agent_trap_register(void)
{
	/* The subagent announces its master session through these two; without
	 * them the notification queue would never be sent. */
	if (snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START,
				   on_connect, NULL) != SNMPERR_SUCCESS ||
	    snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
				   on_disconnect, NULL) != SNMPERR_SUCCESS)
		return -ENOMEM;
	return 0;
}
