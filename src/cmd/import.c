/*
 * cmd/import.c — `lotse import`: clients, each with at most one open case,
 * from a CSV file, for a Jobcenter that moves to lotse from other software.
 * The format and the behaviour are described for users in docs/import.md.
 *
 * Reading. libcsv (Debian's libcsv) parses RFC 4180 in strict mode; we feed
 * it one physical line at a time, so that each record is known by the line it
 * starts on, and we cap a line and a record at 64 KiB, so that a quote left
 * open cannot make us hold the rest of the file. The file is streamed: only
 * the current record, the customer numbers seen so far and the case managers
 * named so far are kept.
 *
 * Checking. A row becomes the JSON body the API would get and is read with
 * the API's own field tables (client_fields, case_fields: required fields,
 * formats, lengths, allowed values), then with the rules of clients_create
 * and cases_create: birth date, the customer number not yet taken (in the
 * store, and earlier in the file), referral and consent dates
 * (cases_check_dates), the case manager an active case manager of the
 * Jobcenter, and the caseload cap (cases_cap, counting the cases this file
 * adds). A new client has no open case yet, and a customer number appears
 * once, so "one open case per client" holds by construction.
 *
 * Writing. clients_create and cases_create cannot run for the system: they
 * store the actor as the client's creator and the case's referrer, and those
 * columns reference users, which the system is not. So the rows are written
 * here (store_row), with the same store calls and the same derived dates,
 * creator and referrer left empty. The services' rules that live in their
 * code rather than in a table (birth date, case manager, caseload cap) are
 * repeated in do_row() and must change with them; docs/import.md lists them.
 * All rows go in one write transaction (writer_run_inline): one bad row and
 * nothing is stored, and once a row is refused the rest is only checked. A
 * dry run reads in a read transaction and writes nothing.
 *
 * Audit. The actor is "system" of the Jobcenter. Each client and case gets
 * its client.create / case.create entry, as when a person enters them, so
 * that the DPO finds for any client who entered it and when (§ 78a SGB X);
 * the detail names the import and the line, never a value. One entry
 * import.run names the file and the counts. The worklist's rows of the new
 * cases are brought up to date in the same transaction (worklist_sync).
 */
#include <getopt.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/cases.h"
#include "core/clients.h"
#include "core/deadlines.h"
#include "core/input.h"
#include "core/worklist.h"
#include "core/writer.h"
#include "store/queries.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/jsonmem.h"

extern char **environ;

/* A line, and a record (which may span lines), longer than this is refused:
 * the longest good row (a 2000-character reason in 4-byte characters and
 * every other field at its maximum) stays well below it. */
enum { RECORD_MAX = 65536, FIELDS_MAX = 64, READ_BLOCK = 65536 };

/* ---- the columns ---- */

enum col {
    COL_CUSTOMER_NUMBER,
    COL_FIRST_NAME,
    COL_LAST_NAME,
    COL_BIRTH_DATE,
    COL_STREET,
    COL_POSTCODE,
    COL_CITY,
    COL_PHONE,
    COL_EMAIL,
    COL_LANGUAGE,
    COL_CASE_MANAGER,
    COL_REFERRAL_DATE,
    COL_REFERRAL_SOURCE,
    COL_REFERRAL_REASON,
    COL_CONSENT_DATE,
    N_COLS
};

static const struct column {
    const char *name; /* in the header and in messages */
    const char *path; /* the API field it fills ("address.street"); NULL: case_manager */
    bool required;    /* the header must name it (a case column: if any case column is named) */
    bool of_case;
    bool date; /* YYYY-MM-DD or DD.MM.YYYY */
} columns[N_COLS] = {
    { "customer_number", "customer_number", true, false, false },
    { "first_name", "first_name", true, false, false },
    { "last_name", "last_name", true, false, false },
    { "birth_date", "birth_date", true, false, true },
    { "street", "address.street", true, false, false },
    { "postcode", "address.postcode", true, false, false },
    { "city", "address.city", true, false, false },
    { "phone", "phone", false, false, false },
    { "email", "email", false, false, false },
    { "language", "language", false, false, false },
    { "case_manager", NULL, true, true, false },
    { "referral_date", "referral.date", true, true, true },
    { "referral_source", "referral.source", true, true, false },
    { "referral_reason", "referral.reason", true, true, false },
    { "consent_date", "consent_date", false, true, true },
};

/* ---- a string map (customer numbers seen, case managers named) ---- */

