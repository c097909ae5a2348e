import { createApiKey, revokeApiKey } from "@/lib/domain/access/api-keys";
import { updateUser } from "@/lib/domain/access/users";
import { makeFrontdoor, makeUser, system } from "@/lib/testing/fixtures";

// A small world for API tests: three Frontdoors (A, B, and C with TCP shares off), one user
// of each role with an API key, plus a revoked key and a key whose owner is disabled.

export async function apiWorld() {
  const [a, b, c] = [await makeFrontdoor(), await makeFrontdoor(), await makeFrontdoor({ tcpSharesEnabled: false })];
  const admin = await makeUser("admin");
  const operatorA = await makeUser("operator", [a.id, c.id]);
  const operatorB = await makeUser("operator", [b.id]);
  const auditor = await makeUser("auditor");
  const disabled = await makeUser("admin");
  const keyOf = async (email: string) => (await createApiKey(system, { name: "test", ownerEmail: email })).key;
  const keys = {
    admin: await keyOf(admin.email),
    operatorA: await keyOf(operatorA.email),
    operatorB: await keyOf(operatorB.email),
    auditor: await keyOf(auditor.email),
    disabledOwner: await keyOf(disabled.email),
    revoked: "",
  };
  const revoked = await createApiKey(system, { name: "old", ownerEmail: admin.email });
  await revokeApiKey(system, revoked.id);
  keys.revoked = revoked.key;
  await updateUser(system, { userId: disabled.user.id, isDisabled: true });
  return { frontdoors: { a, b, c }, users: { admin, operatorA, operatorB, auditor }, keys };
}
