import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { env } from "@/lib/env";
import { makeFrontdoor, system, uniqueName } from "@/lib/testing/fixtures";
import { destroyTokenObjects, makeSoftHsm } from "@/lib/testing/softhsm";
import { ensureAllCas } from "@/lib/domain/ca/store";
import { redeemToken } from "@/lib/domain/certificates";
import { createToken } from "@/lib/domain/tokens";
import { opensslCsr } from "@/lib/testing/openssl";

// A Frontdoor on hardware keys does not quietly go back to database keys because the shell
// running a rotation (or creating a Frontdoor) lacks CA_KEY_STORE: the move is refused unless
// asked for, and the CLI says which store the new CA's key is in. And after rotations, the
// start checks the keys still used, not those of retired CAs with nothing left to sign.

const hsm = makeSoftHsm();
const token = hsm.addToken("certdoor");
const repo = path.resolve(import.meta.dirname, "..", "..", "..", "..");
const certdoor = (keyStore: string | undefined, ...args: string[]) => {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...hsm.env, CA_KEY_STORE_PIN: token.pin };
  if (keyStore === undefined) delete environment.CA_KEY_STORE;
  else environment.CA_KEY_STORE = keyStore;
  const result = spawnSync(process.execPath, ["--conditions=react-server", path.join(repo, "bin", "certdoor.mjs"), ...args], { cwd: repo, env: environment, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
};
const stores = async (frontdoorId: string) =>
  (await getDb().certificateAuthority.findMany({ where: { frontdoorId }, orderBy: { generation: "asc" }, select: { keyStore: true, retiredAt: true } })).map((ca) => `${ca.keyStore}${ca.retiredAt ? " retired" : ""}`);

let frontdoorId: string;
beforeAll(async () => {
  env.CA_KEY_STORE = token.uri;
  env.CA_KEY_STORE_PIN = token.pin;
  frontdoorId = (await makeFrontdoor()).id;
  env.CA_KEY_STORE = undefined; // as in a shell without the server's environment
});

describe("moving a Frontdoor off its PKCS#11 keys", () => {
  it("is refused (conflict, nothing changed) when CA_KEY_STORE is unset, and done when asked for", async () => {
    await expect(rotateFrontdoorCa(system, frontdoorId)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/pkcs11.*CA_KEY_STORE.*--to-database/) });
    expect(await stores(frontdoorId)).toEqual(["pkcs11"]);
    const rotation = await rotateFrontdoorCa(system, frontdoorId, { toDatabase: true });
    expect(rotation.current.keyStore).toBe("database");
    expect(await stores(frontdoorId)).toEqual(["pkcs11 retired", "database"]);
  });

  it("certdoor ca rotate refuses without --to-database, and prints the new CA's key store", async () => {
    env.CA_KEY_STORE = token.uri;
    const other = (await makeFrontdoor()).id;
    const refused = certdoor(undefined, "ca", "rotate", "--frontdoor", other);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/conflict.*--to-database/);
    const onToken = certdoor(token.uri, "ca", "rotate", "--frontdoor", other);
    expect(onToken.stderr).toBe("");
    expect(onToken.stdout).toMatch(/^Its key is in pkcs11 \(CA_KEY_STORE\)\.$/m);
    const moved = certdoor(undefined, "ca", "rotate", "--frontdoor", other, "--to-database");
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/^Its key is in database \(CA_KEY_STORE\)\.$/m);
    expect(await stores(other)).toEqual(["pkcs11 retired", "pkcs11 retired", "database"]);
  });

  it("certdoor frontdoor create with CA_KEY_STORE unset while Frontdoors are on PKCS#11 keys warns, and makes database keys", async () => {
    env.CA_KEY_STORE = token.uri;
    await makeFrontdoor(); // the others were moved to database keys above
    const name = uniqueName("drift");
    const created = certdoor(undefined, "frontdoor", "create", "--name", name);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/^certdoor: warning: .*database keys.*PKCS#11.*CA_KEY_STORE/);
    const made = await getDb().frontdoor.findFirstOrThrow({ where: { name } });
    expect(await stores(made.id)).toEqual(["database"]);
  });
});

describe("the start's key check after rotations", () => {
  it("checks the current CAs and the retired ones still answering for certificates, not retired CAs with nothing left", async () => {
    env.CA_KEY_STORE = token.uri;
    const id = (await makeFrontdoor()).id;
    const first = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: id } });
    await rotateFrontdoorCa(system, id); // the first CA is retired with no certificate left
    destroyTokenObjects(token.label, first.id); // an operator cleaning up its key
    await expect(ensureAllCas()).resolves.toBeUndefined();

    const second = await getDb().certificateAuthority.findFirstOrThrow({ where: { frontdoorId: id, retiredAt: null } });
    const created = await createToken(system, id, { name: "device", commonName: "device.example.com" });
    await redeemToken({ frontdoorId: id, secret: created.token, body: { type: "CSR", value: opensslCsr("ec-p256").csrPem }, context: {} });
    await rotateFrontdoorCa(system, id); // retired, but its certificate is unexpired: its key still signs CRLs and OCSP
    destroyTokenObjects(token.label, second.id);
    await expect(ensureAllCas()).rejects.toThrow(new RegExp(`^CA ${second.id}'s private key .* is not in PKCS#11 token certdoor`));
  });
});
