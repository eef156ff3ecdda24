/*
 * diameter_client: an independent SCTP peer for eapd's tests, on usrsctp (the SCTP stack of
 * Firefox/Chrome, Debian libusrsctp-dev) over raw IP. Connects to ADDRESS PORT, sends a
 * hand-encoded CER (PPID 46, RFC 6733 §2.1.1), prints the CEA's Result-Code, sends a DWR and
 * prints the DWA's; with --big N also sends a request carrying an N-byte AVP and checks that the
 * answer carries the same bytes back; with --hold S stays associated S seconds (to be killed).
 *
 * Output lines (parsed by the test): "CEA result-code 2001", "DWA result-code 2001",
 * "BIG ok 6000" | "BIG mismatch ...", "HOLD", "DONE". Exit status 0 only if all steps passed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <usrsctp.h>

#define DIAMETER_PPID 46
#define HEADER_LENGTH 20
#define FLAG_REQUEST 0x80
#define AVP_FLAG_MANDATORY 0x40
#define CMD_CAPABILITIES_EXCHANGE 257
#define CMD_DEVICE_WATCHDOG 280
#define CMD_DIAMETER_EAP 268
#define AVP_HOST_IP_ADDRESS 257
#define AVP_AUTH_APPLICATION_ID 258
#define AVP_ORIGIN_HOST 264
#define AVP_VENDOR_ID 266
#define AVP_RESULT_CODE 268
#define AVP_PRODUCT_NAME 269
#define AVP_ORIGIN_REALM 296
#define AVP_EAP_PAYLOAD 462
#define APP_DIAMETER_EAP 5
#define ADDRESS_FAMILY_IPV4 1
#define MAX_MESSAGE (1 << 20)
#define EAP_CODE_RESPONSE 2
#define EAP_TYPE_IDENTITY 1
#define EAP_HEADER_LENGTH 5
#define EAP_MAX_LENGTH 65535

typedef struct {
  uint8_t *data;
  size_t len, cap;
} msg_t;

static uint32_t next_id = 0x1000;

static void put(msg_t *m, const void *p, size_t n) {
  if (m->len + n > m->cap) {
    m->cap = (m->len + n) * 2;
    m->data = realloc(m->data, m->cap);
  }
  memcpy(m->data + m->len, p, n);
  m->len += n;
}

static void put32(msg_t *m, uint32_t v) {
  uint32_t n = htonl(v);
  put(m, &n, 4);
}

static void avp(msg_t *m, uint32_t code, uint8_t flags, const void *value, size_t n) {
  uint32_t len = 8 + (uint32_t)n;
  put32(m, code);
  uint32_t fl = ((uint32_t)flags << 24) | len;
  put32(m, fl);
  put(m, value, n);
  static const uint8_t pad[4] = { 0 };
  put(m, pad, (4 - n % 4) % 4);
}

static void avp32(msg_t *m, uint32_t code, uint32_t v) {
  uint32_t n = htonl(v);
  avp(m, code, AVP_FLAG_MANDATORY, &n, 4);
}

static void avpstr(msg_t *m, uint32_t code, uint8_t flags, const char *s) {
  avp(m, code, flags, s, strlen(s));
}

static msg_t start(uint32_t command, uint32_t app) {
  msg_t m = { 0 };
  uint8_t header[HEADER_LENGTH] = { 1 };
  put(&m, header, sizeof header);
  m.data[4] = FLAG_REQUEST;
  m.data[5] = (uint8_t)(command >> 16);
  m.data[6] = (uint8_t)(command >> 8);
  m.data[7] = (uint8_t)command;
  uint32_t a = htonl(app), id = htonl(next_id++);
  memcpy(m.data + 8, &a, 4);
  memcpy(m.data + 12, &id, 4);
  memcpy(m.data + 16, &id, 4);
  return m;
}

static void finish(msg_t *m) {
  m->data[1] = (uint8_t)(m->len >> 16);
  m->data[2] = (uint8_t)(m->len >> 8);
  m->data[3] = (uint8_t)m->len;
}

static int send_message(struct socket *so, msg_t *m) {
  struct sctp_sndinfo info;
  memset(&info, 0, sizeof info);
  info.snd_ppid = htonl(DIAMETER_PPID);
  ssize_t n = usrsctp_sendv(so, m->data, m->len, NULL, 0, &info, sizeof info, SCTP_SENDV_SNDINFO, 0);
  if (n < 0 || (size_t)n != m->len) {
    fprintf(stderr, "sendv: %s\n", strerror(errno));
    return -1;
  }
  return 0;
}

/* Reads one whole SCTP message (until MSG_EOR); returns its length, checks the PPID. */
static ssize_t recv_message(struct socket *so, uint8_t *buf, size_t cap) {
  size_t got = 0;
  for (;;) {
    struct sctp_rcvinfo rcv;
    socklen_t infolen = sizeof rcv;
    unsigned int infotype = 0;
    int flags = 0;
    struct sockaddr_in from;
    socklen_t fromlen = sizeof from;
    ssize_t n = usrsctp_recvv(so, buf + got, cap - got, (struct sockaddr *)&from, &fromlen, &rcv, &infolen, &infotype, &flags);
    if (n <= 0) return -1;
    got += (size_t)n;
    if (infotype == SCTP_RECVV_RCVINFO && ntohl(rcv.rcv_ppid) != DIAMETER_PPID) {
      fprintf(stderr, "unexpected PPID %u\n", ntohl(rcv.rcv_ppid));
      return -1;
    }
    if (flags & MSG_EOR) return (ssize_t)got;
  }
}

