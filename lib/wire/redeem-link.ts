// The redemption link is `/redeem#<frontdoorId>.<token>`: the secret rides in the fragment,
// which browsers never send to a server. People also paste the link, the fragment, or the
// two parts separately; all of those are understood here.

export type RedemptionTarget = { frontdoorId: string; token: string };

const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const TOKEN = "crt_[0-9A-Za-z]{16,128}";
const PAIR = new RegExp(`(${UUID})\\.(${TOKEN})`);

/** Finds "<frontdoorId>.<token>" in a link, a fragment or the pair itself. */
export function parseRedemptionTarget(text: string): RedemptionTarget | null {
  const match = PAIR.exec(text.trim());
  return match ? { frontdoorId: match[1]!.toLowerCase(), token: match[2]! } : null;
}

export function isTokenSecret(text: string): boolean {
  return new RegExp(`^${TOKEN}$`).test(text.trim());
}

export function isFrontdoorId(text: string): boolean {
  return new RegExp(`^${UUID}$`).test(text.trim());
}
