/* util/i18n.c — per-thread gettext; see i18n.h. */
#include "util/i18n.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>

static locale_t loc_de, loc_en;

bool
i18n_init(const char *dir)
{
    bindtextdomain("lotse", dir);
    bind_textdomain_codeset("lotse", "UTF-8");
    loc_de = newlocale(LC_MESSAGES_MASK, "de_DE.UTF-8", (locale_t)0);
    loc_en = newlocale(LC_MESSAGES_MASK, "en_US.UTF-8", (locale_t)0);
    if (!loc_en)
        loc_en = newlocale(LC_MESSAGES_MASK, "C.UTF-8", (locale_t)0);
    return loc_de != (locale_t)0;
}

const char *
i18n_tr(const char *lang, const char *msgid)
{
    if (!msgid || !msgid[0])
        return "";
    locale_t loc = strcmp(lang, "de") == 0 ? loc_de : loc_en;
    if (!loc)
        return msgid;
    locale_t old = uselocale(loc);
    const char *s = dgettext("lotse", msgid);
    uselocale(old);
    return s;
}

const char *
i18n_pick(const char *value, const char *fallback)
{
    if (value && (strcmp(value, "de") == 0 || strcmp(value, "en") == 0))
        return strcmp(value, "de") == 0 ? "de" : "en";
    return fallback;
}

void
i18n_free(void)
{
    if (loc_de)
        freelocale(loc_de);
    if (loc_en)
        freelocale(loc_en);
    loc_de = loc_en = (locale_t)0;
}
