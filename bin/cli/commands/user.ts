import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { createUser } from "@/lib/domain/access/users";
import { roleSchema } from "@/lib/validation/common";
import { print } from "../io";
import { type Command, defineCommand } from "./shared";

export const userCommands: Record<string, Command> = {
  "user create": defineCommand({
    summary: "Creates a console user. Without --password one is generated and printed once; with --oidc the user has none and signs in through the OIDC provider.",
    options: {
      email: { type: "string", value: "EMAIL", help: "the user's sign-in email", required: true },
      role: { type: "string", value: "ROLE", help: "what the user may do", required: true, choices: roleSchema.options },
      password: { type: "string", value: "P", help: "the password (at least 12 characters); generated when left out" },
      oidc: { type: "boolean", help: "no password: the user signs in through the OIDC provider, linked at their first sign-in with this email (which the provider must vouch for)" },
      name: { type: "string", value: "NAME", help: "display name" },
      frontdoor: { type: "string", value: "ID", help: "a Frontdoor (id or name) the operator or auditor is a member of; repeat for more", multiple: true },
    },
    async run({ values }, out, principal) {
      const frontdoorIds: string[] = [];
      for (const ref of values.frontdoor) frontdoorIds.push((await findFrontdoorByIdOrName(principal, ref)).id);
      const { user, generatedPassword } = await createUser(principal, { email: values.email, role: values.role, name: values.name, password: values.password, frontdoorIds, isOidcOnly: values.oidc });
      print(out, { ...user, ...(generatedPassword ? { password: generatedPassword } : {}) }, () =>
        [
          `Created ${user.role} ${user.email} (${user.id})`,
          user.frontdoors.length ? `Frontdoors: ${user.frontdoors.map((f) => f.name).join(", ")}` : "",
          generatedPassword ? `Password: ${generatedPassword}   (shown only now)` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      );
    },
  }),
};
