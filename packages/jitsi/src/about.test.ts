import { describe, expect, it } from 'vitest';
import { healthFromResponse, parseJvbVersion } from './about.js';

describe('parseJvbVersion', () => {
  it.each([
    [{ name: 'JVB', version: '2.3.63-g2a4cc2f8', os: 'Linux' }],
    [{ name: 'JVB', version: '2.3.63', os: 'Linux', extra: 1 }],
    [{}],
  ])('accepts %j', (body) => {
    expect(parseJvbVersion(body)).toEqual(body);
  });

  it.each([
    [{ name: 'JVB', version: 2.3 }, 'key "version"'],
    [{ name: null }, 'key "name"'],
    [{ os: ['Linux'] }, 'key "os"'],
  ])('rejects %j naming the key', (body, expected) => {
    expect(() => parseJvbVersion(body, 'http://jvb:8080/about/version')).toThrow(expected);
  });
});

describe('healthFromResponse', () => {
  it.each([
    { status: 200, body: '', expected: { healthy: true, status: 200 } },
    { status: 200, body: '  \n', expected: { healthy: true, status: 200 } },
    { status: 200, body: '{"ok":true}', expected: { healthy: true, status: 200, detail: { ok: true } } },
    { status: 500, body: 'Health check failed', expected: { healthy: false, status: 500, detail: 'Health check failed' } },
    { status: 503, body: '', expected: { healthy: false, status: 503 } },
    { status: 302, body: '', expected: { healthy: false, status: 302 } },
  ])('$status $body', ({ status, body, expected }) => {
    expect(healthFromResponse(status, body)).toEqual(expected);
  });
});
