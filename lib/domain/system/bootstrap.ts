import { getDb } from "@/lib/db";
import { ensureAllCas } from "@/lib/domain/ca/store";
import { refreshDueCrls } from "@/lib/domain/certificates/crl-store";
import { isAppError } from "@/lib/domain/errors";
import { createFrontdoor } from "@/lib/domain/frontdoors";
import { systemPrincipal } from "@/lib/domain/access/principal";
import { createUser } from "@/lib/domain/access/users";

// First start, idempotent: the first admin, a Frontdoor named `default`, and the CAs. Runs under an
// advisory lock so that two instances starting together create each thing once.

const BOOTSTRAP_LOCK_KEY = 7_734_220;

export type BootstrapResult = {
  admin: { email: string; created: boolean; generatedPassword?: string };
  defaultFrontdoor: { id: string; name: string; created: boolean } | null;
};

export async function bootstrap(options: { adminEmail: string; adminPassword?: string }): Promise<BootstrapResult> {
  const db = getDb();
  const system = systemPrincipal("bootstrap");
  // This transaction only holds the lock; the steps below commit on their own connections,
  // before the lock is released, so a second instance waiting here sees their results.
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`;
      const result: BootstrapResult = { admin: { email: options.adminEmail, created: false }, defaultFrontdoor: null };

      const userCount = await tx.user.count();
      if (userCount === 0) {
        const { generatedPassword } = await createUser(system, {
          email: options.adminEmail,
          role: "admin",
          name: "Administrator",
          password: options.adminPassword,
        }).catch((error: unknown) => {
          // Name the variables: the first admin comes from configuration.
          if (isAppError(error) && error.code === "validation_failed") {
            const named = error.message.replace(/\bpassword:/g, "ADMIN_PASSWORD:").replace(/\bemail:/g, "ADMIN_EMAIL:");
            throw new Error(`The first admin cannot be created: ${named}`);
          }
          throw error;
        });
        result.admin = { email: options.adminEmail.toLowerCase(), created: true, generatedPassword };
      } else {
        const admin = await tx.user.findFirst({ where: { role: "admin", disabledAt: null }, orderBy: { createdAt: "asc" } });
        if (admin) result.admin = { email: admin.email, created: false };
      }

      const frontdoorCount = await tx.frontdoor.count();
      if (frontdoorCount === 0) {
        const created = await createFrontdoor(system, { name: "default", tcpSharesEnabled: true });
        result.defaultFrontdoor = { id: created.id, name: created.name, created: true };
      } else {
        const first = await tx.frontdoor.findFirst({ orderBy: { createdAt: "asc" }, select: { id: true, name: true } });
        if (first) result.defaultFrontdoor = { ...first, created: false };
      }
      return result;
    },
    { timeout: 60_000 },
  ).then(async (result) => {
    // Existing Frontdoors get their CA, and a wrong master key stops here.
    await ensureAllCas();
    // CAs made before CRLs were stored get theirs now; stale ones are re-signed.
    await refreshDueCrls();
    return result;
  });
}
