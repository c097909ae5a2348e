import { findFrontdoorByIdOrName } from "@/lib/domain/frontdoors";
import { createUser } from "@/lib/domain/users";
import { print, UsageError } from "../io";
import { type Command, parse } from "./shared";

export const userCommands: Record<string, Command> = {
  "user create": {
    usage: "user create --email EMAIL --role admin|operator|auditor [--password P] [--frontdoor ID…]",
    async run(args, out, principal) {
      const { values } = parse(args, {
        email: { type: "string" },
        role: { type: "string" },
        password: { type: "string" },
        name: { type: "string" },
        frontdoor: { type: "string", multiple: true },
      });
      if (!values.email) throw new UsageError("--email is required");
      if (!values.role) throw new UsageError("--role is required (admin, operator or auditor)");
      const frontdoorIds: string[] = [];
      for (const ref of values.frontdoor ?? []) frontdoorIds.push((await findFrontdoorByIdOrName(principal, ref)).id);
      const { user, generatedPassword } = await createUser(principal, {
        email: values.email,
        role: values.role as "admin",
        name: values.name,
        password: values.password,
        frontdoorIds,
      });
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
  },
};
