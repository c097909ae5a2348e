// PEM in and out, in Node and in the browser alike. Parsing
// tolerates what people paste: surrounding whitespace, CRLF, indentation, trailing text.

// Node's Buffer where there is one (the server: a redemption writes a certificate's PEM, and the
// byte-by-byte way below was 2 % of its CPU); atob/btoa in the browser.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const base64 = toBase64(der instanceof Uint8Array ? der : new Uint8Array(der));
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The DER inside the first PEM block with one of the labels, or null. */
export function fromPem(text: string, labels: string[]): Uint8Array | null {
  const normalized = text.replace(/\r\n?/g, "\n");
  for (const label of labels) {
    const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const match = new RegExp(`-----BEGIN ${escaped}-----([\\s\\S]*?)-----END ${escaped}-----`).exec(normalized);
    if (!match) continue;
    const body = match[1]!.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) return null;
    if (NodeBuffer) return new Uint8Array(NodeBuffer.from(body, "base64"));
    const binary = atob(body);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }
  return null;
}

/** Every certificate block in a chain file, in order. */
export function splitPemChain(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}
