/*
 * tests/unit/core/test_audit.c — the audit hash chain: intact chains verify;
 * a changed, removed, inserted or reordered entry is found, and the first bad
 * entry is named. Tampering goes around the append-only triggers the way an
 * attacker with file access would (dropping them first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/audit.h"
#include "fixture.h"

static void
append_n(struct fixture *f, int n)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    for (int i = 0; i < n; i++) {
        char obj[32];
        snprintf(obj, sizeof obj, "cs_%d", i);
        const struct audit_entry e = {
            "case.read", "case", obj, obj, "cl_x", PURPOSE_OWN_CASE, i % 2 ? "detail" : NULL
        };
        assert_int_equal(audit_record(&ctx, &e), CORE_OK);
    }
}

static void
tamper(struct fixture *f, const char *sql)
{
    assert_true(db_exec(f->db, "DROP TRIGGER IF EXISTS audit_no_update", NULL) >= 0);
    assert_true(db_exec(f->db, "DROP TRIGGER IF EXISTS audit_no_delete", NULL) >= 0);
    assert_true(db_exec(f->db, sql, NULL) >= 0);
}

static void
intact_chain_verifies(void **state)
{
    struct fixture *f = *state;
    append_n(f, 20);
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_true(v.ok);
    assert_int_equal(v.entries, 20);
    assert_int_equal(v.first_bad, 0);
    assert_int_equal(strlen(v.head), 64);
}

/* Someone who can rewrite the file can change an entry and recompute every
 * hash after it: the chain then verifies, but its head differs from the head
 * recorded earlier, which is why verify prints the head. */
static void
recomputed_chain_changes_the_head(void **state)
{
    struct fixture *f = *state;
    append_n(f, 5);
    struct audit_verify before;
    assert_int_equal(audit_verify(f->db, &before), CORE_OK);
    tamper(f, "UPDATE audit SET purpose = 'break_glass' WHERE seq = 2");
    /* recompute the hashes from entry 2 on, as an attacker would */
    unsigned char prev[32];
    size_t len = 0;
    for (int64_t seq = 1; seq <= 5; seq++) {
        int64_t at = 0;
        char *actor = NULL, *jc = NULL, *action = NULL, *type = NULL, *obj = NULL, *kase = NULL,
             *client = NULL, *purpose = NULL, *rid = NULL, *detail = NULL;
        unsigned char hash[32];
        const struct db_param p[] = { DB_INT64(seq), DB_PARAM_END };
        const struct db_column c[] = {
            DB_COL_INT64(&at),   DB_COL_STR(&actor),  DB_COL_STR(&jc),
            DB_COL_STR(&action), DB_COL_STR(&type),   DB_COL_STR(&obj),
            DB_COL_STR(&kase),   DB_COL_STR(&client), DB_COL_STR(&purpose),
            DB_COL_STR(&rid),    DB_COL_STR(&detail), DB_COL_BLOB(hash, 32, &len),
            DB_COL_END
        };
        assert_int_equal(db_query_one(f->db,
                                      "SELECT at, actor_id, jobcenter_id, action, object_type,"
                                      " object_id, case_id, client_id, purpose, request_id,"
                                      " detail, hash FROM audit WHERE seq = $1",
                                      p, c),
                         DB_ONE_ROW);
        if (seq >= 2) {
            const struct audit_entry e = { action, type, obj, kase, client, purpose, detail };
            audit_hash(prev, seq, at, actor, jc, &e, rid, hash);
            const struct db_param u[] = { DB_BLOB(hash, 32), DB_INT64(seq), DB_PARAM_END };
            assert_true(db_exec(f->db, "UPDATE audit SET hash = $1 WHERE seq = $2", u) >= 0);
        }
        memcpy(prev, hash, 32);
    }
    struct audit_verify after;
    assert_int_equal(audit_verify(f->db, &after), CORE_OK);
    assert_true(after.ok);                            /* the chain itself looks intact … */
    assert_string_not_equal(after.head, before.head); /* … but its head gives it away */
}

static void
empty_chain_verifies(void **state)
{
    struct fixture *f = *state;
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_true(v.ok);
    assert_int_equal(v.entries, 0);
}

static void
triggers_refuse_update_and_delete(void **state)
{
    struct fixture *f = *state;
    append_n(f, 2);
    assert_true(db_exec(f->db, "UPDATE audit SET detail = 'x' WHERE seq = 1", NULL) < 0);
    assert_true(db_exec(f->db, "DELETE FROM audit WHERE seq = 1", NULL) < 0);
}

static void
changed_entry_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f, 10);
    tamper(f, "UPDATE audit SET purpose = 'break_glass' WHERE seq = 7");
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 7);
}

static void
changed_hash_is_named(void **state)
{
    struct fixture *f = *state;
    append_n(f, 10);
    tamper(f, "UPDATE audit SET hash = zeroblob(32) WHERE seq = 3");
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 3);
}

