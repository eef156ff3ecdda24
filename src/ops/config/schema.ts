import { isIP } from 'node:net';
import { parseRuleJson } from '../../store/routing/rule-json.js';

/**
 * eapd's configuration schema (convict). Every key has a doc string, a default that works on a
 * fresh machine, and an environment variable. `docs/configuration.md` is generated from this
 * file (`eapd config-doc`), so the reference cannot drift from the code.
 */

const PEER_FIELDS = ['originHost', 'realm', 'connect', 'addresses', 'transports'] as const;
const TRANSPORTS = ['tcp', 'tls', 'sctp'] as const;
const RADIUS_CLIENT_FIELDS = ['name', 'address', 'secret'] as const;

/** One configured Diameter peer (RFC 6733 §2.6 peer table entry). */
export interface PeerConfig {
  readonly originHost: string;
  readonly realm?: string;
  /** DiameterURI to connect out to (`aaa://host:port;transport=tcp`); absent: accept only. */
  readonly connect?: string;
  /** Source addresses or CIDRs the peer may connect from; absent or empty: any. */
  readonly addresses?: readonly string[];
  readonly transports?: readonly ('tcp' | 'tls' | 'sctp')[];
}

export interface RadiusClientConfig {
  readonly name: string;
  /** IP address or CIDR. */
  readonly address: string;
  readonly secret: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCidr(s: string): boolean {
  const [addr, len, extra] = s.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (len === undefined) return true;
  if (!/^\d{1,3}$/.test(len)) return false;
  return Number(len) <= (family === 4 ? 32 : 128);
}

const DIAMETER_IDENTITY =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * A list set through its environment variable arrives as a string: JSON, as documented
 * (`EAPD_PEERS='[{"originHost":"nas.example"}]'`). A string that is not JSON is left for validate()
 * to refuse with its usual message. Values from the config file are already lists (untouched).
 */
function jsonList(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export const customFormats = {
  'diameter-identity': {
    validate(v: unknown): void {
      if (typeof v !== 'string' || v.length === 0 || v.length > 255 || !DIAMETER_IDENTITY.test(v)) {
        throw new Error(
          'must be a fully qualified domain name such as aaa.example.net (RFC 6733 §4.3.1 DiameterIdentity)',
        );
      }
    },
  },
  'peer-list': {
    coerce: jsonList,
    validate(v: unknown): void {
      if (!Array.isArray(v)) throw new Error('must be a list of peer objects');
      v.forEach((p: unknown, i) => {
        if (!isObject(p)) throw new Error(`entry ${i} must be an object`);
        for (const k of Object.keys(p)) {
          if (!(PEER_FIELDS as readonly string[]).includes(k)) {
            throw new Error(`entry ${i}: unknown field "${k}" (allowed: ${PEER_FIELDS.join(', ')})`);
          }
        }
        if (typeof p['originHost'] !== 'string' || !DIAMETER_IDENTITY.test(p['originHost'])) {
          throw new Error(`entry ${i}: originHost must be an FQDN`);
        }
        if (
          p['realm'] !== undefined &&
          (typeof p['realm'] !== 'string' || !DIAMETER_IDENTITY.test(p['realm']))
        ) {
          throw new Error(`entry ${i}: realm must be a domain name`);
        }
        if (
          p['connect'] !== undefined &&
          (typeof p['connect'] !== 'string' || !/^aaas?:\/\//.test(p['connect']))
        ) {
          throw new Error(
            `entry ${i}: connect must be a DiameterURI such as aaa://peer.example:3868;transport=tcp`,
          );
        }
        const addrs = p['addresses'];
        if (
          addrs !== undefined &&
          (!Array.isArray(addrs) || !addrs.every((a) => typeof a === 'string' && isCidr(a)))
        ) {
          throw new Error(`entry ${i}: addresses must be a list of IP addresses or CIDRs`);
        }
        const tr = p['transports'];
        if (
          tr !== undefined &&
          (!Array.isArray(tr) || !tr.every((t) => (TRANSPORTS as readonly unknown[]).includes(t)))
        ) {
          throw new Error(`entry ${i}: transports must be a list of ${TRANSPORTS.join(', ')}`);
        }
      });
    },
  },
  'radius-client-list': {
    coerce: jsonList,
    validate(v: unknown): void {
      if (!Array.isArray(v)) throw new Error('must be a list of {name, address, secret} objects');
      v.forEach((c: unknown, i) => {
        if (!isObject(c)) throw new Error(`entry ${i} must be an object`);
        for (const k of Object.keys(c)) {
          if (!(RADIUS_CLIENT_FIELDS as readonly string[]).includes(k)) {
            throw new Error(`entry ${i}: unknown field "${k}" (allowed: ${RADIUS_CLIENT_FIELDS.join(', ')})`);
          }
        }
        if (typeof c['name'] !== 'string' || c['name'].length === 0)
          throw new Error(`entry ${i}: name is required`);
        if (typeof c['address'] !== 'string' || !isCidr(c['address'])) {
          throw new Error(`entry ${i}: address must be an IP address or CIDR`);
        }
        if (typeof c['secret'] !== 'string' || c['secret'].length < 8) {
          throw new Error(`entry ${i}: secret must be a string of at least 8 characters`);
        }
      });
    },
  },
  'realm-list': {
    coerce: jsonList,
    validate(v: unknown): void {
      if (!Array.isArray(v) || !v.every((r) => typeof r === 'string' && DIAMETER_IDENTITY.test(r))) {
        throw new Error('must be a list of realm names such as ["iot.example", "meters.example"]');
      }
    },
  },
  'redirect-rule-list': {
    coerce: jsonList,
    validate(v: unknown): void {
      if (!Array.isArray(v)) throw new Error('must be a list of redirect rules (see docs/redirect.md)');
      v.forEach((r: unknown, i) => {
        try {
          parseRuleJson(r, `entry ${i}: `);
        } catch (e) {
          throw new Error((e as Error).message);
        }
      });
    },
  },
  'ip-address': {
    validate(v: unknown): void {
      if (typeof v !== 'string' || isIP(v) === 0)
        throw new Error('must be an IPv4 or IPv6 address such as 127.0.0.1 or ::');
    },
  },
  'positive-int': {
    validate(v: unknown): void {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        throw new Error('must be a positive integer');
    },
    coerce: (v: string): number => Number(v),
  },
  'watchdog-seconds': {
    // RFC 3539 §3.4.1: Tw MUST NOT be set lower than 6 seconds.
    validate(v: unknown): void {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 6)
        throw new Error('must be a number of seconds ≥ 6 (RFC 3539 §3.4.1)');
    },
    coerce: (v: string): number => Number(v),
  },
  'duplicate-ttl': {
    // RFC 6733 §5.5.4: duplicates are detected for at least 4 minutes.
    validate(v: unknown): void {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 240)
        throw new Error('must be ≥ 240 seconds (RFC 6733 §5.5.4)');
    },
    coerce: (v: string): number => Number(v),
  },
} as const;

export const schema = {
  node: {
    originHost: {
      doc: 'Our Diameter identity (Origin-Host, RFC 6733 §6.3). Peers address us by it.',
      format: 'diameter-identity',
      default: 'aaa.eapd.local',
      env: 'EAPD_ORIGIN_HOST',
    },
    originRealm: {
      doc: 'Our Diameter realm (Origin-Realm). Requests for this realm are served here.',
      format: 'diameter-identity',
      default: 'eapd.local',
      env: 'EAPD_ORIGIN_REALM',
    },
    servedRealms: {
      doc: 'Further realms served here besides node.originRealm (Destination-Realm of DERs). Others get 3003 DIAMETER_REALM_NOT_SERVED unless a redirect rule matches.',
      format: 'realm-list',
      default: [] as string[],
      env: 'EAPD_SERVED_REALMS',
    },
    productName: {
      doc: 'Product-Name sent in CER/CEA.',
      format: String,
      default: 'eapd',
      env: 'EAPD_PRODUCT_NAME',
    },
    vendorId: {
      doc: 'Vendor-Id sent in CER/CEA (IANA enterprise number; 0 = none).',
      format: 'nat',
      default: 0,
      env: 'EAPD_VENDOR_ID',
    },
  },
  diameter: {
    host: {
      doc: 'Address the Diameter TCP listener binds to (:: or 0.0.0.0 for all).',
      format: 'ip-address',
      default: '0.0.0.0',
      env: 'EAPD_DIAMETER_HOST',
    },
    port: {
      doc: 'Diameter TCP port (RFC 6733 §2.1: 3868). 0 picks a free port (tests).',
      format: 'port',
      default: 3868,
      env: 'EAPD_DIAMETER_PORT',
    },
    peers: {
      doc: 'Configured peers: [{"originHost","realm"?,"connect"? (aaa:// URI to connect out),"addresses"? (CIDRs),"transports"?}].',
      format: 'peer-list',
      default: [] as PeerConfig[],
      env: 'EAPD_PEERS',
    },
    unknownPeers: {
      doc: 'Policy for peers not in `diameter.peers`: loopback-only (admit from 127.0.0.0/8 and ::1 only), accept, or reject (3010 DIAMETER_UNKNOWN_PEER and close).',
      format: ['loopback-only', 'accept', 'reject'],
      default: 'loopback-only',
      env: 'EAPD_UNKNOWN_PEERS',
    },
    watchdogSeconds: {
      doc: 'Device-Watchdog interval Tw in seconds (RFC 3539, ≥ 6; ±2 s jitter is added).',
      format: 'watchdog-seconds',
      default: 30,
      env: 'EAPD_WATCHDOG_SECONDS',
    },
    reconnectSeconds: {
      doc: 'Tc: seconds between connection attempts to a configured peer that is down (RFC 6733 §2.1).',
      format: 'positive-int',
      default: 30,
      env: 'EAPD_RECONNECT_SECONDS',
    },
    maxMessageBytes: {
      doc: 'Largest Diameter message accepted; a longer one closes the connection (RFC 6733 §2.1 unparseable stream).',
      format: 'positive-int',
      default: 65536,
      env: 'EAPD_MAX_MESSAGE_BYTES',
    },
    duplicateSeconds: {
      doc: 'How long answers are kept for duplicate detection by (Origin-Host, End-to-End) (RFC 6733 §5.5.4, ≥ 240).',
      format: 'duplicate-ttl',
      default: 300,
      env: 'EAPD_DUPLICATE_SECONDS',
    },
    duplicateMaxEntries: {
      doc: 'Upper bound on answers kept for duplicate detection (oldest dropped first).',
      format: 'positive-int',
      default: 200000,
      env: 'EAPD_DUPLICATE_MAX_ENTRIES',
    },
    shutdownTimeoutMs: {
      doc: 'On SIGTERM: how long to wait for DPA from every peer before closing anyway.',
      format: 'positive-int',
      default: 3000,
      env: 'EAPD_SHUTDOWN_TIMEOUT_MS',
    },
    tls: {
      enabled: {
        doc: 'Enable the Diameter TLS listener (RFC 6733 §13, mutual authentication required).',
        format: Boolean,
        default: false,
        env: 'EAPD_TLS_ENABLED',
      },
      port: {
        doc: 'Diameter TLS port (5868, RFC 6733 erratum 3997).',
        format: 'port',
        default: 5868,
        env: 'EAPD_TLS_PORT',
      },
      cert: {
        doc: 'PEM certificate file for our identity.',
        format: String,
        default: '',
        env: 'EAPD_TLS_CERT',
      },
      key: {
        doc: 'PEM private key file.',
        format: String,
        default: '',
        env: 'EAPD_TLS_KEY',
        sensitive: true,
      },
      ca: {
        doc: 'PEM CA bundle that peer certificates must chain to.',
        format: String,
        default: '',
        env: 'EAPD_TLS_CA',
      },
    },
    sctp: {
      backend: {
        doc: 'SCTP backend: auto (kernel if present, else userspace if permitted, else off), kernel, userspace (raw IP, needs root/CAP_NET_RAW), off.',
        format: ['auto', 'kernel', 'userspace', 'off'],
        default: 'off',
        env: 'EAPD_SCTP_BACKEND',
      },
      port: { doc: 'Diameter SCTP port.', format: 'port', default: 3868, env: 'EAPD_SCTP_PORT' },
    },
  },
  eap: {
    serverId: {
      doc: 'EAP-PSK ID_S (RFC 4764 §3.1). Empty: use node.originHost.',
      format: String,
      default: '',
      env: 'EAPD_EAP_SERVER_ID',
    },
    multiRoundTimeoutSeconds: {
      doc: 'Multi-Round-Time-Out sent with each challenge; an abandoned conversation is dropped after it.',
      format: 'positive-int',
      default: 30,
      env: 'EAPD_MULTI_ROUND_TIMEOUT_SECONDS',
    },
    maxSessions: {
      doc: 'Hard cap on EAP conversations in progress; beyond it new ones get 3004 DIAMETER_TOO_BUSY.',
      format: 'positive-int',
      default: 100000,
      env: 'EAPD_MAX_SESSIONS',
    },
    sessionTimeoutSeconds: {
      doc: 'Session-Timeout granted on success (RFC 6733 §8.13). 0: not sent.',
      format: 'nat',
      default: 86400,
      env: 'EAPD_SESSION_TIMEOUT_SECONDS',
    },
    authorizationLifetimeSeconds: {
      doc: 'Authorization-Lifetime granted on success (RFC 6733 §8.9). 0: not sent.',
      format: 'nat',
      default: 86400,
      env: 'EAPD_AUTHORIZATION_LIFETIME_SECONDS',
    },
    authSessionState: {
      doc: 'Auth-Session-State sent on success (RFC 6733 §8.11): STATE_MAINTAINED (the NAS sends STR) or NO_STATE_MAINTAINED.',
      format: ['STATE_MAINTAINED', 'NO_STATE_MAINTAINED'],
      default: 'STATE_MAINTAINED',
      env: 'EAPD_AUTH_SESSION_STATE',
    },
  },
  redirect: {
    agentMode: {
      doc: 'Pure redirect agent (RFC 6733 §6.1.8): advertise the Relay application, keep no EAP state, answer every DER from the redirect rules (3006) or with 3003.',
      format: Boolean,
      default: false,
      env: 'EAPD_REDIRECT_AGENT_MODE',
    },
    realms: {
      doc: 'Served realms from the config file (kept apart from realms added with `eapd realm add`; reloaded on SIGHUP).',
      format: 'realm-list',
      default: [] as string[],
      env: 'EAPD_REDIRECT_REALMS',
    },
    rules: {
      doc: 'Redirect rules from the config file, in the admin API JSON shape (docs/redirect.md); reloaded on SIGHUP.',
      format: 'redirect-rule-list',
      default: [] as unknown[],
      env: 'EAPD_REDIRECT_RULES',
    },
  },
  store: {
    url: {
      doc: 'Device registry: an SQLite file path (or sqlite:PATH); postgres://… later.',
      format: String,
      default: 'var/eapd.sqlite',
      env: 'EAPD_STORE',
    },
    masterKeyFile: {
      doc: 'File holding the master key that encrypts PSKs at rest; created 0600 on first start if absent.',
      format: String,
      default: 'var/master.key',
      env: 'EAPD_MASTER_KEY_FILE',
    },
  },
  radius: {
    enabled: {
      doc: 'Enable the RADIUS authentication front (RFC 2865/3579).',
      format: Boolean,
      default: true,
      env: 'EAPD_RADIUS_ENABLED',
    },
    host: { doc: 'RADIUS bind address.', format: 'ip-address', default: '0.0.0.0', env: 'EAPD_RADIUS_HOST' },
    port: { doc: 'RADIUS authentication UDP port.', format: 'port', default: 1812, env: 'EAPD_RADIUS_PORT' },
    recvBufferSize: {
      doc: 'RADIUS socket receive buffer (SO_RCVBUF) in octets, asked for after binding; 0 keeps the kernel default. Linux caps it at net.core.rmem_max (raise that with sysctl for more); the size granted is logged at start.',
      format: 'nat',
      default: 4194304,
      env: 'EAPD_RADIUS_RECV_BUFFER_SIZE',
    },
    secret: {
      doc: 'Shared secret of the built-in loopback client (127.0.0.1 and ::1). Empty: no loopback client.',
      format: String,
      default: '',
      env: 'EAPD_RADIUS_SECRET',
      sensitive: true,
    },
    clients: {
      doc: 'RADIUS clients: [{"name","address" (IP or CIDR),"secret"}]. Requests from others are dropped and counted.',
      format: 'radius-client-list',
      default: [] as RadiusClientConfig[],
      env: 'EAPD_RADIUS_CLIENTS',
      sensitive: true,
    },
  },
  admin: {
    host: {
      doc: 'Admin HTTP API, /metrics, /healthz, /readyz bind address.',
      format: 'ip-address',
      default: '127.0.0.1',
      env: 'EAPD_ADMIN_HOST',
    },
    port: {
      doc: 'Admin HTTP port. 0 picks a free port.',
      format: 'port',
      default: 9464,
      env: 'EAPD_ADMIN_PORT',
    },
    tokenFile: {
      doc: 'File holding the admin API bearer token; created 0600 on first start if absent.',
      format: String,
      default: 'var/admin.token',
      env: 'EAPD_ADMIN_TOKEN_FILE',
    },
  },
  log: {
    level: {
      doc: 'Log level.',
      format: ['error', 'warn', 'info', 'debug'],
      default: 'info',
      env: 'EAPD_LOG_LEVEL',
    },
    format: {
      doc: 'Log format: auto (readable on a TTY, JSON lines otherwise), json, or text.',
      format: ['auto', 'json', 'text'],
      default: 'auto',
      env: 'EAPD_LOG_FORMAT',
    },
  },
};
