/*
 * MD5 for the RADIUS front's packet integrity and key hiding, each one call from JavaScript:
 *
 *   hmacKey(secret: Buffer, state: Buffer(stateLength)): undefined
 *       RFC 2104 §2: the MD5 states after absorbing K ⊕ ipad and K ⊕ opad (a key longer than 64
 *       octets is hashed first), written into `state`. It is key material: never log it.
 *   hmac(state, data: Buffer, end, zeroAt, override: Buffer(16) | null, out: Buffer, outAt): undefined
 *       RFC 3579 §3.2: HMAC-MD5 over data[0, end) with data[zeroAt, zeroAt + 16) read as zeros
 *       (the Message-Authenticator value) and, when `override` is given, data[4, 20) read as
 *       `override` (a response is signed over the Request Authenticator). `data` is not modified.
 *   responseAuthenticator(frame: Buffer, end, requestAuthenticator: Buffer(16), secret, out, outAt)
 *       RFC 2865 §3: MD5(frame[0, 4) ‖ Request Authenticator ‖ frame[20, end) ‖ secret).
 *   mppe(secret, requestAuthenticator: Buffer(16), salt: Buffer(2), input: Buffer(16n), out, outAt,
 *        decrypt: boolean): undefined
 *       RFC 2548 §2.4.2: out[outAt, outAt + input.length) = input ⊕ b, b(1) = MD5(secret ‖ Request
 *       Authenticator ‖ salt), b(i) = MD5(secret ‖ c(i-1)), c being the ciphertext (the output
 *       when encrypting, the input when decrypting). `out` must not overlap `input`.
 *   stateLength: number
 *
 * node:crypto's one-shot `hash` costs ~410 ns for a 160-octet packet, and the JavaScript around it
 * (a scratch copy, the pads, a latin1 digest written back) brought an HMAC to ~1.2 µs; a RADIUS
 * authentication makes six HMACs, three Response Authenticators and six MPPE blocks. Here the HMAC
 * pads are absorbed once per secret and their MD5 states copied per call, and the data is hashed in
 * place, in segments. OpenSSL's MD5 functions are deprecated in 3.0 in favour of EVP, whose fetch
 * and context overhead per call is what this file exists to avoid; Node's OpenSSL exports them.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <node_api.h>
#include <openssl/md5.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define MD5_LEN 16
#define MD5_BLOCK 64
#define AUTH_AT 4
#define AUTH_LEN 16
#define SALT_LEN 2
#define MAX_ARGS 7

typedef struct {
  MD5_CTX inner;
  MD5_CTX outer;
} hmac_state;

static const uint8_t ZEROS[MD5_LEN] = {0};

static napi_value fail(napi_env env, bool range, const char *message) {
  if (range) napi_throw_range_error(env, NULL, message);
  else napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* Wipes secret-derived state; the compiler may not drop it as a dead store. */
static void wipe(void *p, size_t n) {
  volatile uint8_t *v = p;
  while (n--) *v++ = 0;
}

static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = MAX_ARGS;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == want;
}

static bool buffer_arg(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  bool is = false;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return false;
  return napi_get_buffer_info(env, v, (void **)data, len) == napi_ok;
}

/* A non-negative integer argument no larger than `max`. */
static bool index_arg(napi_env env, napi_value v, size_t max, size_t *out) {
  int64_t n = 0;
  if (napi_get_value_int64(env, v, &n) != napi_ok || n < 0 || (uint64_t)n > max) return false;
  *out = (size_t)n;
  return true;
}

/* Writes 16 octets into out[at, at + 16), checked against the Buffer's length. */
static bool out_arg(napi_env env, napi_value buf, napi_value at, uint8_t **dest) {
  uint8_t *out;
  size_t out_len, out_at;
  if (!buffer_arg(env, buf, &out, &out_len) || out_len < MD5_LEN) return false;
  if (!index_arg(env, at, out_len - MD5_LEN, &out_at)) return false;
  *dest = out + out_at;
  return true;
}

