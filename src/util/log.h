/*
 * util/log.h — diagnostics on stderr. One line per event, never personal
 * data and never secrets: callers log ids, route patterns and codes only.
 * The prefix says whose fault it was: "error" for ours, "warn" for a bad
 * peer or input, "info" for normal operation.
 */
#ifndef LOTSE_UTIL_LOG_H
#define LOTSE_UTIL_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set the threshold from "error", "warn", "info" or "debug". */
void log_set_level(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write one finished line as it is (the access log). */
void log_line(const char *line, unsigned long len);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
