import {
  CommandFlag,
  answerSkeleton,
  address,
  encodeAnswer,
  encodeMessage,
  grouped,
  u32,
  utf8,
  type AvpSpec,
  type MessageView,
} from '../codec/index.js';
import { AvpCode, ApplicationId, CommandCode, InbandSecurityId, ResultCode } from '../dict/constants.gen.js';
import type { AdvertisedApplications, VendorSpecificApplicationId } from './capabilities.js';

/** What we say about ourselves in CER/CEA, DWR/DWA and DPR/DPA (RFC 6733 §5.3.1). */
export interface LocalNode {
  readonly originHost: string;
  readonly originRealm: string;
  readonly originStateId: number;
  readonly vendorId: number;
  readonly productName: string;
  readonly firmwareRevision: number;
  readonly authApplicationIds: readonly number[];
  readonly acctApplicationIds: readonly number[];
}

/** What a peer said about itself in its CER or CEA. */
export interface PeerCapabilities {
  readonly originHost: string;
  readonly originRealm: string;
  readonly hostIpAddresses: readonly string[];
  readonly productName: string;
  readonly applications: AdvertisedApplications;
  /** Inband-Security-Id values offered; empty when the AVP is absent (= NO_INBAND_SECURITY). */
  readonly inbandSecurityIds: readonly number[];
  readonly resultCode: number | undefined;
}

// RFC 6733 §4.5: Product-Name, Firmware-Revision and Error-Message never carry the M bit.
const NO_M = { flags: 0 } as const;

function identityAvps(local: LocalNode): AvpSpec[] {
  return [utf8(AvpCode.OriginHost, local.originHost), utf8(AvpCode.OriginRealm, local.originRealm)];
}

/** RFC 6733 §5.3.1/§5.3.2: the capabilities AVPs common to CER and CEA. */
function capabilityAvps(local: LocalNode, hostIpAddresses: readonly string[]): AvpSpec[] {
  const avps: AvpSpec[] = [];
  for (const ip of hostIpAddresses) avps.push(address(AvpCode.HostIPAddress, ip));
  avps.push(u32(AvpCode.VendorId, local.vendorId));
  avps.push(utf8(AvpCode.ProductName, local.productName, NO_M));
  avps.push(u32(AvpCode.OriginStateId, local.originStateId));
  for (const id of local.authApplicationIds) avps.push(u32(AvpCode.AuthApplicationId, id));
  for (const id of local.acctApplicationIds) avps.push(u32(AvpCode.AcctApplicationId, id));
  avps.push(u32(AvpCode.FirmwareRevision, local.firmwareRevision, NO_M));
  return avps;
}

export function buildCer(local: LocalNode, hostIpAddresses: readonly string[], endToEnd: number): Buffer {
  return encodeMessage({
    commandCode: CommandCode.CapabilitiesExchange,
    applicationId: ApplicationId.DiameterCommonMessages,
    flags: CommandFlag.R,
    hopByHop: 0,
    endToEnd,
    avps: [...identityAvps(local), ...capabilityAvps(local, hostIpAddresses)],
  });
}

/** CEA: Result-Code first after the identity, Error-Message when refusing (RFC 6733 §5.3.2). */
export function buildCea(
  cer: MessageView,
  local: LocalNode,
  hostIpAddresses: readonly string[],
  resultCode: number,
  errorMessage?: string,
): Buffer {
  const avps: AvpSpec[] = [u32(AvpCode.ResultCode, resultCode), ...identityAvps(local)];
  avps.push(...capabilityAvps(local, hostIpAddresses));
  if (errorMessage !== undefined) avps.push(utf8(AvpCode.ErrorMessage, errorMessage, NO_M));
  const isProtocolError = resultCode >= 3000 && resultCode < 4000;
  return encodeAnswer(answerSkeleton(cer), avps, isProtocolError);
}

export function buildDwr(local: LocalNode, endToEnd: number): Buffer {
  return encodeMessage({
    commandCode: CommandCode.DeviceWatchdog,
    applicationId: ApplicationId.DiameterCommonMessages,
    flags: CommandFlag.R,
    hopByHop: 0,
    endToEnd,
    avps: [...identityAvps(local), u32(AvpCode.OriginStateId, local.originStateId)],
  });
}

