/**
 * Why an EAP conversation ended in EAP-Failure: a closed set, usable as a metric label.
 */
export const EapFailureReason = {
  /** PSK-2 named an ID_P the store does not know. */
  UnknownPeer: 'unknown_peer',
  /** The store knows the peer but policy refuses it (disabled device, NAS/AP not allowed, ...). */
  PolicyRejected: 'policy_rejected',
  /** The peer lookup failed (store error, malformed keys): not the peer's fault. */
  LookupError: 'lookup_error',
  /** RFC 4764 §5.2: MAC_P did not verify (wrong PSK). */
  BadMacP: 'bad_mac_p',
  /** RFC 4764 §5.4: the PSK-4 PCHANNEL tag did not verify. */
  BadPchannel: 'bad_pchannel',
  /** RFC 4764 §5.4: the PSK-4 PCHANNEL nonce was not the expected one (1). */
  BadNonce: 'bad_nonce',
  /** RFC 4764 §5.4: the peer answered R = DONE_FAILURE. */
  PeerReportedFailure: 'peer_reported_failure',
  /** RFC 4764 §5.4: the peer used the extension (E flag) or R = CONT, which eapd never asked for. */
  UnsupportedExtension: 'unsupported_extension',
  /** RFC 4764 §5.4: the PSK-4 R flag holds a reserved value. */
  ProtocolError: 'protocol_error',
  /** RFC 3748 §5.3: the peer's Nak offers no method eapd supports. */
  NakNoCommonMethod: 'nak_no_common_method',
  /** RFC 4072 §2.4: too many invalid EAP packets in one conversation. */
  TooManyInvalid: 'too_many_invalid',
  /** The first packet of a conversation could not be parsed. */
  Malformed: 'malformed',
  /** The first packet of a conversation was not an EAP-Response/Identity. */
  UnexpectedPacket: 'unexpected_packet',
  /** The next request would exceed the maximum EAP packet size (Framed-MTU). */
  PacketTooLarge: 'packet_too_large',
} as const;
export type EapFailureReason = (typeof EapFailureReason)[keyof typeof EapFailureReason];

/** Why a response was discarded (RFC 4137 DISCARD state): also closed, for metric labels. */
export const EapInvalidReason = {
  Malformed: 'malformed',
  NotAResponse: 'not_a_response',
  WrongIdentifier: 'wrong_identifier',
  WrongType: 'wrong_type',
  /** The method's check() refused the response (bad structure, wrong RAND_S, ...). */
  MethodCheck: 'method_check',
  /** A response arrived while the previous one is still being processed (peer lookup pending). */
  Busy: 'busy',
  /** The conversation has already ended. */
  Finished: 'finished',
} as const;
export type EapInvalidReason = (typeof EapInvalidReason)[keyof typeof EapInvalidReason];