static uint32_t be24(const uint8_t *p) { return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2]; }
static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

/* Finds AVP `code` in a Diameter message; returns its data and sets *len, or NULL. */
static const uint8_t *find_avp(const uint8_t *msg, size_t msglen, uint32_t code, size_t *len) {
  size_t off = HEADER_LENGTH;
  while (off + 8 <= msglen) {
    uint32_t c = be32(msg + off);
    uint8_t flags = msg[off + 4];
    uint32_t l = be24(msg + off + 5);
    size_t hdr = (flags & 0x80) ? 12 : 8;
    if (l < hdr || off + l > msglen) return NULL;
    if (c == code) {
      *len = l - hdr;
      return msg + off + hdr;
    }
    off += (l + 3) & ~3u;
  }
  return NULL;
}

static long result_code(const uint8_t *msg, size_t len) {
  size_t n = 0;
  const uint8_t *v = find_avp(msg, len, AVP_RESULT_CODE, &n);
  return v != NULL && n == 4 ? (long)be32(v) : -1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s ADDRESS PORT [--big N] [--hold SECONDS] [--origin-host NAME]\n", argv[0]);
    return 2;
  }
  const char *address = argv[1];
  int port = atoi(argv[2]);
  long big = 0, hold = 0;
  const char *origin_host = "client.edge.example";
  for (int i = 3; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--big") == 0) big = atol(argv[i + 1]);
    else if (strcmp(argv[i], "--hold") == 0) hold = atol(argv[i + 1]);
    else if (strcmp(argv[i], "--origin-host") == 0) origin_host = argv[i + 1];
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  usrsctp_init(0, NULL, NULL); /* UDP port 0: SCTP over raw IP (no UDP encapsulation) */
  usrsctp_sysctl_set_sctp_ecn_enable(0);
  struct socket *so = usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, NULL, NULL, 0, NULL);
  if (so == NULL) {
    perror("usrsctp_socket");
    return 1;
  }
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &to.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", address);
    return 2;
  }
  if (usrsctp_connect(so, (struct sockaddr *)&to, sizeof to) < 0) {
    perror("usrsctp_connect");
    return 1;
  }
  printf("ASSOCIATED\n");
  uint8_t *buf = malloc(MAX_MESSAGE);
  int ok = 1;

  msg_t cer = start(CMD_CAPABILITIES_EXCHANGE, 0);
  avpstr(&cer, AVP_ORIGIN_HOST, AVP_FLAG_MANDATORY, origin_host);
  avpstr(&cer, AVP_ORIGIN_REALM, AVP_FLAG_MANDATORY, "edge.example");
  uint8_t ip[6] = { 0, ADDRESS_FAMILY_IPV4 };
  memcpy(ip + 2, &to.sin_addr, 4); /* any valid address will do for the test peer */
  avp(&cer, AVP_HOST_IP_ADDRESS, AVP_FLAG_MANDATORY, ip, sizeof ip);
  avp32(&cer, AVP_VENDOR_ID, 0);
  avpstr(&cer, AVP_PRODUCT_NAME, 0, "usrsctp-diameter-client");
  avp32(&cer, AVP_AUTH_APPLICATION_ID, APP_DIAMETER_EAP);
  finish(&cer);
  ssize_t n;
  if (send_message(so, &cer) < 0 || (n = recv_message(so, buf, MAX_MESSAGE)) < HEADER_LENGTH) return 1;
  long rc = result_code(buf, (size_t)n);
  printf("CEA result-code %ld\n", rc);
  ok &= rc == 2001;

  msg_t dwr = start(CMD_DEVICE_WATCHDOG, 0);
  avpstr(&dwr, AVP_ORIGIN_HOST, AVP_FLAG_MANDATORY, origin_host);
  avpstr(&dwr, AVP_ORIGIN_REALM, AVP_FLAG_MANDATORY, "edge.example");
  finish(&dwr);
  if (send_message(so, &dwr) < 0 || (n = recv_message(so, buf, MAX_MESSAGE)) < HEADER_LENGTH) return 1;
  rc = result_code(buf, (size_t)n);
  printf("DWA result-code %ld\n", rc);
  ok &= rc == 2001;

  if (big > EAP_MAX_LENGTH) big = EAP_MAX_LENGTH;
  if (big > EAP_HEADER_LENGTH) {
    msg_t der = start(CMD_DIAMETER_EAP, APP_DIAMETER_EAP);
    avpstr(&der, AVP_ORIGIN_HOST, AVP_FLAG_MANDATORY, origin_host);
    uint8_t *payload = malloc((size_t)big);
    /* A well-formed EAP-Response/Identity (RFC 3748 §4, §5.1) so that tshark decodes it cleanly;
     * the identity is 'a'..'z' repeated, which the test checks byte by byte. */
    payload[0] = EAP_CODE_RESPONSE;
    payload[1] = 1;
    payload[2] = (uint8_t)(big >> 8);
    payload[3] = (uint8_t)big;
    payload[4] = EAP_TYPE_IDENTITY;
    for (long i = EAP_HEADER_LENGTH; i < big; i++) payload[i] = (uint8_t)('a' + (i - EAP_HEADER_LENGTH) % 26);
    avp(&der, AVP_EAP_PAYLOAD, AVP_FLAG_MANDATORY, payload, (size_t)big);
    finish(&der);
    if (send_message(so, &der) < 0 || (n = recv_message(so, buf, MAX_MESSAGE)) < HEADER_LENGTH) return 1;
    size_t got = 0;
    const uint8_t *echo = find_avp(buf, (size_t)n, AVP_EAP_PAYLOAD, &got);
    if (echo != NULL && got == (size_t)big && memcmp(echo, payload, got) == 0 && !(buf[4] & FLAG_REQUEST)) {
      printf("BIG ok %ld answer %zd bytes\n", big, n);
    } else {
      printf("BIG mismatch: answer %zd bytes, payload %zu bytes\n", n, got);
      ok = 0;
    }
  }
  if (hold > 0) {
    printf("HOLD\n");
    sleep((unsigned)hold);
  }
  usrsctp_close(so);
  printf("DONE\n");
  while (usrsctp_finish() != 0) sleep(1);
  return ok ? 0 : 1;
}
