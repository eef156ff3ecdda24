/*
 * eapd kernel SCTP addon: one-to-one SCTP sockets (RFC 6458 §4: SOCK_STREAM, IPPROTO_SCTP) whose
 * file descriptors are handed to libuv (net.Server#listen({fd}), new net.Socket({fd})), which
 * treats them as TCP-like streams.
 *
 * Uses only <linux/sctp.h> (from linux-libc-dev, present wherever a C compiler is): no libsctp
 * link and no libsctp-dev build dependency. sctp_bindx() is the SCTP_SOCKOPT_BINDX_ADD socket
 * option underneath, which is what we call.
 */
#include "napi_util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sctp.h>

#ifndef SOL_SCTP
#define SOL_SCTP IPPROTO_SCTP
#endif

/* RFC 6733 §2.1.1 / IANA: SCTP payload protocol identifier for clear-text Diameter. */
#define DIAMETER_PPID 46
#define MAX_ADDRESSES 16
#define ADDRESS_TEXT 64

typedef struct {
  int family;
  socklen_t len;
  struct sockaddr_storage ss;
} address_t;

static int parse_address(const char *text, int port, address_t *out) {
  memset(out, 0, sizeof *out);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    out->family = AF_INET;
    out->len = sizeof *v4;
    return 0;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    out->family = AF_INET6;
    out->len = sizeof *v6;
    return 0;
  }
  return -1;
}

/* RFC 6458 §8.1.31 SCTP_DEFAULT_SNDINFO: PPID 46 in network byte order on every message. */
static int set_diameter_ppid(int fd) {
  struct sctp_sndinfo info;
  memset(&info, 0, sizeof info);
  info.snd_ppid = htonl(DIAMETER_PPID);
  return setsockopt(fd, SOL_SCTP, SCTP_DEFAULT_SNDINFO, &info, sizeof info);
}

/* RFC 6458 §8.1.3 SCTP_INITMSG: stream counts asked for in INIT (0 keeps the kernel default). */
static int set_initmsg(int fd, int out_streams, int in_streams) {
  if (out_streams <= 0 && in_streams <= 0) return 0;
  struct sctp_initmsg init;
  memset(&init, 0, sizeof init);
  init.sinit_num_ostreams = (uint16_t)(out_streams > 0 ? out_streams : 0);
  init.sinit_max_instreams = (uint16_t)(in_streams > 0 ? in_streams : 0);
  return setsockopt(fd, SOL_SCTP, SCTP_INITMSG, &init, sizeof init);
}

/* probe(family: 4 | 6) -> 0 when the kernel can make an SCTP socket, else the errno. */
static napi_value probe(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t family = 4;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) get_int32(env, argv[0], &family);
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_SCTP);
  if (fd < 0) return make_int32(env, errno);
  close(fd);
  return make_int32(env, 0);
}

/* errnoName(errno) -> "EPROTONOSUPPORT" ... (for log lines). */
static napi_value errno_name_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  int32_t err = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) get_int32(env, argv[0], &err);
  char text[128];
  snprintf(text, sizeof text, "%s (%s)", errno_name(err), strerror(err));
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

static int read_addresses(napi_env env, napi_value array, int port, address_t *out, uint32_t *count) {
  uint32_t n = 0;
  if (napi_get_array_length(env, array, &n) != napi_ok || n == 0 || n > MAX_ADDRESSES) return -1;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    char text[ADDRESS_TEXT];
    napi_get_element(env, array, i, &item);
    if (get_string(env, item, text, sizeof text) != 0 || parse_address(text, port, &out[i]) != 0) return -1;
    if (out[i].family != out[0].family) return -1;
  }
  *count = n;
  return 0;
}

/*
 * listen(addresses: string[], port, backlog, outStreams, inStreams) -> fd
 * Multi-homed: binds the first address, adds the others (RFC 6458 §9.1 sctp_bindx).
 */
static napi_value listen_js(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t port = 0, backlog = 0, ostreams = 0, istreams = 0;
  address_t addrs[MAX_ADDRESSES];
  uint32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5 || get_int32(env, argv[1], &port) || get_int32(env, argv[2], &backlog) ||
      get_int32(env, argv[3], &ostreams) || get_int32(env, argv[4], &istreams) ||
      read_addresses(env, argv[0], port, addrs, &n) != 0) {
    napi_throw_type_error(env, "EINVAL", "listen(addresses, port, backlog, outStreams, inStreams)");
    return NULL;
  }
  int fd = socket(addrs[0].family, SOCK_STREAM, IPPROTO_SCTP);
  if (fd < 0) return throw_errno(env, "socket(IPPROTO_SCTP)", errno);
  int one = 1;
  const char *step = NULL;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) step = "SO_REUSEADDR";
  else if (bind(fd, (struct sockaddr *)&addrs[0].ss, addrs[0].len) < 0) step = "bind";
  else {
    for (uint32_t i = 1; i < n && step == NULL; i++) {
      if (setsockopt(fd, SOL_SCTP, SCTP_SOCKOPT_BINDX_ADD, &addrs[i].ss, addrs[i].len) < 0) step = "sctp_bindx";
    }
  }
  if (step == NULL && set_initmsg(fd, ostreams, istreams) < 0) step = "SCTP_INITMSG";
  if (step == NULL && set_diameter_ppid(fd) < 0) step = "SCTP_DEFAULT_SNDINFO";
  if (step == NULL && listen(fd, backlog) < 0) step = "listen";
  if (step == NULL && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) step = "O_NONBLOCK";
  if (step != NULL) {
    int err = errno;
    close(fd);
    return throw_errno(env, step, err);
  }
  return make_int32(env, fd);
}

