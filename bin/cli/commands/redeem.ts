import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { fileExists } from "@/lib/runtime/file-exists";
import { fromPem, toPem } from "@/lib/pki/pem";
import { buildPkcs12 } from "@/lib/pki/pkcs12";
import { KEY_CHOICES, type KeyChoice, makeKeyAndRequest } from "@/lib/pki/request";
import { redemptionMessage } from "@/lib/wire/redemption-messages";
import { print, UsageError, writeSecretFile } from "../io";
import { type Command, defineCommand } from "../options";
import { checkServer, frontdoorUrl, postForCreated, serverOption } from "./server";

// A system's redemption: the key is made here and never leaves this machine; only the CSR
// and the token travel, the token in an Authorization header rather than the URL. No
// database imports: lib/tools/ bundles this command into the standalone certdoor-redeem.mjs.

export const redeemCommand = defineCommand({
  summary:
    "A system's redemption: makes the key and the CSR on this machine, redeems the token (sent in a header, not the URL), and writes key.pem (mode 0600), cert.pem and ca.pem (and client.p12, mode 0600, with --p12-password) to --out. The key never leaves this machine.",
  options: {
    server: serverOption,
    frontdoor: { type: "string", value: "ID", help: "the Frontdoor's id (from the redemption link or the administrator)", required: true },
    token: { type: "string", value: "crt_…", help: "the certificate request token you were given", required: true },
    key: { type: "string", value: "TYPE", help: "the key to make", choices: Object.keys(KEY_CHOICES) as KeyChoice[], default: "ec-p256" },
    out: { type: "string", value: "DIR", help: "the folder to write the files to", default: "." },
    "p12-password": { type: "string", value: "P", help: "also write client.p12, protected with this password" },
    "p12-mode": { type: "string", value: "MODE", help: "client.p12's algorithms: modern (AES-256) or compatible (3DES, for macOS Keychain and older Windows)", choices: ["modern", "compatible"], default: "modern" },
    cn: { type: "string", value: "NAME", help: "the CSR's common name, used only when the token leaves it blank (default: this host's name)" },
    force: { type: "boolean", help: "replace key.pem and the other files in --out (secrets by new 0600 files)" },
  },
  needsDatabase: false,
  check({ values }) {
    checkServer(values.server, "redeem");
    if (!values.token.startsWith("crt_")) throw new UsageError("redeem: --token takes the crt_… token you were given", "redeem");
  },
  async run({ values }, out) {
    const dir = path.resolve(values.out);
    const files = { key: path.join(dir, "key.pem"), cert: path.join(dir, "cert.pem"), ca: path.join(dir, "ca.pem"), p12: path.join(dir, "client.p12") };
    if (!values.force && (await fileExists(files.key))) throw new UsageError(`${files.key} exists; choose another --out or pass --force`, "redeem");

    const { csrPem, pkcs8Der } = await makeKeyAndRequest(values.key, values.cn ?? hostname());
    const url = frontdoorUrl(values.server, values.frontdoor, "client-certificates/token");
    // The token travels in a header, not the URL.
    const certificate = await postForCreated(url, { type: "CSR", value: csrPem }, { Authorization: `Bearer ${values.token}` }, redemptionMessage);

    await mkdir(dir, { recursive: true });
    await writeSecretFile(files.key, toPem(pkcs8Der, "PRIVATE KEY"));
    await writeFile(files.cert, String(certificate.certificate));
    await writeFile(files.ca, String(certificate.caCertificates));
    const written = [files.key, files.cert, files.ca];
    if (values["p12-password"]) {
      const chain = String(certificate.caCertificates).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      const p12 = await buildPkcs12({
        pkcs8Der,
        certificatesDer: [fromPem(String(certificate.certificate), ["CERTIFICATE"])!, ...chain.map((c) => fromPem(c, ["CERTIFICATE"])!)],
        password: values["p12-password"],
        mode: values["p12-mode"],
        friendlyName: String(certificate.commonName),
      });
      await writeSecretFile(files.p12, p12);
      written.push(files.p12);
    }
    const { certificate: _pem, caCertificates: _chain, ...summary } = certificate;
    print(out, { certificate: summary, files: written }, () =>
      [
        `Issued ${String(certificate.commonName)} (serial ${String(certificate.serialNumber)}, valid until ${String(certificate.notAfter)})`,
        ...written.map((f) => `  wrote ${f}`),
        `Use it: curl --cert ${files.cert} --key ${files.key} https://…`,
      ].join("\n"),
    );
  },
});

export const redeemCommands: Record<string, Command> = { redeem: redeemCommand };
