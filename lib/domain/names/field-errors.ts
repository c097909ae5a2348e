import { checkNames, type NamePolicy, type NameRefusal, nameRefusalDetail } from "@/lib/domain/names/policy";
import { type SubjectAltNames, type SubjectAltNamesInput, subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

// Where a name the policy refuses sits in a token's fields, for the server's error paths
// (names/enforce.ts) and the console's token form, which runs the same check as you type.
// Browser-safe, like the policy itself.

/** The field path of a refused name: `commonName`, or `subjectAltNames.dns[1]`. */
export function refusalPath(refusal: NameRefusal, sans: SubjectAltNames | null | undefined): string {
  if (refusal.kind === "commonName") return "commonName";
  return `subjectAltNames.${refusal.kind}[${sans?.[refusal.kind]?.indexOf(refusal.value) ?? 0}]`;
}

/**
 * What the token form shows while a person types: the first name the Frontdoor's policy
 * refuses, at its field's path. SANs that are not yet well-formed are left to the schema's
 * own errors (on submit), so a half-typed address never trips the policy.
 */
export function policyFieldErrors(policy: NamePolicy | null | undefined, commonName: string, sans: SubjectAltNamesInput): Record<string, string> {
  const parsed = subjectAltNamesSchema({ allowWildcards: true }).safeParse(sans);
  const subjectAltNames = parsed.success ? parsed.data : undefined;
  const refusal = checkNames(policy ?? null, { commonName: commonName.trim() || null, subjectAltNames });
  return refusal ? { [refusalPath(refusal, subjectAltNames)]: nameRefusalDetail(refusal) } : {};
}
