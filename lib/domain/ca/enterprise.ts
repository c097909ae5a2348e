import "reflect-metadata";
import { randomUUID } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { getDb } from "@/lib/db";
import { assertCanAdminister } from "@/lib/domain/access/permissions";
import type { Principal } from "@/lib/domain/access/principal";
import { recordAudit } from "@/lib/domain/audit/events";
import { caKeyColumns, caKeyRefOf, caKeySigner, generateCaKey } from "@/lib/domain/ca/key-store";
import { type CaReplacement, lockFrontdoor, replaceIssuingCa } from "@/lib/domain/ca/rotate";
import { AppError, fromPki } from "@/lib/domain/errors";
import { buildCaRequest, parseCaSubject } from "@/lib/pki/ca-request";
import { checkEnterpriseCa, parsePemCertificates } from "@/lib/pki/enterprise-chain";
import { type CaImportInput, caImportSchema, type CaRequestInput, caRequestSchema } from "@/lib/validation/enterprise-root";
import { parseInput } from "@/lib/validation/parse";
import { uuidSchema } from "@/lib/validation/common";

// Issuing CAs under an enterprise's own root (ADCS, EJBCA, an offline root), in two steps:
// `requestIssuingCa` makes a pending key and its PKCS#10 request, which the enterprise CA
// signs; `importIssuingCa` checks what came back (lib/pki/enterprise-chain.ts) and makes it
// the Frontdoor's current issuing CA exactly as a rotation does (replaceIssuingCa: the old
// CA retired and still answering for its certificates, `ca.rotated` audited). Certdoor then
// holds the issuing CA's key only; the chain above it is kept as certificates for ca.pem.
// The pending key is made in the configured key store under the pending id, which the
// imported CA keeps (with PKCS#11 it is generated in the token, labelled with that id), and
// the import stores the CA with that same key reference: no key material moves.

export type PendingCaView = { id: string; frontdoorId: string; subject: string; csrPem: string; createdAt: Date };
export type CaRequest = PendingCaView & { replacedId: string | null };
export type CaImport = CaReplacement & { enterpriseRoot: { subject: string; chainLength: number } };

const pendingView = { id: true, frontdoorId: true, subject: true, csrPem: true, createdAt: true } as const;

function subjectOrRefusal(text: string): x509.Name {
  const parsed = parseCaSubject(text);
  if ("problem" in parsed) throw new AppError("validation_failed", `subject: ${parsed.problem}`, [{ path: "subject", message: parsed.problem }]);
  return parsed.name;
}

/**
 * Makes a new pending issuing-CA key for a Frontdoor and its request (admins), audited as
 * `ca.csr_created`. A Frontdoor has at most one pending request: a new one replaces (and
 * forgets the key of) the one before, whose signed certificate can then no longer be imported.
 * (A key forgotten in a PKCS#11 token stays there, unreferenced: the key store interface has
 * no delete, and the operator removes it with the token's tools, by its label, the old id.)
 */
export async function requestIssuingCa(principal: Principal, frontdoorId: string, input: CaRequestInput = {}): Promise<CaRequest> {
  assertCanAdminister(principal);
  const { subject } = parseInput(caRequestSchema, input);
  return getDb().$transaction(async (tx) => {
    const frontdoor = await lockFrontdoor(tx, frontdoorId);
    const newest = await tx.certificateAuthority.aggregate({ where: { frontdoorId }, _max: { generation: true } });
    // By default named as a rotation would name the next CA: two CAs of a Frontdoor never share a subject.
    const generation = (newest._max.generation ?? 0) + 1;
    const name = subject
      ? subjectOrRefusal(subject)
      : new x509.Name([{ O: ["Certdoor"] }, { OU: [`Frontdoor ${frontdoor.id}`] }, { CN: [`${frontdoor.name} issuing CA ${generation}`] }]);
    const id = randomUUID();
    const key = await generateCaKey(id);
    const csrPem = await buildCaRequest(name, key.spkiDer, key.signer);
    const replaced = await tx.pendingIssuingCa.findUnique({ where: { frontdoorId }, select: { id: true } });
    if (replaced) await tx.pendingIssuingCa.delete({ where: { id: replaced.id } });
    const created = await tx.pendingIssuingCa.create({
      data: { id, frontdoorId, subject: name.toString(), csrPem, publicKeyDer: new Uint8Array(key.spkiDer), ...caKeyColumns(key.ref) },
      select: pendingView,
    });
    await recordAudit(tx, principal, { action: "ca.csr_created", frontdoorId, targetKind: "ca", targetId: id, details: { subject: created.subject, replacedId: replaced?.id ?? null } });
    return { ...created, replacedId: replaced?.id ?? null };
  });
}

/** The Frontdoor's pending request, if any (admins: the console offers it for download). */
export async function pendingIssuingCa(principal: Principal, frontdoorId: string): Promise<PendingCaView | null> {
  assertCanAdminister(principal);
  if (!uuidSchema.safeParse(frontdoorId).success) throw new AppError("frontdoor_not_found");
  return getDb().pendingIssuingCa.findUnique({ where: { frontdoorId }, select: pendingView });
}

/** PEM text as certificates, or validation_failed naming the field. */
function certificatesIn(text: string, path: string) {
  const parsed = parsePemCertificates(text);
  if (!parsed) throw new AppError("validation_failed", `${path}: not a PEM certificate that parses`, [{ path, message: "Not a PEM certificate that parses" }]);
  return parsed;
}

/**
 * Imports the certificate an enterprise CA signed for the Frontdoor's pending request
 * (admins) and makes it the current issuing CA, as a rotation does. Refused, with nothing
 * changed: ca_import_key_mismatch (not the pending key, or no request pending),
 * ca_import_not_a_ca, ca_import_chain_invalid.
 */
export async function importIssuingCa(principal: Principal, frontdoorId: string, input: CaImportInput): Promise<CaImport> {
  assertCanAdminister(principal);
  const body = parseInput(caImportSchema, input);
  // The certificate file may carry its chain after it, as many CAs hand it out.
  const [certificate, ...alongside] = certificatesIn(body.certificatePem, "certificatePem");
  const pool = [...alongside, ...(body.chainPem?.trim() ? certificatesIn(body.chainPem, "chainPem") : [])];
  return replaceIssuingCa(principal, frontdoorId, async (tx) => {
    const pending = await tx.pendingIssuingCa.findUnique({ where: { frontdoorId } });
    if (!pending) throw new AppError("ca_import_key_mismatch", "This Frontdoor has no pending request: run `certdoor ca csr` first and have that request signed.");
    const chain = fromPki(() => checkEnterpriseCa(certificate!, pool, pending.publicKeyDer));
    await tx.pendingIssuingCa.delete({ where: { id: pending.id } });
    // The pending key's reference as it is: the imported CA is the pending one, under its id.
    const key = caKeyRefOf(pending);
    const { subject, serialNumber, notBefore, notAfter } = chain;
    const ca = { certificatePem: certificate!.pem, signer: await caKeySigner(key, pending.id), subject, serialNumber, notBefore, notAfter, keyAlgorithm: "EC-P256" as const };
    const enterpriseRoot = { subject: chain.rootSubject, chainLength: chain.abovePem.length };
    return { made: { id: pending.id, ca, key }, placement: { externalChainPem: chain.abovePem.join("") }, details: { enterpriseRoot: chain.rootSubject, isNewRoot: false }, result: { enterpriseRoot } };
  });
}
