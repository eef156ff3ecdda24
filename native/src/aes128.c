/*
 * One-shot AES-128 for eapd's EAP-PSK (RFC 4764 uses AES-128 for CMAC, the key derivation and EAX):
 * OpenSSL (the copy inside Node) does the cipher, on one EVP_CIPHER_CTX per mode (ECB, CBC) that is
 * re-keyed on every call, so no node:crypto Cipher object (a C++ object behind a weak handle, which
 * the garbage collector must finalise) is created per session key, and the output goes into a
 * Buffer the caller provides.
 *
 * The ciphers are fetched from OpenSSL's provider once, when the addon loads, and each context is
 * initialised once: a call only sets the key (and CBC's zero IV). Resetting the context after each
 * call and naming the cipher again on each init cost ~415 ns per call (an implicit provider fetch
 * and a fresh provider context each time) against ~142 ns now, and an authentication makes about a
 * dozen calls.
 *
 *   ecb(key: Buffer(16), input: Buffer(16n), output: Buffer(>= 16n)): undefined
 *   cbcMac(key: Buffer(16), input: Buffer(16n, n >= 1), output: Buffer(>= 16)): undefined
 *       (the last block of AES-128-CBC with a zero IV)
 *
 * The key schedule of the last key used stays in its context until the next call re-keys it (or the
 * addon is unloaded: EVP_CIPHER_CTX_free cleanses it), as the keys themselves stay in the callers'
 * caches. CBC-MAC's intermediate blocks are wiped after each call.
 */
#include <limits.h>
#include <node_api.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define AES_BLOCK 16
#define AES_KEY 16
#define CHUNK 1024

/* CBC-MAC's IV, and the placeholder key the contexts are initialised with at load. */
static const uint8_t ZERO_BLOCK[AES_BLOCK] = {0};

typedef struct {
  EVP_CIPHER_CTX *ecb;
  EVP_CIPHER_CTX *cbc;
  EVP_CIPHER *ecb_cipher;
  EVP_CIPHER *cbc_cipher;
  uint8_t scratch[CHUNK];
} aes_state;

static void finalize_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  aes_state *s = data;
  EVP_CIPHER_CTX_free(s->ecb);
  EVP_CIPHER_CTX_free(s->cbc);
  EVP_CIPHER_free(s->ecb_cipher);
  EVP_CIPHER_free(s->cbc_cipher);
  free(s);
}

static napi_value fail(napi_env env, bool range, const char *message) {
  if (range) napi_throw_range_error(env, NULL, message);
  else napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int buffer_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is = false;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return -1;
  return napi_get_buffer_info(env, v, (void **)data, len) == napi_ok ? 0 : -1;
}

/* Reads (key, input, output), checks their sizes; returns the state or NULL with an exception. */
static aes_state *args(napi_env env, napi_callback_info info, uint8_t **key, uint8_t **in, size_t *in_len,
                       uint8_t **out, size_t *out_len) {
  size_t argc = 3;
  napi_value argv[3];
  aes_state *s = NULL;
  size_t key_len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3) {
    fail(env, false, "expected (key, input, output)");
    return NULL;
  }
  if (buffer_arg(env, argv[0], key, &key_len) || buffer_arg(env, argv[1], in, in_len) ||
      buffer_arg(env, argv[2], out, out_len)) {
    fail(env, false, "key, input and output must be Buffers");
    return NULL;
  }
  if (key_len != AES_KEY) {
    fail(env, true, "AES-128 key must be 16 bytes");
    return NULL;
  }
  if (*in_len % AES_BLOCK != 0 || *in_len > INT_MAX) {
    fail(env, true, "input must be whole 16-byte blocks");
    return NULL;
  }
  if (napi_get_instance_data(env, (void **)&s) != napi_ok || s == NULL) {
    fail(env, false, "aes128 addon not initialised");
    return NULL;
  }
  return s;
}

static napi_value ecb(napi_env env, napi_callback_info info) {
  uint8_t *key, *in, *out;
  size_t in_len, out_len;
  int n = 0;
  aes_state *s = args(env, info, &key, &in, &in_len, &out, &out_len);
  if (s == NULL) return NULL;
  if (out_len < in_len) return fail(env, true, "output shorter than input");
  int ok = EVP_EncryptInit_ex2(s->ecb, NULL, key, NULL, NULL) &&
           (in_len == 0 || EVP_EncryptUpdate(s->ecb, out, &n, in, (int)in_len));
  if (!ok || (size_t)n != in_len) return fail(env, false, "AES-128-ECB failed");
  return NULL;
}

static napi_value cbc_mac(napi_env env, napi_callback_info info) {
  uint8_t *key, *in, *out;
  size_t in_len, out_len;
  aes_state *s = args(env, info, &key, &in, &in_len, &out, &out_len);
  if (s == NULL) return NULL;
  if (in_len == 0) return fail(env, true, "input must hold at least one block");
  if (out_len < AES_BLOCK) return fail(env, true, "output shorter than one block");
  int ok = EVP_EncryptInit_ex2(s->cbc, NULL, key, ZERO_BLOCK, NULL);
  size_t done = 0, last = 0;
  while (ok && done < in_len) {
    size_t step = in_len - done < CHUNK ? in_len - done : CHUNK;
    int n = 0;
    ok = EVP_EncryptUpdate(s->cbc, s->scratch, &n, in + done, (int)step) && (size_t)n == step;
    done += step;
    last = step;
  }
  if (ok) memcpy(out, s->scratch + last - AES_BLOCK, AES_BLOCK);
  memset(s->scratch, 0, in_len < CHUNK ? in_len : CHUNK);
  if (!ok) return fail(env, false, "AES-128-CBC failed");
  return NULL;
}

NAPI_MODULE_INIT() {
  aes_state *s = calloc(1, sizeof *s);
  if (s == NULL) {
    napi_throw_error(env, NULL, "aes128: out of memory");
    return NULL;
  }
  s->ecb = EVP_CIPHER_CTX_new();
  s->cbc = EVP_CIPHER_CTX_new();
  s->ecb_cipher = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
  s->cbc_cipher = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
  if (s->ecb == NULL || s->cbc == NULL || s->ecb_cipher == NULL || s->cbc_cipher == NULL ||
      !EVP_EncryptInit_ex2(s->ecb, s->ecb_cipher, ZERO_BLOCK, NULL, NULL) || !EVP_CIPHER_CTX_set_padding(s->ecb, 0) ||
      !EVP_EncryptInit_ex2(s->cbc, s->cbc_cipher, ZERO_BLOCK, ZERO_BLOCK, NULL) || !EVP_CIPHER_CTX_set_padding(s->cbc, 0)) {
    finalize_state(env, s, NULL);
    napi_throw_error(env, NULL, "aes128: OpenSSL AES-128 unavailable");
    return NULL;
  }
  if (napi_set_instance_data(env, s, finalize_state, NULL) != napi_ok) {
    finalize_state(env, s, NULL);
    napi_throw_error(env, NULL, "aes128: cannot keep its state");
    return NULL;
  }
  napi_property_descriptor props[] = {
      {"ecb", NULL, ecb, NULL, NULL, NULL, napi_default, NULL},
      {"cbcMac", NULL, cbc_mac, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
