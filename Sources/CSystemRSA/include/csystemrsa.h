// RSA signing and verification with the system's OpenSSL (libcrypto), behind a small C interface of our own: the
// OpenSSL headers stay in csystemrsa.c, so Swift never sees them beside BoringSSL's (swift-crypto, swift-nio-ssl).
// HTTPSignatures is the only user.
#ifndef PALISADE_CSYSTEMRSA_H
#define PALISADE_CSYSTEMRSA_H
#include <stddef.h>
#include <stdint.h>

/// A parsed RSA key (public or private), kept as an OpenSSL EVP_PKEY; safe to use from several threads at once.
typedef struct palisade_rsa_key palisade_rsa_key;

/// The signature schemes: PKCS#1 v1.5 with SHA-256, and PSS with SHA-512 (MGF1 SHA-512, 64-byte salt).
enum { PALISADE_RSA_PKCS1_SHA256 = 0, PALISADE_RSA_PSS_SHA512 = 1 };

/// A private key from DER (PKCS#1 RSAPrivateKey or PKCS#8), or NULL.
palisade_rsa_key *palisade_rsa_private_key(const uint8_t *der, size_t length);
/// A public key from DER (PKCS#1 RSAPublicKey or SubjectPublicKeyInfo), or NULL.
palisade_rsa_key *palisade_rsa_public_key(const uint8_t *der, size_t length);
/// Frees a key.
void palisade_rsa_key_free(palisade_rsa_key *key);
/// The modulus size in bytes (the signature length).
int palisade_rsa_key_bytes(const palisade_rsa_key *key);
/// Signs `data` into `signature` (room for `palisade_rsa_key_bytes`); returns the signature length, or -1.
int palisade_rsa_sign(const palisade_rsa_key *key, int scheme, const uint8_t *data, size_t length, uint8_t *signature, size_t capacity);
/// 1 when `signature` is the scheme's signature of `data` under `key`, 0 when not, -1 on an internal error.
int palisade_rsa_verify(const palisade_rsa_key *key, int scheme, const uint8_t *data, size_t length, const uint8_t *signature, size_t signatureLength);
/// The OpenSSL version in use (e.g. "OpenSSL 3.0.19 27 Jan 2026").
const char *palisade_rsa_library_version(void);
#endif
