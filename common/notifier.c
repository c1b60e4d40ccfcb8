/* SPDX-License-Identifier: MIT */
/* notifier.c — one sample as a long-running notifier takes it (notifier.h). */
#include "notifier.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "notice.h"
#include "text.h"

void oomw_notifier_init(struct oomw_notifier *n)
{
	memset(n, 0, sizeof(*n));
	n->held = (struct oomw_held){ OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN };
	n->mem_notified = OOMW_SEV_UNKNOWN;
}

__attribute__((format(printf, 3, 4))) static void note(struct oomw_notifier *n,
						       enum oomw_note_level level, const char *fmt, ...)
{
	va_list ap;
	if (n->n_notes == OOMW_NOTES_MAX)
		return;
	struct oomw_note *o = &n->notes[n->n_notes++];
	o->level = level;
	va_start(ap, fmt);
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
	va_end(ap);
}

static void note_dropped(struct oomw_notifier *n, size_t dropped)
{
	if (dropped > 0)
		note(n, OOMW_NOTE_WARNING,
		     "notification queue full (%zu): dropped the oldest %zu; %llu dropped so far",
		     n->ledger.keep, dropped, (unsigned long long)n->ledger.dropped);
}

static struct oomw_notice *queue(struct oomw_notifier *n, enum oomw_notice_kind kind)
{
	size_t dropped;
	struct oomw_notice *o = oomw_ledger_queue(&n->ledger, &dropped);
	note_dropped(n, dropped);
	o->kind = kind;
	return o;
}

/* A notice about the status: severity is the verdict that changed. */
static void queue_status(struct oomw_notifier *n, const struct oomw_verdict *v,
			 enum oomw_notice_kind kind, enum oomw_severity severity)
{
	struct oomw_notice *o = queue(n, kind);
	o->severity = severity;
	oomw_cut_escaped(n->status, o->text, sizeof(o->text));
	o->available_cpct = oomw_available_cpct(v);
}

/* The verdict, the held verdicts and the status line. */
static void judge(struct oomw_notifier *n, struct oomw_assess_input *in,
		  const struct oomw_assess_params *p, struct oomw_verdict *v)
{
	char summary[sizeof(n->status) - 16];
	enum oomw_change changes[OOMW_HELD_GAUGES]; /* told as one: memory_change */
	in->prev = &n->held;
	oomw_assess(in, p, v);
	oomw_held_update(&n->held, v, changes);
	oomw_verdict_summary(v, summary, sizeof(summary));
	snprintf(n->status, sizeof(n->status), "%s: %s", oomw_severity_name(v->severity), summary);
}

/* Each source problem noted when it appears (or changes its words), and
 * once when its source has none left ("resolved: " and the words logged). */
static void note_problems(struct oomw_notifier *n, const struct oomw_verdict *v)
{
	struct oomw_problem_news news;
	oomw_problem_log_update(&n->logged, v, &news);
	for (size_t i = 0; i < news.n_appeared; i++)
		note(n, OOMW_NOTE_WARNING, "%s", news.appeared[i]->text);
	for (size_t i = 0; i < news.n_resolved; i++)
		note(n, OOMW_NOTE_NOTICE, "resolved: %s", news.resolved[i].text);
}

/* What the core says each new event is under the first-start policy: a kill
 * now owed, one of the kills at an unknown time since boot (passed over, and
 * notified together in the core's words), or history (the delivery cursor
 * moves past it). After an unusable state file every kill the log names is
 * owed again: at least once, never lost. */
static void file_news(struct oomw_notifier *n, const struct oomw_assess_input *in,
		      const struct oomw_assess_params *p, const struct oomw_notifier_config *c,
		      const struct oomw_verdict *v)
{
	struct oomw_news_count news;
	char text[OOMW_PART_TEXT_MAX];
	oomw_ledger_file(&n->ledger, in, p, &news);
	if (news.n_history > 0)
		note(n, OOMW_NOTE_INFO,
		     "%zu OOM kill%s from before %s found at the first start: %s, not notified",
		     news.n_history, news.n_history == 1 ? "" : "s", c->window_key, c->history_kept);
	if (news.state_lost)
		note(n, OOMW_NOTE_WARNING,
		     "the state file was unusable: the OOM kills since boot that the kernel log "
		     "still names are notified again (some may have been already)");
	if (news.backlog.n == 0)
		return;
	oomw_backlog_text(news.backlog.n, news.backlog_bound, in->snap->wall_usec, text, sizeof(text));
	queue_status(n, v, OOMW_NOTICE_KILLS_UNKNOWN_TIME, v->kills.severity);
	note(n, OOMW_NOTE_WARNING, "%s", text);
}

/* At most keep kill notifications stay owed (ledger.h). */
static void give_up(struct oomw_notifier *n, const struct oomw_assess_input *in)
{
	struct oomw_given_up gone;
	oomw_ledger_give_up(&n->ledger, in->events, in->n_events, &gone);
	note_dropped(n, gone.dropped);
	if (gone.lost > 0)
		note(n, OOMW_NOTE_WARNING,
		     "%llu kill notifications were lost: their kills left the ring of %d before "
		     "they could be sent",
		     (unsigned long long)gone.lost, OOMW_STATE_EVENTS_MAX);
}

