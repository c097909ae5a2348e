import { apiKeyCommands } from "./apikey";
import { auditCommands } from "./audit";
import { backupCommands } from "./backup";
import { caCommands } from "./ca";
import { caEnterpriseCommands } from "./ca-enterprise";
import { certificateCommands } from "./certificates";
import { frontdoorCommands } from "./frontdoor";
import { redeemCommands } from "./redeem";
import { renewCommands } from "./renew";
import type { Command } from "./shared";
import { tokenCommands } from "./tokens";
import { userCommands } from "./user";

export { cliPrincipal } from "./shared";

export const commands: Record<string, Command> = {
  ...frontdoorCommands,
  ...userCommands,
  ...apiKeyCommands,
  ...tokenCommands,
  ...certificateCommands,
  ...redeemCommands,
  ...renewCommands,
  ...auditCommands,
  ...backupCommands,
  ...caCommands,
  ...caEnterpriseCommands,
};
