import "reflect-metadata";
import type { CertificationRequest } from "@peculiar/asn1-csr";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { Extension, Extensions, GeneralName, id_ce_subjectAltName, SubjectAlternativeName } from "@peculiar/asn1-x509";
import { PkiError } from "@/lib/pki/errors";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import { formatIpAddress, parseIpAddress } from "@/lib/validation/ip-address";
import { MAX_SANS_PER_KIND, SAN_KINDS, type SanKind, type SubjectAltNames } from "@/lib/validation/subject-alt-names";

// The SubjectAltName extension (RFC 5280 §4.2.1.6) as DER, groundwork for issue 20: the
// issuing pipeline appends `subjectAltNameExtension(...)` to `extraExtensions` of
// issueClientCertificate, and reads what a CSR asks for with `requestedSubjectAltNames` (used
// only when the token has no SANs and the profile sets allowCsrSubjectAltNames). Certdoor
// issues four kinds: dNSName, iPAddress, uniformResourceIdentifier, rfc822Name. The others a
// CSR may carry (otherName such as a Microsoft UPN, x400Address, directoryName, ediPartyName,
// registeredID) are left out of the certificate and reported as `ignored`.

export const ID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"; // PKCS#9 extensionRequest

export type IgnoredSanKind = "otherName" | "x400Address" | "directoryName" | "ediPartyName" | "registeredID";

/** The most names a request may ask for before it is refused unread: four kinds of 20, plus room for ignored kinds. */
export const MAX_REQUESTED_NAMES = 4 * MAX_SANS_PER_KIND + 20;

/**
 * @peculiar's IP converter cannot read the compressed or IPv4-mapped IPv6 forms (it splits
 * on ":" and reads "1.2.3.4" as hex), so it is handed all eight groups spelled out.
 */
function converterText(address: string): string {
  const bytes = parseIpAddress(address);
  if (!bytes) throw new RangeError(`not an IP address: ${address}`);
  if (bytes.length === 4) return address;
  return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(":");
}

const isIa5 = (text: string) => /^[\x20-\x7e]+$/.test(text);

/**
 * The DER of a non-critical SubjectAltName extension (the subject always has a CN, so
 * §4.2.1.6's "critical when the subject is empty" never applies), kinds in the order dns,
 * ip, uri, email and values in their list order; null when there are no names. Takes values
 * the subjectAltNames schema has normalised; anything else is a programming error.
 */
export function subjectAltNameExtension(sans: SubjectAltNames): Uint8Array | null {
  const names: GeneralName[] = [];
  for (const kind of SAN_KINDS) {
    const values = sans[kind] ?? [];
    if (values.length > MAX_SANS_PER_KIND) throw new RangeError(`more than ${MAX_SANS_PER_KIND} ${kind} names`);
    for (const value of values) {
      if (!isIa5(value)) throw new RangeError(`a ${kind} name must be printable ASCII (IA5String)`);
      if (kind === "dns") names.push(new GeneralName({ dNSName: value }));
      else if (kind === "ip") names.push(new GeneralName({ iPAddress: converterText(value) }));
      else if (kind === "uri") names.push(new GeneralName({ uniformResourceIdentifier: value }));
      else names.push(new GeneralName({ rfc822Name: value }));
    }
  }
  if (!names.length) return null;
  const value = AsnConvert.serialize(new SubjectAlternativeName(names));
  return new Uint8Array(AsnConvert.serialize(new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(value) })));
}

export type RequestedSubjectAltNames = { names: SubjectAltNames; ignored: IgnoredSanKind[] };

const invalid = (detail: string) => new PkiError("invalid_csr", detail);

/** The one SubjectAltName extension of the request's extensionRequest, if any. */
function requestedExtension(csr: CertificationRequest): Extension | null {
  const requests = (csr.certificationRequestInfo.attributes ?? []).filter((a) => a.type === ID_EXTENSION_REQUEST);
  if (requests.length > 1) throw invalid("The request carries more than one extensionRequest attribute.");
  const request = requests[0];
  if (!request) return null;
  if (request.values.length !== 1) throw invalid("The request's extensionRequest attribute must hold exactly one value.");
  let extensions: Extensions;
  try {
    extensions = parseClientAsn1(new Uint8Array(request.values[0]!), Extensions);
  } catch {
    throw invalid("The request's extensionRequest attribute could not be parsed.");
  }
  const sans = extensions.filter((e) => e.extnID === id_ce_subjectAltName);
  // RFC 5280 §4.2: an extension appears at most once; two would leave "which one" to chance.
  if (sans.length > 1) throw invalid("The request asks for the subjectAltName extension more than once.");
  return sans[0] ?? null;
}

const IGNORED: [keyof GeneralName, IgnoredSanKind][] = [
  ["otherName", "otherName"],
  ["x400Address", "x400Address"],
  ["directoryName", "directoryName"],
  ["ediPartyName", "ediPartyName"],
  ["registeredID", "registeredID"],
];

/**
 * The SANs a parsed PKCS#10 request asks for (its extensionRequest attribute), in the same
 * shape as a token's, IP addresses in RFC 5952 text. Values are as the request spelled them
 * otherwise: the caller validates them with the subjectAltNames schema (and the name policy)
 * before any reaches a certificate. A malformed or oversized extension is `invalid_csr`.
 */
export function requestedSubjectAltNames(csr: CertificationRequest): RequestedSubjectAltNames {
  const extension = requestedExtension(csr);
  if (!extension) return { names: {}, ignored: [] };
  let generalNames: SubjectAlternativeName;
  try {
    generalNames = parseClientAsn1(new Uint8Array(extension.extnValue.buffer), SubjectAlternativeName);
  } catch {
    throw invalid("The request's subjectAltName extension could not be parsed.");
  }
  if (generalNames.length > MAX_REQUESTED_NAMES) throw invalid(`The request asks for ${generalNames.length} alternative names; at most ${MAX_REQUESTED_NAMES} are read.`);

  const names: Partial<Record<SanKind, string[]>> = {};
  const ignored = new Set<IgnoredSanKind>();
  const add = (kind: SanKind, value: string) => (names[kind] ??= []).push(value);
  for (const name of generalNames) {
    if (name.dNSName !== undefined) add("dns", name.dNSName);
    else if (name.rfc822Name !== undefined) add("email", name.rfc822Name);
    else if (name.uniformResourceIdentifier !== undefined) add("uri", name.uniformResourceIdentifier);
    else if (name.iPAddress !== undefined) {
      // The converter gives dotted or hex text for 4 and 16 octets and something else for
      // any other length, which then does not read as an address.
      const bytes = parseIpAddress(name.iPAddress);
      if (!bytes) throw invalid("An iPAddress name of the request is not an IPv4 (4 octets) or IPv6 (16 octets) address.");
      add("ip", formatIpAddress(bytes));
    } else {
      const kind = IGNORED.find(([field]) => name[field] !== undefined)?.[1];
      if (kind) ignored.add(kind);
    }
  }
  return { names, ignored: [...ignored] };
}
