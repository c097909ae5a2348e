"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { passwordStrength } from "@/lib/pki/browser/password-strength";
import type { IssuedCertificate } from "@/lib/pki/browser/api";
import { saveFile } from "@/lib/pki/browser/save-file";
import { fromPem, splitPemChain, toPem } from "@/lib/pki/pem";
import type { Pkcs12Mode } from "@/lib/pki/pkcs12";

const PEM = "application/x-pem-file";

/** The certificate, the chain and (when the key was made here) the key, built in memory. */
export function Downloads({ certificate, pkcs8Der, onKeySaved }: { certificate: IssuedCertificate; pkcs8Der?: Uint8Array; onKeySaved: () => void }) {
  const [passphrase, setPassphrase] = useState("");
  const [p12Password, setP12Password] = useState("");
  const [p12Mode, setP12Mode] = useState<Pkcs12Mode>("modern");
  const [isBuilding, setBuilding] = useState(false);
  const strength = passwordStrength(p12Password);

  async function saveKey() {
    if (!pkcs8Der) return;
    if (passphrase) {
      const { encryptedPrivateKeyPem } = await import("@/lib/pki/pkcs12");
      saveFile("key.pem", await encryptedPrivateKeyPem(pkcs8Der, passphrase), PEM);
    } else {
      saveFile("key.pem", toPem(pkcs8Der, "PRIVATE KEY"), PEM);
    }
    onKeySaved();
  }

  async function saveP12() {
    if (!pkcs8Der || !p12Password) return;
    setBuilding(true);
    try {
      const { buildPkcs12 } = await import("@/lib/pki/pkcs12");
      const certificatesDer = [certificate.certificate, ...splitPemChain(certificate.caCertificates)].map((pem) => fromPem(pem, ["CERTIFICATE"])!);
      saveFile("client.p12", await buildPkcs12({ pkcs8Der, certificatesDer, password: p12Password, mode: p12Mode, friendlyName: certificate.commonName }), "application/x-pkcs12");
      onKeySaved();
    } finally {
      setBuilding(false);
    }
  }

  return (
    <section aria-labelledby="downloads-heading" className="space-y-5">
      <h2 id="downloads-heading" className="text-lg font-semibold">
        Your files
      </h2>
      <div className="flex flex-wrap gap-3">
        <Button variant="secondary" onClick={() => saveFile("cert.pem", certificate.certificate, PEM)}>
          Download cert.pem
        </Button>
        <Button variant="secondary" onClick={() => saveFile("ca.pem", certificate.caCertificates, PEM)}>
          Download ca.pem
        </Button>
      </div>

      {pkcs8Der ? (
        <>
          <div className="space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
            <h3 className="font-medium">Private key (PEM)</h3>
            <Field id="key-passphrase" label="Passphrase for key.pem (optional)" hint="With a passphrase the key file is encrypted (PKCS#8, AES-256).">
              <Input id="key-passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
            </Field>
            <Button onClick={() => void saveKey()}>Download key.pem</Button>
          </div>

          <div className="space-y-3 rounded-md border border-zinc-200 p-4 dark:border-zinc-800">
            <h3 className="font-medium">Everything in one file (PKCS#12)</h3>
            <Field id="p12-password" label="Password for client.p12" hint={p12Password ? `Strength: ${strength.label}` : "Needed to import the file; choose a strong one."}>
              <Input id="p12-password" type="password" autoComplete="new-password" value={p12Password} onChange={(e) => setP12Password(e.target.value)} />
            </Field>
            <Field id="p12-mode" label="Format">
              <Select id="p12-mode" value={p12Mode} onChange={(e) => setP12Mode(e.target.value as Pkcs12Mode)}>
                <option value="modern">Modern (AES-256, SHA-256): current Windows, Linux, browsers, OpenSSL 3</option>
                <option value="compatible">Compatible (3DES, SHA-1): macOS Keychain, older Windows</option>
              </Select>
            </Field>
            <Button onClick={() => void saveP12()} disabled={!p12Password || isBuilding}>
              {isBuilding ? "Building…" : "Download client.p12"}
            </Button>
          </div>
        </>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">You brought your own request, so the private key stays where you made it.</p>
      )}
    </section>
  );
}
