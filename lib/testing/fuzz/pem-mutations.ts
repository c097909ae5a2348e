import fc from "fast-check";
import { toPem } from "@/lib/pki/pem";
import { MAX_INPUT_BYTES } from "@/lib/testing/fuzz/der-mutations";

// Hostile PEM text: what people paste and what attackers send. Base64 that is not base64,
// headers that almost match, blocks glued to garbage, line endings and indentation of every
// kind, encrypted-PEM header lines, truncation anywhere, and text that is not PEM at all.

const BASE64_BREAKERS = ["*", "-", "%", "!", "=", "==A", "\u0000", "\u00e9", "\uff21", "\ud800", "A", "AA", "AAA", ".", "_", " \t"];

/** Text that sits around or between blocks; it never contains five dashes. */
export const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "\n", "\r\n", "  ", "Certificate request for build-agent-7:\n", "subject=CN = x\n", "Proc-Type: 4,ENCRYPTED\n"),
  fc.string({ unit: "binary", maxLength: 200 }).map((s) => s.replace(/-/g, "")),
);

const reformat = fc.constantFrom<(pem: string) => string>(
  (pem) => pem.replace(/\n/g, "\r\n"),
  (pem) => pem.replace(/\n/g, "\r"),
  (pem) => pem.replace(/\n/g, "\n    "),
  (pem) => pem.replace(/\n(?!-----)/g, ""),
  (pem) => pem.replace(/\n/g, " \t\n"),
  (pem) => pem,
);

/** A valid PEM of `der` with other formatting and garbage around it: every reader must still find the DER. */
export function decoratedPem(der: Uint8Array, label: string): fc.Arbitrary<string> {
  return fc.tuple(garbage, reformat, garbage).map(([before, format, after]) => `${before}${format(toPem(der, label))}${after}`);
}

/** Something PEM-shaped that is wrong in one way. */
export function brokenPem(der: Uint8Array, label: string): fc.Arbitrary<string> {
  const pem = toPem(der, label);
  const body = pem.slice(pem.indexOf("\n") + 1, pem.lastIndexOf("-----END"));
  const at = fc.nat(body.length);
  const withBody = (b: string) => `-----BEGIN ${label}-----\n${b}-----END ${label}-----\n`;
  return fc.oneof(
    fc.tuple(at, fc.constantFrom(...BASE64_BREAKERS)).map(([i, s]) => withBody(body.slice(0, i) + s + body.slice(i))),
    at.map((i) => withBody(body.slice(0, i) + body.slice(i + 1))),
    fc.constantFrom(label.toLowerCase(), `${label} `, ` ${label}`, "CERTIFICATE", "X509 CRL", "PRIVATE KEY", "NEW CERTIFICATE REQUEST", "").map((other) => pem.replace(/BEGIN [^-]*-/, `BEGIN ${other}-`)),
    fc.constantFrom("----", "------", "- ---", "—----").map((dashes) => pem.replaceAll("-----", dashes)),
    fc.constant(pem.replace(/-----END[^\n]*\n?$/, "")),
    fc.constant(pem.replace(/^-----BEGIN[^\n]*\n/, "")),
    fc.constant(`-----BEGIN ${label}-----\n` + pem),
    fc.constant(`Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\n${body}`).map((inner) => withBody(inner)),
    fc.nat(pem.length).map((n) => pem.slice(0, n)),
    fc.tuple(garbage, fc.nat(body.length)).map(([junk, i]) => withBody(body.slice(0, i) + junk + body.slice(i))),
  );
}

/** Text that is not PEM, or PEM markers in quantity: a bounded worst case for the readers' regular expressions. */
export const notPem: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 1000 }),
  fc.tuple(fc.constantFrom("-----BEGIN CERTIFICATE REQUEST-----", "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----", "-----", "\r"), fc.integer({ min: 1, max: 1500 })).map(([s, n]) =>
    s.repeat(n).slice(0, MAX_INPUT_BYTES),
  ),
);

/** Hostile PEM text from real DER: valid but decorated, broken, or not PEM at all. */
export function hostilePem(seeds: Uint8Array[], label: string): fc.Arbitrary<string> {
  const seed = fc.constantFrom(...seeds);
  return fc.oneof(
    { weight: 2, arbitrary: seed.chain((der) => decoratedPem(der, label)) },
    { weight: 4, arbitrary: seed.chain((der) => brokenPem(der, label)) },
    { weight: 1, arbitrary: notPem },
  );
}