/* Compares with the last known verdict, not the last one: a spell of
 * unreadable meminfo between "low" and "ok" must not swallow the recovery.
 * The verdicts are held: memory hovering at a threshold changes them once. */
static void memory_change(struct oomw_notifier *n, const struct oomw_verdict *v)
{
	enum oomw_severity before = n->mem_notified, now = v->memory_severity;
	enum oomw_change change = oomw_severity_track(&n->mem_notified, now);
	if (change == OOMW_CHANGE_NONE)
		return;
	/* Critical to warning is still low memory: said with the new verdict. */
	bool recovered = change == OOMW_CHANGE_RECOVERED;
	queue_status(n, v, recovered ? OOMW_NOTICE_RECOVERED : OOMW_NOTICE_LOW_MEMORY, now);
	note(n, recovered ? OOMW_NOTE_NOTICE : OOMW_NOTE_WARNING, "memory %s -> %s: %s",
	     oomw_severity_name(before), oomw_severity_name(now), n->status);
}

static bool nameable(const struct oomw_notifier_config *c, const char *path)
{
	return c->cgroup_path_max == 0 || strlen(path) <= c->cgroup_path_max;
}

/* Before the kill: a notice when a cgroup starts being held at its limit, one
 * when it stops. A path the front end cannot name is only noted. */
static void held_cgroups(struct oomw_notifier *n, const struct oomw_notifier_config *c,
			 const struct oomw_verdict *v)
{
	char released[OOMW_NOTE_TEXT_MAX];
	oomw_held_cgroups_update(&n->held_cgroups, v, &n->changes);
	for (size_t i = 0; i < n->changes.n_started; i++) {
		const struct oomw_cgroup_verdict *cv = n->changes.started[i];
		const struct oomw_candidate *victim = cv->likeliest;
		char text[OOMW_NOTICE_TEXT_MAX];
		oomw_held_text(cv, text, sizeof(text));
		note(n, OOMW_NOTE_WARNING, "%s", text);
		if (!nameable(c, cv->cg->stats.path))
			continue;
		struct oomw_notice *o = queue(n, OOMW_NOTICE_CGROUP_HELD);
		memcpy(o->text, text, sizeof(o->text));
		memcpy(o->cgroup, cv->cg->stats.path, sizeof(o->cgroup));
		o->severity = OOMW_SEV_WARNING;
		o->limit_hits = cv->cg->limit_hits_delta;
		o->pressure_cpct = cv->cg->stats.pressure_some_avg10_cpct;
		o->victim_pid = victim ? victim->pid : OOMW_UNKNOWN;
		if (victim)
			memcpy(o->victim_comm, victim->comm, sizeof(o->victim_comm));
	}
	for (size_t i = 0; i < n->changes.n_stopped; i++) {
		const char *stopped = n->changes.stopped[i];
		oomw_released_text(stopped, released, sizeof(released));
		note(n, OOMW_NOTE_NOTICE, "%s", released);
		if (nameable(c, stopped))
			memcpy(queue(n, OOMW_NOTICE_CGROUP_RELEASED)->cgroup, stopped,
			       sizeof(n->changes.stopped[i]));
	}
}

/* Each kill now owed, for the front end's log, in the core's words, which
 * escape what a process or cgroup chose: no forged log line. */
static void note_kills(struct oomw_notifier *n, const struct oomw_assess_input *in)
{
	char line[OOMW_NOTE_TEXT_MAX];
	for (size_t i = in->n_new < in->n_events ? in->n_events - in->n_new : 0; i < in->n_events; i++) {
		if (!oomw_ledger_owes(&n->ledger, &in->events[i]))
			continue;
		oomw_kill_log_line(in, &in->events[i], line, sizeof(line));
		note(n, OOMW_NOTE_NOTICE, "%s", line);
	}
}

void oomw_notifier_sample(struct oomw_notifier *n, struct oomw_assess_input *in,
			  const struct oomw_assess_params *p, const struct oomw_notifier_config *c,
			  uint64_t cursor, size_t keep, struct oomw_verdict *v)
{
	n->n_notes = 0;
	if (!n->started)
		oomw_ledger_init(&n->ledger, cursor, keep);
	n->started = true;
	judge(n, in, p, v);
	note_problems(n, v);
	file_news(n, in, p, c, v);
	give_up(n, in);
	memory_change(n, v);
	held_cgroups(n, c, v);
	note_kills(n, in);
}

void oomw_notifier_rejudge(struct oomw_notifier *n, struct oomw_assess_input *in,
			   const struct oomw_assess_params *p, size_t keep, struct oomw_verdict *v)
{
	n->n_notes = 0;
	note_dropped(n, oomw_ledger_keep(&n->ledger, keep));
	give_up(n, in);
	judge(n, in, p, v);
	memory_change(n, v);
}
