import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type HeaderRule, type LeanDoor, leanDoorOf, leanDoorServer, type RouteHandler } from "@/bin/lean-doors.mjs";
import * as tokens from "@/app/frontdoor/[frontdoorId]/certificate-request-tokens/route";
import * as redeemByHeader from "@/app/frontdoor/[frontdoorId]/client-certificates/token/route";
import * as redeemByPath from "@/app/frontdoor/[frontdoorId]/client-certificates/token/[token]/route";
import * as est from "@/app/.well-known/est/[frontdoorId]/simpleenroll/route";
import * as scep from "@/app/scep/[frontdoorId]/route";
import * as scepExe from "@/app/scep/[frontdoorId]/pkiclient.exe/route";

// bin/lean-doors.mjs's serving half on loopback, over the route modules themselves (in
// production it takes the same handlers from the build), so tests send real HTTP requests
// through the lean path and compare its answers with the route handlers' own.

/** The route table's handlers, as the build's route entries export them. */
export const ROUTE_HANDLERS = new Map<string, RouteHandler>([
  ["/frontdoor/[frontdoorId]/certificate-request-tokens", tokens.POST as RouteHandler],
  ["/frontdoor/[frontdoorId]/client-certificates/token", redeemByHeader.POST as RouteHandler],
  ["/frontdoor/[frontdoorId]/client-certificates/token/[token]", redeemByPath.POST as RouteHandler],
  ["/.well-known/est/[frontdoorId]/simpleenroll", est.POST as RouteHandler],
  ["/scep/[frontdoorId]", scep.POST as RouteHandler],
  ["/scep/[frontdoorId]/pkiclient.exe", scepExe.POST as RouteHandler],
]);

/** next.config.js's rule for every path, as routes-manifest.json holds it after a build. */
export const CONFIG_HEADER_RULES: HeaderRule[] = [
  {
    regex: "^(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))?(?:/)?$",
    headers: [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Referrer-Policy", value: "same-origin" },
    ],
  },
];

export type LeanServer = { origin: string; served: LeanDoor[]; close: () => Promise<void> };

/** Serves the lean doors on a free loopback port; a request they do not take is answered 599. */
export async function serveLeanDoors(): Promise<LeanServer> {
  const served: LeanDoor[] = [];
  const lean = leanDoorServer({ handlers: ROUTE_HANDLERS, headerRules: CONFIG_HEADER_RULES, onServed: (door) => served.push(door) });
  const server = createServer((req, res) => {
    const found = leanDoorOf(req);
    if (found && lean.serve(req, res, found)) return;
    res.statusCode = 599;
    res.end("not a lean door");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, served, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
