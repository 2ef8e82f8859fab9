#include "csystemrsa.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <pthread.h>

struct palisade_rsa_key {
    EVP_PKEY *pkey;
};

static palisade_rsa_key *wrap(EVP_PKEY *pkey) {
    if (pkey == NULL) return NULL;
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA && EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA_PSS) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    palisade_rsa_key *key = OPENSSL_malloc(sizeof *key);
    if (key == NULL) {
        EVP_PKEY_free(pkey);
        return NULL;
    }
    key->pkey = pkey;
    return key;
}

palisade_rsa_key *palisade_rsa_private_key(const uint8_t *der, size_t length) {
    const unsigned char *cursor = der;
    EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &cursor, (long)length);
    if (pkey != NULL && cursor != der + length) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    if (pkey == NULL) ERR_clear_error();
    return wrap(pkey);
}

palisade_rsa_key *palisade_rsa_public_key(const uint8_t *der, size_t length) {
    const unsigned char *cursor = der;
    EVP_PKEY *pkey = d2i_PUBKEY(NULL, &cursor, (long)length);
    if (pkey == NULL) {
        cursor = der;
        pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &cursor, (long)length);
    }
    if (pkey != NULL && cursor != der + length) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    if (pkey == NULL) ERR_clear_error();
    return wrap(pkey);
}

void palisade_rsa_key_free(palisade_rsa_key *key) {
    if (key == NULL) return;
    EVP_PKEY_free(key->pkey);
    OPENSSL_free(key);
}

int palisade_rsa_key_bytes(const palisade_rsa_key *key) { return EVP_PKEY_get_size(key->pkey); }

// The digests, fetched once (a fetch per signature costs a provider lookup).
static const EVP_MD *digest(int scheme) {
    static EVP_MD *sha256 = NULL, *sha512 = NULL;
    EVP_MD **slot = scheme == PALISADE_RSA_PSS_SHA512 ? &sha512 : &sha256;
    EVP_MD *known = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (known != NULL) return known;
    EVP_MD *fetched = EVP_MD_fetch(NULL, scheme == PALISADE_RSA_PSS_SHA512 ? "SHA512" : "SHA256", NULL);
    if (fetched == NULL) return NULL;
    EVP_MD *expected = NULL;
    if (!__atomic_compare_exchange_n(slot, &expected, fetched, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        EVP_MD_free(fetched);
        return expected;
    }
    return fetched;
}

// One digest context per thread (each delivery worker signs on its own), reset between uses and freed when the thread
// ends.
static pthread_key_t context_key;
static pthread_once_t context_once = PTHREAD_ONCE_INIT;
static void free_context(void *context) { EVP_MD_CTX_free(context); }
static void make_context_key(void) { pthread_key_create(&context_key, free_context); }

static EVP_MD_CTX *thread_context(void) {
    pthread_once(&context_once, make_context_key);
    EVP_MD_CTX *context = pthread_getspecific(context_key);
    if (context == NULL) {
        context = EVP_MD_CTX_new();
        if (context != NULL) pthread_setspecific(context_key, context);
    } else {
        EVP_MD_CTX_reset(context);
    }
    return context;
}

static int configure(EVP_PKEY_CTX *pctx, int scheme) {
    if (scheme == PALISADE_RSA_PSS_SHA512) {
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) > 0
            && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest(scheme)) > 0;
    }
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
}

int palisade_rsa_sign(const palisade_rsa_key *key, int scheme, const uint8_t *data, size_t length, uint8_t *signature, size_t capacity) {
    const EVP_MD *md = digest(scheme);
    EVP_MD_CTX *context = thread_context();
    EVP_PKEY_CTX *pctx = NULL;
    if (md == NULL || context == NULL) return -1;
    size_t written = capacity;
    if (EVP_DigestSignInit(context, &pctx, md, NULL, key->pkey) <= 0 || !configure(pctx, scheme)
        || EVP_DigestSign(context, signature, &written, data, length) <= 0) {
        ERR_clear_error();
        return -1;
    }
    return (int)written;
}

int palisade_rsa_verify(const palisade_rsa_key *key, int scheme, const uint8_t *data, size_t length, const uint8_t *signature, size_t signatureLength) {
    const EVP_MD *md = digest(scheme);
    EVP_MD_CTX *context = thread_context();
    EVP_PKEY_CTX *pctx = NULL;
    if (md == NULL || context == NULL) return -1;
    if (EVP_DigestVerifyInit(context, &pctx, md, NULL, key->pkey) <= 0 || !configure(pctx, scheme)) {
        ERR_clear_error();
        return -1;
    }
    // A signature that does not verify (wrong length, bad padding) leaves errors on the thread's queue: cleared.
    int result = EVP_DigestVerify(context, signature, signatureLength, data, length);
    if (result != 1) ERR_clear_error();
    return result == 1 ? 1 : 0;
}

const char *palisade_rsa_library_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
