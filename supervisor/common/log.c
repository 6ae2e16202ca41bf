// SPDX-License-Identifier: MIT
/*
 * The logger. Owns the log level and the name shown in every line. Each message is formatted
 * into one buffer and written with a single write(2) so lines from several processes sharing a
 * stderr never interleave. It must never write to stdout and never allocate.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static enum log_level log_level = LOG_LEVEL_INFO;
static char log_name[64];

void log_set_name(const char *name)
{
	snprintf(log_name, sizeof(log_name), "%s", name ? name : "");
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

bool log_enabled(enum log_level level)
{
	return level <= log_level;
}

int log_parse_level(const char *s)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0 || (s[0] == '0' + i && s[1] == '\0'))
			return i;
	if (strcasecmp(s, "warning") == 0)
		return LOG_LEVEL_WARN;
	return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	int saved = errno;
	char buf[1024];
	int n;
	va_list ap;

	if (!log_enabled(level))
		return;
	if (log_name[0])
		n = snprintf(buf, sizeof(buf), "baton[%s]: ", log_name);
	else
		n = snprintf(buf, sizeof(buf), "baton: ");
	errno = saved;
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	/* One message, one line: a name or value from outside cannot break it up. */
	for (int i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t')
			buf[i] = '?';
	buf[n++] = '\n';
	/* A failed or short write to stderr has nowhere to be reported. */
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		(void)0;
	errno = saved;
}

void log_line_from(const char *who, const char *line, size_t len)
{
	int saved = errno;
	char buf[1024];
	int n;

	if (log_name[0])
		n = snprintf(buf, sizeof(buf), "baton[%s]: %s: ", log_name, who);
	else
		n = snprintf(buf, sizeof(buf), "baton: %s: ", who);
	if (n < 0 || n > (int)sizeof(buf) - 2)
		n = 0;
	if (len > sizeof(buf) - 2 - (size_t)n)
		len = sizeof(buf) - 2 - (size_t)n;
	for (size_t i = 0; i < len; i++)
		buf[n++] = (unsigned char)line[i] < 0x20 && line[i] != '\t' ? '?' : line[i];
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		(void)0;
	errno = saved;
}

int log_format_error(char *err, size_t errlen, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	errno = saved;
	return -1;
}
