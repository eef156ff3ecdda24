export { encodeAddress } from './address.js';
export { answerSkeleton, buildErrorAnswer, encodeAnswer } from './answer.js';
export type { AnswerSkeleton, LocalIdentity } from './answer.js';
export {
  AddressFamily,
  AvpView,
  NTP_UNIX_OFFSET_SECONDS,
  findAllAvps,
  findAvp,
  iterateAvps,
  nextAvpOffset,
} from './avp-view.js';
export { Framer } from './framer.js';
export type { FramerError, FramerOptions } from './framer.js';
export {
  AVP_HEADER_LENGTH,
  AVP_VENDOR_HEADER_LENGTH,
  AvpOffset,
  CommandFlag,
  DIAMETER_VERSION,
  HEADER_LENGTH,
  HeaderOffset,
  pad4,
  readApplicationId,
  readCommandCode,
  readCommandFlags,
  readEndToEnd,
  readHopByHop,
  readMessageLength,
  readVersion,
} from './header.js';
export { MessageView } from './message-view.js';
export { isProtocolError } from './result-code.js';
export { MAX_GROUP_DEPTH, exampleAvp, validateMessage } from './validate.js';
export type { ValidationError } from './validate.js';
export {
  address,
  avp,
  avpSize,
  encodeAvps,
  encodeMessage,
  f32,
  f64,
  grouped,
  i32,
  i64,
  octets,
  raw,
  time,
  u32,
  u64,
  utf8,
} from './writer.js';
export type {
  AvpOptions,
  AvpSpec,
  AvpValue,
  DictValue,
  MessageSpec,
  RawAvpSpec,
  ValueAvpSpec,
} from './writer.js';
