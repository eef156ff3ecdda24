import { answerSkeleton, u32, type MessageView } from '../diameter/codec/index.js';
import { AuthRequestType, AvpCode, CommandCode, ResultCode } from '../diameter/dict/constants.gen.js';
import type { HandlerResult, RequestHandler } from '../diameter/node/handler.js';
import { eapResponseIdentity, readDer } from './der-fields.js';
import { redirectResult } from './redirect-answer.js';
import type { FirstDerFacts, RedirectHook } from './redirect-hook.js';

/**
 * The pure redirect agent (RFC 6733 §6.1.8, issue "redirect-based peering"): every DER is a first
 * DER here, answered from the redirect rules with 3006, or with 3003 DIAMETER_REALM_NOT_SERVED when
 * no rule matches. No EAP engine, no session state: the node advertises Relay.
 */
export function createRedirectAgentHandler(options: {
  readonly originHost: string;
  readonly originRealm: string;
  readonly redirect: RedirectHook;
}): RequestHandler {
  return async (req: MessageView): Promise<HandlerResult> => {
    const extra = [
      u32(AvpCode.AuthApplicationId, req.applicationId),
      ...(req.find(AvpCode.AuthRequestType)
        ? [u32(AvpCode.AuthRequestType, req.find(AvpCode.AuthRequestType)!.asUnsigned32())]
        : []),
    ];
    if (req.commandCode !== CommandCode.DiameterEAP) {
      return {
        kind: 'error',
        error: {
          resultCode: ResultCode.DIAMETER_UNABLE_TO_DELIVER,
          errorBit: true,
          message: 'this redirect agent redirects DERs only',
        },
        extra,
      };
    }
    const der = readDer(req);
    const destinationRealm = der.destinationRealm ?? '';
    const eapIdentity = eapResponseIdentity(der.eapPayload);
    const facts: FirstDerFacts = {
      originHost: der.originHost,
      destinationRealm,
      ...(der.userName === undefined ? {} : { userName: der.userName }),
      ...(eapIdentity === undefined ? {} : { eapIdentity }),
      ...(der.callingStationId === undefined ? {} : { callingStationId: der.callingStationId }),
      ...(der.calledStationId === undefined ? {} : { calledStationId: der.calledStationId }),
    };
    const decision = await options.redirect(facts);
    if (decision !== undefined) {
      return redirectResult(
        {
          skeleton: answerSkeleton(req),
          originHost: options.originHost,
          originRealm: options.originRealm,
          authRequestType: der.authRequestType ?? AuthRequestType.AUTHORIZE_AUTHENTICATE,
        },
        decision,
      );
    }
    return {
      kind: 'error',
      error: {
        resultCode: ResultCode.DIAMETER_REALM_NOT_SERVED,
        errorBit: true,
        message: `no redirect rule for realm ${destinationRealm}`,
      },
      extra,
    };
  };
}
