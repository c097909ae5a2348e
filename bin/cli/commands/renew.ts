import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type KeyChoice, requestForKey } from "@/lib/pki/request";
import { print, UsageError } from "../io";
import { type Command, defineCommand } from "../options";
import { checkServer, frontdoorUrl, postJson, serverOption } from "./server";

// A system's renewal, for a daily timer: a CSR from the key it already has, the current
// certificate, one POST; cert.pem is replaced atomically (written beside it, then renamed),
// key.pem is never touched. Exit 0 renewed, 3 not due yet, 1 for every other refusal. A
// certificate renewed before (a lost answer, or someone who replayed an old CSR first) comes
// back as 200 with the newest certificate of its line: written like a new one, exit 0.

function keyChoiceOf(keyPem: string): KeyChoice {
  const key = createPrivateKey(keyPem);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === "ec" && curve === "prime256v1") return "ec-p256";
  if (key.asymmetricKeyType === "ec" && curve === "secp384r1") return "ec-p384";
  if (key.asymmetricKeyType === "rsa") return (key.asymmetricKeyDetails?.modulusLength ?? 0) > 2048 ? "rsa-3072" : "rsa-2048";
  throw new UsageError("key.pem holds a key type Certdoor does not issue for (EC P-256/P-384 or RSA)");
}

export const renewCommand = defineCommand({
  summary: "Renews a certificate with its own key, no token: replaces cert.pem atomically; key.pem is never touched. For a daily timer.",
  options: {
    server: serverOption,
    frontdoor: { type: "string", value: "ID", help: "the Frontdoor's id", required: true },
    cert: { type: "string", value: "FILE", help: "the current certificate, PEM; replaced by the new one", default: "cert.pem" },
    key: { type: "string", value: "FILE", help: "its private key, PEM", default: "key.pem" },
  },
  notes: [
    "A certificate renewed before (e.g. an answer that never arrived) is not renewed again: the newest certificate of its line is written instead, exit 0.",
    "Exit codes: 0 renewed, 3 not due yet (before the renewal window), 2 wrong invocation, 1 any other refusal or failure.",
  ],
  needsDatabase: false,
  check({ values }) {
    checkServer(values.server, "renew");
  },
  async run({ values }, out) {
    const read = (file: string) => readFile(file, "utf8").catch(() => Promise.reject(new UsageError(`cannot read ${file}`)));
    const [certificatePem, keyPem] = [await read(values.cert), await read(values.key)];
    let current: X509Certificate;
    try {
      current = new X509Certificate(certificatePem);
    } catch {
      throw new UsageError(`${values.cert} is not a PEM certificate`);
    }
    const choice = keyChoiceOf(keyPem);
    const pkcs8Der = new Uint8Array(createPrivateKey(keyPem).export({ format: "der", type: "pkcs8" }));
    const spkiDer = new Uint8Array(current.publicKey.export({ format: "der", type: "spki" }));
    const csrPem = await requestForKey({ pkcs8Der, spkiDer, choice }, "renewal");

    const url = frontdoorUrl(values.server, values.frontdoor, "client-certificates/renew");
    const { status, body } = await postJson(url, { type: "CSR", value: csrPem, certificate: certificatePem }, [200, 201]);
    const isReplay = status === 200;
    // Only a certificate for this key replaces cert.pem: a wrong answer (a proxy's page, a
    // misrouted server) must not leave the holder with a certificate its key cannot use.
    let renewed: X509Certificate;
    try {
      renewed = new X509Certificate(String(body.certificate));
    } catch {
      throw new Error(`the server's answer holds no PEM certificate; ${values.cert} is unchanged`);
    }
    if (!Buffer.from(renewed.publicKey.export({ format: "der", type: "spki" })).equals(Buffer.from(spkiDer))) {
      throw new Error(`the server answered with a certificate for another key; ${values.cert} is unchanged`);
    }
    // Atomic: a reader sees the old file or the new one, never half of one.
    const target = path.resolve(values.cert);
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, String(body.certificate));
    await rename(temporary, target);
    const facts = `${target} is valid until ${String(body.notAfter)} (serial ${String(body.serialNumber)})`;
    print(out, { id: body.id, serialNumber: body.serialNumber, notAfter: body.notAfter, renewedFromId: body.renewedFromId, file: target, isReplay }, () =>
      isReplay ? `Renewed before: wrote the newest certificate of its line; ${facts}. Nothing new was issued.` : `Renewed: ${facts}.`,
    );
  },
});

export const renewCommands: Record<string, Command> = { renew: renewCommand };