struct strmap {
    char **keys;
    int64_t *vals;
    size_t cap, n;
};

static uint64_t
hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t
strmap_slot(const struct strmap *m, const char *key)
{
    size_t i = (size_t)hash_of(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value stored for KEY, or NULL. */
static int64_t *
strmap_get(const struct strmap *m, const char *key)
{
    if (!m->cap)
        return NULL;
    size_t i = strmap_slot(m, key);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static void
strmap_put(struct strmap *m, const char *key, int64_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct strmap big = { .cap = m->cap ? m->cap * 2 : 1024 };
        big.keys = calloc(big.cap, sizeof *big.keys);
        big.vals = calloc(big.cap, sizeof *big.vals);
        if (!big.keys || !big.vals)
            abort();
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = strmap_slot(&big, m->keys[i]);
                big.keys[j] = m->keys[i];
                big.vals[j] = m->vals[i];
            }
        big.n = m->n;
        free(m->keys);
        free(m->vals);
        *m = big;
    }
    size_t i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = strdup(key);
        if (!m->keys[i])
            abort();
        m->n++;
    }
    m->vals[i] = val;
}

static void
strmap_free(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    *m = (struct strmap){ 0 };
}

/* ---- the import ---- */

/* A case manager named in the file: looked up once, then counted. */
struct case_manager {
    char id[ID_MAX];
    bool ok; /* an active case manager of the Jobcenter */
    int64_t open, cap;
};

struct import {
    /* what was asked */
    const char *path, *jobcenter_key;
    char file_name[121]; /* the base name, control characters replaced: for the audit */
    bool dry_run;
    unsigned caseload_per_fte;
    FILE *f;
    /* the run (reset by each attempt: writer_run_inline may run it again) */
    struct db *db;
    struct actor system;
    struct rules rules;
    int64_t now_us;
    char import_id[ID_MAX];
    struct csv_parser csv;
    bool csv_ready;
    char block[READ_BLOCK];
    size_t block_pos, block_len;
    struct buf line;
    long lineno, record_line;
    size_t record_bytes;
    bool in_record, record_done, stop;
    long stopped_at;
    struct buf cells; /* the current record's fields, each NUL-terminated */
    size_t off[FIELDS_MAX], len[FIELDS_MAX];
    int n_fields;
    bool header_done;
    int n_header;
    int field_of[N_COLS]; /* column -> its position in the header, -1 absent */
    bool has_case_columns;
    struct strmap seen;       /* customer number -> line it first appeared on */
    struct strmap cm_by_name; /* username -> index into cms */
    struct case_manager *cms;
    size_t n_cms, cap_cms;
    long rows, refused, file_errors, clients, cases;
    bool failed; /* a store error: nothing more is done */
};

/* One finding, on standard output: the line, the column, what is wrong; never a value. */
static void
report(long line, const char *field, const char *message)
{
    if (field)
        printf("line %ld: %s: %s\n", line, field, message);
    else
        printf("line %ld: %s\n", line, message);
}

/* A file error: reported, and nothing after it is read. */
static void
stop_reading(struct import *im, long line, const char *message)
{
    report(line, NULL, message);
    im->file_errors++;
    im->stop = true;
    im->stopped_at = line;
}

/* TEXT (at most 40 bytes of it) for a message: control characters shown as '?'. */
static const char *
shown(struct arena *a, const char *text)
{
    char *s = arena_strndup(a, text, strnlen(text, 40));
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}

/* ---- reading: physical lines into libcsv ---- */

static void
on_field(void *s, size_t len, void *data)
{
    struct import *im = data;
    if (im->stop)
        return;
    if (im->record_done) { /* a second record on one line: the first ended at a bare CR */
        stop_reading(im, im->lineno,
                     "a record ends with a bare carriage return; lines must end with CRLF or LF");
        return;
    }
    if (im->n_fields < FIELDS_MAX) {
        im->off[im->n_fields] = im->cells.len;
        im->len[im->n_fields] = len;
        buf_append(&im->cells, s ? s : "", len);
        buf_putc(&im->cells, '\0');
    }
    im->n_fields++;
}

static void
on_record(int c, void *data)
{
    (void)c;
    struct import *im = data;
    if (im->stop)
        return;
    im->record_done = true;
    im->in_record = false;
}

