import { hostNameProblem } from "@/lib/validation/host-name";
import { formatIpAddress, mappedIpv4, parseIpAddress } from "@/lib/validation/ip-address";
import { checkUri } from "@/lib/validation/san-uri";
import { checkEmail } from "@/lib/validation/subject-alt-names";

// The patterns of a Frontdoor's name policy, one kind at a time (CONTRACT "Subject alternative
// names, certificate profiles and name policy"; wired by issue 20 through policy.ts).
// Pure and browser-safe: the console's token form checks names against the policy as you type.
// commonName/dns: `*` is one label or part of one and matches at least one character,
// `.example.com` anything below; ip: CIDR (a bare address is one host); uri: exact, or a
// prefix ending in `*`; email: exact, or `*@domain`. Host names and email domains compare
// case-insensitively; a URI's path and an email's local part do not.

export const NAME_KINDS = ["commonName", "dns", "ip", "uri", "email"] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** A checked pattern: its normalised text and the test that applies it. */
export type NamePattern = { text: string; matches: (value: string, isDeny: boolean) => boolean };
type Compiled = NamePattern | { error: string };

const DNS_LABEL = /^[a-z0-9-]{1,63}$/;
const CN_LABEL = /^[^\p{Cc}.]{1,64}$/u;

/** A label with at most one `*`, which stands for one or more characters. */
function labelMatches(pattern: string, label: string, isDeny: boolean): boolean {
  // A wildcard value label (`*.ci.example.com`) stands for every label: a deny pattern that
  // any of them meets refuses it, an allow pattern must cover them all (only `*` does).
  if (isDeny && label === "*") return true;
  const star = pattern.indexOf("*");
  if (star < 0) return pattern === label;
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return label.length > head.length + tail.length && label.startsWith(head) && label.endsWith(tail);
}

/** commonName and dns patterns: labels compared from the right. */
function compileHostPattern(kind: "commonName" | "dns", raw: string): Compiled {
  const text = raw.toLowerCase().replace(/(?<=.)\.$/, "");
  const isBelow = text.startsWith(".");
  const labels = (isBelow ? text.slice(1) : text).split(".");
  const validLabel = kind === "dns" ? DNS_LABEL : CN_LABEL;
  for (const label of labels) {
    if (!label) return { error: "A pattern has no empty labels (two dots in a row)" };
    if (label.indexOf("*") !== label.lastIndexOf("*")) return { error: `The label "${label}" has more than one *` };
    if (!validLabel.test(label.replace("*", "x"))) {
      return { error: kind === "dns" ? `The label "${label}" may hold only letters, digits, hyphens and one *` : `The label "${label}" is not allowed` };
    }
  }
  if (text.length > 253) return { error: "A pattern has at most 253 characters" };
  // A CN is compared as a host name is: trimmed, lower-cased, one trailing dot dropped, so
  // "admin.corp.example.com." or " admin.corp.example.com" cannot step past a deny rule.
  const normalise = (value: string) => (kind === "dns" ? value.toLowerCase() : value.trim().toLowerCase()).replace(/\.$/, "");
  return {
    text,
    matches: (value, isDeny) => {
      const valueLabels = normalise(value).split(".");
      const offset = valueLabels.length - labels.length;
      if (isBelow ? offset < 1 : offset !== 0) return false;
      return labels.every((label, i) => labelMatches(label, valueLabels[offset + i]!, isDeny));
    },
  };
}

