import "reflect-metadata";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { AppError, fromPki } from "@/lib/domain/errors";
import { type FrontdoorRules, nameNotAllowed } from "@/lib/domain/names/enforce";
import { checkNames } from "@/lib/domain/names/policy";
import { parseClientAsn1 } from "@/lib/pki/asn1-parse";
import type { SubjectFields } from "@/lib/pki/csr";
import { fromPem } from "@/lib/pki/pem";
import { requestedSubjectAltNames } from "@/lib/pki/san";
import { hasSubjectAltNames, type SubjectAltNames, subjectAltNamesSchema } from "@/lib/validation/subject-alt-names";

// The names rules at issuance, for names that come from a CSR rather than from a token
// (CONTRACT: "checked … at issuance for values taken from a CSR"). The token's own names were
// checked when it was created or changed; a policy changed since does not reach them, as
// changing a profile never changes what was approved or issued.

/** The CN the certificate gets, when it came from the CSR (the token left it blank), checked against the policy. */
export function assertCsrCommonName(rules: FrontdoorRules, approved: SubjectFields, issued: { commonName: string }): void {
  if (approved.commonName) return;
  const refusal = rules.check("commonName", issued.commonName);
  if (refusal) throw nameNotAllowed(refusal);
}

/**
 * The SANs to issue: the token's when it has any (exactly those); otherwise, only when the
 * profile sets allowCsrSubjectAltNames, the ones the CSR requests, each validated with the
 * SAN schema (wildcards as the profile says; a bad value is invalid_csr) and checked against
 * the name policy (name_not_allowed); otherwise none, whatever the CSR asks. A renewal never
 * takes names from its CSR (`mayTakeFromCsr` false): it keeps those of the certificate it renews.
 */
export function subjectAltNamesToIssue(rules: FrontdoorRules, approved: SubjectAltNames | null | undefined, csrPem: string, options: { mayTakeFromCsr: boolean }): SubjectAltNames {
  if (hasSubjectAltNames(approved)) return approved!;
  if (!options.mayTakeFromCsr || !rules.profile.allowCsrSubjectAltNames) return {};
  // checkCsr read this request already; it is parsed again only on this path.
  const csr = parseClientAsn1(fromPem(csrPem, ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"])!, CertificationRequest);
  const requested = fromPki(() => requestedSubjectAltNames(csr)).names;
  const parsed = subjectAltNamesSchema({ allowWildcards: rules.profile.allowWildcards }).safeParse(requested);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const [kind, index] = issue!.path;
    const value = typeof index === "number" ? ` "${requested[kind as keyof SubjectAltNames]?.[index] ?? ""}"` : "";
    throw new AppError("invalid_csr", `The request's ${String(kind)} name${value} cannot be used: ${issue!.message}.`);
  }
  const refusal = checkNames(rules.check, { subjectAltNames: parsed.data });
  if (refusal) throw nameNotAllowed(refusal);
  return parsed.data;
}