static napi_value hmac_key(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *secret, *state;
  size_t secret_len, state_len;
  if (!get_args(env, info, 2, argv)) return fail(env, false, "expected (secret, state)");
  if (!buffer_arg(env, argv[0], &secret, &secret_len) || !buffer_arg(env, argv[1], &state, &state_len))
    return fail(env, false, "secret and state must be Buffers");
  if (state_len != sizeof(hmac_state)) return fail(env, true, "state must be stateLength octets");
  uint8_t key[MD5_BLOCK] = {0};
  uint8_t pad[MD5_BLOCK];
  if (secret_len > MD5_BLOCK) MD5(secret, secret_len, key); /* RFC 2104 §2 */
  else memcpy(key, secret, secret_len);
  hmac_state s;
  for (int i = 0; i < MD5_BLOCK; i++) pad[i] = key[i] ^ 0x36;
  MD5_Init(&s.inner);
  MD5_Update(&s.inner, pad, MD5_BLOCK);
  for (int i = 0; i < MD5_BLOCK; i++) pad[i] = key[i] ^ 0x5c;
  MD5_Init(&s.outer);
  MD5_Update(&s.outer, pad, MD5_BLOCK);
  memcpy(state, &s, sizeof s);
  wipe(key, sizeof key);
  wipe(pad, sizeof pad);
  wipe(&s, sizeof s);
  return NULL;
}

/* MD5_Update over data[from, to), skipping nothing: for the segments between substitutions. */
static void update_range(MD5_CTX *c, const uint8_t *data, size_t from, size_t to) {
  if (to > from) MD5_Update(c, data + from, to - from);
}

static napi_value hmac(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *state, *data, *override = NULL, *dest;
  size_t state_len, data_len, end, zero_at, override_len = 0;
  napi_valuetype override_type;
  if (!get_args(env, info, 7, argv))
    return fail(env, false, "expected (state, data, end, zeroAt, override, out, outAt)");
  if (!buffer_arg(env, argv[0], &state, &state_len) || state_len != sizeof(hmac_state))
    return fail(env, true, "state must be a Buffer of stateLength octets");
  if (!buffer_arg(env, argv[1], &data, &data_len)) return fail(env, false, "data must be a Buffer");
  if (!index_arg(env, argv[2], data_len, &end) || end < AUTH_AT + AUTH_LEN)
    return fail(env, true, "end must be within data and past the Authenticator");
  if (!index_arg(env, argv[3], end - MD5_LEN, &zero_at) || zero_at < AUTH_AT + AUTH_LEN)
    return fail(env, true, "zeroAt must leave 16 octets before end, after the Authenticator");
  if (napi_typeof(env, argv[4], &override_type) != napi_ok) return fail(env, false, "bad override");
  if (override_type != napi_null && override_type != napi_undefined &&
      (!buffer_arg(env, argv[4], &override, &override_len) || override_len != AUTH_LEN))
    return fail(env, true, "override must be null or a 16-octet Buffer");
  if (!out_arg(env, argv[5], argv[6], &dest)) return fail(env, true, "out must hold 16 octets at outAt");

  hmac_state s;
  uint8_t inner[MD5_LEN];
  memcpy(&s, state, sizeof s);
  MD5_CTX *c = &s.inner;
  if (override == NULL) {
    update_range(c, data, 0, zero_at);
  } else {
    update_range(c, data, 0, AUTH_AT);
    MD5_Update(c, override, AUTH_LEN);
    update_range(c, data, AUTH_AT + AUTH_LEN, zero_at);
  }
  MD5_Update(c, ZEROS, MD5_LEN);
  update_range(c, data, zero_at + MD5_LEN, end);
  MD5_Final(inner, c);
  MD5_Update(&s.outer, inner, MD5_LEN);
  MD5_Final(dest, &s.outer);
  wipe(&s, sizeof s);
  wipe(inner, sizeof inner);
  return NULL;
}