/* The next physical line (with its LF) into im->line; false at the end. */
static bool
read_line(struct import *im)
{
    buf_reset(&im->line);
    for (;;) {
        if (im->block_pos == im->block_len) {
            im->block_len = fread(im->block, 1, sizeof im->block, im->f);
            im->block_pos = 0;
            if (im->block_len == 0)
                return im->line.len > 0;
        }
        const char *start = im->block + im->block_pos;
        size_t avail = im->block_len - im->block_pos;
        const char *lf = memchr(start, '\n', avail);
        size_t n = lf ? (size_t)(lf - start) + 1 : avail;
        if (im->line.len + n > RECORD_MAX) {
            stop_reading(im, im->lineno + 1,
                         "the line is longer than 64 KiB (is a quote left open?); the file was "
                         "not read further");
            return false;
        }
        buf_append(&im->line, start, n);
        im->block_pos += n;
        if (lf)
            return true;
    }
}

static const char *
cell(const struct import *im, enum col c, size_t *len)
{
    int i = im->field_of[c];
    if (i < 0 || i >= im->n_fields || i >= FIELDS_MAX) {
        *len = 0;
        return NULL;
    }
    *len = im->len[i];
    return im->cells.data + im->off[i];
}

/* ---- the header ---- */

static void
read_header(struct import *im, struct arena *a)
{
    im->header_done = true;
    if (im->n_fields > FIELDS_MAX) {
        stop_reading(im, im->record_line, "the header names more than 64 columns");
        return;
    }
    im->n_header = im->n_fields;
    for (int i = 0; i < im->n_fields; i++) {
        const char *name = im->cells.data + im->off[i];
        int c = 0;
        while (c < N_COLS && strcmp(columns[c].name, name) != 0)
            c++;
        if (c == N_COLS || strlen(name) != im->len[i]) {
            report(im->record_line, arena_printf(a, "column \"%s\"", shown(a, name)),
                   "unknown column (see docs/import.md for the columns)");
            im->file_errors++;
        } else if (im->field_of[c] >= 0) {
            report(im->record_line, columns[c].name, "the column is named twice");
            im->file_errors++;
        } else {
            im->field_of[c] = i;
            im->has_case_columns = im->has_case_columns || columns[c].of_case;
        }
    }
    bool missing = false;
    for (int c = 0; c < N_COLS; c++)
        if (columns[c].required && im->field_of[c] < 0 &&
            (!columns[c].of_case || im->has_case_columns)) {
            report(im->record_line, columns[c].name,
                   columns[c].of_case ? "the column is missing (a case needs it)"
                                      : "the column is missing");
            im->file_errors++;
            missing = true;
        }
    if (missing) { /* every row would lack them too */
        report(im->record_line, NULL, "the rows were not checked: the header lacks columns");
        im->stop = true;
        im->stopped_at = im->record_line;
    }
}

/* ---- one row ---- */

/* Put the cell of column C into the JSON object ROOT at the column's path;
 * an empty cell is left out (absent), as an empty form field would be. */
static void
put_cell(struct import *im, json_t *root, enum col c, struct arena *a, struct problem *pb)
{
    size_t len;
    const char *s = cell(im, c, &len);
    if (!s || len == 0)
        return;
    char iso[11];
    struct date d;
    if (columns[c].date && strlen(s) == len && !date_parse(s, &d) && date_parse_de(s, &d)) {
        date_format(d, iso); /* DD.MM.YYYY, as the API's YYYY-MM-DD */
        s = iso;
        len = strlen(iso);
    }
    json_t *v = json_stringn(s, len);
    if (!v) {
        problem_field(pb, a, columns[c].name, "is not UTF-8 text");
        return;
    }
    const char *path = columns[c].path, *dot = strchr(path, '.');
    json_t *obj = root;
    if (dot) {
        char *outer = arena_strndup(a, path, (size_t)(dot - path));
        obj = json_object_get(root, outer);
        if (!obj) {
            obj = json_object();
            json_object_set_new(root, outer, obj);
        }
        path = dot + 1;
    }
    json_object_set_new(obj, path, v);
}

/* The field errors of FROM (the API's paths) into PB under the column names. */
static void
take_errors(struct problem *pb, struct arena *a, const struct problem *from)
{
    for (const struct field_error *e = from->errors; e; e = e->next) {
        const char *name = e->field;
        for (int c = 0; c < N_COLS; c++)
            if (columns[c].path && strcmp(columns[c].path, e->field) == 0)
                name = columns[c].name;
        const char *msg = e->message;
        if (strcmp(msg, "must be a date YYYY-MM-DD") == 0)
            msg = "must be a date YYYY-MM-DD or DD.MM.YYYY";
        problem_field(pb, a, name, msg);
    }
}

