import type { MessageView } from '../diameter/codec/index.js';

/**
 * How the application sends its own requests (ASR, RAR: RFC 6733 §8.5, §8.3) towards a NAS. The
 * Diameter node implements it; tests use a fake.
 */
export interface RequestSender {
  /** Sends a request through the connected peer `viaPeer` (an Origin-Host); the node writes the Hop-by-Hop id. */
  request(viaPeer: string, frame: Buffer, timeoutMs: number): Promise<MessageView>;
  /** RFC 6733 §3: a fresh End-to-End Identifier. */
  nextEndToEnd(): number;
  readonly originHost: string;
  readonly originRealm: string;
}
