import type { NamePolicy } from "@/lib/domain/names/policy";

// The name policy as gateway configuration (issue 20 item 5): what nginx and Envoy can match
// of a client certificate's names. Certdoor enforces the whole policy (deny lists included)
// when it issues; the gateway's match is a second, coarser fence for a route or listener.

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A commonName policy pattern as a regex on one RDN value (`*` one label or part of one, a leading `.` any name below). */
function cnRegex(pattern: string): string {
  const isBelow = pattern.startsWith(".");
  const body = escapeRegex(isBelow ? pattern.slice(1) : pattern).replace(/\\\*/g, "[^.,]+");
  return isBelow ? `[^,]+\\.${body}` : body;
}

/**
 * nginx: there is no variable holding a client certificate's SANs, only the subject
 * ($ssl_client_s_dn, RFC 2253 since 1.11.6). So the CN allow list becomes a map on the
 * subject; SANs are matched upstream ($ssl_client_escaped_cert) or with njs parsing
 * $ssl_client_raw_cert. Empty when the policy has no CN allow list.
 */
export function nginxNameMap(policy: NamePolicy): string {
  const cns = policy.allow?.commonName ?? [];
  const sanNote = `# nginx has no variable for a client certificate's subject alternative names: to match a
# DNS, IP, URI or email SAN, pass the certificate upstream (proxy_set_header X-Client-Cert
# $ssl_client_escaped_cert;) and match it there, or parse $ssl_client_raw_cert with njs.`;
  if (!cns.length) return sanNote;
  // (^|[^\\],): a CN RDN at a real separator, not after an escaped "\," inside another value;
  // ~* because the policy compares names case-insensitively.
  const lines = cns.map((pattern) => `    "~*(^|[^\\\\\\\\],)CN=${cnRegex(pattern)}(,|$)" 1;  # ${pattern}`);
  return `# http { } context, beside the server: the CN allow list of the name policy.
map $ssl_client_s_dn $certdoor_name_allowed {
    default 0;
${lines.join("\n")}
}
${sanNote}
# In the server (or a location): if ($certdoor_name_allowed = 0) { return 403; }`;
}

type Matcher = { sanType: "DNS" | "IP_ADDRESS" | "URI" | "EMAIL"; match: string; comment: string };

/** Envoy StringMatchers for the SAN allow lists: exact, or a prefix/suffix where the pattern has one. */
function envoyMatchers(policy: NamePolicy): { matchers: Matcher[]; skipped: string[] } {
  const matchers: Matcher[] = [];
  const skipped: string[] = [];
  for (const pattern of policy.allow?.dns ?? []) {
    // `*.a.b` and `.a.b` both become a suffix, which also admits deeper names: coarser than the policy.
    if (pattern.startsWith("*.") && !pattern.slice(2).includes("*")) matchers.push({ sanType: "DNS", match: `suffix: "${pattern.slice(1)}"`, comment: pattern });
    else if (pattern.startsWith(".")) matchers.push({ sanType: "DNS", match: `suffix: "${pattern}"`, comment: pattern });
    else if (!pattern.includes("*")) matchers.push({ sanType: "DNS", match: `exact: "${pattern}"`, comment: pattern });
    else skipped.push(`dns ${pattern}`);
  }
  for (const pattern of policy.allow?.uri ?? []) {
    matchers.push(pattern.endsWith("*") ? { sanType: "URI", match: `prefix: "${pattern.slice(0, -1)}"`, comment: pattern } : { sanType: "URI", match: `exact: "${pattern}"`, comment: pattern });
  }
  for (const pattern of policy.allow?.email ?? []) {
    matchers.push(pattern.startsWith("*@") ? { sanType: "EMAIL", match: `suffix: "${pattern.slice(1)}"`, comment: pattern } : { sanType: "EMAIL", match: `exact: "${pattern}"`, comment: pattern });
  }
  for (const pattern of policy.allow?.ip ?? []) {
    // Envoy compares an IP SAN as text: a single host is exact, a range has no string form.
    const host = /^(.*)\/(32|128)$/.exec(pattern);
    if (host) matchers.push({ sanType: "IP_ADDRESS", match: `exact: "${host[1]}"`, comment: pattern });
    else skipped.push(`ip ${pattern}`);
  }
  return { matchers, skipped };
}

/** Envoy's validation_context lines (indented to sit under it) matching the SAN allow lists, or a commented example. */
export function envoySanMatch(policy: NamePolicy): string {
  const { matchers, skipped } = envoyMatchers(policy);
  const indent = "        ";
  if (!matchers.length) {
    return [
      "# To admit only certificates with a given SAN (Envoy 1.19+), e.g. a SPIFFE ID:",
      "# match_typed_subject_alt_names:",
      '#   - san_type: URI',
      '#     matcher: { prefix: "spiffe://example.org/ns/prod/" }',
    ].map((line) => indent + line).join("\n");
  }
  const lines = [
    "# The name policy's SAN allow lists: a certificate passes when any SAN matches one (Envoy 1.19+).",
    ...(skipped.length ? [`# Not expressible as a string match, enforced by Certdoor at issuance only: ${skipped.join(", ")}`] : []),
    "match_typed_subject_alt_names:",
    ...matchers.flatMap((m) => [`  - san_type: ${m.sanType}  # ${m.comment}`, `    matcher: { ${m.match} }`]),
  ];
  return lines.map((line) => indent + line).join("\n");
}
