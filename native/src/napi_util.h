/* Small N-API helpers shared by the eapd addons. */
#ifndef EAPD_NAPI_UTIL_H
#define EAPD_NAPI_UTIL_H
#include <node_api.h>
#include <stddef.h>

/* Throws an Error whose message is "<what>: strerror(err)" and whose .code is the errno name
 * (EPROTONOSUPPORT, EACCES, ...) and .errno the number. Returns NULL for convenience. */
napi_value throw_errno(napi_env env, const char *what, int err);
const char *errno_name(int err);
/* Reads a JS string argument into buf (NUL-terminated); returns 0 on success. */
int get_string(napi_env env, napi_value value, char *buf, size_t size);
int get_int32(napi_env env, napi_value value, int32_t *out);
napi_value make_int32(napi_env env, int32_t v);
#endif
