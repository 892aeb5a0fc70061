/* log.h: level-checked logging.
 *
 * Levels follow Kamailio 1.x: debug=4 shows everything, debug=3 stops at
 * info.  A file may #define LOG_MODULE "name" before including this header;
 * the logger prefixes "name: function: ".  Arguments are not evaluated when
 * the level is off. */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

enum {
	L_ALERT = -3,
	L_CRIT = -2,
	L_ERR = -1,
	L_WARN = 1,
	L_NOTICE = 2,
	L_INFO = 3,
	L_DBG = 4,
};

#ifndef LOG_MODULE
#define LOG_MODULE "core"
#endif

/* The "debug" parameter.  log_level_ptr points at a private int until
 * log_level_share() moves the level into shm, after which a write in any
 * process (FIFO "debug N") is seen by every process at its next LOG_ON.
 * log_level stays an lvalue: read it and assign it as before. */
extern int *log_level_ptr;
#define log_level (*log_level_ptr)
extern bool log_stderr;    /* the "log_stderror" parameter / -E */
extern int log_facility;   /* syslog facility (LOG_DAEMON default) */

/* The syslog facilities the "log_facility" parameter accepts, NULL-ended:
 * LOG_DAEMON, LOG_USER, LOG_LOCAL0 .. LOG_LOCAL7.  The one list: the
 * config parser checks against it and the reference prints it. */
extern const char *const log_facility_names[];
/* The facility called name (one of log_facility_names, any case) into
 * *fac; false if it is none of them. */
bool log_facility_parse(const char *name, int *fac);

void log_emit(int level, const char *module, const char *func,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_emit_errno(int level, int err, const char *module, const char *func,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Open syslog (if not logging to stderr) under the given ident. */
void log_init(const char *ident);
/* Move the level (keeping its value) to *shared, an int in shm that the
 * caller allocated (log.c does not depend on the shm heap), so that every
 * process forked afterwards shares it: log_level_share(shm_malloc(sizeof
 * (int))).  Main process, before fork.  Returns 0, or E_NOMEM when shared
 * is NULL (the level then stays private). */
int log_level_share(int *shared);
/* Back to a private level (same value) before the shm heap goes away.
 * Main process, after every child is gone. */
void log_level_unshare(void);
/* Name of a level ("ERROR", "DEBUG", ...). */
const char *log_level_name(int level);
/* Parse "L_ERR", "L_DBG", ... or a number; returns false if unknown. */
bool log_level_parse(const char *s, int *level);

#define LOG_ON(lev) ((lev) <= log_level)

#define LM_LOG(lev, ...)                                                  \
	do {                                                              \
		if (LOG_ON(lev))                                          \
			log_emit((lev), LOG_MODULE, __func__, __VA_ARGS__); \
	} while (0)

#define LM_ALERT(...) LM_LOG(L_ALERT, __VA_ARGS__)
#define LM_CRIT(...) LM_LOG(L_CRIT, __VA_ARGS__)
#define LM_ERR(...) LM_LOG(L_ERR, __VA_ARGS__)
#define LM_WARN(...) LM_LOG(L_WARN, __VA_ARGS__)
#define LM_NOTICE(...) LM_LOG(L_NOTICE, __VA_ARGS__)
#define LM_INFO(...) LM_LOG(L_INFO, __VA_ARGS__)
#define LM_DBG(...) LM_LOG(L_DBG, __VA_ARGS__)

/* For per-message paths: at most LOG_RL_BURST lines a second from one call
 * site (per process); the rest are counted and the count is logged with
 * the next line that passes. */
#define LOG_RL_BURST 10
bool log_rate_ok(unsigned *window, unsigned *count, unsigned *dropped);

#define LM_LOG_RL(lev, ...)                                               \
	do {                                                              \
		static unsigned rl_win_, rl_cnt_, rl_drop_;               \
		if (LOG_ON(lev) &&                                        \
		    log_rate_ok(&rl_win_, &rl_cnt_, &rl_drop_))           \
			log_emit((lev), LOG_MODULE, __func__, __VA_ARGS__); \
	} while (0)
#define LM_ERR_RL(...) LM_LOG_RL(L_ERR, __VA_ARGS__)

/* Appends ": strerror(err)". */
#define LM_ERRNO(lev, err, ...)                                           \
	do {                                                              \
		if (LOG_ON(lev))                                          \
			log_emit_errno((lev), (err), LOG_MODULE, __func__, \
			    __VA_ARGS__);                                 \
	} while (0)

#endif
