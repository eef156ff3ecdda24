import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildDer } from '../../../src/app/nas-client.js';
import { createRedirectAgentHandler } from '../../../src/app/redirect-agent.js';
import type { FirstDerFacts, RedirectDecision } from '../../../src/app/redirect-hook.js';
import { MessageView } from '../../../src/diameter/codec/index.js';
import { AvpCode, RedirectHostUsage, ResultCode } from '../../../src/diameter/dict/constants.gen.js';
import type { HandlerResult, RequestContext } from '../../../src/diameter/node/handler.js';
import { buildIdentity } from '../../../src/eap/packet.js';
import { EapPskPeer } from '../../../src/eap/index.js';

const ctx: RequestContext = {
  peer: {
    originHost: 'dea.edge.example',
    originRealm: 'edge.example',
    transport: 'tcp',
    remoteAddress: '127.0.0.1',
  },
  receivedAt: 0,
};

function firstDer(identity: string, realm: string): MessageView {
  const frame = buildDer(
    {
      originHost: 'nas.edge.example',
      originRealm: 'edge.example',
      destinationRealm: realm,
      nextSessionId: () => 'nas.edge.example;1;1',
      peer: new EapPskPeer({ peerId: identity, psk: Buffer.alloc(16) }),
    },
    {
      sessionId: 'nas.edge.example;1;1',
      endToEnd: 7,
      eapPayload: buildIdentity(2, 0, identity),
      userName: identity,
    },
  );
  return new MessageView(frame);
}

function answerOf(r: HandlerResult): MessageView {
  assert.equal(r.kind, 'answer');
  return new MessageView((r as { answer: Buffer }).answer);
}

describe('the pure redirect agent (redirect.agentMode)', () => {
  const seen: FirstDerFacts[] = [];
  const decision: RedirectDecision = {
    rule: 'meters-to-b',
    targets: ['aaa://aaa.new.example:3868;transport=tcp', 'aaa://aaa2.new.example'],
    usage: RedirectHostUsage.ALL_USER,
    maxCacheTimeSeconds: 600,
  };
  const handler = createRedirectAgentHandler({
    originHost: 'redirect.home.example',
    originRealm: 'home.example',
    redirect: (facts) => {
      seen.push(facts);
      return facts.userName?.startsWith('meter-') ? decision : undefined;
    },
  });

  test('answers a matching DER with 3006, the E bit, one Redirect-Host per target, usage and cache time', async () => {
    const a = answerOf(await handler(firstDer('meter-1@iot.example', 'iot.example'), ctx));
    assert.equal(a.isError, true);
    assert.equal(a.find(AvpCode.ResultCode)?.asUnsigned32(), ResultCode.DIAMETER_REDIRECT_INDICATION);
    assert.deepEqual(
      a.findAll(AvpCode.RedirectHost).map((v) => v.asUtf8()),
      decision.targets,
    );
    assert.equal(a.find(AvpCode.RedirectHostUsage)?.asUnsigned32(), RedirectHostUsage.ALL_USER);
    assert.equal(a.find(AvpCode.RedirectMaxCacheTime)?.asUnsigned32(), 600);
    assert.equal(a.find(AvpCode.OriginHost)?.asUtf8(), 'redirect.home.example');
    assert.equal(a.find(AvpCode.EAPPayload), undefined, 'no EAP state: no EAP-Payload');
    assert.equal(seen.at(-1)?.eapIdentity, 'meter-1@iot.example');
    assert.equal(seen.at(-1)?.destinationRealm, 'iot.example');
  });

  test('answers a DER no rule matches with 3003 and the E bit', async () => {
    const r = await handler(firstDer('sensor-1@iot.example', 'iot.example'), ctx);
    assert.equal(r.kind, 'error');
    const e = (r as { error: { resultCode: number; errorBit: boolean } }).error;
    assert.equal(e.resultCode, ResultCode.DIAMETER_REALM_NOT_SERVED);
    assert.equal(e.errorBit, true);
  });

  test('keeps no state: the same DER twice gets the same redirect', async () => {
    const a = answerOf(await handler(firstDer('meter-2@iot.example', 'iot.example'), ctx));
    const b = answerOf(await handler(firstDer('meter-2@iot.example', 'iot.example'), ctx));
    assert.deepEqual(a.frame, b.frame);
  });
});
