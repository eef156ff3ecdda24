import { fileURLToPath } from 'node:url';
import { buildDer } from '../../src/app/nas-client.js';
import { encodeDea } from '../../src/app/dea-encoder.js';
import { answerSkeleton, MessageView, validateMessage } from '../../src/diameter/codec/index.js';
import { AuthRequestType, ResultCode } from '../../src/diameter/dict/constants.gen.js';
import { loadDefaultDictionaries } from '../../src/diameter/dict/index.js';
import { derivePskKeys, EapCode, EapPskPeer, parseEapPacket, type PskKeys } from '../../src/eap/index.js';
import { constantTimeEqual } from '../../src/eap/crypto/constant-time.js';
import { PCHANNEL_FLAGS_LENGTH, PskResult } from '../../src/eap/methods/psk/constants.js';
import { computeMacP, computeMacS, deriveSessionKeys, keyContext } from '../../src/eap/methods/psk/keys.js';
import {
  buildUnsealedPsk3,
  expectedPsk4Header,
  parsePsk2,
  parsePsk4,
  PSK3_PCHANNEL_OFFSET,
  type Psk2,
  type Psk4,
} from '../../src/eap/methods/psk/messages.js';
import { PskServerMethod } from '../../src/eap/methods/psk/server.js';
import { ServerPchannel } from '../../src/eap/methods/psk/server-pchannel.js';
import { buildIdentity } from '../../src/eap/packet.js';
import { packageRoot } from '../../src/ops/version.js';
import { benchIdentity, benchPsk, BENCH_REALM } from '../lib/bench-devices.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';
import { ratio, round3 } from '../lib/stats.js';

const WARMUP_DIVISOR = 10;
const TARGET_CRYPTO_US = 15;
const RAND_LENGTH = 16;
const SERVER_ID = Buffer.from('aaa.bench.example');
/** Distinct exchanges prepared for the crypto loop (each replayed with its own RAND_S). */
const EXCHANGES = 256;
const PSK1_ID = 1;
const PSK3_ID = 2;

/** CPU µs of this process so far: unlike wall time, not inflated when the machine is shared. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Runs `fn` `n` times after a warm-up of n/10; CPU µs per call (no I/O in the loop). */
function timeUs(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < n / WARMUP_DIVISOR; i++) fn(i);
  const t0 = cpuUs();
  for (let i = 0; i < n; i++) fn(i);
  return (cpuUs() - t0) / n;
}

async function timeAsyncUs(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < n / WARMUP_DIVISOR; i++) await fn(i);
  const t0 = cpuUs();
  for (let i = 0; i < n; i++) await fn(i);
  return (cpuUs() - t0) / n;
}

interface RecordedExchange {
  readonly randS: Buffer;
  readonly psk2: Buffer;
  readonly psk4: Buffer;
}

/** One real peer ↔ server exchange per slot, so the timed server run can replay the peer's packets. */
function recordExchanges(keys: PskKeys, identity: string): RecordedExchange[] {
  const out: RecordedExchange[] = [];
  for (let i = 0; i < EXCHANGES; i++) {
    const randS = Buffer.alloc(RAND_LENGTH, i);
    const server = new PskServerMethod({
      serverId: SERVER_ID,
      lookup: async () => ({ kind: 'found', keys }),
      random: () => randS,
    });
    const peer = new EapPskPeer({ peerId: identity, keys });
    peer.receive(buildIdentity(EapCode.Request, 0));
    server.init(identity);
    const psk2 = peer.receive(server.buildReq(PSK1_ID));
    if (psk2.kind !== 'response') throw new Error('peer refused PSK-1');
    out.push({ randS, psk2: psk2.packet, psk4: Buffer.alloc(0) });
  }
  return out;
}

/**
 * The server side of one whole EAP-PSK authentication (RFC 4764 §5): PSK-1 out, PSK-2 checked
 * (MAC_P, session keys), PSK-3 sealed (MAC_S, PCHANNEL), PSK-4 opened. `keysFor` gives the keys
 * per authentication (cached object: reused cipher objects; fresh object: the naive path).
 */
async function serverAuth(keysFor: () => PskKeys, identity: string, x: RecordedExchange): Promise<boolean> {
  const keys = keysFor();
  const server = new PskServerMethod({
    serverId: SERVER_ID,
    lookup: async () => ({ kind: 'found', keys }),
    random: () => x.randS,
  });
  server.init(identity);
  server.buildReq(PSK1_ID);
  const p2 = parseEapPacket(x.psk2);
  if (!p2.ok || !server.check(p2.value).ok) return false;
  await server.process(p2.value);
  server.buildReq(PSK3_ID);
  const p4 = parseEapPacket(x.psk4);
  if (!p4.ok || !server.check(p4.value).ok) return false;
  await server.process(p4.value);
  return server.decision().kind === 'success';
}

