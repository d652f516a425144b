/**
 * The one exit-code table. Only packages/cli maps a run status or an error to a process exit code;
 * library code returns a status or throws a JltError whose `code` maps here.
 */
export const ExitCode = {
  /** The run completed and every threshold held (or `validate`/`plan` found nothing wrong). */
  passed: 0,
  /** An internal error: a bug in jlt, or an environment failure with no more specific code. */
  internalError: 1,
  /** Flags, scenario files or other user input are invalid; nothing was run. */
  invalidInput: 2,
  /** The target (meeting URL, testbed, bridges) could not be reached or started. */
  targetUnreachable: 3,
  /** An agent was lost mid-run and the scenario's `onAgentLoss` is `fail`. */
  agentLost: 4,
  /** A threshold with `abortOnFail` failed and ended the run early. */
  abortedByThreshold: 5,
  /** The run was interrupted by SIGINT/SIGTERM; results collected so far are kept. */
  interrupted: 130,
  /** The run completed but at least one threshold failed (k6's 99). */
  thresholdsFailed: 99,
} as const;
export type ExitCodeName = keyof typeof ExitCode;

/** Stable machine-readable error codes; each maps to one exit code. */
export const ErrorCodes = {
  INVALID_SCENARIO: 'invalidInput',
  INVALID_ARGUMENT: 'invalidInput',
  FILE_NOT_FOUND: 'invalidInput',
  UNKNOWN_REGISTRY_NAME: 'invalidInput',
  TARGET_UNREACHABLE: 'targetUnreachable',
  /** `jlt deploy apply` found a problem before changing anything (a missing tool, too few nodes). */
  PREFLIGHT_FAILED: 'invalidInput',
  /** A deploy step (helm, kubectl, ansible) failed; the message is the tool's own. */
  DEPLOY_STEP_FAILED: 'internalError',
  AGENT_LOST: 'agentLost',
  AGENT_REFUSED: 'agentLost',
  INTERRUPTED: 'interrupted',
  PROTOCOL_ERROR: 'internalError',
  INTERNAL: 'internalError',
} as const satisfies Record<string, ExitCodeName>;
export type ErrorCode = keyof typeof ErrorCodes;

export interface JltErrorOptions {
  /** What the user can do next, printed under the message. */
  hint?: string;
  cause?: unknown;
}

/** Every error jlt raises on purpose. The CLI prints `message` and `hint` once, never a stack. */
export class JltError extends Error {
  override readonly name: string = 'JltError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: JltErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): number {
    return ExitCode[ErrorCodes[this.code]];
  }
}

/** One problem in an input file, located by file and 1-based line. */
export interface ConfigIssue {
  file: string;
  line: number;
  /** Dotted path inside the document, e.g. `thresholds.webrtc_rtt_ms[0]`; empty for the root. */
  path: string;
  message: string;
}

/** Every problem found in the inputs at once, each formatted as `FILE:LINE: path: message`. */
export class ConfigError extends JltError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: JltErrorOptions = {}) {
    super('INVALID_SCENARIO', issues.map(formatConfigIssue).join('\n'), options);
    this.issues = issues;
  }
}

export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

export function isJltError(error: unknown): error is JltError {
  return error instanceof JltError;
}
