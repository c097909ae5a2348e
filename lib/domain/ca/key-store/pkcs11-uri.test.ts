import { describe, expect, it } from "vitest";
import { caIdBytes, keyReference, parsePkcs11Uri, pkcs11Config } from "./pkcs11-uri";

describe("PKCS#11 URIs (RFC 7512)", () => {
  it("reads path and query attributes, percent-decoded, id as bytes", () => {
    const { path, query } = parsePkcs11Uri("pkcs11:token=My%20HSM;id=%01%ff;object=a?module-path=/usr/lib/x.so&pin-value=12%3B4");
    expect(Object.fromEntries(path)).toEqual({ token: "My HSM", id: "01ff", object: "a" });
    expect(Object.fromEntries(query)).toEqual({ "module-path": "/usr/lib/x.so", "pin-value": "12;4" });
  });

  it("a key reference reads back as the token, the CA's id and its 16 bytes", () => {
    const caId = "0f9e8d7c-6b5a-4948-8776-655443322110";
    const { path } = parsePkcs11Uri(keyReference("certdoor one", caId));
    expect(Object.fromEntries(path)).toEqual({ token: "certdoor one", object: caId, id: caIdBytes(caId).toString("hex"), type: "private" });
  });

  it.each([
    ["file:/tmp/x", /must start with "pkcs11:"/],
    ["pkcs11:token=a;colour=b?module-path=/x.so", /"colour" is not a path attribute/],
    ["pkcs11:token=a?module-path=/x.so&pin=1", /"pin" is not a query attribute/],
    ["pkcs11:token=a;token=b?module-path=/x.so", /"token" is given twice/],
    ["pkcs11:token=%zz?module-path=/x.so", /not percent-encoded correctly/],
  ])("refuses %s by naming what is wrong", (uri, message) => {
    expect(() => parsePkcs11Uri(uri)).toThrow(message);
  });

  it("needs a module, a token and a PIN; CA_KEY_STORE_PIN wins over the URI's", () => {
    expect(() => pkcs11Config("pkcs11:token=a", "1")).toThrow(/names no PKCS#11 module/);
    expect(() => pkcs11Config("pkcs11:?module-path=/x.so", "1")).toThrow(/names no token/);
    expect(() => pkcs11Config("pkcs11:token=a?module-path=/x.so", undefined)).toThrow(/gives no PIN/);
    expect(() => pkcs11Config("pkcs11:token=a?module-path=/x.so&pin-source=file:/nonexistent/pin", undefined)).toThrow(/pin-source \/nonexistent\/pin cannot be read \(ENOENT\)/);
    expect(pkcs11Config("pkcs11:token=a?module-path=/x.so&pin-value=2", "1").pin).toBe("1");
  });
});
