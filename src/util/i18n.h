/*
 * util/i18n.h — translations through gettext. Message ids are English;
 * po/de.po carries the German text (the default), English is the ids
 * themselves. The language is chosen per request: each call switches the
 * calling thread's locale (uselocale), so threads never disturb each other.
 */
#ifndef LOTSE_UTIL_I18N_H
#define LOTSE_UTIL_I18N_H

#include <stdbool.h>

/* Bind the "lotse" domain to DIR (…/<lang>/LC_MESSAGES/lotse.mo). False
 * when the German locale is not installed (then German falls back to the ids). */
bool i18n_init(const char *dir);
/* MSGID in LANG ("de" or "en"); borrowed, never NULL. */
const char *i18n_tr(const char *lang, const char *msgid);
/* "de" or "en" for an Accept-Language-ish or cookie value; DEFAULT otherwise. */
const char *i18n_pick(const char *value, const char *fallback);
void i18n_free(void);

#endif
