// RFC 1123 host names, shared by the dNSName and rfc822Name rules of subject alternative
// names, the host of a URI SAN and the name policy's patterns (issue 20). Browser-safe.

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why the text is not an RFC 1123 host name (already lower-case, no trailing dot), or null. */
export function hostNameProblem(name: string): string | null {
  if (!name) return "Enter a host name";
  if (name.length > 253) return "A host name has at most 253 characters";
  const labels = name.split(".");
  for (const label of labels) {
    if (!label) return "A host name has no empty labels (two dots in a row, or a leading dot)";
    if (label.length > 63) return `The label "${label.slice(0, 20)}…" is longer than 63 characters`;
    if (!LABEL.test(label)) return `The label "${label}" may hold only letters, digits and inner hyphens`;
  }
  // RFC 1123 §2.1: a top label is never all digits, which also keeps 10.1.2.3 out of dns.
  if (/^\d+$/.test(labels[labels.length - 1]!)) return "This looks like an IP address: put it under ip";
  return null;
}
