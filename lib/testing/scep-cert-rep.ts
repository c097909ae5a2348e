import "reflect-metadata";
import { ContentInfo, SignedData } from "@peculiar/asn1-cms";
import { AsnConvert } from "@peculiar/asn1-schema";
import { FAIL_INFO, SCEP_OID } from "@/lib/pki/scep/attributes";

// What a CertRep says, read in a test without a SCEP client: "SUCCESS", or "FAILURE" and the
// failInfo's name ("FAILURE badMessageCheck"). The signature is not checked here (the
// scepclient tests and lib/pki/scep/scep.test.ts check it).

const printableOf = (value: ArrayBuffer | undefined) => (value ? Buffer.from(new Uint8Array(value).subarray(2)).toString("latin1") : "");

/** The status (and failInfo) of a CertRep's DER. */
export function certRepStatus(der: Uint8Array): string {
  const signedData = AsnConvert.parse(AsnConvert.parse(der, ContentInfo).content, SignedData);
  const attributes = signedData.signerInfos[0]?.signedAttrs ?? [];
  const value = (oid: string) => printableOf(attributes.find((a) => a.attrType === oid)?.attrValues[0]);
  const status = { "0": "SUCCESS", "2": "FAILURE", "3": "PENDING" }[value(SCEP_OID.pkiStatus)] ?? "unknown";
  if (status !== "FAILURE") return status;
  const failInfo = Object.entries(FAIL_INFO).find(([, code]) => code === value(SCEP_OID.failInfo))?.[0] ?? "none";
  return `FAILURE ${failInfo}`;
}
