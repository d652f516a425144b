import { describe, expect, it } from 'vitest';
import { SecretRedactor, redactUrl, redactUrlsIn, splitUrlCredentials } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['http://user:CANARY@127.0.0.1:8080/room', 'http://user:***@127.0.0.1:8080/room'],
    ['https://meet.example.org/', 'https://meet.example.org/'],
    ['https://only-user@meet.example.org/', 'https://only-user@meet.example.org/'],
    ['https://u:p%40ss@meet.example.org/x?y=1', 'https://u:***@meet.example.org/x?y=1'],
    ['not a url, but http://a:b@c/ inside', 'not a url, but http://a:***@c/ inside'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactUrlsIn', () => {
  it('redacts every URL password in free text and leaves ports and paths alone', () => {
    expect(redactUrlsIn('could not open http://bot:s3cret@host:8443/r1 (net::ERR) then ws://x:y@h/ and http://host:80/a@b')).toBe(
      'could not open http://bot:***@host:8443/r1 (net::ERR) then ws://x:***@h/ and http://host:80/a@b',
    );
  });
});

describe('splitUrlCredentials', () => {
  it('turns user info into a basic-auth header and a URL fetch accepts', () => {
    expect(splitUrlCredentials('http://user:p%40ss@h:1/x')).toEqual({ target: 'http://h:1/x', authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}` });
    expect(splitUrlCredentials('http://h/x')).toEqual({ target: 'http://h/x' });
  });
});

describe('SecretRedactor', () => {
  it('replaces registered secrets, their URL-encoded form and URL passwords, in text and in nested values', () => {
    const redactor = new SecretRedactor().add('tok-123456', 'p@ss word', undefined, 'ab');
    expect(redactor.text('token tok-123456 and p%40ss%20word, ab stays')).toBe('token *** and ***, ab stays');
    expect(redactor.value({ url: 'http://u:x@h/', list: ['tok-123456', 3], nested: { 'tok-123456': null } })).toEqual({
      url: 'http://u:***@h/',
      list: ['***', 3],
      nested: { '***': null },
    });
  });
});
