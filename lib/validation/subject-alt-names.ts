import { z } from "zod";
import { formatIpAddress, parseIpAddress } from "@/lib/validation/ip-address";
import { hostNameProblem } from "@/lib/validation/host-name";
import { checkUri } from "@/lib/validation/san-uri";

// A token's subject alternative names `{ dns, ip, uri, email }` (CONTRACT "Subject
// alternative names, certificate profiles and name policy"), groundwork for issue 20: the
// token schemas (create, PATCH, batch JSON and CSV), the console's "More names" form and the
// issuing pipeline (for SANs a CSR requests) all parse with this one schema. Values leave it
// normalised (host names and domains lower-case, IP addresses in RFC 5952 text, URI scheme
// and host lower-case), so parsing its output again gives the same output and the certificate
// carries exactly what was shown. Browser-safe: no node imports.

export const SAN_KINDS = ["dns", "ip", "uri", "email"] as const;
export type SanKind = (typeof SAN_KINDS)[number];
export type SubjectAltNames = Partial<Record<SanKind, string[]>>;

export const MAX_SANS_PER_KIND = 20;
const MAX_LENGTH: Record<SanKind, number> = { dns: 254, ip: 45, uri: 255, email: 254 };

type Checked = { value: string } | { error: string };

/** A dNSName: lower-case, without a trailing dot, a wildcard only as the whole left-most label. */
function checkDns(text: string, allowWildcards: boolean): Checked {
  if (/[^\x20-\x7e]/.test(text)) return { error: "Use the ASCII (xn--) form of an internationalised name" };
  const name = text.toLowerCase().replace(/\.$/, "");
  if (name.startsWith("*.")) {
    if (!allowWildcards) return { error: "Wildcards are not allowed by this Frontdoor's profile" };
    const base = name.slice(2);
    if (base.includes("*")) return { error: "A wildcard may only be the whole left-most label, e.g. *.example.com" };
    const problem = hostNameProblem(base);
    if (problem) return { error: problem };
    // `*.com` would cover a whole top-level domain.
    if (!base.includes(".")) return { error: "A wildcard needs at least two labels after it, e.g. *.example.com" };
    return { value: name };
  }
  if (name.includes("*")) return { error: "A wildcard may only be the whole left-most label, e.g. *.example.com" };
  const problem = hostNameProblem(name);
  return problem ? { error: problem } : { value: name };
}

function checkIp(text: string): Checked {
  const bytes = parseIpAddress(text);
  return bytes ? { value: formatIpAddress(bytes) } : { error: "Enter an IPv4 or IPv6 address, e.g. 10.0.0.7 or 2001:db8::7" };
}

