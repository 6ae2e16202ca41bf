/* SPDX-License-Identifier: MIT */
/*
 * The logger: one line per message on stderr, never stdout (stdout belongs to PROGRAM).
 * Lines read `baton[NAME]: message`, or `baton: message` before a name is known.
 */
#ifndef BATON_LOG_H
#define BATON_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

void log_set_name(const char *name);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool log_enabled(enum log_level level);
/* "error", "warn", "info", "debug" or 0..3; -1 when unknown. */
int log_parse_level(const char *s);

/* errno is preserved across the call. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Formats one line of error text into err for a caller to print (control characters from bad
 * input become '?'), keeps errno, and returns -1: the end of every parser's failure path.
 */
int log_format_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A line of someone else's output (a hook's): "baton[NAME]: WHO: LINE", whatever the level. */
void log_line_from(const char *who, const char *line, size_t len);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_enabled(LOG_LEVEL_DEBUG))                                                  \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__);                                     \
	} while (0)

#endif