function compileIpPattern(raw: string): Compiled {
  const [address = "", prefixText, extra] = raw.split("/");
  const network = parseIpAddress(address);
  if (!network || extra !== undefined) return { error: "Use a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or one address" };
  const bits = network.length * 8;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix <= bits)) return { error: `The prefix length must be a number from 0 to ${bits}` };
  /** The bits of octet i inside the prefix. */
  const maskOf = (i: number) => (0xff << (8 - Math.min(8, Math.max(0, prefix - 8 * i)))) & 0xff;
  const inRange = (bytes: Uint8Array) => bytes.length === network.length && network.every((b, i) => ((bytes[i]! ^ b) & maskOf(i)) === 0);
  const masked = network.map((b, i) => b & maskOf(i));
  if (masked.some((b, i) => b !== network[i])) return { error: `The address has bits set beyond /${prefix}: use ${formatIpAddress(masked)}/${prefix}` };
  return {
    text: `${formatIpAddress(network)}/${prefix}`,
    matches: (value) => {
      const bytes = parseIpAddress(value);
      if (!bytes) return false;
      // An IPv4-mapped address reaches the same host as its IPv4 address: it meets both families' ranges.
      const v4 = mappedIpv4(bytes);
      return inRange(bytes) || (v4 !== null && inRange(v4));
    },
  };
}

const URI_PREFIX = /^([a-z][a-z0-9+.-]*:)(\/\/[^/?#]*)?(.*)$/is;

function compileUriPattern(raw: string): Compiled {
  const star = raw.indexOf("*");
  if (star >= 0 && star !== raw.length - 1) return { error: "A * may only end a URI pattern, as a prefix: spiffe://example.org/ns/prod/*" };
  const normaliseUri = (value: string) => {
    const checked = checkUri(value);
    return "value" in checked ? checked.value : value;
  };
  if (star < 0) {
    const checked = checkUri(raw);
    if ("error" in checked) return checked;
    return { text: checked.value, matches: (value) => normaliseUri(value) === checked.value };
  }
  const match = URI_PREFIX.exec(raw.slice(0, -1));
  if (!match || /[^\x21-\x7e]/.test(raw)) return { error: "A URI prefix starts with a scheme, e.g. spiffe://example.org/ns/prod/*" };
  // Scheme and host compare case-insensitively, as the SAN schema lower-cases them.
  const authority = (match[2] ?? "").replace(/[^@]*$/, (host) => host.toLowerCase());
  const prefix = `${match[1]!.toLowerCase()}${authority}${match[3]}`;
  return { text: `${prefix}*`, matches: (value) => normaliseUri(value).startsWith(prefix) };
}

function compileEmailPattern(raw: string): Compiled {
  const normaliseEmail = (value: string) => {
    const checked = checkEmail(value);
    return "value" in checked ? checked.value : value;
  };
  if (raw.startsWith("*@")) {
    const domain = raw.slice(2).toLowerCase();
    const problem = domain.includes("*") ? "A * may only stand for the whole part before @: *@example.com" : hostNameProblem(domain);
    if (problem) return { error: problem };
    const domainOf = (email: string) => (email.includes("@") ? email.slice(email.lastIndexOf("@") + 1) : null);
    return { text: `*@${domain}`, matches: (value) => domainOf(normaliseEmail(value)) === domain };
  }
  if (raw.includes("*")) return { error: "Use an address, or *@domain for every address of a domain" };
  const checked = checkEmail(raw);
  if ("error" in checked) return checked;
  // Exact addresses compare the local part as written for allow, but case-insensitively for
  // deny: mail systems mostly treat Root@ and root@ as one mailbox, and a deny must hold for both.
  return {
    text: checked.value,
    matches: (value, isDeny) => (isDeny ? normaliseEmail(value).toLowerCase() === checked.value.toLowerCase() : normaliseEmail(value) === checked.value),
  };
}

/** A pattern of the kind, checked and normalised, or why it is not one. */
export function compilePattern(kind: NameKind, pattern: string): Compiled {
  const raw = pattern.trim();
  if (!raw) return { error: "Enter a pattern or remove the empty entry" };
  if (raw.length > 255) return { error: "A pattern has at most 255 characters" };
  if (kind === "commonName" || kind === "dns") return compileHostPattern(kind, raw);
  if (kind === "ip") return compileIpPattern(raw);
  if (kind === "uri") return compileUriPattern(raw);
  return compileEmailPattern(raw);
}
