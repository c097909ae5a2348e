import { chmod, mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { fileExists } from "@/lib/file-exists";
import { fromPem, toPem } from "@/lib/pki/pem";
import { buildPkcs12 } from "@/lib/pki/pkcs12";
import { KEY_CHOICES, type KeyChoice, makeKeyAndRequest } from "@/lib/pki/request";
import { redemptionMessage } from "@/lib/redemption-messages";
import { CliError, print, UsageError } from "../io";
import { type Command, parse } from "./shared";

// A system's redemption: the key is made here and never leaves this machine; only the CSR
// and the token travel, the token in an Authorization header rather than the URL.


async function post(url: string, token: string, csrPem: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ type: "CSR", value: csrPem }),
    });
  } catch (error) {
    throw new CliError("network", `Could not reach ${new URL(url).origin}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 201) {
    const code = typeof body.code === "string" ? body.code : `http_${response.status}`;
    throw new CliError(code, redemptionMessage(code, typeof body.detail === "string" ? body.detail : `The server answered ${response.status}.`));
  }
  return body;
}

export const redeemCommands: Record<string, Command> = {
  redeem: {
    usage: "redeem --server URL --frontdoor ID --token crt_… [--key ec-p256|ec-p384|rsa-2048|rsa-3072] [--out DIR] [--p12-password P] [--cn NAME] [--force]",
    needsDatabase: false,
    async run(args, out) {
      const { values } = parse(args, {
        server: { type: "string" },
        frontdoor: { type: "string" },
        token: { type: "string" },
        key: { type: "string", default: "ec-p256" },
        out: { type: "string", default: "." },
        "p12-password": { type: "string" },
        "p12-mode": { type: "string", default: "modern" },
        cn: { type: "string" },
        force: { type: "boolean" },
      });
      if (!values.server) throw new UsageError("--server is required (for example https://certdoor.example.com)");
      if (!values.frontdoor) throw new UsageError("--frontdoor is required");
      if (!values.token?.startsWith("crt_")) throw new UsageError("--token takes the crt_… token you were given");
      if (!(values.key in KEY_CHOICES)) throw new UsageError(`--key takes one of ${Object.keys(KEY_CHOICES).join(", ")}`);
      if (values["p12-mode"] !== "modern" && values["p12-mode"] !== "compatible") throw new UsageError("--p12-mode takes modern or compatible");

      const dir = path.resolve(values.out);
      const files = { key: path.join(dir, "key.pem"), cert: path.join(dir, "cert.pem"), ca: path.join(dir, "ca.pem"), p12: path.join(dir, "client.p12") };
      if (!values.force && (await fileExists(files.key))) throw new UsageError(`${files.key} exists; choose another --out or pass --force`);

      const { csrPem, pkcs8Der } = await makeKeyAndRequest(values.key as KeyChoice, values.cn ?? hostname());
      const base = values.server.replace(/\/+$/, "");
      const certificate = await post(`${base}/frontdoor/${encodeURIComponent(values.frontdoor)}/client-certificates/token`, values.token, csrPem);

      await mkdir(dir, { recursive: true });
      await writeFile(files.key, toPem(pkcs8Der, "PRIVATE KEY"), { mode: 0o600 });
      await chmod(files.key, 0o600);
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
        await writeFile(files.p12, p12, { mode: 0o600 });
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
  },
};
