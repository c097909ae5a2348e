import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { Toaster } from "@/components/ui/toaster";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Certdoor", template: "%s · Certdoor" },
  description: "Certificate request tokens for Frontdoor gateways.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page render per request, so each carries the nonce of
  // its own Content-Security-Policy (proxy.ts); a prerendered page would have none.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen">
        {children}
        <Toaster />
      </body>
    </html>
  );
}
