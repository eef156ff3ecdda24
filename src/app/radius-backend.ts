import { EapAuthenticator, type EapStep as EngineStep } from '../eap/index.js';
import type {
  ConversationEnd,
  EapBackend,
  EapConversation,
  EapStep,
  NasContext,
} from '../radius/eap-backend.js';
import { monotonicClock, type Clock } from '../util/clock.js';
import { createRandomPool } from '../util/random-pool.js';
import { AppFailureReason, methodName, publishAuthResult, secondsBetween } from './auth-result.js';
import type { DeviceLookupFactory } from './device-lookup.js';
import { maxEapPacketSize } from './framed-mtu.js';

export interface RadiusBackendOptions {
  /** EAP-PSK ID_S (RFC 4764 §5.1): the same as on the Diameter front. */
  readonly serverId: string;
  readonly lookupFor: DeviceLookupFactory;
  /** Durations: monotonic ms by default. */
  readonly clock?: Clock;
  /** RAND_S and the first Identifier; a pooled CSPRNG (createRandomPool) by default. */
  readonly random?: (n: number) => Buffer;
  readonly maxInvalid?: number;
}

/** RADIUS ConversationEnd (other than success/failure) → the auth result's failure reason. */
const END_REASON: Readonly<Record<ConversationEnd, string>> = {
  success: 'ok',
  failure: 'failure',
  timeout: AppFailureReason.Timeout,
  evicted: AppFailureReason.Evicted,
  error: AppFailureReason.InternalError,
  shutdown: AppFailureReason.Shutdown,
};

/**
 * The EAP engine behind the RADIUS front (src/radius/eap-backend.ts): one EapAuthenticator per
 * conversation with the shared device lookup for the NAS's Called-/Calling-Station-Id, and one
 * `eapd:auth:result` event per conversation with transport `radius`, exactly like the Diameter
 * front (so metrics and audit do not care which front a device used). Framed-MTU bounds the
 * EAP packet size as on the Diameter side (Framed-MTU − 4, see framed-mtu.ts).
 */
export function createRadiusBackend(options: RadiusBackendOptions): EapBackend {
  const clock = options.clock ?? monotonicClock;
  // RAND_S and the first Identifier: a pooled CSPRNG, as on the Diameter side (one randomBytes
  // call per draw was 2 % of eapd's CPU under RADIUS load).
  const random = options.random ?? createRandomPool();
  return {
    open(context: NasContext): EapConversation {
      const auth = new EapAuthenticator({
        serverId: options.serverId,
        lookup: options.lookupFor({
          ...(context.calledStationId === undefined ? {} : { calledStationId: context.calledStationId }),
          ...(context.callingStationId === undefined ? {} : { callingStationId: context.callingStationId }),
        }),
        ...(context.framedMtu === undefined ? {} : { maxPacketSize: maxEapPacketSize(context.framedMtu) }),
        random,
        ...(options.maxInvalid === undefined ? {} : { maxInvalid: options.maxInvalid }),
      });
      const startedAt = clock.now();
      let exchanges = 0;
      let ended = false;
      const finish = (
        result: 'success' | 'failure',
        reason: string,
        peerId?: string,
        method?: number,
        detail?: string,
      ): void => {
        if (ended) return;
        ended = true;
        const identity = peerId ?? auth.identity ?? context.userName;
        publishAuthResult({
          method: methodName(auth.identity !== undefined, method),
          result,
          transport: 'radius',
          reason,
          rounds: exchanges,
          durationSeconds: secondsBetween(startedAt, clock.now()),
          ...(identity === undefined ? {} : { identity }),
          nas: context.clientName,
          ...(context.calledStationId === undefined ? {} : { calledStationId: context.calledStationId }),
          ...(context.callingStationId === undefined ? {} : { callingStationId: context.callingStationId }),
          ...(detail === undefined ? {} : { detail }),
        });
      };
      return {
        async process(eap: Buffer): Promise<EapStep> {
          exchanges++;
          // The RADIUS front's buffer is only valid during the call: the engine keeps views
          // across its asynchronous device lookup, so it gets its own copy.
          const step: EngineStep = await auth.receive(Buffer.from(eap));
          if (step.kind === 'success') finish('success', 'ok', step.peerId, step.method);
          else if (step.kind === 'failure')
            finish('failure', step.reason, step.peerId, undefined, step.detail);
          return step;
        },
        close(reason: ConversationEnd): void {
          // success/failure were published by process(); anything else ends the conversation here.
          finish('failure', END_REASON[reason]);
        },
      };
    },
  };
}
