import { describe, expect, it } from "vitest";
import { AppError, OperatorOnlyError } from "@/lib/domain/errors";
import { appErrorResponse } from "@/lib/http/problem";
import { scepErrorResponse } from "@/lib/http/scep";

describe("problem details", () => {
  it("tells a caller that the CA key is unreachable without the token, CA or PKCS#11 code the operator's message names", async () => {
    const operatorDetail = "Cannot log in to the PKCS#11 token certdoor-prod (CKR_PIN_INCORRECT): the PIN is wrong: fix CA_KEY_STORE_PIN.";
    const response = appErrorResponse(new AppError("ca_key_unavailable", operatorDetail));
    const body = (await response.json()) as { code: string; status: number; detail: string };
    expect([response.status, body.code]).toEqual([503, "ca_key_unavailable"]);
    expect(body.detail).toContain("signing key cannot be reached");
    expect(body.detail).not.toMatch(/certdoor-prod|CKR_|PIN/);
  });

  it("tells a caller only the public text of an operator-only failure (SCEP's plain text too)", async () => {
    const error = new OperatorOnlyError("unavailable", "Microsoft Entra ID refused the Intune app's sign-in (tenant contoso.onmicrosoft.com): AADSTS7000215", "Intune cannot be reached right now.");
    const body = (await appErrorResponse(error).json()) as { detail: string };
    expect(body.detail).toBe("Intune cannot be reached right now.");
    expect(await scepErrorResponse(error).text()).toBe("unavailable: Intune cannot be reached right now.\n");
  });

  it("passes other details through as written", async () => {
    const body = (await appErrorResponse(new AppError("token_expired", "This token expired at 2026-01-01.")).json()) as { detail: string };
    expect(body.detail).toBe("This token expired at 2026-01-01.");
  });
});
