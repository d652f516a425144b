import { JltError } from '@jlt/core';
import { CONFIG_WHITELIST, INTERFACE_CONFIG_WHITELIST } from './config-whitelist.js';

/*
 * Meeting URLs in the form Jitsi Meet's web client reads:
 * `https://host/room#config.p2p.enabled=false&userInfo.displayName=%22Bot%2001%22`.
 * Each hash value is `encodeURIComponent(JSON.stringify(value))`; the client splits the hash on `&`
 * and `=`, `decodeURIComponent`s the value and JSON-parses it (jitsi-meet `parseURLParams.ts`), nests
 * dotted keys (`setConfigFromURLParams`) and applies only whitelisted `config`/`interfaceConfig` keys.
 */

export interface MeetingUrlOptions {
  /**
   * `config` overrides. A key is a top-level name with any JSON value (`p2p: {enabled: false}`) or a
   * dotted path (`'p2p.enabled': false`); each key becomes one hash parameter, in insertion order.
   */
  config?: Record<string, unknown>;
  /** `interfaceConfig` overrides, same form. */
  interfaceConfig?: Record<string, unknown>;
  /** Sent as `userInfo.displayName`; fills the prejoin name input. */
  displayName?: string;
  /**
   * Reject overrides a production Jitsi web client would silently ignore (default true). Only Jitsi dev
   * builds (and jlt's testbed) apply unlisted keys.
   */
  checkWhitelist?: boolean;
}

/** Builds `<baseUrl>/<room>#<hash config>`. Throws `INVALID_ARGUMENT` naming every problem at once. */
export function buildMeetingUrl(baseUrl: string, room: string, options: MeetingUrlOptions = {}): string {
  const problems: string[] = [];
  let base: URL | undefined;
  try {
    base = new URL(baseUrl);
    if (base.protocol !== 'https:' && base.protocol !== 'http:') problems.push(`base URL ${baseUrl} must be http(s)`);
    if (base.hash !== '') problems.push(`base URL ${baseUrl} must not have a #fragment (jlt writes the hash config)`);
  } catch {
    problems.push(`base URL "${baseUrl}" is not a valid URL`);
  }
  if (!isSafeRoomName(room)) {
    const suggestion = safeSuggestion(room);
    problems.push(`room "${room}" is not a plain Jitsi room name (lowercase a-z, 0-9, "-", "_", ".")${suggestion}`);
  }

  const params: string[] = [];
  const sections: Array<['config' | 'interfaceConfig', Record<string, unknown> | undefined]> = [
    ['config', options.config],
    ['interfaceConfig', options.interfaceConfig],
  ];
  for (const [section, overrides] of sections) {
    for (const [key, value] of Object.entries(overrides ?? {})) {
      const problem = hashParamProblem(`${section}.${key}`, value);
      if (problem) problems.push(problem);
      else params.push(`${section}.${key}=${encodeHashValue(value)}`);
    }
    if (options.checkWhitelist !== false) {
      for (const ignored of findIgnoredConfigKeys(section, overrides ?? {})) problems.push(formatIgnoredKey(section, ignored));
    }
  }
  if (options.displayName !== undefined) params.push(`userInfo.displayName=${encodeHashValue(options.displayName)}`);

  if (problems.length > 0 || base === undefined) {
    throw new JltError('INVALID_ARGUMENT', `Cannot build the meeting URL:\n  ${problems.join('\n  ')}`, {
      hint: 'Fix the target URL, room name or config overrides above; see jitsi-meet configWhitelist.ts for keys Jitsi applies from the URL.',
    });
  }
  const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  const hash = params.length > 0 ? `#${params.join('&')}` : '';
  return `${base.origin}${path}${room}${base.search}${hash}`;
}

/**
 * `encodeURIComponent(JSON.stringify(value))`, with the characters Jitsi's parser rewrites before
 * JSON-parsing (`\&` and typographic quotes) written as JSON `\u` escapes so they survive unchanged.
 */
export function encodeHashValue(value: unknown): string {
  const json = JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'number' && !Number.isFinite(inner)) throw new TypeError(`${inner} has no JSON form`);
    return inner;
  }) as string | undefined;
  if (json === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  // These characters only ever occur inside JSON strings, where a \u escape is equivalent.
  const escaped = json.replace(/[&\u2018\u2019\u201C\u201D]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return encodeURIComponent(escaped);
}

const BLOCKED_KEYS = ['__proto__', 'constructor', 'prototype'];
const KEY_SEGMENT = /^[A-Za-z0-9_$-]+$/;

function hashParamProblem(key: string, value: unknown): string | undefined {
  const segments = key.split('.');
  if (segments.some((segment) => !KEY_SEGMENT.test(segment) || BLOCKED_KEYS.includes(segment))) {
    return `key "${key}" must be dot-separated names of letters, digits, "_", "$" or "-"`;
  }
  try {
    encodeHashValue(value);
    return undefined;
  } catch (error) {
    return `value of "${key}" cannot be sent: ${(error as Error).message}`;
  }
}

/**
 * The hash parameters exactly as Jitsi Meet's `parseURLParams(url, false, 'hash')` returns them: the
 * hash (with or without its `#`) is split on `&`; each part on `=`, keeping only the text before a
 * second `=`; keys stay encoded; a key with a `__proto__`/`constructor`/`prototype` segment is dropped;
 * the value is URI-decoded, its first `\&` becomes `&`, typographic quotes become ASCII ones, and it
 * is JSON-parsed (dropping those same keys). A part whose value does not decode or parse is skipped,
 * as Jitsi skips it; a key without `=` maps to `undefined`; a later duplicate wins. A hash that is a
 * single `/…` part (a hash router) yields no parameters.
 */
export function parseHashParams(hash: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const parts = (hash.startsWith('#') ? hash.slice(1) : hash).split('&');
  if (parts.length === 1 && parts[0]?.startsWith('/')) return params;
  for (const part of parts) {
    const [key, rawValue] = part.split('=');
    if (!key || key.split('.').some((segment) => BLOCKED_KEYS.includes(segment))) continue;
    let value: unknown;
    try {
      const decoded = decodeURIComponent(String(rawValue))
        .replace(/\\&/, '&')
        .replace(/[\u2018\u2019]/g, "'")
        .replace(/[\u201C\u201D]/g, '"');
      value = decoded === 'undefined' ? undefined : safeJsonParse(decoded);
    } catch {
      continue;
    }
    params[key] = value;
  }
  return params;
}

function safeJsonParse(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (BLOCKED_KEYS.includes(key) ? undefined : value));
}

