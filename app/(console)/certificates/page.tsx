import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage() {
  await requireUser();
  return (
    <>
      <PageHeader title="Certificates" />
      <EmptyState title="Nothing here yet">Issued client certificates will be listed here.</EmptyState>
    </>
  );
}
