import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { listFrontdoors } from "@/lib/domain/frontdoors";
import { canAdminister } from "@/lib/domain/access/permissions";
import { env } from "@/lib/env";
import { listUsers } from "@/lib/domain/access/users";
import { CreateUserForm } from "./create-user-form";
import { UserRowControls } from "./user-row-controls";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const user = await requireUser();
  if (!canAdminister(user)) {
    return (
      <>
        <PageHeader title="Users" />
        <p role="alert" className="text-sm">Only administrators manage users.</p>
      </>
    );
  }
  const [users, frontdoors] = await Promise.all([listUsers(user), listFrontdoors(user)]);
  const options = frontdoors.map((f) => ({ id: f.id, name: f.name }));
  return (
    <>
      <PageHeader title="Users" description="Admins do everything; operators work on their Frontdoors; auditors read everything." />
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400" data-testid="disable-explained">
        Disabling a user signs them out everywhere at once; enabling them again does not bring those sessions back, they sign in anew.
        Their API keys stop while they are disabled and work again when they are enabled: revoke a key on the API keys page to end it for good.
      </p>
      <Card className="mb-6">
        <CreateUserForm frontdoors={options} oidcName={env.isOidcConfigured ? env.OIDC_NAME : undefined} />
      </Card>
      <Table label="Users">
        <thead>
          <tr>
            <Th>Email</Th>
            <Th>Status</Th>
            <Th>Frontdoors</Th>
            <Th>Manage</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {users.map((u) => (
            <tr key={u.id} data-testid={`user-row-${u.email}`}>
              <Td>
                <div className="font-medium">{u.email}</div>
                {u.name ? <div className="text-xs text-zinc-500 dark:text-zinc-400">{u.name}</div> : null}
              </Td>
              <Td>
                <div className="flex flex-wrap gap-1">
                  <Badge tone={u.isDisabled ? "red" : "green"}>{u.isDisabled ? "disabled" : "active"}</Badge>
                  {u.hasSecondFactor ? <Badge tone="blue">second factor</Badge> : null}
                  {u.oidc ? <Badge tone="blue">{u.oidc === "linked" ? "single sign-on" : "single sign-on, not used yet"}</Badge> : null}
                </div>
              </Td>
              <Td className="text-xs">{u.role === "operator" ? u.frontdoors.map((f) => f.name).join(", ") || "none" : "all"}</Td>
              <Td>
                <UserRowControls
                  userId={u.id}
                  email={u.email}
                  role={u.role}
                  isDisabled={u.isDisabled}
                  hasSecondFactor={u.hasSecondFactor}
                  memberIds={u.frontdoors.map((f) => f.id)}
                  frontdoors={options}
                  isSelf={u.id === user.userId}
                />
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
