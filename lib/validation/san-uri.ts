import { formatIpAddress, parseIpAddress } from "@/lib/validation/ip-address";
import { hostNameProblem } from "@/lib/validation/host-name";

// The uniformResourceIdentifier rules of a token's subject alternative names (issue 20), in
// their own file because SPIFFE IDs bring a second rule set. RFC 5280 §4.2.1.6: absolute,
// with a scheme, and a host that is a name or an address when there is an authority. The
// value is an IA5String, so ASCII only (percent-encode the rest). Dot segments (`/../`) are
// refused in every URI: a name policy's prefix `https://x/team-a/*` must not admit
// `https://x/team-a/../team-b`, which consumers resolve to somewhere else.

type Checked = { value: string } | { error: string };

const URI = /^([A-Za-z][A-Za-z0-9+.-]*):([A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+)$/;
const AUTHORITY = /^\/\/([^/?#]*)(.*)$/s;
const SPIFFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** The host of an authority, checked and lower-cased, or an error. */
function checkHost(host: string): Checked {
  if (host.startsWith("[") && host.endsWith("]")) {
    const bytes = parseIpAddress(host.slice(1, -1));
    return bytes?.length === 16 ? { value: `[${formatIpAddress(bytes)}]` } : { error: "The address in brackets is not an IPv6 address" };
  }
  const lower = host.toLowerCase();
  if (parseIpAddress(lower)) return { value: lower };
  const problem = hostNameProblem(lower);
  return problem ? { error: `The URI's host: ${problem}` } : { value: lower };
}

/** SPIFFE ID rules (SPIFFE-ID §2): no userinfo, port, query or fragment; a non-empty path of plain segments. */
function checkSpiffe(authority: string, rest: string): Checked {
  if (/[@:]/.test(authority)) return { error: "A SPIFFE ID has no user or port: spiffe://trust-domain/path" };
  const trustDomain = authority.toLowerCase();
  if (!/^[a-z0-9._-]+$/.test(trustDomain)) return { error: "A SPIFFE trust domain holds only letters, digits, dots, hyphens and underscores" };
  if (/[?#]/.test(rest)) return { error: "A SPIFFE ID has no query or fragment" };
  const segments = rest.split("/").slice(1);
  if (!rest.startsWith("/") || segments.length === 0) return { error: "A workload's SPIFFE ID has a path: spiffe://trust-domain/path" };
  for (const segment of segments) {
    if (!segment) return { error: "A SPIFFE ID's path has no empty segments and no trailing slash" };
    if (segment === "." || segment === ".." || !SPIFFE_SEGMENT.test(segment)) {
      return { error: `The path segment "${segment}" may hold only letters, digits, dots, hyphens and underscores (not . or ..)` };
    }
  }
  return { value: `spiffe://${trustDomain}${rest}` };
}

/** A uniformResourceIdentifier: absolute, ASCII, scheme and host lower-case. */
export function checkUri(text: string): Checked {
  const match = URI.exec(text);
  if (!match) return { error: "Enter an absolute URI such as spiffe://example.org/ns/prod/sa/api (ASCII; percent-encode the rest)" };
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  if (/%(?![0-9A-Fa-f]{2})/.test(rest)) return { error: "A % must start a percent-encoded octet such as %20" };
  const authority = AUTHORITY.exec(rest);
  if (scheme === "spiffe") return authority ? checkSpiffe(authority[1]!, authority[2]!) : { error: "Write a SPIFFE ID as spiffe://trust-domain/path" };
  const path = (authority ? authority[2]! : rest).replace(/[?#].*$/s, "");
  if (/(^|\/)\.\.?(\/|$)/.test(path)) return { error: "Remove the . and .. segments from the URI's path" };
  if (!authority) return { value: `${scheme}:${rest}` };
  const [, userinfo = "", hostPort = ""] = /^(?:(.*)@)?(.*)$/s.exec(authority[1]!)!;
  const [, host = "", port = ""] = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort) ?? [];
  if (!host) return { error: "The URI's host is missing or not valid" };
  if (port.length > 5 || Number(port) > 65535) return { error: "The URI's port is not a port number" };
  const checked = checkHost(host);
  if ("error" in checked) return checked;
  return { value: `${scheme}://${userinfo ? `${userinfo}@` : ""}${checked.value}${port ? `:${port}` : ""}${authority[2]}` };
}