/* The case manager called USERNAME, looked up on first use; NULL on a store error. */
static struct case_manager *
case_manager(struct import *im, const char *username)
{
    int64_t *idx = strmap_get(&im->cm_by_name, username);
    if (idx)
        return &im->cms[*idx];
    if (im->n_cms == im->cap_cms) {
        im->cap_cms = im->cap_cms ? im->cap_cms * 2 : 64;
        im->cms = realloc(im->cms, im->cap_cms * sizeof *im->cms);
        if (!im->cms)
            abort();
    }
    struct case_manager *cm = &im->cms[im->n_cms];
    *cm = (struct case_manager){ .ok = false };
    struct user_row u;
    enum db_status st = db_user_by_username(im->db, username, &u);
    if (st < 0)
        return NULL;
    if (st == DB_ONE_ROW && strcmp(u.jobcenter_id, im->system.jobcenter_id) == 0 &&
        (u.roles & ROLE_CASE_MANAGER) && u.active) {
        snprintf(cm->id, sizeof cm->id, "%s", u.id);
        if (db_caseload(im->db, im->system.jobcenter_id, u.id, &cm->open) < 0)
            return NULL;
        cm->cap = cases_cap(im->caseload_per_fte, u.fte_milli);
        cm->ok = true;
    }
    strmap_put(&im->cm_by_name, username, (int64_t)im->n_cms);
    return &im->cms[im->n_cms++];
}

/* Write the checked row: the client, its case if any, their audit entries and
 * the worklist row, as clients_create and cases_create would. */
static bool
store_row(struct import *im, struct core_ctx *ctx, const struct client_input *in,
          const char *client_id, const struct case_input *k, const char *cm_id)
{
    char birth[11];
    date_format(in->birth_date, birth);
    const struct client_row c = {
        .id = (char *)client_id,
        .jobcenter_id = im->system.jobcenter_id,
        .customer_number = (char *)in->customer_number,
        .first_name = (char *)in->first_name,
        .last_name = (char *)in->last_name,
        .birth_date = birth,
        .street = (char *)in->street,
        .postcode = (char *)in->postcode,
        .city = (char *)in->city,
        .phone = (char *)in->phone,
        .email = (char *)in->email,
        .language = (char *)in->language,
        .created_by = NULL, /* the system is not a user */
        .created_at = ctx->now_us,
    };
    const char *detail =
        arena_printf(ctx->arena, "import %s, line %ld", im->import_id, im->record_line);
    const struct audit_entry ce = { "client.create", "client",       client_id, NULL,
                                    client_id,       PURPOSE_SYSTEM, detail };
    if (db_client_insert(im->db, &c) < 0 || audit_record(ctx, &ce) != CORE_OK)
        return false;
    /* The entry noted the client for worklist_sync(), which would look up the
       client's cases: a new client has none, so there is nothing to bring up to
       date, and that lookup is slow on SQLite in a store with many cases (its
       planner walks the Jobcenter's cases instead of using cases_client). */
    ctx->touched = NULL;
    if (!k)
        return true;
    char id[ID_MAX], referral[11], consent[11] = "", review[11] = "", limit[11] = "";
    id_new("cs", id);
    date_format(k->referral_date, referral);
    bool active = !date_is_none(k->consent_date);
    if (active) { /* consent given: the case is active from that day (cases_create) */
        date_format(k->consent_date, consent);
        date_format(deadline_first_review(&im->rules, k->consent_date), review);
        date_format(deadline_limit(&im->rules, k->consent_date), limit);
    }
    const struct case_row row = {
        .id = id,
        .jobcenter_id = im->system.jobcenter_id,
        .client_id = (char *)client_id,
        .case_manager_id = (char *)cm_id,
        .status = active ? "active" : "referred",
        .referral_source = (char *)k->referral_source,
        .referral_date = referral,
        .referral_reason = (char *)k->referral_reason,
        .referred_by = NULL,
        .consent_date = active ? consent : NULL,
        .started_on = active ? consent : NULL,
        .next_review_due = active ? review : NULL,
        .limit_date = active ? limit : NULL,
        .created_at = ctx->now_us,
    };
    const struct audit_entry ke = {
        "case.create", "case", id, id, client_id, PURPOSE_SYSTEM, detail
    };
    return db_case_insert(im->db, &row) >= 0 && audit_record(ctx, &ke) == CORE_OK &&
           worklist_sync(ctx) == CORE_OK;
}

