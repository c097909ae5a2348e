import { rotateFrontdoorCa } from "@/lib/domain/ca/rotate";
import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { print } from "../io";
import { type Command, defineCommand } from "./shared";

export const caCommands: Record<string, Command> = {
  "ca rotate": defineCommand({
    summary:
      "Gives a Frontdoor a new issuing CA (under the Frontdoor's own root; on an installation from before trust domains, under a new root of its own, which moves it off the root every Frontdoor shared) that signs every certificate from now on. The old CA keeps signing the CRL and OCSP answers of the certificates it issued until the last of them expires; they stay valid. Gateways must fetch the Frontdoor's ca.pem again: until then they refuse certificates the new CA signs.",
    options: {
      frontdoor: { type: "string", value: "ID", help: "the Frontdoor (id or name)", required: true },
    },
    notes: ["Example: certdoor ca rotate --frontdoor edge-eu --json", "Then on every gateway: curl -fsS <server>/frontdoor/<id>/ca.pem -o <its CA file> and reload it."],
    async run({ values }, out, principal) {
      const frontdoor = await findFrontdoorByIdOrName(principal, values.frontdoor);
      const rotation = await rotateFrontdoorCa(principal, frontdoor.id);
      const { current, retired, root } = rotation;
      print(out, rotation, () =>
        [
          `Rotated the issuing CA of Frontdoor ${frontdoor.name} (${frontdoor.id}).`,
          `New CA ${current.id} (generation ${current.generation}, ${current.subject}), valid until ${current.notAfter.toISOString()}: it signs every certificate from now on.`,
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