static napi_value response_authenticator(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *frame, *auth, *secret, *dest;
  size_t frame_len, end, auth_len, secret_len;
  if (!get_args(env, info, 6, argv))
    return fail(env, false, "expected (frame, end, requestAuthenticator, secret, out, outAt)");
  if (!buffer_arg(env, argv[0], &frame, &frame_len) || !buffer_arg(env, argv[2], &auth, &auth_len) ||
      !buffer_arg(env, argv[3], &secret, &secret_len))
    return fail(env, false, "frame, requestAuthenticator and secret must be Buffers");
  if (!index_arg(env, argv[1], frame_len, &end) || end < AUTH_AT + AUTH_LEN)
    return fail(env, true, "end must be within frame and past the Authenticator");
  if (auth_len != AUTH_LEN) return fail(env, true, "requestAuthenticator must be 16 octets");
  if (!out_arg(env, argv[4], argv[5], &dest)) return fail(env, true, "out must hold 16 octets at outAt");
  MD5_CTX c;
  MD5_Init(&c);
  MD5_Update(&c, frame, AUTH_AT);
  MD5_Update(&c, auth, AUTH_LEN);
  update_range(&c, frame, AUTH_AT + AUTH_LEN, end);
  MD5_Update(&c, secret, secret_len);
  MD5_Final(dest, &c);
  wipe(&c, sizeof c);
  return NULL;
}

static napi_value mppe(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  uint8_t *secret, *auth, *salt, *in, *out;
  size_t secret_len, auth_len, salt_len, in_len, out_len, out_at;
  bool decrypt = false;
  if (!get_args(env, info, 7, argv))
    return fail(env, false, "expected (secret, requestAuthenticator, salt, input, out, outAt, decrypt)");
  if (!buffer_arg(env, argv[0], &secret, &secret_len) || !buffer_arg(env, argv[1], &auth, &auth_len) ||
      !buffer_arg(env, argv[2], &salt, &salt_len) || !buffer_arg(env, argv[3], &in, &in_len) ||
      !buffer_arg(env, argv[4], &out, &out_len))
    return fail(env, false, "secret, requestAuthenticator, salt, input and out must be Buffers");
  if (auth_len != AUTH_LEN) return fail(env, true, "requestAuthenticator must be 16 octets");
  if (salt_len != SALT_LEN) return fail(env, true, "salt must be 2 octets");
  if (in_len == 0 || in_len % MD5_LEN != 0) return fail(env, true, "input must be whole 16-octet blocks");
  if (out_len < in_len || !index_arg(env, argv[5], out_len - in_len, &out_at))
    return fail(env, true, "out must hold the input's length at outAt");
  if (napi_get_value_bool(env, argv[6], &decrypt) != napi_ok) return fail(env, false, "decrypt must be a boolean");
  uint8_t *dest = out + out_at;
  /* c(i-1), the previous ciphertext block: the input when decrypting, the output when encrypting. */
  const uint8_t *cipher = decrypt ? in : dest;
  uint8_t b[MD5_LEN];
  MD5_CTX c;
  for (size_t i = 0; i < in_len; i += MD5_LEN) {
    MD5_Init(&c);
    MD5_Update(&c, secret, secret_len);
    if (i == 0) {
      MD5_Update(&c, auth, AUTH_LEN);
      MD5_Update(&c, salt, SALT_LEN);
    } else {
      MD5_Update(&c, cipher + i - MD5_LEN, MD5_LEN);
    }
    MD5_Final(b, &c);
    for (int j = 0; j < MD5_LEN; j++) dest[i + j] = in[i + j] ^ b[j];
  }
  wipe(&c, sizeof c);
  wipe(b, sizeof b);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value state_length;
  if (napi_create_uint32(env, sizeof(hmac_state), &state_length) != napi_ok) return NULL;
  napi_property_descriptor props[] = {
      {"hmacKey", NULL, hmac_key, NULL, NULL, NULL, napi_default, NULL},
      {"hmac", NULL, hmac, NULL, NULL, NULL, napi_default, NULL},
      {"responseAuthenticator", NULL, response_authenticator, NULL, NULL, NULL, napi_default, NULL},
      {"mppe", NULL, mppe, NULL, NULL, NULL, napi_default, NULL},
      {"stateLength", NULL, NULL, NULL, NULL, state_length, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