/** A recorded exchange's PSK-2 and PSK-4 parsed once, for the crypto-only loop. */
interface ParsedExchange {
  readonly randS: Buffer;
  readonly psk2: Psk2;
  readonly psk4Raw: Buffer;
  readonly psk4: Psk4;
}

function parseExchange(x: RecordedExchange): ParsedExchange {
  const p2 = parseEapPacket(x.psk2);
  const m2 = p2.ok ? parsePsk2(p2.value) : undefined;
  const p4 = parseEapPacket(x.psk4);
  const m4 = p4.ok ? parsePsk4(p4.value) : undefined;
  if (!p4.ok || m2?.ok !== true || m4?.ok !== true) throw new Error('recorded exchange does not parse');
  return { randS: x.randS, psk2: m2.value, psk4Raw: p4.value.raw, psk4: m4.value };
}

/**
 * Only the server's cryptography of one authentication (RFC 4764 §3, §5.2-§5.4): MAC_P checked,
 * TEK/MSK/EMSK derived, MAC_S, PSK-3 PCHANNEL sealed, PSK-4 PCHANNEL opened; cached key context.
 */
function serverCrypto(keys: PskKeys, x: ParsedExchange): boolean {
  const ctx = keyContext(keys);
  const { randP, idP, macP } = x.psk2;
  if (!constantTimeEqual(computeMacP(ctx.ak, idP, SERVER_ID, x.randS, randP), macP)) return false;
  const session = deriveSessionKeys(ctx.kdk, randP);
  const pchannel = new ServerPchannel(session.tek);
  const macS = computeMacS(ctx.ak, SERVER_ID, randP);
  const psk3 = buildUnsealedPsk3(PSK3_ID, x.randS, macS, PCHANNEL_FLAGS_LENGTH);
  pchannel.sealPsk3(psk3, PSK3_PCHANNEL_OFFSET, PskResult.DoneSuccess, expectedPsk4Header(PSK3_ID, x.randS));
  return pchannel.openPsk4(x.psk4Raw, x.psk4.pchannel) !== undefined;
}

