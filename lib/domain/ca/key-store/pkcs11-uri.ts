import { readFileSync } from "node:fs";
import { KeyStoreConfigError } from "./types";

// RFC 7512 PKCS#11 URIs: CA_KEY_STORE names the token (and the module that reaches it),
// and each CA's stored reference names its key in that token. Path attributes are
// `;`-separated, query attributes `&`-separated, values percent-encoded. Anything this file
// does not understand is refused by name: a typo must not pick another token.

const PATH_ATTRIBUTES = new Set(["token", "manufacturer", "serial", "model", "library-manufacturer", "library-description", "library-version", "object", "type", "id", "slot-description", "slot-manufacturer", "slot-id"]);
const QUERY_ATTRIBUTES = new Set(["pin-source", "pin-value", "module-name", "module-path"]);

/** The octets of a percent-encoded value, or null when a % is not followed by two hex digits. */
function percentDecode(text: string): Buffer | null {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "%") {
      out.push(...Buffer.from(text[i]!, "utf8"));
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/i.test(hex)) return null;
    out.push(parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(out);
}

export type Pkcs11Uri = { path: Map<string, string>; query: Map<string, string> };

/** The path and query attributes of an RFC 7512 URI, decoded; KeyStoreConfigError naming what is wrong. */
export function parsePkcs11Uri(uri: string, what = "CA_KEY_STORE"): Pkcs11Uri {
  const fail = (why: string) => new KeyStoreConfigError(`${what} is not a PKCS#11 URI (RFC 7512): ${why}. Example: pkcs11:token=certdoor?module-path=/usr/lib/softhsm/libsofthsm2.so`);
  if (!/^pkcs11:/i.test(uri)) throw fail(`it must start with "pkcs11:"`);
  const [pathPart = "", queryPart, ...extra] = uri.slice("pkcs11:".length).split("?");
  if (extra.length > 0) throw fail("it has more than one '?'");
  const read = (part: string, separator: string, known: Set<string>) => {
    const attributes = new Map<string, string>();
    for (const item of part.split(separator).filter(Boolean)) {
      const equals = item.indexOf("=");
      if (equals <= 0) throw fail(`"${item}" is not name=value`);
      const name = item.slice(0, equals).toLowerCase();
      if (!known.has(name) && !name.startsWith("x-")) throw fail(`"${name}" is not a ${separator === ";" ? "path" : "query"} attribute`);
      if (attributes.has(name)) throw fail(`"${name}" is given twice`);
      // id is binary (CKA_ID): kept as hex; the others are UTF-8 text.
      const bytes = percentDecode(item.slice(equals + 1));
      const value = bytes === null ? null : name === "id" ? bytes.toString("hex") : new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      if (value === null) throw fail(`the value of "${name}" is not percent-encoded correctly`);
      attributes.set(name, value);
    }
    return attributes;
  };
  return { path: read(pathPart, ";", PATH_ATTRIBUTES), query: read(queryPart ?? "", "&", QUERY_ATTRIBUTES) };
}

/** What CA_KEY_STORE configures: the module, the token it selects, and the user PIN. */
export type Pkcs11Config = { modulePath: string; token: { label?: string; serial?: string; slotId?: number }; pin: string; uri: string };

/** CA_KEY_STORE as a PKCS#11 configuration: module-path, a token (label, serial or slot-id) and a PIN (CA_KEY_STORE_PIN, pin-source=file:… or pin-value). */
export function pkcs11Config(uri: string, pinFromEnv: string | undefined): Pkcs11Config {
  const { path, query } = parsePkcs11Uri(uri);
  const modulePath = query.get("module-path");
  if (!modulePath) throw new KeyStoreConfigError("CA_KEY_STORE names no PKCS#11 module: add ?module-path=/path/to/the/vendor/library.so (for SoftHSM2: /usr/lib/softhsm/libsofthsm2.so).");
  const slotText = path.get("slot-id");
  if (slotText !== undefined && !/^\d+$/.test(slotText)) throw new KeyStoreConfigError(`CA_KEY_STORE's slot-id "${slotText}" is not a number.`);
  const token = { label: path.get("token"), serial: path.get("serial"), slotId: slotText === undefined ? undefined : Number(slotText) };
  if (token.label === undefined && token.serial === undefined && token.slotId === undefined) {
    throw new KeyStoreConfigError("CA_KEY_STORE names no token: add token=<label> (or serial=… or slot-id=…), e.g. pkcs11:token=certdoor?module-path=….");
  }
  return { modulePath, token, pin: pinOf(query, pinFromEnv), uri };
}

function pinOf(query: Map<string, string>, pinFromEnv: string | undefined): string {
  if (pinFromEnv !== undefined) return pinFromEnv;
  const source = query.get("pin-source");
  if (source !== undefined) {
    const file = source.startsWith("file:") ? source.slice("file:".length).replace(/^\/\/(?=\/)/, "") : null;
    if (!file) throw new KeyStoreConfigError(`CA_KEY_STORE's pin-source "${source}" is not a file: use pin-source=file:/path/to/pin-file or set CA_KEY_STORE_PIN.`);
    try {
      // A PIN file written by `echo` ends with a newline that is no part of the PIN.
      return readFileSync(file, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      throw new KeyStoreConfigError(`CA_KEY_STORE's pin-source ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): fix the path or its permissions, or set CA_KEY_STORE_PIN.`);
    }
  }
  const value = query.get("pin-value");
  if (value !== undefined) return value;
  throw new KeyStoreConfigError("CA_KEY_STORE gives no PIN for the token: set CA_KEY_STORE_PIN, or add pin-source=file:/path/to/pin-file to the URI.");
}

const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The reference stored for a CA's key: its token and the object's label and id (the CA's id, and its 16 bytes). Never a PIN or a module path: those are this installation's configuration. */
export function keyReference(token: string, caId: string): string {
  const id = [...caIdBytes(caId)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  return `pkcs11:token=${encode(token)};object=${encode(caId)};id=${id};type=private`;
}

/** A CA id (a UUID) as the 16 bytes of CKA_ID. */
export function caIdBytes(caId: string): Buffer {
  const hex = caId.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`${caId} is not a UUID`);
  return Buffer.from(hex, "hex");
}