static void
removed_entry_is_found(void **state)
{
    struct fixture *f = *state;
    append_n(f, 10);
    tamper(f, "DELETE FROM audit WHERE seq = 4");
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 5); /* the entry after the gap */
}

static void
removed_last_entries_and_renumbered_are_found(void **state)
{
    struct fixture *f = *state;
    append_n(f, 10);
    /* remove entry 4 and shift the rest down so that the sequence has no gap */
    tamper(f, "DELETE FROM audit WHERE seq = 4");
    assert_true(db_exec(f->db, "UPDATE audit SET seq = seq - 1 WHERE seq > 4", NULL) >= 0);
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 4);
}

static void
inserted_entry_is_found(void **state)
{
    struct fixture *f = *state;
    append_n(f, 5);
    tamper(f,
           "INSERT INTO audit (seq, at, actor_id, jobcenter_id, action, object_type, purpose,"
           " hash) VALUES (6, 1, 'us_x', 'jc_a', 'case.read', 'case', 'own_case', zeroblob(32))");
    append_n(f, 2); /* the chain goes on after the forged entry */
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 6);
}

static void
swapped_entries_are_found(void **state)
{
    struct fixture *f = *state;
    append_n(f, 6);
    tamper(f, "UPDATE audit SET seq = 100 WHERE seq = 2");
    assert_true(db_exec(f->db, "UPDATE audit SET seq = 2 WHERE seq = 3", NULL) >= 0);
    assert_true(db_exec(f->db, "UPDATE audit SET seq = 3 WHERE seq = 100", NULL) >= 0);
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_false(v.ok);
    assert_int_equal(v.first_bad, 2);
}

static void
hash_covers_every_field(void **state)
{
    (void)state;
    const struct audit_entry base = { "a", "b", "c", "d", "e", "f", "g" };
    unsigned char h0[32], h[32];
    audit_hash(NULL, 1, 2, "actor", "jc", &base, "req", h0);
    struct audit_entry e = base;
    e.detail = NULL; /* NULL and "" and a value must all differ */
    audit_hash(NULL, 1, 2, "actor", "jc", &e, "req", h);
    assert_memory_not_equal(h0, h, 32);
    audit_hash(NULL, 2, 2, "actor", "jc", &base, "req", h);
    assert_memory_not_equal(h0, h, 32);
    audit_hash(NULL, 1, 3, "actor", "jc", &base, "req", h);
    assert_memory_not_equal(h0, h, 32);
    audit_hash(NULL, 1, 2, "actor2", "jc", &base, "req", h);
    assert_memory_not_equal(h0, h, 32);
    audit_hash(NULL, 1, 2, "actor", "jc", &base, "req2", h);
    assert_memory_not_equal(h0, h, 32);
    /* moving a boundary between two fields changes the hash (length prefixes) */
    e = base;
    e.action = "ab";
    e.object_type = "";
    audit_hash(NULL, 1, 2, "actor", "jc", &e, "req", h);
    assert_memory_not_equal(h0, h, 32);
    unsigned char prev[32] = { 1 };
    audit_hash(prev, 1, 2, "actor", "jc", &base, "req", h);
    assert_memory_not_equal(h0, h, 32);
    audit_hash(NULL, 1, 2, "actor", "jc", &base, "req", h);
    assert_memory_equal(h0, h, 32);
}

static void
pending_entries_wait_for_commit(void **state)
{
    struct fixture *f = *state;
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    ctx.in_write = false; /* a read: entries are collected, not written */
    const struct audit_entry e = { "case.read", "case",           "cs_1", "cs_1",
                                   "cl_1",      PURPOSE_OWN_CASE, NULL };
    assert_int_equal(audit_record(&ctx, &e), CORE_OK);
    assert_int_equal(audit_record(&ctx, &e), CORE_OK);
    assert_int_equal(ctx.n_pending, 2);
    struct audit_verify v;
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_int_equal(v.entries, 0);
    assert_int_equal(audit_append_pending(f->db, &ctx), JOB_KEEP);
    assert_int_equal(audit_verify(f->db, &v), CORE_OK);
    assert_true(v.ok);
    assert_int_equal(v.entries, 2);
}

int
main(void)
{
    crypto_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(intact_chain_verifies, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(recomputed_chain_changes_the_head, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(empty_chain_verifies, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(triggers_refuse_update_and_delete, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(changed_entry_is_named, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(changed_hash_is_named, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(removed_entry_is_found, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(removed_last_entries_and_renumbered_are_found,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(inserted_entry_is_found, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(swapped_entries_are_found, fixture_setup, fixture_teardown),
        cmocka_unit_test(hash_covers_every_field),
        cmocka_unit_test_setup_teardown(pending_entries_wait_for_commit, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
