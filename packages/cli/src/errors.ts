import { ConfigError, ExitCode, formatConfigIssue, isJltError, type ErrorCode, type Writable } from '@jlt/core/essentials';

/** A command line jlt cannot run: an unknown flag, a missing argument, a value out of range. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * The classes every error a command can meet falls into, each with its exit code. `tool`: a program
 * jlt drives (helm, kubectl, ansible) failed, in its own words; not a bug of jlt, so no stack.
 */
export type ErrorClass = 'config' | 'input' | 'target-unreachable' | 'agent-lost' | 'interrupted' | 'tool' | 'internal';

export interface ClassifiedError {
  class: ErrorClass;
  exitCode: number;
  /** One or more lines; a config error has one `FILE:LINE: path: message` line per problem. */
  message: string;
  hint?: string;
  /** Only for internal errors: the stack, shown with --verbose. */
  stack?: string;
}

const CLASS_OF_CODE: Record<ErrorCode, ErrorClass> = {
  INVALID_SCENARIO: 'config',
  INVALID_ARGUMENT: 'input',
  FILE_NOT_FOUND: 'input',
  UNKNOWN_REGISTRY_NAME: 'input',
  TARGET_UNREACHABLE: 'target-unreachable',
  PREFLIGHT_FAILED: 'input',
  DEPLOY_STEP_FAILED: 'tool',
  AGENT_LOST: 'agent-lost',
  AGENT_REFUSED: 'agent-lost',
  INTERRUPTED: 'interrupted',
  PROTOCOL_ERROR: 'internal',
  INTERNAL: 'internal',
};

/** Puts any thrown value in its class, once, at the boundary. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof UsageError) {
    return { class: 'input', exitCode: ExitCode.invalidInput, message: error.message, hint: error.hint ?? "run 'jlt --help' or 'jlt COMMAND --help' for usage" };
  }
  if (error instanceof ConfigError) {
    return { class: 'config', exitCode: error.exitCode, message: error.issues.map(formatConfigIssue).join('\n'), ...(error.hint ? { hint: error.hint } : {}) };
  }
  if (isJltError(error)) {
    const errorClass = CLASS_OF_CODE[error.code];
    return {
      class: errorClass,
      exitCode: error.exitCode,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(errorClass === 'internal' ? { stack: stackOf(error) } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { class: 'internal', exitCode: ExitCode.internalError, message, hint: 'this is a bug in jlt; run again with --verbose and report the stack trace', stack: stackOf(error) };
}

const PREFIX: Record<ErrorClass, string> = {
  config: '',
  input: 'error: ',
  'target-unreachable': 'error: ',
  'agent-lost': 'error: ',
  interrupted: '',
  tool: 'error: ',
  internal: 'internal error: ',
};

/** The one format: the message (config errors as FILE:LINE lines), the hint, a stack only with --verbose. */
export function formatError(error: ClassifiedError, options: { verbose: boolean }): string {
  const lines = [`${PREFIX[error.class]}${error.message}`];
  if (error.hint) lines.push(`hint: ${error.hint}`);
  if (error.stack !== undefined && options.verbose) lines.push(error.stack);
  return `${lines.join('\n')}\n`;
}

export function reportError(error: unknown, stderr: Writable, options: { verbose: boolean }): number {
  const classified = classifyError(error);
  stderr.write(formatError(classified, options));
  return classified.exitCode;
}

/** The stack with its causes, for a bug report. */
function stackOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : JSON.stringify(current) ?? typeof current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\ncaused by: ');
}
