import { verifyKeyStore } from "@/lib/domain/ca/key-store";
import { listCas } from "@/lib/domain/ca/list";
import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { columns, print } from "../io";
import { type Command, defineCommand } from "./shared";

export const caCommands: Record<string, Command> = {
  "ca list": defineCommand({
    summary: "Lists the CAs (all, or one Frontdoor's issuing CAs and their roots), newest first: kind, Frontdoor, generation, where the key is (database or pkcs11), status (current, in_use, retired) and validity.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "only this Frontdoor's CAs (id or name)" },
    },
    notes: ["Example: certdoor ca list --frontdoor edge-eu --json"],
    async run({ values }, out, principal) {
      // A CA_KEY_STORE that does not work stops here, as it stops the server's start.
      await verifyKeyStore();
      const frontdoorId = values.frontdoor === undefined ? undefined : (await findFrontdoorByIdOrName(principal, values.frontdoor)).id;
      const cas = await listCas(principal, frontdoorId);
      print(out, cas, () =>
        columns([
          ["ID", "KIND", "FRONTDOOR", "GEN", "KEY STORE", "STATUS", "NOT AFTER", "SUBJECT"],
          ...cas.map((ca) => [ca.id, ca.kind, ca.frontdoorId ?? "-", String(ca.generation), ca.keyStore, ca.status, ca.notAfter.toISOString(), ca.subject]),
        ]),
      );
    },
  }),
  "ca rotate": defineCommand({
    summary:
      "Gives a Frontdoor a new issuing CA, its key made in CA_KEY_STORE (so a rotation with a PKCS#11 URI there moves the Frontdoor onto hardware keys), (under the Frontdoor's own root; on an installation from before trust domains, under a new root of its own, which moves it off the root every Frontdoor shared) that signs every certificate from now on. The old CA keeps signing the CRL and OCSP answers of the certificates it issued until the last of them expires; they stay valid. Gateways must fetch the Frontdoor's ca.pem again: until then they refuse certificates the new CA signs.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "the Frontdoor (id or name)", required: true },
      "to-database": { type: "boolean", help: "with CA_KEY_STORE unset or \"database\": move a Frontdoor whose issuing CA's key is in a PKCS#11 token onto database keys (refused without this)" },
    },
    notes: ["Example: certdoor ca rotate --frontdoor edge-eu --json", "Then on every gateway: curl -fsS <server>/frontdoor/<id>/ca.pem -o <its CA file> and reload it."],
    async run({ values }, out, principal) {
      // The new CA's key is made in CA_KEY_STORE: one that does not work stops the rotation before anything changes.
      await verifyKeyStore();
      const frontdoor = await findFrontdoorByIdOrName(principal, values.frontdoor);
      const rotation = await rotateFrontdoorCa(principal, frontdoor.id, { toDatabase: values["to-database"] === true });
      const { current, retired, root } = rotation;
      print(out, rotation, () =>
        [
          `Rotated the issuing CA of Frontdoor ${frontdoor.name} (${frontdoor.id}).`,
          `New CA ${current.id} (generation ${current.generation}, ${current.subject}), valid until ${current.notAfter.toISOString()}: it signs every certificate from now on.`,
          `Its key is in ${current.keyStore} (CA_KEY_STORE).`,
          root.isNew ? `It hangs under a new root of this Frontdoor's own (${root.id}): ca.pem now trusts this Frontdoor's certificates only, once the old CA's have expired.` : `It hangs under the Frontdoor's root ${root.id}.`,
          retired.inUseUntil
            ? `Old CA ${retired.id} keeps answering for its certificates (CRL, OCSP) until the last expires, ${retired.inUseUntil.toISOString()}.`
            : `Old CA ${retired.id} has no certificate left to answer for.`,
          `Gateways: fetch /frontdoor/${frontdoor.id}/ca.pem again and reload, or they refuse certificates the new CA signs.`,
        ].join("\n"),
      );
    },
  }),
};