/* Check the current record as one row and, when writing and all is well so
 * far, store it. False on a store error. */
static bool
do_row(struct import *im, struct core_ctx *ctx)
{
    struct arena *a = ctx->arena;
    struct problem pb = PROBLEM_INIT;
    im->rows++;
    if (im->n_fields != im->n_header) {
        report(im->record_line, NULL,
               arena_printf(a, "the row has %d fields, the header %d", im->n_fields, im->n_header));
        im->refused++;
        return true;
    }
    /* the client, read as POST /clients reads its body */
    json_t *body = json_object();
    json_object_set_new(body, "address", json_object());
    for (int c = 0; c < N_COLS; c++)
        if (!columns[c].of_case)
            put_cell(im, body, c, a, &pb);
    struct client_input in;
    struct problem fields = PROBLEM_INIT;
    input_read(body, client_fields, &in, a, &fields);
    take_errors(&pb, a, &fields);
    /* clients_create's rules */
    struct date today = date_today_berlin((time_t)(ctx->now_us / 1000000));
    if (!date_is_none(in.birth_date)) {
        if (date_cmp(in.birth_date, date_add_months(today, -15 * 12)) > 0)
            problem_field(&pb, a, "birth_date",
                          "must be at least 15 years ago (SGB II starts at 15)");
        else if (date_cmp(in.birth_date, date_add_months(today, -100 * 12)) < 0)
            problem_field(&pb, a, "birth_date", "must be less than 100 years ago");
    }
    if (in.customer_number) {
        int64_t *first = strmap_get(&im->seen, in.customer_number);
        char *existing = NULL;
        enum db_status st = DB_NO_ROWS;
        if (first) {
            problem_field(&pb, a, "customer_number",
                          arena_printf(a, "appears twice in the file (first on line %lld)",
                                       (long long)*first));
        } else {
            strmap_put(&im->seen, in.customer_number, im->record_line);
            st =
                db_client_by_number(im->db, im->system.jobcenter_id, in.customer_number, &existing);
        }
        if (st < 0) {
            json_decref(body);
            return false;
        }
        if (st == DB_ONE_ROW)
            problem_field(&pb, a, "customer_number",
                          "a client with this customer number is already registered");
    }
    /* the case, read as POST /cases reads its body */
    bool has_case = false;
    for (int c = 0; c < N_COLS; c++) {
        size_t len;
        has_case = has_case || (columns[c].of_case && cell(im, c, &len) && len > 0);
    }
    char client_id[ID_MAX];
    id_new("cl", client_id);
    struct case_input k = { 0 };
    struct case_manager *cm = NULL;
    json_t *kbody = NULL;
    if (has_case) {
        kbody = json_object();
        json_object_set_new(kbody, "client_id", json_string(client_id));
        json_object_set_new(kbody, "referral", json_object());
        for (int c = 0; c < N_COLS; c++)
            if (columns[c].of_case && columns[c].path)
                put_cell(im, kbody, c, a, &pb);
        struct problem kfields = PROBLEM_INIT;
        input_read(kbody, case_fields, &k, a, &kfields);
        cases_check_dates(ctx, &k, &kfields);
        take_errors(&pb, a, &kfields);
        size_t len;
        const char *name = cell(im, COL_CASE_MANAGER, &len);
        if (!name || len == 0) {
            problem_field(&pb, a, "case_manager", "is required");
        } else if (strlen(name) != len || check_username(name)) {
            problem_field(&pb, a, "case_manager", "is not a case manager of this Jobcenter");
        } else if (!(cm = case_manager(im, name))) {
            json_decref(body);
            json_decref(kbody);
            return false;
        } else if (!cm->ok) {
            problem_field(&pb, a, "case_manager", "is not a case manager of this Jobcenter");
        } else if (cm->open >= cm->cap) {
            problem_field(&pb, a, "case_manager",
                          arena_printf(a,
                                       "this case manager's caseload is full (%lld open cases, "
                                       "cap %lld); assign another case manager",
                                       (long long)cm->open, (long long)cm->cap));
        }
    }
    bool ok = true;
    if (pb.n_errors) {
        for (const struct field_error *e = pb.errors; e; e = e->next)
            report(im->record_line, e->field, e->message);
        im->refused++;
    } else {
        im->clients++;
        if (has_case) {
            im->cases++;
            cm->open++; /* the cap counts the cases this file adds */
        }
        /* once a row is refused nothing will be kept: the rest is only checked */
        if (!im->dry_run && im->refused == 0 && im->file_errors == 0)
            ok = store_row(im, ctx, &in, client_id, has_case ? &k : NULL, has_case ? cm->id : NULL);
    }
    json_decref(body);
    json_decref(kbody);
    return ok;
}

