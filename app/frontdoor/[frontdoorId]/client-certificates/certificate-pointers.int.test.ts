import { describe, expect, it } from "vitest";
import { createToken } from "@/lib/domain/tokens";
import { env } from "@/lib/env";
import { makeFrontdoor, system } from "@/lib/testing/fixtures";
import { call } from "@/lib/testing/http";
import { certificateText, opensslCsr } from "@/lib/testing/openssl";
import * as byHeader from "./token/route";

// The CRL, OCSP and CA-issuer addresses in a certificate lead relying parties for its whole
// life; they come from configuration (PUBLIC_URL, else the address the launcher chose),
// never from the redeemer's request (contract, "Revocation status").

describe("the addresses baked into a certificate", () => {
  it("do not follow the request's Host (or forwarded) header; the redemption link may", async () => {
    expect(env.isPublicUrlSet).toBe(false);
    const frontdoor = await makeFrontdoor();
    const token = await createToken(system, frontdoor.id, { name: "pointed", commonName: "pointed.example.com" });
    const res = await call(byHeader.POST, { frontdoorId: frontdoor.id }, {
      method: "POST",
      key: token.token,
      body: { type: "CSR", value: opensslCsr("ec-p256").csrPem },
      headers: { host: "attacker.example", "x-forwarded-host": "attacker.example", "x-forwarded-proto": "https" },
    });
    expect(res.status).toBe(201);
    const text = certificateText(res.body.certificate);
    expect(text).not.toContain("attacker.example");
    const base = `${env.PUBLIC_URL}/frontdoor/${frontdoor.id}`;
    expect(text).toContain(`URI:${base}/crl`);
    expect(text).toContain(`OCSP - URI:${base}/ocsp`);
    expect(text).toContain(`CA Issuers - URI:${base}/ca.crt`);
  });
});
