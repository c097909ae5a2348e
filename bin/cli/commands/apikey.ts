import { createApiKey } from "@/lib/domain/access/api-keys";
import { print } from "../io";
import { type Command, defineCommand } from "./shared";

export const apiKeyCommands: Record<string, Command> = {
  "apikey create": defineCommand({
    summary: "Creates an API key acting as OWNER (with their role and Frontdoors). Prints its id and the key, `cdk_…`, shown only here; with --json `{ \"id\", \"key\", \"name\", \"owner\", \"prefix\" }`.",
    options: {
      email: { type: "string", value: "OWNER", help: "email of the user the key acts as", required: true },
      name: { type: "string", value: "NAME", help: "what the key is for, e.g. deploy-bot", required: true },
    },
    async run({ values }, out, principal) {
      const key = await createApiKey(principal, { name: values.name, ownerEmail: values.email });
      print(out, { id: key.id, key: key.key, name: key.name, owner: key.owner, prefix: key.prefix }, () =>
        [`Created API key ${key.name} for ${key.owner} (${key.id})`, `Key: ${key.key}   (shown only now; store it safely)`].join("\n"),
      );
    },
  }),
};
