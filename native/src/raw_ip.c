/*
 * eapd raw IP addon: an IPv4 raw socket for IP protocol 132 (SCTP, RFC 9260 §3) so that a
 * userspace SCTP stack can run where the kernel has none. Needs root or CAP_NET_RAW.
 *
 * The socket is polled by libuv (uv_poll) on the main loop; every datagram is copied into a
 * fresh Buffer (never a view into a reused buffer) and handed to a JS callback together with its
 * source and destination addresses taken from the IPv4 header. Sends are non-blocking sendto():
 * a full socket buffer drops the packet (SCTP retransmits), it never blocks the loop.
 */
#include "napi_util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define IPPROTO_SCTP_NUMBER 132
#define MAX_DATAGRAM 65535
/* Upper bound of datagrams read per readiness callback, so timers and sends are not starved. */
#define MAX_READS_PER_WAKEUP 64
#define IHL_UNIT 4
#define IPV4_MIN_HEADER 20

typedef struct {
  napi_env env;
  napi_ref on_packet;
  napi_async_context async_context;
  uv_poll_t poll;
  int fd;
  int closed;
  /* Freed once libuv has closed the poll handle and JavaScript has dropped the handle. */
  int refs;
  unsigned char buffer[MAX_DATAGRAM];
} raw_socket_t;

static void release(raw_socket_t *s) {
  if (--s->refs == 0) free(s);
}

static void on_closed(uv_handle_t *handle) {
  release(handle->data);
}

/* Closes the poll handle, then the fd. uv_close removes the fd *number* from epoll, so it must run
 * while the number is still this socket's: done later (when the handle is garbage collected), it
 * removed whichever descriptor had reused the number since (the same bug as udp_batch.c's). */
static void stop(napi_env env, raw_socket_t *s) {
  if (s->closed) return;
  s->closed = 1;
  uv_close((uv_handle_t *)&s->poll, on_closed);
  close(s->fd);
  napi_delete_reference(env, s->on_packet);
  s->on_packet = NULL;
}

static void deliver(raw_socket_t *s, const unsigned char *packet, ssize_t size) {
  if (size < IPV4_MIN_HEADER) return;
  size_t ihl = (size_t)(packet[0] & 0x0f) * IHL_UNIT;
  if ((packet[0] >> 4) != 4 || ihl < IPV4_MIN_HEADER || (ssize_t)ihl > size) return;
  char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, packet + 12, src, sizeof src);
  inet_ntop(AF_INET, packet + 16, dst, sizeof dst);

  napi_env env = s->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, global, argv[3], result;
  napi_get_reference_value(env, s->on_packet, &callback);
  napi_get_global(env, &global);
  void *copy = NULL;
  napi_create_buffer_copy(env, (size_t)size - ihl, packet + ihl, &copy, &argv[0]);
  napi_create_string_utf8(env, src, NAPI_AUTO_LENGTH, &argv[1]);
  napi_create_string_utf8(env, dst, NAPI_AUTO_LENGTH, &argv[2]);
  /* napi_make_callback (not napi_call_function): like every Node I/O callback it drains the
   * microtask and nextTick queues afterwards, so promise continuations of one packet's handling
   * run before the next packet is delivered. */
  if (napi_make_callback(env, s->async_context, global, callback, 3, argv, &result) == napi_pending_exception) {
    /* An exception in the JS handler must not unwind into libuv: report it as uncaught. */
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  raw_socket_t *s = handle->data;
  if (status < 0 || !(events & UV_READABLE) || s->closed) return;
  for (int i = 0; i < MAX_READS_PER_WAKEUP && !s->closed; i++) {
    ssize_t n = recv(s->fd, s->buffer, sizeof s->buffer, 0);
    if (n < 0) return; /* EAGAIN: drained; other errors: try again on the next wakeup */
    deliver(s, s->buffer, n);
  }
}

static void finalize_socket(napi_env env, void *data, void *hint) {
  (void)hint;
  raw_socket_t *s = data;
  stop(env, s);
  napi_async_destroy(env, s->async_context);
  release(s);
}

/* open(bindAddress: string, onPacket(payload, src, dst)) -> handle */
static napi_value open_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], external;
  char bind_text[INET_ADDRSTRLEN + 1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  struct sockaddr_in local;
  memset(&local, 0, sizeof local);
  local.sin_family = AF_INET;
  if (argc < 2 || get_string(env, argv[0], bind_text, sizeof bind_text) ||
      inet_pton(AF_INET, bind_text, &local.sin_addr) != 1) {
    napi_throw_type_error(env, "EINVAL", "open(bindAddress: IPv4 string, onPacket)");
    return NULL;
  }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_SCTP_NUMBER);
  if (fd < 0) return throw_errno(env, "socket(SOCK_RAW, 132)", errno);
  /* A raw socket bound to an address only receives datagrams sent to it (raw(7)). */
  if (local.sin_addr.s_addr != htonl(INADDR_ANY) && bind(fd, (struct sockaddr *)&local, sizeof local) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  raw_socket_t *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  s->env = env;
  s->fd = fd;
  s->refs = 2;
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &s->poll, fd);
  s->poll.data = s;
  napi_create_reference(env, argv[1], 1, &s->on_packet);
  napi_value resource_name;
  napi_create_string_utf8(env, "eapd.rawIp", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &s->async_context);
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  napi_create_external(env, s, finalize_socket, NULL, &external);
  return external;
}

static raw_socket_t *unwrap(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

/* send(handle, packet: Buffer, dst: string) -> errno (0 when sent; EAGAIN/ENOBUFS: dropped) */
static napi_value send_js(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char dst_text[INET_ADDRSTRLEN + 1];
  void *data = NULL;
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  raw_socket_t *s = argc >= 3 ? unwrap(env, argv[0]) : NULL;
  struct sockaddr_in dst;
  memset(&dst, 0, sizeof dst);
  dst.sin_family = AF_INET;
  if (s == NULL || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      get_string(env, argv[2], dst_text, sizeof dst_text) || inet_pton(AF_INET, dst_text, &dst.sin_addr) != 1) {
    napi_throw_type_error(env, "EINVAL", "send(handle, packet: Buffer, dst: IPv4 string)");
    return NULL;
  }
  if (s->closed) return make_int32(env, EBADF);
  ssize_t n = sendto(s->fd, data, len, 0, (struct sockaddr *)&dst, sizeof dst);
  return make_int32(env, n < 0 ? errno : 0);
}

/* setRef(handle, keepLoopAlive: boolean) */
static napi_value set_ref_js(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool ref = true;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  raw_socket_t *s = argc >= 2 ? unwrap(env, argv[0]) : NULL;
  if (s == NULL || napi_get_value_bool(env, argv[1], &ref) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "setRef(handle, boolean)");
    return NULL;
  }
  if (!s->closed) {
    if (ref) uv_ref((uv_handle_t *)&s->poll);
    else uv_unref((uv_handle_t *)&s->poll);
  }
  return NULL;
}

/* close(handle): stops polling and closes the socket; idempotent. The memory is freed when libuv
 * has closed the poll handle and the handle is garbage collected (a closed handle stays valid). */
static napi_value close_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  raw_socket_t *s = argc >= 1 ? unwrap(env, argv[0]) : NULL;
  if (s == NULL) {
    napi_throw_type_error(env, "EINVAL", "close(handle)");
    return NULL;
  }
  stop(env, s);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, open_js, NULL, NULL, NULL, napi_default, NULL },
    { "send", NULL, send_js, NULL, NULL, NULL, napi_default, NULL },
    { "setRef", NULL, set_ref_js, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, close_js, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
