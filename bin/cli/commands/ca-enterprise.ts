import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { importIssuingCa, requestIssuingCa } from "@/lib/domain/ca/enterprise";
import { verifyKeyStore } from "@/lib/domain/ca/key-store";
import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { print, UsageError } from "../io";
import { type Command, defineCommand } from "./shared";

// `certdoor ca csr` and `certdoor ca import`: a Frontdoor's issuing CA signed by the
// enterprise's own root (lib/domain/ca/enterprise.ts does the work; README, Enterprise root).

const readInput = (file: string, option: string) =>
  readFile(path.resolve(file), "utf8").catch(() => {
    throw new UsageError(`cannot read ${option} ${path.resolve(file)}`);
  });

export const caEnterpriseCommands: Record<string, Command> = {
  "ca csr": defineCommand({
    summary:
      "Makes a new key for a Frontdoor's next issuing CA and writes its certificate request (PKCS#10, PEM) for your enterprise CA to sign; then `certdoor ca import` its certificate. Nothing changes for the Frontdoor until the import. A Frontdoor has one pending request: a new `ca csr` replaces the one before (its key is forgotten, a certificate signed for it can no longer be imported).",
    options: {
      frontdoor: { type: "string", value: "ID", help: "the Frontdoor (id or name)", required: true },
      subject: { type: "string", value: "DN", help: "the issuing CA's name in certificate order, \"C=DE, O=Example Corp, CN=Edge issuing CA\" or /C=DE/O=Example Corp/CN=Edge issuing CA; default: O=Certdoor, OU=Frontdoor <id>, CN=<name> issuing CA <generation>" },
      out: { type: "string", value: "FILE", help: "write the request there (default: stdout)" },
    },
    notes: [
      "The request asks for CA:TRUE, pathlen:0 and keyUsage keyCertSign, cRLSign (all critical); the signed certificate needs CA:TRUE, keyCertSign and cRLSign.",
      "Example: certdoor ca csr --frontdoor edge-eu --out edge-eu-ca.csr",
    ],
    async run({ values }, out, principal) {
      // The pending key is made in CA_KEY_STORE: one that does not work stops here in one line, as for `ca rotate`.
      await verifyKeyStore();
      const frontdoor = await findFrontdoorByIdOrName(principal, values.frontdoor);
      const request = await requestIssuingCa(principal, frontdoor.id, { subject: values.subject });
      const file = values.out ? path.resolve(values.out) : null;
      if (file) await writeFile(file, request.csrPem);
      const replaced = request.replacedId ? ` It replaces the pending request ${request.replacedId}, whose key is gone.` : "";
      const next = `Have your enterprise CA sign it as a CA certificate, then: certdoor ca import --frontdoor ${frontdoor.id} --cert <signed.pem> --chain <its intermediates and root.pem>`;
      if (out.json) return print(out, { ...request, out: file }, () => "");
      if (!file) {
        // The request alone on stdout, so that `ca csr > request.pem` works; the words on stderr.
        process.stdout.write(request.csrPem);
        process.stderr.write(`Pending issuing CA ${request.id} (${request.subject}) for Frontdoor ${frontdoor.name}.${replaced}\n${next}\n`);
        return;
      }
      print(out, request, () => [`Wrote the request of pending issuing CA ${request.id} (${request.subject}) for Frontdoor ${frontdoor.name} to ${file}.${replaced}`, next].join("\n"));
    },
  }),
  "ca import": defineCommand({
    summary:
      "Makes the certificate your enterprise CA signed for the pending request (`certdoor ca csr`) the Frontdoor's issuing CA, as `ca rotate` does: it signs every certificate from now on, the old CA keeps answering for its own. It must be for the pending key (else ca_import_key_mismatch), a CA with keyCertSign and cRLSign (ca_import_not_a_ca), and chain through --chain to a self-signed root, every signature verifying and every certificate valid now (ca_import_chain_invalid). ca.pem is then the issuing CA, the chain's intermediates and the enterprise root.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "the Frontdoor (id or name)", required: true },
      cert: { type: "string", value: "FILE", help: "the signed issuing CA certificate, PEM (certificates after it count as chain)", required: true },
      chain: { type: "string", value: "FILE", help: "the intermediates and the enterprise root above it, PEM, any order" },
    },
    notes: [
      "Gateways: every Frontdoor under the same enterprise root shares that anchor; pin the issuing CA (README, Enterprise root) to keep Frontdoors apart.",
      "Example: certdoor ca import --frontdoor edge-eu --cert edge-eu-ca.pem --chain enterprise-chain.pem",
    ],
    async run({ values }, out, principal) {
      // The imported CA signs its first CRL with the pending key, in CA_KEY_STORE's token when it is one.
      await verifyKeyStore();
      const frontdoor = await findFrontdoorByIdOrName(principal, values.frontdoor);
      const certificatePem = await readInput(values.cert, "--cert");
      const chainPem = values.chain ? await readInput(values.chain, "--chain") : undefined;
      const imported = await importIssuingCa(principal, frontdoor.id, { certificatePem, chainPem });
      const { current, retired, enterpriseRoot } = imported;
      print(out, imported, () =>
        [
          `Imported issuing CA ${current.id} (generation ${current.generation}, ${current.subject}) for Frontdoor ${frontdoor.name}, valid until ${current.notAfter.toISOString()}: it signs every certificate from now on.`,
          `It chains to the enterprise root ${enterpriseRoot.subject} (${enterpriseRoot.chainLength} certificate(s) above it).`,
          retired.inUseUntil
            ? `Old CA ${retired.id} keeps answering for its certificates (CRL, OCSP) until the last expires, ${retired.inUseUntil.toISOString()}.`
            : `Old CA ${retired.id} has no certificate left to answer for.`,
          `Gateways: fetch /frontdoor/${frontdoor.id}/ca.pem again and reload, and pin this issuing CA if other Frontdoors share the enterprise root.`,
        ].join("\n"),
      );
    },
  }),
};
