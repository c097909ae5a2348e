import { SAN_KINDS, type SanKind, type SubjectAltNames } from "@/lib/validation/subject-alt-names";

// How every page names and lists subject alternative names (token and certificate pages,
// the create form, the redemption page), so each kind reads the same everywhere.
// Browser-safe.

export const SAN_LABELS: Record<SanKind, string> = { dns: "DNS names", ip: "IP addresses", uri: "URIs", email: "Email addresses" };

/** The kinds that hold values, in the certificate's order, each with its label. */
export function sanRows(sans: SubjectAltNames): { kind: SanKind; label: string; values: string[] }[] {
  return SAN_KINDS.flatMap((kind) => (sans[kind]?.length ? [{ kind, label: SAN_LABELS[kind], values: sans[kind] }] : []));
}
