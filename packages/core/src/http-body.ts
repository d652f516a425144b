/** The largest answer body jlt reads from a server it polls; more is garbage for every surface it knows. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A body longer than the reader's limit; the transfer was cancelled when it passed the limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  constructor(
    readonly limitBytes: number,
    /** The declared `Content-Length`, or undefined when the body was cut while streaming. */
    readonly declaredBytes?: number,
  ) {
    super(
      declaredBytes === undefined
        ? `body exceeds the limit of ${limitBytes} bytes`
        : `body of ${declaredBytes} bytes exceeds the limit of ${limitBytes} bytes`,
    );
  }
}

/**
 * A fetch `Response`'s body as text (UTF-8, like `response.text()`), reading at most `maxBytes`. The
 * limit holds while streaming, so a chunked answer without `Content-Length` (or one that lies in it)
 * cannot make the reader buffer more: past the limit the transfer is cancelled and the promise
 * rejects with a `BodyTooLargeError`. Network errors and aborts reject as from `response.text()`.
 */
export async function readBodyText(response: Response, maxBytes = DEFAULT_MAX_BODY_BYTES): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes, declared);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}
