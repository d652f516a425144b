import { describe, it, expect } from 'vitest';
import { JltError } from '../errors.js';
import { loadScenarioText } from './load.js';
import { fillPageTemplate, resolveTargetUrl } from './target.js';

const scenario = (target: string) =>
  loadScenarioText(`name: t\ntarget: ${target}\nconferences: 1\nparticipantsPerConference: 1\nduration: 1s\n`, 't.yaml').scenario;

describe('resolveTargetUrl', () => {
  it.each([
    ['file only', '{ kind: jitsi, url: https://file.example }', undefined, {}, 'https://file.example'],
    ['env over file', '{ kind: jitsi, url: https://file.example }', undefined, { JLT_TARGET_URL: 'https://env.example' }, 'https://env.example'],
    ['flag over env', '{ kind: jitsi }', 'https://flag.example', { JLT_TARGET_URL: 'https://env.example' }, 'https://flag.example'],
    ['empty env ignored', '{ kind: jitsi, url: https://file.example }', undefined, { JLT_TARGET_URL: '' }, 'https://file.example'],
    ['page ignores env', '{ kind: page, url: "http://page.example/", joinedWhen: { remoteMedia: any } }', undefined, { JLT_TARGET_URL: 'https://env.example' }, 'http://page.example/'],
    ['testbed has none yet', '{ kind: testbed }', undefined, { JLT_TARGET_URL: 'https://env.example' }, undefined],
  ])('%s', (_name, target, targetUrl, env, expected) => {
    expect(resolveTargetUrl(scenario(target), { targetUrl, env })).toBe(expected);
  });

  it.each([
    ['no URL anywhere', '{ kind: jitsi }', undefined, {}, /no target URL/],
    ['bad env URL', '{ kind: jitsi }', undefined, { JLT_TARGET_URL: 'meet.example' }, /JLT_TARGET_URL must be an http/],
    ['override on a testbed', '{ kind: testbed }', 'https://x.example', {}, /does not apply to a testbed/],
  ])('%s', (_name, target, targetUrl, env, message) => {
    let caught: unknown;
    try {
      resolveTargetUrl(scenario(target), { targetUrl, env });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JltError);
    expect((caught as JltError).message).toMatch(message);
    expect((caught as JltError).code).toBe('INVALID_ARGUMENT');
    expect((caught as JltError).hint).toMatch(/\S/);
  });
});

describe('fillPageTemplate', () => {
  const values = { bot: 'c01-p02', index: '7', room: 'load-01', conferenceIndex: '0', participantIndex: '1', displayName: 'c01-p02' };
  it.each([
    ['bot{index}', 'bot7'],
    ['/join?room=100{conferenceIndex}&name={bot}', '/join?room=1000&name=c01-p02'],
    ['{room}/{participantIndex}/{displayName}', 'load-01/1/c01-p02'],
    // JavaScript braces that are not placeholders stay as they are.
    ['const { a } = x; ({unknown}); {}', 'const { a } = x; ({unknown}); {}'],
    ['{index}{index}', '77'],
  ])('%s → %s', (text, expected) => {
    expect(fillPageTemplate(text, values)).toBe(expected);
  });
});
