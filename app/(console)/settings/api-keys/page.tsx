import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listApiKeys } from "@/lib/domain/access/api-keys";
import { CreateApiKey, RevokeApiKey } from "./api-key-controls";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requireUser();
  const keys = await listApiKeys(user);
  const isReadOnly = user.role === "auditor";
  return (
    <>
      <PageHeader title="API keys" description="Bearer keys (Authorization: Bearer cdk_…) act with their owner's role and Frontdoors." />
      {isReadOnly ? null : (
        <Card className="mb-6">
          <CreateApiKey />
        </Card>
      )}
      {keys.length === 0 ? (
        <EmptyState title="No API keys">Create one for automation that creates tokens.</EmptyState>
      ) : (
        <Table label="API keys">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Owner</Th>
              <Th>Made by</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th>Status</Th>
              {isReadOnly ? null : <Th>Actions</Th>}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {keys.map((k) => (
              <tr key={k.id}>
                <Td className="font-medium">{k.name}</Td>
                <Td className="font-mono text-xs">{k.prefix}…</Td>
                <Td className="text-xs">{k.owner}</Td>
                <Td className="text-xs">{k.createdBy ?? "the CLI"}</Td>
                <Td><RelativeTime value={k.createdAt} /></Td>
                <Td><RelativeTime value={k.lastUsedAt} /></Td>
                <Td><Badge tone={k.revokedAt ? "red" : "green"}>{k.revokedAt ? "revoked" : "active"}</Badge></Td>
                {isReadOnly ? null : <Td>{k.revokedAt || (k.owner !== user.email && user.role !== "admin") ? null : <RevokeApiKey id={k.id} name={k.name} />}</Td>}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
