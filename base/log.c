/* log.c: the log backend (stderr or syslog). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"

static int log_level_private = L_WARN;
int *log_level_ptr = &log_level_private;
bool log_stderr = false;
int log_facility = LOG_DAEMON;

static bool syslog_open;

/* clang-format off */
const char *const log_facility_names[] = {
	"LOG_DAEMON", "LOG_USER",
	"LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3",
	"LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7",
	NULL,
};
static const int facility_values[] = {
	LOG_DAEMON, LOG_USER,
	LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
	LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};
/* clang-format on */
_Static_assert(sizeof(log_facility_names) / sizeof(log_facility_names[0]) ==
        sizeof(facility_values) / sizeof(facility_values[0]) + 1,
    "one value per facility name");

bool
log_facility_parse(const char *name, int *fac)
{
	size_t i;

	for (i = 0; name != NULL && log_facility_names[i] != NULL; i++)
		if (strcasecmp(name, log_facility_names[i]) == 0) {
			*fac = facility_values[i];
			return true;
		}
	return false;
}

/* clang-format off */
static const struct { int level; const char *name; const char *lname; int prio; } levels[] = {
	{ L_ALERT,  "ALERT",  "L_ALERT",  LOG_ALERT },
	{ L_CRIT,   "CRITICAL", "L_CRIT", LOG_CRIT },
	{ L_ERR,    "ERROR",  "L_ERR",    LOG_ERR },
	{ L_WARN,   "WARNING", "L_WARN",  LOG_WARNING },
	{ L_NOTICE, "NOTICE", "L_NOTICE", LOG_NOTICE },
	{ L_INFO,   "INFO",   "L_INFO",   LOG_INFO },
	{ L_DBG,    "DEBUG",  "L_DBG",    LOG_DEBUG },
};
/* clang-format on */

static int
level_index(int level)
{
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (levels[i].level >= level)
			return (int)i;
	return (int)(sizeof(levels) / sizeof(levels[0]) - 1);
}

const char *
log_level_name(int level)
{
	return levels[level_index(level)].name;
}

bool
log_level_parse(const char *s, int *level)
{
	size_t i;
	char *end;
	long v;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(s, levels[i].lname) == 0) {
			*level = levels[i].level;
			return true;
		}
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		return false;
	*level = (int)v;
	return true;
}

int
log_level_share(int *shared)
{
	if (shared == NULL)
		return E_NOMEM;
	*shared = *log_level_ptr;
	log_level_ptr = shared;
	return 0;
}

void
log_level_unshare(void)
{
	if (log_level_ptr == &log_level_private)
		return;
	log_level_private = *log_level_ptr;
	log_level_ptr = &log_level_private;
}

void
log_init(const char *ident)
{
	if (!log_stderr && !syslog_open) {
		openlog(ident, LOG_PID | LOG_CONS, log_facility);
		syslog_open = true;
	}
}

__attribute__((format(printf, 5, 0))) static void
log_vemit(int level, int err, const char *module, const char *func,
    const char *fmt, va_list ap)
{
	char buf[4096];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	/* messages carry no trailing newline; strip one if a script added it */
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (log_stderr || !syslog_open) {
		if (err)
			fprintf(stderr, "%2d(%d) %s: %s: %s: %s: %s\n", 0,
			    (int)getpid(), log_level_name(level), module, func,
			    buf, strerror(err));
		else
			fprintf(stderr, "%2d(%d) %s: %s: %s: %s\n", 0,
			    (int)getpid(), log_level_name(level), module, func,
			    buf);
		return;
	}
	if (err)
		syslog(levels[level_index(level)].prio | log_facility,
		    "%s: %s: %s: %s: %s", log_level_name(level), module, func,
		    buf, strerror(err));
	else
		syslog(levels[level_index(level)].prio | log_facility,
		    "%s: %s: %s: %s", log_level_name(level), module, func, buf);
}

void
log_emit(int level, const char *module, const char *func, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vemit(level, 0, module, func, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_emit_errno(int level, int err, const char *module, const char *func,
    const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vemit(level, err, module, func, fmt, ap);
	va_end(ap);
	errno = saved;
}

bool
log_rate_ok(unsigned *window, unsigned *count, unsigned *dropped)
{
	unsigned now = (unsigned)time(NULL);

	if (*window != now) {
		if (*dropped)
			log_emit(L_WARN, "log", "rate",
			    "%u similar log lines "
			    "suppressed in the last second(s)",
			    *dropped);
		*window = now;
		*count = 0;
		*dropped = 0;
	}
	if (++*count > LOG_RL_BURST) {
		++*dropped;
		return false;
	}
	return true;
}
