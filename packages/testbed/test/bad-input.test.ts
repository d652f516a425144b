import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIGNALLING_MESSAGE_BYTES, startTestbed, type Testbed } from '../src/index.js';
import { getJson, pollUntil, SignallingClient } from './ws-client.js';

const silent = { log: () => undefined };

describe('signalling bad input', () => {
  let testbed: Testbed;
  const clients: SignallingClient[] = [];
  const connect = async (): Promise<SignallingClient> => {
    const c = await SignallingClient.connect(testbed.url);
    clients.push(c);
    return c;
  };
  const conferences = async (): Promise<Record<string, { endpoints: Record<string, string> }>> =>
    (await getJson(`${testbed.bridges[0]?.restUrl}/debug`)).conferences as Record<string, { endpoints: Record<string, string> }>;

  beforeAll(async () => {
    testbed = await startTestbed({ bridges: 1, logger: silent });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await testbed?.stop();
  });

  it.each([
    ['malformed JSON', '{"type":', 'malformed-json'],
    ['a JSON array', '[]', 'invalid-message'],
    ['an unknown message type', '{"type":"subscribe"}', 'unknown-type'],
    ['a join with a wrong field type', '{"type":"join","room":"r","sendAudio":1,"sendVideo":true}', 'invalid-message'],
    ['an answer before join', '{"type":"answer","sdp":"v=0"}', 'not-joined'],
    ['a room with no usable characters', '{"type":"join","room":"%%%","sendAudio":false,"sendVideo":false}', 'invalid-room'],
  ])('answers %s with an error and keeps the connection', async (_name, raw, code) => {
    const c = await connect();
    c.send(raw);
    expect(await c.next('error')).toMatchObject({ code });
    c.send({ type: 'join', room: 'still-works', sendAudio: false, sendVideo: false });
    expect(await c.next('joined')).toMatchObject({ room: 'still-works', bridgeId: 'jvb-1' });
    c.close();
  });

  it('rejects a second join on the same connection', async () => {
    const c = await connect();
    c.send({ type: 'join', room: 'twice', sendAudio: false, sendVideo: false });
    await c.next('joined');
    c.send({ type: 'join', room: 'twice', sendAudio: false, sendVideo: false });
    expect(await c.next('error')).toMatchObject({ code: 'already-joined' });
    c.close();
  });

  it('closes a connection that sends an oversized frame (1009) and keeps serving others', async () => {
    const c = await connect();
    c.send('x'.repeat(MAX_SIGNALLING_MESSAGE_BYTES + 1));
    expect(await c.closed()).toBe(1009);
    const d = await connect();
    d.send({ type: 'join', room: 'after-oversize', sendAudio: false, sendVideo: false });
    expect(await d.next('joined')).toMatchObject({ room: 'after-oversize' });
    d.close();
  });

  it('cleans up an endpoint whose connection drops abruptly', async () => {
    const stay = await connect();
    stay.send({ type: 'join', room: 'abrupt', displayName: 'stays', sendAudio: false, sendVideo: false });
    await stay.next('joined');
    const drop = await connect();
    drop.send({ type: 'join', room: 'abrupt', displayName: 'drops', sendAudio: false, sendVideo: false });
    const joined = await drop.next('joined');
    const before = await conferences();
    const conference = before[joined.conferenceId as string];
    expect(Object.keys(conference?.endpoints ?? {})).toHaveLength(2);
    const membersSeen = stay.messages.length;
    drop.terminate();
    const after = await pollUntil(conferences, (c) => Object.keys(c[joined.conferenceId as string]?.endpoints ?? {}).length === 1, 5_000);
    expect(Object.keys(after[joined.conferenceId as string]?.endpoints ?? {})).not.toContain(joined.endpointId);
    const members = await stay.next('members', 5_000, membersSeen);
    expect((members.members as unknown[]).length).toBe(1);
    stay.close();
    const empty = await pollUntil(conferences, (c) => !(joined.conferenceId as string in c), 5_000);
    expect(empty).not.toHaveProperty(joined.conferenceId as string);
    expect((await fetch(`${testbed.bridges[0]?.restUrl}/about/health`)).status).toBe(200);
  });
});
