/* util/crypto.c — libsodium wrappers; see crypto.h. */
#include "util/crypto.h"

#include <sodium.h>
#include <string.h>

bool
crypto_init(void)
{
    return sodium_init() >= 0;
}

bool
password_hash(const char *password, char out[CRYPTO_PWHASH_STR])
{
    return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

enum pw_check
password_check(const char *stored, const char *password)
{
    if (crypto_pwhash_str_verify(stored, password, strlen(password)) != 0)
        return PW_WRONG;
    return crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                          crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
               ? PW_OK
               : PW_OK_REHASH;
}

void
token_new(char out[44])
{
    unsigned char raw[CRYPTO_TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, 44, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void
token_digest(const char *token, unsigned char out[CRYPTO_HASH_BYTES])
{
    crypto_generichash(out, CRYPTO_HASH_BYTES, (const unsigned char *)token, strlen(token), NULL,
                       0);
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, in, n);
}

bool
secure_str_equal(const char *a, const char *b)
{
    unsigned char da[CRYPTO_HASH_BYTES], db[CRYPTO_HASH_BYTES];
    /* compare digests so that differing lengths leak nothing either */
    crypto_generichash(da, sizeof da, (const unsigned char *)a, strlen(a), NULL, 0);
    crypto_generichash(db, sizeof db, (const unsigned char *)b, strlen(b), NULL, 0);
    return sodium_memcmp(da, db, sizeof da) == 0;
}

void
random_bytes(void *out, size_t n)
{
    randombytes_buf(out, n);
}
