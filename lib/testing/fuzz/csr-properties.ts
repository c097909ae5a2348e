import { ok } from "node:assert/strict";
import { sign, X509Certificate } from "node:crypto";
import fc from "fast-check";
import { isPkiError, type PkiErrorCode } from "@/lib/pki/errors";
import { type CheckedCsr, checkCsr, subjectFor } from "@/lib/pki/csr";
import { tlv } from "@/lib/pki/der";
import { issueClientCertificate } from "@/lib/pki/issue";
import { fromPem, toPem } from "@/lib/pki/pem";
import { type DerNode, encodeDer, hostileDer, parseDerTree, structuralMutation } from "@/lib/testing/fuzz/der-mutations";
import type { CsrSeed, ParserSeeds } from "@/lib/testing/fuzz/parser-seeds";
import { hostilePem } from "@/lib/testing/fuzz/pem-mutations";
import { type NamedProperty, Tally } from "@/lib/testing/fuzz/tally";

// The CSR check under hostile input. Two promises: every refusal is one of the contract's
// CSR errors (never a TypeError that a door would answer as a 500), and whatever is accepted
// is exactly what the key holder signed; a mutation that touched the signed part and still
// passed would mean the signature was not checked over what the server reads.

const CSR_ERRORS = new Set<string>(["invalid_csr", "csr_signature_invalid", "unsupported_key"]);
const LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

/** checkCsr's result, or the contract code it refused with; anything else fails the property. */
function outcomeOf(pem: string, tally: Tally): CheckedCsr | PkiErrorCode | "internal" {
  let result: CheckedCsr | PkiErrorCode | "internal" = "internal";
  tally.time(() => {
    try {
      result = checkCsr(pem);
      return "accepted";
    } catch (error) {
      ok(isPkiError(error) && CSR_ERRORS.has(error.code), `checkCsr threw something other than a CSR error: ${String((error as Error)?.stack ?? error)}`);
      result = error.code;
      return error.code;
    }
  }, pem);
  return result;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** An accepted request must be one of the seeds, its signed part untouched by the mutation. */
function assertIsASeed(checked: CheckedCsr, der: Uint8Array | null, seeds: CsrSeed[]): void {
  const seed = seeds.find((s) => der !== null && Buffer.from(der).includes(Buffer.from(s.tbs)));
  ok(seed, "checkCsr accepted a request whose signed part is none of the seeds' (the mutation reached what was signed)");
  ok(sameBytes(checked.spkiDer, seed.expected.spkiDer), "accepted with another key than the one that signed");
  ok(JSON.stringify(checked.subject) === JSON.stringify(seed.expected.subject), "accepted with another subject than the one that was signed");
}

const NO_TOKEN_SUBJECT = { commonName: null, organization: null, organizationalUnit: null };

/** A request with this signed part, signed by the seed's own key: a valid signature over whatever `tbs` holds. */
export function signedRequest(seed: CsrSeed, tbs: Uint8Array): Uint8Array {
  const signature = sign("sha256", tbs, seed.privateKey);
  return new Uint8Array(tlv(0x30, tbs, seed.signatureAlgorithm, tlv(0x03, Buffer.from([0]), signature)));
}

type DerTlv = Exclude<DerNode, { raw: Uint8Array }>;

/**
 * The seed's request with its key's algorithm parameters wrapped in an indefinite-length
 * SEQUENCE (BER), properly signed: OpenSSL reads such an RSA key. Found by the property below.
 */
export function requestWithBerKeyParameters(seed: CsrSeed): Uint8Array {
  const [info] = parseDerTree(seed.tbs) as DerTlv[];
  const algorithm = ((info!.content as DerTlv[])[2]!.content as DerTlv[])[0]!.content as DerNode[];
  algorithm[1] = { raw: new Uint8Array([0x30, 0x80, ...encodeDer([algorithm[1]!]), 0, 0]) };
  return signedRequest(seed, encodeDer([info!]));
}

/** The signed part of `seed`, mutated and signed again: hostile content under a valid signature. */
const resigned = (seed: CsrSeed): fc.Arbitrary<Uint8Array> => structuralMutation(seed.tbs).map((tbs) => signedRequest(seed, tbs));

export function csrProperties(seeds: ParserSeeds): NamedProperty[] {
  const ders = seeds.csrs.map((s) => s.der);
  const issuerKey = new X509Certificate(seeds.issuer.certificatePem).publicKey;
  const mutatedDer = new Tally();
  const mutatedPem = new Tally();
  const signedHostile = new Tally();
  return [
    {
      name: "checkCsr, mutated DER of real requests: only CSR errors; what it accepts is what was signed",
      tally: mutatedDer,
      check: (options) =>
        fc.assert(
          fc.property(hostileDer(ders), (der) => {
            const outcome = outcomeOf(toPem(der, "CERTIFICATE REQUEST"), mutatedDer);
            if (typeof outcome !== "string") assertIsASeed(outcome, der, seeds.csrs);
          }),
          options,
        ),
    },
    {
      name: "checkCsr, hostile PEM text: only CSR errors; what it accepts is what was signed",
      tally: mutatedPem,
      check: (options) =>
        fc.assert(
          fc.property(hostilePem(ders, "CERTIFICATE REQUEST"), (pem) => {
            const outcome = outcomeOf(pem, mutatedPem);
            if (typeof outcome !== "string") assertIsASeed(outcome, fromPem(pem, LABELS), seeds.csrs);
          }),
          options,
        ),
    },
    {
      name: "checkCsr, hostile content under a valid signature: the key is the signer's, the subject follows the token rules, the certificate parses",
      tally: signedHostile,
      check: (options) =>
        fc.assert(
          // async: issuing signs through the issuer's Signer
          fc.asyncProperty(
            fc.nat(seeds.csrs.length - 1).chain((i) => resigned(seeds.csrs[i]!).map((der) => [i, der] as const)),
            async ([i, der]) => {
              const outcome = outcomeOf(toPem(der, "CERTIFICATE REQUEST"), signedHostile);
              if (typeof outcome === "string") return;
              ok(outcome.publicKey.equals(seeds.csrs[i]!.expected.publicKey), "accepted a key other than the one that signed");
              let subject: ReturnType<typeof subjectFor>;
              try {
                subject = subjectFor(NO_TOKEN_SUBJECT, outcome.subject);
              } catch (error) {
                ok(isPkiError(error) && error.code === "invalid_csr", `subjectFor threw something other than invalid_csr: ${String(error)}`);
                return;
              }
              for (const value of Object.values(subject)) ok(value === null || (value.length <= 64 && !/\p{Cc}/u.test(value)), `a subject value breaks the token rules: ${JSON.stringify(value)}`);
              const issued = await issueClientCertificate({ issuer: seeds.issuer, spkiDer: outcome.spkiDer, isRsa: outcome.isRsa, subject, validDays: 1 });
              const certificate = new X509Certificate(issued.pem);
              ok(certificate.verify(issuerKey), "the issued certificate does not verify against its CA");
              ok(certificate.publicKey.equals(outcome.publicKey), "the issued certificate carries another key than the request's");
            },
          ),
          options,
        ),
    },
  ];
}