export function buildDwa(dwr: MessageView, local: LocalNode): Buffer {
  return encodeAnswer(answerSkeleton(dwr), [
    u32(AvpCode.ResultCode, ResultCode.DIAMETER_SUCCESS),
    ...identityAvps(local),
    u32(AvpCode.OriginStateId, local.originStateId),
  ]);
}

export function buildDpr(local: LocalNode, endToEnd: number, disconnectCause: number): Buffer {
  return encodeMessage({
    commandCode: CommandCode.DisconnectPeer,
    applicationId: ApplicationId.DiameterCommonMessages,
    flags: CommandFlag.R,
    hopByHop: 0,
    endToEnd,
    avps: [...identityAvps(local), u32(AvpCode.DisconnectCause, disconnectCause)],
  });
}

export function buildDpa(dpr: MessageView, local: LocalNode): Buffer {
  return encodeAnswer(answerSkeleton(dpr), [
    u32(AvpCode.ResultCode, ResultCode.DIAMETER_SUCCESS),
    ...identityAvps(local),
  ]);
}

/** Reads the capabilities of a CER or CEA that passed dictionary validation. */
export function readCapabilities(message: MessageView): PeerCapabilities {
  const hostIpAddresses: string[] = [];
  const auth: number[] = [];
  const acct: number[] = [];
  const vendorSpecific: VendorSpecificApplicationId[] = [];
  const inband: number[] = [];
  let originHost = '';
  let originRealm = '';
  let productName = '';
  let resultCode: number | undefined;
  for (const avp of message.avps()) {
    if (avp.vendorId !== 0) continue;
    switch (avp.code) {
      case AvpCode.OriginHost:
        originHost = avp.asUtf8();
        break;
      case AvpCode.OriginRealm:
        originRealm = avp.asUtf8();
        break;
      case AvpCode.HostIPAddress:
        hostIpAddresses.push(avp.asAddress());
        break;
      case AvpCode.ProductName:
        productName = avp.asUtf8();
        break;
      case AvpCode.AuthApplicationId:
        auth.push(avp.asUnsigned32());
        break;
      case AvpCode.AcctApplicationId:
        acct.push(avp.asUnsigned32());
        break;
      case AvpCode.InbandSecurityId:
        inband.push(avp.asUnsigned32());
        break;
      case AvpCode.ResultCode:
        resultCode = avp.asUnsigned32();
        break;
      case AvpCode.VendorSpecificApplicationId: {
        const vendor = avp.find(AvpCode.VendorId);
        const a = avp.find(AvpCode.AuthApplicationId);
        const c = avp.find(AvpCode.AcctApplicationId);
        vendorSpecific.push({
          ...(vendor ? { vendorId: vendor.asUnsigned32() } : {}),
          ...(a ? { authApplicationId: a.asUnsigned32() } : {}),
          ...(c ? { acctApplicationId: c.asUnsigned32() } : {}),
        });
        break;
      }
    }
  }
  return {
    originHost,
    originRealm,
    hostIpAddresses,
    productName,
    applications: {
      authApplicationIds: auth,
      acctApplicationIds: acct,
      vendorSpecificApplicationIds: vendorSpecific,
    },
    inbandSecurityIds: inband,
    resultCode,
  };
}

/**
 * RFC 6733 §6.10: eapd offers no in-band TLS (legacy Inband-Security-Id TLS); TLS runs on its own
 * port from the first byte. A peer that insists on in-band TLS gets 5017 DIAMETER_NO_COMMON_SECURITY.
 */
export function acceptsNoInbandSecurity(caps: PeerCapabilities): boolean {
  return (
    caps.inbandSecurityIds.length === 0 ||
    caps.inbandSecurityIds.includes(InbandSecurityId.NO_INBAND_SECURITY)
  );
}

/** Vendor-Specific-Application-Id is grouped: exported for tests that build CERs. */
export function vendorSpecificApplication(vendorId: number, authApplicationId: number): AvpSpec {
  return grouped(AvpCode.VendorSpecificApplicationId, [
    u32(AvpCode.VendorId, vendorId),
    u32(AvpCode.AuthApplicationId, authApplicationId),
  ]);
}
