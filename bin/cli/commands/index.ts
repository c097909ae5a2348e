import { apiKeyCommands } from "./apikey";
import { frontdoorCommands } from "./frontdoor";
import { redeemCommands } from "./redeem";
import type { Command } from "./shared";
import { tokenCommands } from "./tokens";
import { userCommands } from "./user";

export { cliPrincipal } from "./shared";

export const commands: Record<string, Command> = {
  ...frontdoorCommands,
  ...userCommands,
  ...apiKeyCommands,
  ...tokenCommands,
  ...redeemCommands,
};