/* ---- the run ---- */

/* The Jobcenter: --jobcenter (id or name), or the only one there is. */
static bool
jc_row(void *user)
{
    int *n = user;
    (*n)++;
    return *n < 2;
}

static bool
find_jobcenter(struct import *im, struct arena *a)
{
    char *id = NULL;
    enum db_status st;
    if (im->jobcenter_key) {
        st = db_jobcenter_find(im->db, im->jobcenter_key, &id);
        if (st == DB_NO_ROWS)
            fprintf(stderr, "lotse: no Jobcenter has the id or name '%s'\n",
                    shown(a, im->jobcenter_key));
    } else {
        int n = 0;
        st = db_jobcenters(im->db, &id, jc_row, &n);
        if (st >= 0 && n != 1) {
            fprintf(stderr, "lotse: %s\n",
                    n ? "the store has several Jobcenters: name one with --jobcenter ID|NAME"
                      : "the store has no Jobcenter yet (lotse user add --jobcenter NAME)");
            st = DB_NO_ROWS;
        }
    }
    if (st != DB_ONE_ROW) {
        if (st < 0)
            fprintf(stderr, "lotse: the store could not be read\n");
        return false;
    }
    snprintf(im->system.jobcenter_id, sizeof im->system.jobcenter_id, "%s", id);
    return true;
}

static void
reset(struct import *im)
{
    if (im->csv_ready)
        csv_free(&im->csv);
    csv_init(&im->csv, CSV_STRICT | CSV_STRICT_FINI);
    im->csv_ready = true;
    im->block_pos = im->block_len = 0;
    im->lineno = im->record_line = 0;
    im->record_bytes = 0;
    im->in_record = im->record_done = im->stop = im->header_done = im->has_case_columns = false;
    im->stopped_at = 0;
    im->n_fields = im->n_header = 0;
    buf_reset(&im->cells);
    for (int c = 0; c < N_COLS; c++)
        im->field_of[c] = -1;
    strmap_free(&im->seen);
    strmap_free(&im->cm_by_name);
    im->n_cms = 0;
    im->rows = im->refused = im->file_errors = im->clients = im->cases = 0;
    im->failed = false;
    id_new("im", im->import_id);
    im->now_us = db_now_us();
}

/* Spaces are data (RFC 4180); libcsv would trim them otherwise. */
static int
no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* A complete record is there: the header or a row, in its own arena. */
static bool
take_record(struct import *im, struct core_ctx *ctx)
{
    im->record_done = false;
    struct arena a = ARENA_INIT;
    ctx->arena = &a;
    db_set_arena(im->db, &a);
    jsonmem_use(&a);
    bool ok = true;
    if (!im->header_done)
        read_header(im, &a);
    else
        ok = do_row(im, ctx);
    jsonmem_use(NULL);
    db_set_arena(im->db, NULL);
    ctx->arena = NULL;
    arena_free(&a);
    im->n_fields = 0;
    buf_reset(&im->cells);
    return ok;
}

/* Read, check and (unless a dry run, or a row was refused) write every row,
 * in the transaction the caller opened. False on a store or read error. */
