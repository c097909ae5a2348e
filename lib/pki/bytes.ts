/**
 * The exact bytes of a view as a fresh ArrayBuffer. Never use `buffer.buffer`: a small Node
 * Buffer is a window on a shared 8 KiB pool, and its `.buffer` is the whole pool.
 */
export function arrayBufferOf(view: Uint8Array): ArrayBuffer {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
}

export const hexToArrayBuffer = (hex: string): ArrayBuffer => arrayBufferOf(Buffer.from(hex, "hex"));