const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** An rfc822Name: a bare dot-atom address (no display name, no quoted local part), domain lower-case. */
export function checkEmail(text: string): Checked {
  if (/[<>"\s]/.test(text)) return { error: "Enter only the address, e.g. dana@example.com (no name, quotes or spaces)" };
  if (/[^\x20-\x7e]/.test(text)) return { error: "Use an ASCII address; internationalised addresses are not supported" };
  const at = text.lastIndexOf("@");
  if (at < 1) return { error: "Enter an email address, e.g. dana@example.com" };
  const local = text.slice(0, at);
  const domain = text.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return { error: "The part before @ may hold letters, digits, single dots and !#$%&'*+/=?^_`{|}~-" };
  const problem = hostNameProblem(domain);
  return problem ? { error: `After @: ${problem}` } : { value: `${local}@${domain}` };
}

function valueSchema(kind: SanKind, check: (text: string) => Checked) {
  return z
    .string()
    .trim()
    .min(1, "Enter a value or remove the empty entry")
    .max(MAX_LENGTH[kind], `Use at most ${MAX_LENGTH[kind]} characters`)
    .transform((text, ctx) => {
      const checked = check(text);
      if ("value" in checked) return checked.value;
      ctx.addIssue({ code: "custom", message: checked.error });
      return z.NEVER;
    });
}

function listSchema(kind: SanKind, check: (text: string) => Checked) {
  return z
    .array(valueSchema(kind, check))
    .max(MAX_SANS_PER_KIND, `At most ${MAX_SANS_PER_KIND} values`)
    .superRefine((values, ctx) => {
      const seen = new Map<string, number>();
      values.forEach((value, i) => {
        const first = seen.get(value);
        if (first !== undefined) ctx.addIssue({ code: "custom", path: [i], message: `Listed twice (same as ${kind}[${first}])` });
        else seen.set(value, i);
      });
      // X509-SVID §2: an SVID carries exactly one URI SAN, its SPIFFE ID.
      const spiffe = values.findIndex((v) => v.startsWith("spiffe://"));
      if (kind === "uri" && spiffe >= 0 && values.length > 1) {
        ctx.addIssue({ code: "custom", path: [spiffe], message: "A SPIFFE ID must be the certificate's only URI" });
      }
    })
    .optional();
}

/** The two schemas (wildcards allowed or not), each built on first use. */
const sanSchemas = new Map<boolean, ReturnType<typeof buildSubjectAltNamesSchema>>();

/**
 * The `subjectAltNames` object. Wildcard dNSNames pass only with `allowWildcards` (the
 * Frontdoor's profile): a door that does not know the profile yet parses with false, or the
 * domain parses the value again with the profile's setting (parsing is idempotent).
 * Unknown keys are refused, so `dnsNames` in JSON is an error rather than silently nothing.
 * Empty lists are dropped from the output: `{ dns: [] }` and `{}` are the same request.
 */
export function subjectAltNamesSchema(options: { allowWildcards: boolean }) {
  // Built once per setting: building a zod schema costs many times a parse, and token
  // creation and issuance ask for one on every request.
  let schema = sanSchemas.get(options.allowWildcards);
  if (!schema) sanSchemas.set(options.allowWildcards, (schema = buildSubjectAltNamesSchema(options)));
  return schema;
}

function buildSubjectAltNamesSchema(options: { allowWildcards: boolean }) {
  return z
    .object({
      dns: listSchema("dns", (text) => checkDns(text, options.allowWildcards)),
      ip: listSchema("ip", checkIp),
      uri: listSchema("uri", checkUri),
      email: listSchema("email", checkEmail),
    })
    .strict()
    .transform((sans): SubjectAltNames => {
      const out: SubjectAltNames = {};
      for (const kind of SAN_KINDS) if (sans[kind]?.length) out[kind] = sans[kind];
      return out;
    });
}
export type SubjectAltNamesInput = z.input<ReturnType<typeof subjectAltNamesSchema>>;

/** True when some kind holds at least one value. */
export const hasSubjectAltNames = (sans: SubjectAltNames | null | undefined) => SAN_KINDS.some((kind) => (sans?.[kind]?.length ?? 0) > 0);

/** The batch CSV's columns for each kind (CONTRACT: space-separated values per cell). */
export const SAN_CSV_COLUMNS = { dnsNames: "dns", ipAddresses: "ip", uris: "uri", emails: "email" } as const satisfies Record<string, SanKind>;
export type SanCsvColumn = keyof typeof SAN_CSV_COLUMNS;

/**
 * A CSV row's SAN cells as the (not yet validated) `subjectAltNames` input, or undefined
 * when every cell is empty, so a row without SANs looks like a JSON token without them.
 */
export function subjectAltNamesFromCsv(cells: Partial<Record<SanCsvColumn, string | null | undefined>>): SubjectAltNamesInput | undefined {
  const sans: Partial<Record<SanKind, string[]>> = {};
  for (const [column, kind] of Object.entries(SAN_CSV_COLUMNS) as [SanCsvColumn, SanKind][]) {
    const values = (cells[column] ?? "").split(/\s+/).filter(Boolean);
    if (values.length) sans[kind] = values;
  }
  return Object.keys(sans).length ? sans : undefined;
}
