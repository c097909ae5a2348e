import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Audit" />
      <EmptyState title="Nothing here yet">The audit trail will be shown here.</EmptyState>
    </>
  );
}
