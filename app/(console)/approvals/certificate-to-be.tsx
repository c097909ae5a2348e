import { SubjectAltNameItems } from "@/components/console/subject-alt-name-items";
import { DetailItem } from "@/components/ui/detail-item";
import type { TokenView } from "@/lib/domain/tokens";
import type { FrontdoorProfile } from "@/lib/validation/frontdoors";

// Exactly what the certificate of a token will carry, as the issuing pipeline builds it: the
// token's subject fields win and a blank one is taken from the request (CSR), the CN within
// the name policy; the token's SANs exactly, or none on the token the CSR's if the profile
// takes them; the profile's EKUs and key types; validDays from redemption, never past the
// issuing CA's end (lib/pki/issue.ts).

const fromCsr = (what: string) => <span className="italic text-zinc-600 dark:text-zinc-400">{what}</span>;

export function CertificateToBe({ token, profile }: { token: TokenView; profile: FrontdoorProfile }) {
  const hasSans = Object.values(token.subjectAltNames).some((values) => values && values.length > 0);
  return (
    <dl className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="certificate-to-be">
      <DetailItem label="Common name (CN)">{token.commonName ?? fromCsr("from the holder's request (CSR), within the Frontdoor's name policy")}</DetailItem>
      <DetailItem label="Organization (O)">{token.organization ?? fromCsr("from the request (CSR) if it names one, else none")}</DetailItem>
      <DetailItem label="Organizational unit (OU)">{token.organizationalUnit ?? fromCsr("from the request (CSR) if it names one, else none")}</DetailItem>
      {hasSans ? (
        <SubjectAltNameItems sans={token.subjectAltNames} />
      ) : (
        <DetailItem label="Alternative names">
          {profile.allowCsrSubjectAltNames ? fromCsr("none on the token: the request's (CSR's), each within the name policy") : "none"}
        </DetailItem>
      )}
      <DetailItem label="Extended key usage">{profile.extendedKeyUsage.join(", ")}</DetailItem>
      <DetailItem label="Key types accepted">{profile.keyTypes.join(", ")}</DetailItem>
      <DetailItem label="Validity">
        {token.validDays} days from redemption (this Frontdoor allows at most {profile.maxValidDays}; never past its issuing CA&apos;s end)
      </DetailItem>
    </dl>
  );
}
