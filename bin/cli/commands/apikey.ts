import { createApiKey } from "@/lib/domain/api-keys";
import { print, UsageError } from "../io";
import { type Command, parse } from "./shared";

export const apiKeyCommands: Record<string, Command> = {
  "apikey create": {
    usage: "apikey create --email OWNER --name NAME",
    async run(args, out, principal) {
      const { values } = parse(args, { email: { type: "string" }, name: { type: "string" } });
      if (!values.email) throw new UsageError("--email (the key's owner) is required");
      if (!values.name) throw new UsageError("--name is required");
      const key = await createApiKey(principal, { name: values.name, ownerEmail: values.email });
      print(out, { id: key.id, key: key.key, name: key.name, owner: key.owner, prefix: key.prefix }, () =>
        [`Created API key ${key.name} for ${key.owner} (${key.id})`, `Key: ${key.key}   (shown only now; store it safely)`].join("\n"),
      );
    },
  },
};
