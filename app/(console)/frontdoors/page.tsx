import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listFrontdoors } from "@/lib/domain/frontdoors";
import { canAdminister } from "@/lib/domain/access/permissions";
import { listUsers } from "@/lib/domain/access/users";
import { CreateFrontdoorForm } from "./create-frontdoor-form";
import { TcpSharesSwitch } from "./tcp-shares-switch";

export const metadata: Metadata = { title: "Frontdoors" };

export default async function FrontdoorsPage() {
  const user = await requireUser();
  const frontdoors = await listFrontdoors(user);
  const isAdmin = canAdminister(user);
  // Members are operators; admins and auditors see every Frontdoor anyway.
  const members = new Map<string, string[]>();
  if (isAdmin) {
    for (const u of await listUsers(user)) {
      if (u.role !== "operator") continue;
      for (const f of u.frontdoors) members.set(f.id, [...(members.get(f.id) ?? []), u.email]);
    }
  }
  return (
    <>
      <PageHeader
        title="Frontdoors"
        description="Each Frontdoor is one gateway with its own issuing CA. Tokens can only be created and redeemed where TCP shares are on. Operators are assigned under Settings → Users."
      />
      {isAdmin ? (
        <Card className="mb-6">
          <CreateFrontdoorForm />
        </Card>
      ) : null}
      {frontdoors.length === 0 ? (
        <EmptyState title="No Frontdoors">You are not a member of any Frontdoor.</EmptyState>
      ) : (
        <Table label="Frontdoors">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>ID</Th>
              <Th>TCP shares</Th>
              <Th>{isAdmin ? "Operators" : "Members"}</Th>
              <Th>CA</Th>
              <Th>Created</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {frontdoors.map((f) => (
              <tr key={f.id}>
                <Td className="font-medium"><Link className="hover:underline" href={`/frontdoors/${f.id}`}>{f.name}</Link></Td>
                <Td className="font-mono text-xs">{f.id}</Td>
                <Td>
                  <div className="flex items-center gap-3">
                    {isAdmin ? <TcpSharesSwitch frontdoorId={f.id} name={f.name} isEnabled={f.tcpSharesEnabled} /> : null}
                    <Badge tone={f.tcpSharesEnabled ? "green" : "amber"}>{f.tcpSharesEnabled ? "enabled" : "disabled"}</Badge>
                  </div>
                </Td>
                <Td className="text-xs">{isAdmin ? (members.get(f.id)?.join(", ") ?? "none") : f.memberCount}</Td>
                <Td>
                  <a className="text-sm underline" href={`/frontdoor/${f.id}/ca.pem`} download={`${f.name}-ca.pem`}>
                    CA chain
                  </a>
                </Td>
                <Td>{f.createdAt.toISOString().slice(0, 10)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