/** (4) Micro-benchmarks: DER decode+validate, DEA encode, server EAP-PSK per authentication. */
export const microScenario: Scenario = {
  id: 'micro',
  title: '4. Micro-benchmarks: DER decode+validate, DEA encode, EAP-PSK server crypto per authentication',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const n = ctx.quick ? 20_000 : 200_000;
    const dict = loadDefaultDictionaries(fileURLToPath(new URL('dictionaries', packageRoot())));
    const identity = benchIdentity(0);
    const keys = derivePskKeys(benchPsk(0));

    // A second-round DER as the NAS simulator sends it (with State, Destination-Host).
    const peer = new EapPskPeer({ peerId: identity, keys });
    const idResp = peer.receive(buildIdentity(EapCode.Request, 0));
    if (idResp.kind !== 'response') throw new Error('peer did not answer Identity');
    const der = buildDer(
      {
        originHost: 'nas-1.bench.example',
        originRealm: BENCH_REALM,
        destinationRealm: BENCH_REALM,
        nextSessionId: () => '',
        peer,
        callingStationId: '02-00-00-00-00-01',
      },
      {
        sessionId: 'nas-1.bench.example;1700000000;1;bench',
        endToEnd: 1,
        eapPayload: idResp.packet,
        userName: identity,
      },
    );
    const derJson = JSON.stringify({
      header: der.subarray(0, 20).toString('hex'),
      avps: [...new MessageView(der).avps()].map((a) => ({
        code: a.code,
        flags: a.flags,
        data: a.data.toString('hex'),
      })),
    });

    let sink = 0;
    const decodeUs = timeUs(n, () => {
      const m = new MessageView(der);
      if (validateMessage(dict, m) !== undefined) throw new Error('DER invalid');
      sink += m.commandCode;
    });
    const jsonUs = timeUs(n, () => {
      sink += (JSON.parse(derJson) as { avps: unknown[] }).avps.length;
    });
    const view = new MessageView(der);
    const psk1 = Buffer.alloc(39, 1);
    const encodeUs = timeUs(n, () => {
      const dea = encodeDea(
        {
          skeleton: answerSkeleton(view),
          originHost: 'aaa.bench.example',
          originRealm: BENCH_REALM,
          authRequestType: AuthRequestType.AUTHORIZE_AUTHENTICATE,
        },
        ResultCode.DIAMETER_MULTI_ROUND_AUTH,
        { eapPayload: psk1, multiRoundTimeOutSeconds: 30, state: Buffer.alloc(16, 7) },
      );
      sink += dea.length;
    });
    const stringifyUs = timeUs(n, () => {
      sink += JSON.stringify({
        sessionId: 'nas-1.bench.example;1700000000;1;bench',
        resultCode: 1001,
        eap: psk1.toString('base64'),
        state: 'x'.repeat(16),
      }).length;
    });

    // Server EAP-PSK per authentication: record real peer packets, then replay the server side.
    const exchanges = recordExchanges(keys, identity);
    for (const x of exchanges) {
      // Complete each recorded exchange once to get the peer's PSK-4 for that RAND_S/RAND_P.
      const server = new PskServerMethod({
        serverId: SERVER_ID,
        lookup: async () => ({ kind: 'found', keys }),
        random: () => x.randS,
      });
      const p = new EapPskPeer({ peerId: identity, keys, random: () => Buffer.from(parsePsk2RandP(x.psk2)) });
      p.receive(buildIdentity(EapCode.Request, 0));
      server.init(identity);
      p.receive(server.buildReq(PSK1_ID));
      const p2 = parseEapPacket(x.psk2);
      if (!p2.ok || !server.check(p2.value).ok) throw new Error('recorded PSK-2 refused');
      await server.process(p2.value);
      const step = p.receive(server.buildReq(PSK3_ID));
      if (step.kind !== 'response') throw new Error('peer refused PSK-3');
      (x as { psk4: Buffer }).psk4 = step.packet;
    }
    const cryptoN = ctx.quick ? 5_000 : 50_000;
    let failures = 0;
    const parsed = exchanges.map(parseExchange);
    const cryptoUs = timeUs(cryptoN, (i) => {
      if (!serverCrypto(keys, parsed[i % EXCHANGES]!)) failures++;
    });
    const cachedUs = await timeAsyncUs(cryptoN, async (i) => {
      if (!(await serverAuth(() => keys, identity, exchanges[i % EXCHANGES]!))) failures++;
    });
    const psk = benchPsk(0);
    const naiveUs = await timeAsyncUs(cryptoN, async (i) => {
      if (!(await serverAuth(() => derivePskKeys(psk), identity, exchanges[i % EXCHANGES]!))) failures++;
    });
    if (failures > 0) throw new Error(`${failures} replayed authentications failed`);
    ctx.log(
      `  DER decode+validate ${decodeUs.toFixed(2)} µs, DEA encode ${encodeUs.toFixed(2)} µs, server EAP-PSK ${cachedUs.toFixed(2)} µs/auth (crypto only ${cryptoUs.toFixed(2)} µs; naive ${naiveUs.toFixed(2)} µs) [${sink > 0 ? 'ok' : ''}]`,
    );
    return {
      id: 'micro',
      title: microScenario.title,
      baseline:
        'JSON.parse of the same DER as JSON / JSON.stringify of a DEA-sized object; the naive EAP-PSK path (AK/KDK derived and cipher objects created per authentication)',
      figures: {
        iterations: n,
        derBytes: der.length,
        derDecodeValidateUs: round3(decodeUs),
        derAsJsonParseUs: round3(jsonUs),
        decodeRatioToJsonParse: ratio(decodeUs, jsonUs),
        deaEncodeUs: round3(encodeUs),
        deaAsJsonStringifyUs: round3(stringifyUs),
        encodeRatioToJsonStringify: ratio(encodeUs, stringifyUs),
        pskServerPerAuthUs: round3(cachedUs),
        pskServerCryptoPerAuthUs: round3(cryptoUs),
        pskServerNaivePerAuthUs: round3(naiveUs),
        pskRatioToNaive: ratio(cachedUs, naiveUs),
      },
      targets: [
        {
          target: `≤ ${TARGET_CRYPTO_US} µs server EAP-PSK crypto per authentication`,
          measured: `${cryptoUs.toFixed(2)} µs crypto only (MAC_P, keys, MAC_S, PSK-3 seal, PSK-4 open); whole server method ${cachedUs.toFixed(2)} µs`,
          met: cryptoUs <= TARGET_CRYPTO_US,
        },
      ],
      notes: [
        'CPU time (process.cpuUsage) per call in a tight loop on the generator core, after a warm-up; no I/O. CPU rather than wall time because the machine is shared.',
        'pskServerPerAuthUs is the whole PskServerMethod for one authentication (message parsing, packets and state included); pskServerCryptoPerAuthUs is its cryptography alone (the target), on messages parsed beforehand.',
      ],
    };
  },
};

/** RAND_P of a PSK-2 (RFC 4764 §5.2: after Code..Flags (6 octets) and RAND_S (16)). */
function parsePsk2RandP(psk2: Buffer): Buffer {
  const at = 6 + RAND_LENGTH;
  return psk2.subarray(at, at + RAND_LENGTH);
}
