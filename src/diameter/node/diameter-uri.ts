import { isIPv4, isIPv6 } from 'node:net';
import { err, ok, type Result } from '../../util/result.js';

/** RFC 6733 §2.1: 3868 for aaa:// (TCP, SCTP); 5868 for aaas:// (TLS, DTLS; erratum 3997). */
export const DIAMETER_PORT = 3868;
export const DIAMETER_TLS_PORT = 5868;
const MAX_PORT = 65535;
const MAX_FQDN_LENGTH = 253;

export const DiameterUriScheme = { AAA: 'aaa', AAAS: 'aaas' } as const;
export type DiameterUriScheme = (typeof DiameterUriScheme)[keyof typeof DiameterUriScheme];

export const DiameterUriTransport = { TCP: 'tcp', SCTP: 'sctp', UDP: 'udp' } as const;
export type DiameterUriTransport = (typeof DiameterUriTransport)[keyof typeof DiameterUriTransport];

export const AaaProtocol = { DIAMETER: 'diameter', RADIUS: 'radius', TACACS_PLUS: 'tacacs+' } as const;
export type AaaProtocol = (typeof AaaProtocol)[keyof typeof AaaProtocol];

/**
 * "If [transport] is absent, the default SCTP protocol is assumed" and "If [protocol] is absent,
 * the default AAA protocol is Diameter" (RFC 6733 §4.3.1). The parsed form keeps what the text
 * said; these give the effective values.
 */
export const DEFAULT_URI_TRANSPORT: DiameterUriTransport = DiameterUriTransport.SCTP;
export const DEFAULT_URI_PROTOCOL: AaaProtocol = AaaProtocol.DIAMETER;

export interface DiameterUri {
  readonly scheme: DiameterUriScheme;
  /** FQDN or IP literal, IPv6 without its brackets. */
  readonly host: string;
  /** Explicit, or the scheme's default port. */
  readonly port: number;
  /** Absent when the URI did not say (effective value: DEFAULT_URI_TRANSPORT). */
  readonly transport?: DiameterUriTransport;
  /** Absent when the URI did not say (effective value: DEFAULT_URI_PROTOCOL). */
  readonly protocol?: AaaProtocol;
}

export interface DiameterUriError {
  readonly code: 'ERR_DIAMETER_URI';
  readonly message: string;
}

const TRANSPORTS: readonly string[] = Object.values(DiameterUriTransport);
const PROTOCOLS: readonly string[] = Object.values(AaaProtocol);
const FQDN_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/**
 * Parses a DiameterURI (RFC 6733 §4.3.1):
 *
 *   DiameterURI = "aaa://" FQDN [ port ] [ transport ] [ protocol ]
 *               / "aaas://" FQDN [ port ] [ transport ] [ protocol ]
 *   port = ":" 1*DIGIT
 *   transport = ";transport=" transport-protocol
 *   transport-protocol = ( "tcp" / "sctp" / "udp" )
 *   protocol = ";protocol=" aaa-protocol
 *   aaa-protocol = ( "diameter" / "radius" / "tacacs+" )
 *
 * The FQDN may be an IP literal (IPv6 in brackets). Scheme and parameters are matched without
 * regard to case; transport comes before protocol, as in the grammar. "UDP MUST NOT be used
 * when the aaa-protocol field is set to diameter" (including when protocol is absent).
 */
export function parseDiameterUri(text: string): Result<DiameterUri, DiameterUriError> {
  const fail = (why: string): Result<DiameterUri, DiameterUriError> =>
    err({ code: 'ERR_DIAMETER_URI', message: `DiameterURI "${text}": ${why}` });

  const sep = text.indexOf('://');
  const schemeText = sep === -1 ? '' : text.substring(0, sep).toLowerCase();
  if (schemeText !== DiameterUriScheme.AAA && schemeText !== DiameterUriScheme.AAAS) {
    return fail('must start with aaa:// or aaas://');
  }
  const scheme: DiameterUriScheme = schemeText;
  const [authority, ...params] = text.substring(sep + '://'.length).split(';') as [string, ...string[]];

  let hostText: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) return fail('IPv6 literal has no closing "]"');
    hostText = authority.substring(1, close);
    const after = authority.substring(close + 1);
    if (after !== '' && !after.startsWith(':')) return fail(`unexpected "${after}" after the IPv6 literal`);
    if (!isIPv6(hostText) || hostText.includes('%')) return fail(`"${hostText}" is not an IPv6 address`);
    portText = after === '' ? undefined : after.substring(1);
  } else {
    const colon = authority.indexOf(':');
    if (colon !== authority.lastIndexOf(':')) return fail('an IPv6 address must be written in brackets');
    hostText = colon === -1 ? authority : authority.substring(0, colon);
    portText = colon === -1 ? undefined : authority.substring(colon + 1);
    if (hostText === '') return fail('host is missing');
    if (!isIPv4(hostText) && !isFqdn(hostText))
      return fail(`"${hostText}" is not a host name or IPv4 address`);
  }

  let port = scheme === DiameterUriScheme.AAAS ? DIAMETER_TLS_PORT : DIAMETER_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > MAX_PORT) {
      return fail(`port "${portText}" is not a number from 1 to ${MAX_PORT}`);
    }
    port = Number(portText);
  }

  let transport: DiameterUriTransport | undefined;
  let protocol: AaaProtocol | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = (eq === -1 ? param : param.substring(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : param.substring(eq + 1).toLowerCase();
    if (name === 'transport') {
      if (transport !== undefined || protocol !== undefined)
        return fail('transport must appear once, before protocol');
      if (!TRANSPORTS.includes(value))
        return fail(`transport "${value}" is not one of ${TRANSPORTS.join(', ')}`);
      transport = value as DiameterUriTransport;
    } else if (name === 'protocol') {
      if (protocol !== undefined) return fail('protocol must appear once');
      if (!PROTOCOLS.includes(value))
        return fail(`protocol "${value}" is not one of ${PROTOCOLS.join(', ')}`);
      protocol = value as AaaProtocol;
    } else {
      return fail(`unknown parameter "${param}" (allowed: transport, protocol)`);
    }
  }
  if (transport === DiameterUriTransport.UDP && (protocol ?? DEFAULT_URI_PROTOCOL) === AaaProtocol.DIAMETER) {
    return fail('UDP must not be used with the Diameter protocol');
  }
  return ok({
    scheme,
    host: hostText,
    port,
    ...(transport === undefined ? {} : { transport }),
    ...(protocol === undefined ? {} : { protocol }),
  });
}

/** Formats a DiameterURI; the port is written only when it is not the scheme's default. */
export function formatDiameterUri(uri: DiameterUri): string {
  const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
  const defaultPort = uri.scheme === DiameterUriScheme.AAAS ? DIAMETER_TLS_PORT : DIAMETER_PORT;
  const port = uri.port === defaultPort ? '' : `:${uri.port}`;
  const transport = uri.transport === undefined ? '' : `;transport=${uri.transport}`;
  const protocol = uri.protocol === undefined ? '' : `;protocol=${uri.protocol}`;
  return `${uri.scheme}://${host}${port}${transport}${protocol}`;
}

function isFqdn(host: string): boolean {
  const name = host.endsWith('.') ? host.substring(0, host.length - 1) : host;
  if (name.length === 0 || name.length > MAX_FQDN_LENGTH) return false;
  const labels = name.split('.');
  // A name made only of digits and dots that is not a valid IPv4 address (999.1.1.1) is a typo.
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => FQDN_LABEL.test(l));
}
