/* util/log.c — one line per event on stderr; see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level threshold = LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            threshold = (enum log_level)i;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    if (level > threshold)
        return;
    char line[1024];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int n =
        snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02dZ %s ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2)
        len = sizeof line - 2;
    line[len++] = '\n';
    log_line(line, len);
}

void
log_line(const char *line, unsigned long len)
{
    /* one write() per line keeps lines from different threads whole */
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
