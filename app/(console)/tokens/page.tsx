import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Tokens" };

export default async function TokensPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Tokens" />
      <EmptyState title="Nothing here yet">Certificate request tokens will be listed here.</EmptyState>
    </>
  );
}
