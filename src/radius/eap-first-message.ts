// The few EAP facts (RFC 3748 §4) the RADIUS front needs without depending on src/eap: what may
// start a conversation, and the EAP-Failure it sends when no conversation can answer.

const EapCode = { Response: 2, Failure: 4 } as const;
const EAP_TYPE_IDENTITY = 1;
/** RFC 3748 §4: Code(1) Identifier(1) Length(2). */
const EAP_HEADER_LENGTH = 4;
const EAP_LENGTH_OFFSET = 2;
const EAP_IDENTIFIER_OFFSET = 1;

/**
 * A conversation starts with EAP-Start (an empty EAP-Message, RFC 3579 §2.1) or an
 * EAP-Response/Identity (RFC 3748 §5.1) whose Length matches the reassembled octets.
 */
export function startsConversation(eap: Buffer): boolean {
  if (eap.length === 0) return true;
  return (
    eap.length > EAP_HEADER_LENGTH &&
    eap[0] === EapCode.Response &&
    eap.readUInt16BE(EAP_LENGTH_OFFSET) === eap.length &&
    eap[EAP_HEADER_LENGTH] === EAP_TYPE_IDENTITY
  );
}

/**
 * An EAP-Failure answering `eap` (RFC 3748 §4.2: same Identifier as the response; 0 when there
 * is no response to answer, as for EAP-Start).
 */
export function eapFailureFor(eap: Buffer): Buffer {
  const failure = Buffer.alloc(EAP_HEADER_LENGTH);
  failure[0] = EapCode.Failure;
  failure[EAP_IDENTIFIER_OFFSET] = eap.length > EAP_IDENTIFIER_OFFSET ? eap[EAP_IDENTIFIER_OFFSET]! : 0;
  failure.writeUInt16BE(EAP_HEADER_LENGTH, EAP_LENGTH_OFFSET);
  return failure;
}