static bool
run_rows(struct import *im)
{
    reset(im);
    csv_set_space_func(&im->csv, no_space);
    csv_set_blk_size(&im->csv, 4096);
    if (fseek(im->f, 0, SEEK_SET) != 0) {
        perror("lotse: cannot read the file from its start");
        return false;
    }
    /* this one transaction fills the tables it also reads (store.h) */
    if (db_plan_each_call(im->db) < 0)
        return false;
    struct arena a = ARENA_INIT;
    db_set_arena(im->db, &a);
    bool found = find_jobcenter(im, &a) &&
                 rules_load(im->db, im->system.jobcenter_id, &im->rules) == CORE_OK;
    db_set_arena(im->db, NULL);
    arena_free(&a);
    if (!found)
        return false;
    struct core_ctx ctx = { .db = im->db,
                            .actor = &im->system,
                            .in_write = !im->dry_run,
                            .caseload_per_fte = im->caseload_per_fte,
                            .now_us = im->now_us };
    if (!im->dry_run)
        audit_chain_begin(im->db);
    bool ok = true;
    while (ok && !im->stop && read_line(im)) {
        im->lineno++;
        const char *l = im->line.data;
        size_t n = im->line.len;
        if (im->lineno == 1 && n >= 3 && memcmp(l, "\xef\xbb\xbf", 3) == 0) {
            l += 3; /* a UTF-8 byte order mark, as spreadsheets write it */
            n -= 3;
        }
        if (!im->in_record) {
            bool blank = (n == 1 && l[0] == '\n') || (n == 2 && l[0] == '\r' && l[1] == '\n');
            if (!blank) { /* libcsv skips blank lines between records */
                im->in_record = true;
                im->record_line = im->lineno;
                im->record_bytes = 0;
            }
        }
        im->record_bytes += im->in_record ? n : 0;
        if (im->record_bytes > RECORD_MAX) {
            stop_reading(im, im->record_line,
                         "the record is longer than 64 KiB (is a quote left open?); the file "
                         "was not read further");
            break;
        }
        if (csv_parse(&im->csv, l, n, on_field, on_record, im) != n) {
            stop_reading(im, im->lineno,
                         "not valid CSV: a quote inside an unquoted field, or text after a "
                         "closing quote (RFC 4180: quote the field and double its quotes); "
                         "the file was not read further");
            break;
        }
        if (!im->stop && im->record_done)
            ok = take_record(im, &ctx);
    }
    if (ok && !im->stop && ferror(im->f)) {
        perror("lotse: cannot read the file");
        ok = false;
    }
    if (ok && !im->stop) {
        if (csv_fini(&im->csv, on_field, on_record, im) != 0)
            stop_reading(im, im->record_line,
                         "a quoted field is not closed before the end of the file");
        else if (im->record_done)
            ok = take_record(im, &ctx);
    }
    if (ok && !im->stop && !im->header_done)
        stop_reading(im, 1, "the file is empty: it needs a header row naming the columns");
    if (ok && !im->dry_run && !im->refused && !im->file_errors) {
        struct arena sa = ARENA_INIT;
        ctx.arena = &sa;
        const struct audit_entry e = {
            "import.run",
            "import",
            im->import_id,
            NULL,
            NULL,
            PURPOSE_SYSTEM,
            arena_printf(&sa, "file %s: %ld rows, %ld clients, %ld cases", im->file_name, im->rows,
                         im->clients, im->cases),
        };
        ok = audit_record(&ctx, &e) == CORE_OK;
        ctx.arena = NULL;
        arena_free(&sa);
    }
    if (!im->dry_run)
        audit_chain_end();
    if (!ok)
        im->failed = true;
    return ok;
}

static enum job_result
import_job(struct db *db, void *arg)
{
    struct import *im = arg;
    im->db = db;
    if (!run_rows(im))
        return JOB_FAILED;
    return im->refused || im->file_errors ? JOB_REFUSED : JOB_KEEP;
}

static int
usage(void)
{
    fputs("usage: lotse import [--db URL] [--dry-run] [--jobcenter ID|NAME] [--config FILE] "
          "FILE.csv\n",
          stderr);
    return 2;
}

/* The configuration as `lotse serve` reads it, for the caseload cap and the
 * store's URL; --db wins. */
static bool
load_config(struct config *cfg, const char *file, const char *db, char *err, size_t errlen)
{
    config_defaults(cfg);
    return (!file || config_load_file(cfg, file, err, errlen)) &&
           config_load_env(cfg, environ, err, errlen) &&
           (!db || config_set(cfg, "store.db_url", db, CONFIG_CLI, err, errlen));
}

