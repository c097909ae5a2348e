import { beforeAll, describe, expect, it } from "vitest";
import { readiness } from "@/lib/domain/system/readiness";
import { env } from "@/lib/env";
import { makeFrontdoor } from "@/lib/testing/fixtures";
import { closeTokenSessions, countCalls, loadedModule, makeSoftHsm } from "@/lib/testing/softhsm";
import * as ready from "@/app/api/health/ready/route";

// Readiness with CA keys in a PKCS#11 token: anyone may call it, so its answer says that a CA
// key is unavailable and nothing about the HSM (the detail goes to the log), and the key check
// behind it is made at most once every few seconds, so that probes do not take the token's
// sessions from signing.

const hsm = makeSoftHsm();
const token = hsm.addToken("hsm-secret-label");

beforeAll(async () => {
  env.CA_KEY_STORE = token.uri;
  env.CA_KEY_STORE_PIN = token.pin;
  await makeFrontdoor();
});

describe("readiness with keys in a PKCS#11 token", () => {
  it("checks the keys once for a burst of probes", async () => {
    const searches = countCalls(loadedModule(), "C_FindObjectsInit");
    try {
      for (let i = 0; i < 10; i++) await expect(readiness()).resolves.toEqual({ ready: true });
    } finally {
      searches.restore();
    }
    expect(searches.count).toBe(1); // one current issuing CA, looked up once
  });

  it("tells the public only ca_key_unavailable; the token, module and PKCS#11 error are in the detail for the log", async () => {
    closeTokenSessions(); // logged out, so the wrong PIN is tried
    env.CA_KEY_STORE_PIN = "9999";
    const state = await readiness();
    expect(state).toMatchObject({ ready: false, code: "ca_key_unavailable", detail: expect.stringMatching(/^Cannot log in to the PKCS#11 token hsm-secret-label \(CKR_PIN_INCORRECT\)/) });
    const response = await ready.GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(["code", "reason", "status"]);
    expect(body).toMatchObject({ status: "unavailable", code: "ca_key_unavailable", reason: expect.stringMatching(/^a CA key cannot be reached/) });
    expect(JSON.stringify(body)).not.toMatch(/hsm-secret-label|CKR_|softhsm|pkcs11:|PIN/i);
  });
});
