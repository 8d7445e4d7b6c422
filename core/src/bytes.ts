/** `len` bytes from `start` as an ASCII string (chunk types, segment signatures). */
export function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}
