import { describe, expect, it } from 'vitest';
import { assignedScenario, assignedTarget, botView, JltError, loadScenarioText, targetSchema as scenarioTargetSchema, type BotView, type PlannedBot } from '@jlt/core';
import { meetingUrlFor, type JitsiLikeTarget } from './join-flows.js';

const bot = (role: PlannedBot['role']): PlannedBot => ({ id: 'c01-p02', index: 1, conference: 'jlt-c01', conferenceIndex: 0, participantIndex: 1, role, mode: 'full', startOffsetMs: 0 });
const jitsiDefaults: BotView = { viewport: { width: 640, height: 360 }, tileView: true };
const hash = (url: string): string[] => new URL(url).hash.slice(1).split('&');

describe('meetingUrlFor', () => {
  it.each<[string, JitsiLikeTarget, PlannedBot['role'], string[], string[]]>([
    ['a sender keeps its media', { kind: 'jitsi', url: 'https://meet.example.org', prejoin: true }, 'sender', ['userInfo.displayName=%22c01-p02%22'], ['config.startWithVideoMuted=true']],
    ['a receiver starts muted', { kind: 'jitsi', url: 'https://meet.example.org', prejoin: true }, 'receiver', ['config.startWithVideoMuted=true', 'config.startWithAudioMuted=true'], []],
    ['prejoin off is passed on', { kind: 'jitsi', url: 'https://meet.example.org', prejoin: false }, 'sender', ['config.prejoinConfig.enabled=false'], []],
    ['target config comes first', { kind: 'jitsi', url: 'https://meet.example.org', prejoin: true, config: { 'p2p.enabled': false } }, 'receiver', ['config.p2p.enabled=false'], []],
    ['the testbed joins with its name and no prejoin override', { kind: 'testbed', url: 'http://127.0.0.1:8080' }, 'sender', ['userInfo.displayName=%22c01-p02%22'], ['config.prejoinConfig.enabled=false']],
    ['the testbed takes any config key', { kind: 'testbed', url: 'http://127.0.0.1:8080', config: { 'testbed.pageErrors': true } }, 'sender', ['config.testbed.pageErrors=true'], []],
  ])('%s', (_name, target, role, present, absent) => {
    const url = meetingUrlFor(target, bot(role), 'c01-p02', jitsiDefaults);
    expect(url.startsWith(`${target.url}/jlt-c01#`)).toBe(true);
    for (const p of present) expect(hash(url)).toContain(p);
    for (const p of absent) expect(hash(url)).not.toContain(p);
    expect(hash(url).filter((entry) => /^config\.(disableTileView|channelLastN)=/.test(entry)), "Jitsi's own tile view and last-N").toEqual([]);
  });

  it("gives each participant of a conference its own view from the scenario's bots, as Jitsi URL config", () => {
    const { scenario } = loadScenarioText(
      [
        'name: views',
        'target: { kind: testbed, config: { channelLastN: 3 } }',
        'conferences: 1',
        'participantsPerConference: 3',
        'duration: 10s',
        'bots:',
        '  viewport: { width: 800, height: 600 }',
        '  overrides:',
        '    - { participants: [0], viewport: { width: 1920, height: 1080 }, tileView: false }',
        '    - { participants: [2], lastN: 1 }',
      ].join('\n'),
      'views.yaml',
    );
    const { target, bots } = assignedScenario(scenario, 'http://127.0.0.1:8080');
    if (target.kind !== 'testbed') throw new Error(`assigned a ${target.kind} target`);
    const views = [0, 1, 2].map((participantIndex) => botView(bots, participantIndex));
    expect(views.map((v) => v.viewport)).toEqual([{ width: 1920, height: 1080 }, { width: 800, height: 600 }, { width: 800, height: 600 }]);
    const entries = views.map((view, participantIndex) =>
      hash(meetingUrlFor(target, { ...bot('receiver'), participantIndex }, 'x', view)).filter((e) => /^config\.(disableTileView|channelLastN)=/.test(e)),
    );
    expect(entries).toEqual([['config.channelLastN=3', 'config.disableTileView=true'], ['config.channelLastN=3'], ['config.channelLastN=1']]);
  });

  it("carries a testbed scenario's config from the scenario through the assignment to the page", () => {
    const target = assignedTarget(scenarioTargetSchema.parse({ kind: 'testbed', bridges: 2, config: { channelLastN: 2 } }), 'http://127.0.0.1:8080');
    if (target.kind !== 'testbed') throw new Error(`assigned a ${target.kind} target`);
    expect(hash(meetingUrlFor(target, bot('sender'), 'c01-p02', jitsiDefaults))).toContain('config.channelLastN=2');
  });

  it('refuses a config key a Jitsi server would silently ignore', () => {
    expect(() => meetingUrlFor({ kind: 'jitsi', url: 'https://meet.example.org', prejoin: true, config: { 'deploymentInfo.userRegion': 'eu' } }, bot('sender'), 'x', jitsiDefaults)).toThrow(JltError);
  });
});
