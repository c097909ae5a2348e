import type { SubjectAltNames } from "@/lib/validation/subject-alt-names";

// What the redemption page is shown before anything is generated (POST /api/redeem/preview).

export type RedemptionPreview = {
  frontdoor: { id: string; name: string };
  token: {
    name: string;
    commonName: string | null;
    organization: string | null;
    organizationalUnit: string | null;
    /** Exactly the SANs the certificate will carry. */
    subjectAltNames: SubjectAltNames;
    expiresAt: Date;
    validDays: number;
  };
};
