/** CRC32c (Castagnoli, reflected polynomial 0x82F63B78): the SCTP checksum, RFC 9260 Appendix A. */
const POLYNOMIAL = 0x82f63b78;
const BYTE_VALUES = 256;
const BITS_PER_BYTE = 8;
const ALL_ONES = 0xffffffff;
const BYTE_MASK = 0xff;

const TABLE = ((): Uint32Array => {
  const table = new Uint32Array(BYTE_VALUES);
  for (let n = 0; n < BYTE_VALUES; n++) {
    let c = n;
    for (let k = 0; k < BITS_PER_BYTE; k++) c = c & 1 ? POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC32c over `bytes[start, end)`; start the chain with `CRC32C_INIT`. */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & BYTE_MASK]! ^ (c >>> BITS_PER_BYTE);
  return c;
}

export const CRC32C_INIT = ALL_ONES;

export function crc32cFinish(crc: number): number {
  return (crc ^ ALL_ONES) >>> 0;
}

export function crc32c(bytes: Uint8Array): number {
  return crc32cFinish(crc32cUpdate(CRC32C_INIT, bytes));
}