/* setDiameterPpid(fd): for each accepted socket (RFC 6733 §2.1.1 PPID 46). */
static napi_value set_ppid_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || get_int32(env, argv[0], &fd) != 0) {
    napi_throw_type_error(env, "EINVAL", "setDiameterPpid(fd)");
    return NULL;
  }
  if (set_diameter_ppid(fd) < 0) return throw_errno(env, "SCTP_DEFAULT_SNDINFO", errno);
  return NULL;
}

/* connect runs on the libuv thread pool: a blocking-with-timeout connect never stalls the loop. */
typedef struct {
  address_t remote;
  int timeout_ms, ostreams, istreams;
  int fd, err;
  const char *step;
  napi_async_work work;
  napi_deferred deferred;
} connect_job_t;

static void connect_execute(napi_env env, void *data) {
  (void)env;
  connect_job_t *job = data;
  job->fd = socket(job->remote.family, SOCK_STREAM, IPPROTO_SCTP);
  if (job->fd < 0) { job->err = errno; job->step = "socket(IPPROTO_SCTP)"; return; }
  if (set_initmsg(job->fd, job->ostreams, job->istreams) < 0) { job->err = errno; job->step = "SCTP_INITMSG"; return; }
  if (set_diameter_ppid(job->fd) < 0) { job->err = errno; job->step = "SCTP_DEFAULT_SNDINFO"; return; }
  fcntl(job->fd, F_SETFL, fcntl(job->fd, F_GETFL) | O_NONBLOCK);
  if (connect(job->fd, (struct sockaddr *)&job->remote.ss, job->remote.len) < 0) {
    if (errno != EINPROGRESS) { job->err = errno; job->step = "connect"; return; }
    struct pollfd p = { .fd = job->fd, .events = POLLOUT };
    int ready = poll(&p, 1, job->timeout_ms);
    if (ready == 0) { job->err = ETIMEDOUT; job->step = "connect"; return; }
    if (ready < 0) { job->err = errno; job->step = "poll"; return; }
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(job->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr != 0) { job->err = soerr; job->step = "connect"; return; }
  }
}

static void connect_complete(napi_env env, napi_status status, void *data) {
  connect_job_t *job = data;
  (void)status;
  if (job->err != 0) {
    if (job->fd >= 0) close(job->fd);
    char message[256];
    snprintf(message, sizeof message, "%s: %s", job->step, strerror(job->err));
    napi_value msg, code, error, num;
    napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
    napi_create_string_utf8(env, errno_name(job->err), NAPI_AUTO_LENGTH, &code);
    napi_create_error(env, code, msg, &error);
    napi_create_int32(env, job->err, &num);
    napi_set_named_property(env, error, "errno", num);
    napi_reject_deferred(env, job->deferred, error);
  } else {
    napi_resolve_deferred(env, job->deferred, make_int32(env, job->fd));
  }
  napi_delete_async_work(env, job->work);
  free(job);
}

/* connect(address, port, timeoutMs, outStreams, inStreams) -> Promise<fd> */
static napi_value connect_js(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], promise, name;
  int32_t port = 0;
  char text[ADDRESS_TEXT];
  connect_job_t *job = calloc(1, sizeof *job);
  if (job == NULL) return throw_errno(env, "calloc", ENOMEM);
  job->fd = -1;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5 || get_string(env, argv[0], text, sizeof text) || get_int32(env, argv[1], &port) ||
      get_int32(env, argv[2], &job->timeout_ms) || get_int32(env, argv[3], &job->ostreams) ||
      get_int32(env, argv[4], &job->istreams) || parse_address(text, port, &job->remote) != 0) {
    free(job);
    napi_throw_type_error(env, "EINVAL", "connect(address, port, timeoutMs, outStreams, inStreams)");
    return NULL;
  }
  napi_create_promise(env, &job->deferred, &promise);
  napi_create_string_utf8(env, "eapd.sctpConnect", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, connect_execute, connect_complete, job, &job->work);
  napi_queue_async_work(env, job->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "probe", NULL, probe, NULL, NULL, NULL, napi_default, NULL },
    { "errnoName", NULL, errno_name_js, NULL, NULL, NULL, napi_default, NULL },
    { "listen", NULL, listen_js, NULL, NULL, NULL, napi_default, NULL },
    { "connect", NULL, connect_js, NULL, NULL, NULL, napi_default, NULL },
    { "setDiameterPpid", NULL, set_ppid_js, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
