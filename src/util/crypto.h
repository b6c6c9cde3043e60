/*
 * util/crypto.h — the few cryptographic primitives lotse uses, all from
 * libsodium: argon2id password hashes, random tokens, BLAKE2b digests and
 * constant-time comparison. crypto_init() must run once before threads start.
 */
#ifndef LOTSE_UTIL_CRYPTO_H
#define LOTSE_UTIL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CRYPTO_HASH_BYTES = 32, CRYPTO_TOKEN_BYTES = 32, CRYPTO_PWHASH_STR = 128 };

bool crypto_init(void);

/* argon2id (INTERACTIVE limits) of PASSWORD into OUT (CRYPTO_PWHASH_STR bytes). */
bool password_hash(const char *password, char out[CRYPTO_PWHASH_STR]);

enum pw_check { PW_WRONG, PW_OK, PW_OK_REHASH };
/* Check PASSWORD against STORED in constant time; PW_OK_REHASH when the
 * stored parameters are older than today's and the hash should be renewed. */
enum pw_check password_check(const char *stored, const char *password);

/* A fresh random token as 43 characters of URL-safe base64 (no padding) in OUT (44 bytes). */
void token_new(char out[44]);
/* BLAKE2b-256 of a token, the only form in which tokens are stored. */
void token_digest(const char *token, unsigned char out[CRYPTO_HASH_BYTES]);

/* Lowercase hex of N bytes into OUT (2N+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Constant-time equality of two NUL-terminated strings of any length. */
bool secure_str_equal(const char *a, const char *b);
/* Uniform random bytes. */
void random_bytes(void *out, size_t n);

#endif
