import { diameterChannels, type DiameterAnswerEvent, type DiameterDuplicateEvent } from '../events.js';
import {
  buildErrorAnswer,
  HeaderOffset,
  u32,
  validateMessage,
  type AvpSpec,
  type LocalIdentity,
  type MessageView,
  type ValidationError,
} from '../codec/index.js';
import type { Dictionary } from '../dict/index.js';
import { AvpCode, ResultCode } from '../dict/constants.gen.js';
import { publishDecodeError, type PeerLogger } from '../peer/connection.js';
import type { DuplicateCache } from './duplicate-cache.js';
import type { HandlerResult, RequestContext, RequestHandler } from './handler.js';

/**
 * An error answer without the E bit uses the command's own answer layout (RFC 6733 §7.2), which
 * for application commands carries Auth-Application-Id and Auth-Request-Type: copy them.
 */
function applicationAvps(request: MessageView, error: ValidationError): AvpSpec[] {
  if (error.errorBit) return [];
  const out: AvpSpec[] = [];
  const app = request.find(AvpCode.AuthApplicationId);
  if (app !== undefined && app.length === AVP_U32_LENGTH)
    out.push(u32(AvpCode.AuthApplicationId, app.asUnsigned32()));
  const type = request.find(AvpCode.AuthRequestType);
  if (type !== undefined && type.length === AVP_U32_LENGTH)
    out.push(u32(AvpCode.AuthRequestType, type.asUnsigned32()));
  return out;
}
const AVP_U32_LENGTH = 12;

const RESULT_NAMES = new Map<number, string>(Object.entries(ResultCode).map(([name, code]) => [code, name]));

export interface DispatcherOptions {
  readonly dictionary: Dictionary;
  readonly local: LocalIdentity;
  readonly duplicates: DuplicateCache;
  readonly logger: PeerLogger;
  readonly commandName: (code: number, request: boolean) => string;
}

/**
 * Application-level request processing (RFC 6733 §6, §7): validation against the dictionary with
 * error answers shaped by the codec, duplicate detection by (Origin-Host, End-to-End) (§5.5.4),
 * routing by Application-Id to the registered handler, and the one place where an unexpected
 * exception becomes 5012 DIAMETER_UNABLE_TO_COMPLY.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #handlers = new Map<number, RequestHandler>();

  constructor(options: DispatcherOptions) {
    this.#options = options;
  }

  register(applicationId: number, handler: RequestHandler): void {
    this.#handlers.set(applicationId, handler);
  }

  get applicationIds(): number[] {
    return [...this.#handlers.keys()];
  }

  /** Processes one request; resolves with the answer to send, or undefined to send nothing. */
  async dispatch(request: MessageView, context: RequestContext): Promise<Buffer | undefined> {
    const { dictionary, local, duplicates } = this.#options;
    const handler = this.#handlers.get(request.applicationId);
    if (handler === undefined) {
      // RFC 6733 §7.1.3: DIAMETER_APPLICATION_UNSUPPORTED, a protocol error (E bit).
      return this.#error(request, context, {
        resultCode: ResultCode.DIAMETER_APPLICATION_UNSUPPORTED,
        errorBit: true,
        message: `application ${request.applicationId} is not supported by this node`,
      });
    }
    const invalid = validateMessage(dictionary, request);
    if (invalid !== undefined) {
      publishDecodeError(RESULT_NAMES.get(invalid.resultCode) ?? String(invalid.resultCode));
      this.#options.logger.debug('invalid request', {
        peer: context.peer.originHost,
        resultCode: invalid.resultCode,
        error: invalid.message,
      });
      return this.#error(request, context, invalid);
    }
    const originHost = request.find(AvpCode.OriginHost)?.asUtf8() ?? context.peer.originHost;
    const e2e = request.endToEnd;
    const seen = duplicates.begin(originHost, e2e);
    if (seen.kind === 'answered') {
      // RFC 6733 §5.5.4: the same answer again, under the new request's Hop-by-Hop id.
      if (diameterChannels.duplicate.hasSubscribers) {
        const event: DiameterDuplicateEvent = { peer: context.peer.originHost };
        diameterChannels.duplicate.publish(event);
      }
      const replay = Buffer.from(seen.answer);
      replay.writeUInt32BE(request.hopByHop, HeaderOffset.HOP_BY_HOP);
      return replay;
    }
    if (seen.kind === 'pending') {
      if (diameterChannels.duplicate.hasSubscribers) {
        const event: DiameterDuplicateEvent = { peer: context.peer.originHost };
        diameterChannels.duplicate.publish(event);
      }
      // The original is still being processed; its answer will be cached for later copies.
      this.#options.logger.debug('duplicate of a request in progress dropped', {
        peer: context.peer.originHost,
      });
      return undefined;
    }
    let result: HandlerResult;
    try {
      result = await handler(request, context);
    } catch (e) {
      this.#options.logger.warn('application handler failed: answering 5012', {
        peer: context.peer.originHost,
        command: request.commandCode,
        error: (e as Error).message,
      });
      result = {
        kind: 'error',
        error: {
          resultCode: ResultCode.DIAMETER_UNABLE_TO_COMPLY,
          errorBit: false,
          message: 'internal error while processing the request',
        },
      };
    }
    if (result.kind === 'discard') {
      duplicates.abandon(originHost, e2e);
      return undefined;
    }
    const answer =
      result.kind === 'answer'
        ? result.answer
        : buildErrorAnswer(
            request,
            result.error,
            local,
            result.extra ?? applicationAvps(request, result.error),
          );
    duplicates.complete(originHost, e2e, answer);
    this.#published(request, result.kind === 'answer' ? result.resultCode : result.error.resultCode, context);
    return answer;
  }

  #error(request: MessageView, context: RequestContext, error: ValidationError): Buffer {
    this.#published(request, error.resultCode, context);
    return buildErrorAnswer(request, error, this.#options.local, applicationAvps(request, error));
  }

  #published(request: MessageView, resultCode: number, context: RequestContext): void {
    if (!diameterChannels.answer.hasSubscribers) return;
    const event: DiameterAnswerEvent = {
      command: this.#options.commandName(request.commandCode, true),
      resultCode,
      durationSeconds: (performance.now() - context.receivedAt) / 1000,
    };
    diameterChannels.answer.publish(event);
  }
}
