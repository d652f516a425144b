/** snappyjs (a dev dependency): an independent Snappy implementation the tests decode with. */
declare module 'snappyjs' {
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