/**
 * The nested object Jitsi builds from the hash before applying it (`setConfigFromURLParams`):
 * `config.p2p.enabled=false` → `{config: {p2p: {enabled: false}}}`, parameters applied in order. Where
 * Jitsi would try to set a property on a non-object value (`config.p2p=1&config.p2p.enabled=false`,
 * which throws in its strict-mode code) the parameter is skipped.
 */
export function parseHashConfig(hash: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [param, value] of Object.entries(parseHashParams(hash))) {
    const names = param.split('.');
    const last = names.pop() ?? '';
    let base: Record<string, unknown> | undefined = root;
    for (const name of names) {
      const existing: unknown = base[name] || {};
      if (typeof existing !== 'object' || existing === null) {
        base = undefined;
        break;
      }
      base[name] = existing;
      base = existing as Record<string, unknown>;
    }
    if (base !== undefined) base[last] = value;
  }
  return root;
}

const SAFE_ROOM = /^[a-z0-9_.-]+$/;

/** True for room names that Jitsi keeps as they are (no case folding, no percent-encoding). */
export function isSafeRoomName(name: string): boolean {
  return SAFE_ROOM.test(name) && !/^[.-]|[.-]$/.test(name);
}

/**
 * A room name Jitsi uses unchanged end to end. Jitsi itself NFKC-normalises, lowercases and
 * percent-encodes room names on the way to the backend (`getBackendSafeRoomName`); this goes further
 * so that the name in the URL, in JVB's `/debug` and in reports is the same string: compatibility
 * decomposition with accents dropped (`Räum` → `raum`, `ＡＢＣ` → `abc`), lowercase, every run of other
 * characters replaced by `-`, leading and trailing `-`/`.` removed. Throws `INVALID_ARGUMENT` when
 * nothing usable remains.
 */
export function sanitizeRoomName(name: string): string {
  const sanitized = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
  if (sanitized === '') {
    throw new JltError('INVALID_ARGUMENT', `room name "${name}" has no letters or digits Jitsi can use`, {
      hint: 'Use a room prefix made of a-z, 0-9, "-" or "_".',
    });
  }
  return sanitized;
}

function safeSuggestion(room: string): string {
  try {
    return `; use "${sanitizeRoomName(room)}"`;
  } catch {
    return '';
  }
}

/** An override a production Jitsi web client would ignore, with the closest keys it does apply. */
export interface IgnoredConfigKey {
  /** Dotted path inside the section, e.g. `deploymentInfo.userRegion`. */
  key: string;
  suggestions: string[];
}

/**
 * Every override path of `overrides` that `lodash.pick(overrides, whitelist)` would drop, for the
 * `config` or `interfaceConfig` section. Object values are walked to their leaves, because Jitsi
 * picks whitelisted paths out of them and drops the rest.
 */
export function findIgnoredConfigKeys(section: 'config' | 'interfaceConfig', overrides: Record<string, unknown>): IgnoredConfigKey[] {
  const whitelist = section === 'config' ? CONFIG_WHITELIST : INTERFACE_CONFIG_WHITELIST;
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(overrides)) collectIgnored(key, value, whitelist, ignored);
  return ignored.map((key) => ({ key, suggestions: nearestKeys(key, whitelist, 3) }));
}

function collectIgnored(path: string, value: unknown, whitelist: readonly string[], out: string[]): void {
  if (whitelist.some((entry) => path === entry || path.startsWith(`${entry}.`))) return;
  const isBranch = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
  if (!isBranch) {
    out.push(path);
    return;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) collectIgnored(`${path}.${key}`, inner, whitelist, out);
}

function formatIgnoredKey(section: string, ignored: IgnoredConfigKey): string {
  const nearest = ignored.suggestions.map((key) => `${section}.${key}`).join(', ');
  return `${section}.${ignored.key} is ignored by Jitsi Meet (not in its ${section} whitelist); nearest allowed: ${nearest}`;
}

/** The `count` whitelist entries closest to `key`: same first segment first, then by edit distance. */
export function nearestKeys(key: string, candidates: readonly string[], count: number): string[] {
  const head = key.split('.')[0]?.toLowerCase();
  const lower = key.toLowerCase();
  return candidates
    .map((candidate) => ({
      candidate,
      sameHead: candidate.split('.')[0]?.toLowerCase() === head ? 0 : 1,
      distance: editDistance(lower, candidate.toLowerCase()),
    }))
    .sort((a, b) => a.sameHead - b.sameHead || a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
