/* SPDX-License-Identifier: MIT */
/* agent_trap.c — each sample taken through the core's notifier
 * (common/notifier.h: the verdict, what is news, what to log), and
 * OOMWATCH-MIB's notifications sent as AgentX Notify PDUs with a response
 * callback: a notification counts as delivered only when the master answered
 * it (RFC 2741 7.1.10: the master sends the trap, then its Response). Which notifications
 * are owed, in flight, delivered or given up is the core's delivery ledger
 * (common/ledger.h): kills are the monitor's persisted events above the
 * state's delivery cursor, so whichever agent process runs next sends them;
 * the cursor moves, and is saved, as the answers come in. Notices about the
 * present (memory, cgroups held at their limit, kills at an unknown time) are
 * queued in memory until answered. This file sends the PDUs (their varbinds
 * are agent_mib.c's) and logs what the core says. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent_mib.h"

#include <errno.h>
#include <string.h>

/* RFC 2741 6.1: h.type of a Notify PDU; net-snmp's AgentX transport uses the
 * RFC's numbers as PDU commands, but installs no header that names them. */
#define AGENTX_NOTIFY_PDU 12
/* How long snmpd may take to answer a Notify before net-snmp sends it again
 * (its session default is 1 s): a Notify sent twice is two traps, and a
 * loaded snmpd can take longer than a second. */
#define NOTIFY_TIMEOUT_SEC 5
/* RFC 2741 6.2.16: res.error notOpen (the master no longer knows our session). */
#define AGENTX_ERR_NOT_OPEN_SESSION 257

static struct oomw_monitor *monitor;  /* holds the events owed and the delivery cursor */
static struct oomw_notifier notifier; /* the delivery ledger, held verdicts, what was said */
static bool connected;
static netsnmp_session *master; /* the AgentX session, while connected */
static int cursor_err;          /* the last failure to save the delivery cursor, logged once */

/* ---- delivery ---- */

static void save_cursor(void)
{
	if (notifier.ledger.cursor <= oomw_monitor_notified(monitor))
		return;
	int r = oomw_monitor_set_notified(monitor, notifier.ledger.cursor);
	if (r != 0 && r != cursor_err)
		snmp_log(LOG_ERR,
			 "cannot save the delivered notifications to the state file: %s; a restart "
			 "now would send them again\n",
			 strerror(-r));
	cursor_err = r;
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
	if (oomw_ledger_answered(&notifier.ledger, cache.events, cache.n_events, reqid, done))
		save_cursor();
	return 1;
}

/* Hands one notification to the master as an AgentX Notify whose Response
 * comes to on_response. Returns its request id, or 0 when it was not sent
 * (it is tried again at the next flush). */
static long send_notify(const struct oomw_event *ev, const struct oomw_notice *n)
{
	netsnmp_variable_list *vars = NULL;
	if (agent_mib_notification(ev, n, &vars) != 0) {
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
	if (!connected || master == NULL || !notifier.started)
		return;
	while (oomw_ledger_next(&notifier.ledger, cache.events, cache.n_events, &o)) {
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
	return oomw_ledger_in_flight(&notifier.ledger);
}

/* ---- sampling: the core judges and says what is news, the agent maps ---- */

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
	};
}

/* What the core said: its notes logged, the cursor saved, the texts served. */
static void took(void)
{
	static const int level[] = {
		[OOMW_NOTE_INFO] = LOG_INFO, [OOMW_NOTE_NOTICE] = LOG_NOTICE, [OOMW_NOTE_WARNING] = LOG_WARNING
	};
	char klog[OOMW_NOTE_TEXT_MAX];
	for (size_t i = 0; i < notifier.n_notes; i++)
		snmp_log(level[notifier.notes[i].level], "%s\n", notifier.notes[i].text);
	save_cursor();
	oomw_cut_escaped(notifier.status, cache.status_text, sizeof(cache.status_text));
	oomw_source_text(&cache.verdict, OOMW_SRC_KLOG, klog, sizeof(klog)); /* oomwKernelLogStatus */
	oomw_cut_escaped(klog[0] ? klog : "ok", cache.klog_text, sizeof(cache.klog_text));
}

void agent_mib_refresh(struct oomw_monitor *m)
{
	/* Where a path fits an index of oomwCgroupTable (agent_path_index). */
	static const struct oomw_notifier_config words = { "kill_window", "in oomwKillTable",
							   AGENT_CGROUP_INDEX_MAX };
	struct oomw_assess_input in;
	cache.n_new = 0;
	monitor = m;
	cache.save_err = oomw_monitor_sample(m, &cache.snap, count_new, NULL);
	cache.have_snap = true;
	cache.events = oomw_monitor_events(m, &cache.n_events);
	agent_mib_choose_rows();
	assess_input(&in);
	oomw_notifier_sample(&notifier, &in, &cache.cfg->params, &words, oomw_monitor_notified(m),
			     cache.cfg->trap_queue_size, &cache.verdict);
	took();
}

void agent_mib_configure(const struct agent_config *cfg)
{
	struct oomw_assess_input in;
	cache.cfg = cfg;
	if (!notifier.started)
		return;
	agent_mib_choose_rows();
	/* New thresholds can change the verdict on the same values. */
	assess_input(&in);
	oomw_notifier_rejudge(&notifier, &in, &cfg->params, cfg->trap_queue_size, &cache.verdict);
	took();
}

/* ---- master connection ---- */

static int on_connect(int major, int minor, void *server_arg, void *client_arg)
{
	(void)major;
	(void)minor;
	(void)client_arg;
	connected = true;
	master = server_arg; /* subagent.c passes its session with the master */
	size_t owed = notifier.started
			      ? oomw_ledger_owed(&notifier.ledger, cache.events, cache.n_events)
			      : 0;
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
	oomw_ledger_disconnected(&notifier.ledger);
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