/* The plural ending of N things. */
#define S(n) ((n) == 1 ? "" : "s")

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int
cmd_import(int argc, char **argv)
{
    struct import im = { .line = BUF_INIT, .cells = BUF_INIT };
    const char *config_file = getenv("LOTSE_CONFIG"), *url = NULL;
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { "dry-run", no_argument, NULL, 'n' },
                                          { "jobcenter", required_argument, NULL, 'j' },
                                          { "config", required_argument, NULL, 'c' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': url = optarg; break;
        case 'n': im.dry_run = true; break;
        case 'j': im.jobcenter_key = optarg; break;
        case 'c': config_file = optarg; break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();
    im.path = argv[optind];
    struct config cfg;
    char err[512] = "";
    if (!load_config(&cfg, config_file, url, err, sizeof err)) {
        fprintf(stderr, "lotse: %s\n", err);
        return 2;
    }
    im.caseload_per_fte = cfg.caseload_per_fte;
    db_set_busy_timeout(cfg.busy_timeout_ms);
    const char *base = strrchr(im.path, '/');
    snprintf(im.file_name, sizeof im.file_name, "%s", base ? base + 1 : im.path);
    for (char *p = im.file_name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    im.f = fopen(im.path, "rb");
    struct stat sb;
    if (!im.f || fstat(fileno(im.f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (im.f)
            fprintf(stderr, "lotse: %s is not a regular file\n", im.path);
        else
            perror(im.path);
        if (im.f)
            fclose(im.f);
        return 2;
    }
    snprintf(im.system.id, sizeof im.system.id, "system");

    /* the schema must be current (checked as `lotse serve` does, on a reader's
       connection); then the writer's connection, which commits the audit trail
       before the data (store.h) */
    struct db *db = cmd_open_db(cfg.db_url, false);
    int pending = 0;
    enum db_status st = db ? db_migrations_pending(db, &pending) : DB_HARD_ERROR;
    if (db)
        db_close(db);
    db = st >= 0 && pending == 0 ? db_open_writer(cfg.db_url, err, sizeof err) : NULL;
    if (!db) {
        if (st >= 0 && pending > 0)
            fprintf(stderr, "lotse: the store needs %d migration%s first: run lotse migrate\n",
                    pending, pending == 1 ? "" : "s");
        else if (st >= 0)
            fprintf(stderr, "lotse: %s\n", err);
        fclose(im.f);
        return 2;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool committed = false;
    if (im.dry_run) {
        /* one snapshot, no write lock: a dry run may run beside the server */
        im.db = db;
        bool ok = db_begin(db, false) >= 0 && run_rows(&im);
        if (!ok)
            im.failed = true;
        if (db_in_transaction(db))
            db_rollback(db);
    } else {
        enum job_result r = writer_run_inline(db, import_job, &im, &committed);
        if (r == JOB_FAILED)
            im.failed = true;
    }
    double secs = seconds_since(&t0);
    db_close(db);
    fclose(im.f);
    if (im.csv_ready)
        csv_free(&im.csv);
    buf_free(&im.line);
    buf_free(&im.cells);
    strmap_free(&im.seen);
    strmap_free(&im.cm_by_name);
    free(im.cms);
    if (im.failed) {
        if (im.lineno)
            fprintf(stderr, "lotse: the import stopped at line %ld (see above); nothing was %s\n",
                    im.lineno, im.dry_run ? "written" : "imported");
        return 2;
    }
    char stopped[64] = "";
    if (im.stopped_at)
        snprintf(stopped, sizeof stopped, " (reading stopped at line %ld)", im.stopped_at);
    char problems[96] = "";
    if (im.file_errors)
        snprintf(problems, sizeof problems, ", %ld file error%s%s", im.file_errors,
                 im.file_errors == 1 ? "" : "s", stopped);
    if (im.dry_run) {
        printf("dry run: %ld row%s read, would import %ld client%s and %ld case%s, %ld row%s "
               "refused%s; nothing was written (%.1f s)\n",
               im.rows, S(im.rows), im.clients, S(im.clients), im.cases, S(im.cases), im.refused,
               S(im.refused), problems, secs);
        return im.refused || im.file_errors ? 1 : 0;
    }
    if (im.refused || im.file_errors || !committed) {
        printf("nothing imported: %ld row%s read, %ld row%s refused%s; the other rows would "
               "import %ld client%s and %ld case%s (%.1f s)\n",
               im.rows, S(im.rows), im.refused, S(im.refused), problems, im.clients, S(im.clients),
               im.cases, S(im.cases), secs);
        return 1;
    }
    printf("imported %ld client%s and %ld case%s from %ld row%s of %s into Jobcenter %s (import "
           "%s, %.1f s)\n",
           im.clients, S(im.clients), im.cases, S(im.cases), im.rows, S(im.rows), im.file_name,
           im.system.jobcenter_id, im.import_id, secs);
    return 0;
}
