"use client";

import dynamic from "next/dynamic";
import { useSelectedLayoutSegment } from "next/navigation";

// Sonner's toaster (~13 KiB of gzipped JavaScript) for the pages that toast. The public
// redemption page and the API guide never do, so they neither render nor download it: the
// redemption page has a first-load budget (bench/RESULTS.md). A toast raised before the
// toaster has loaded is not lost: sonner replays active toasts to a late subscriber.
const SonnerToaster = dynamic(() => import("sonner").then((m) => m.Toaster));

const WITHOUT_TOASTS = new Set(["redeem", "docs"]);

export function Toaster() {
  const segment = useSelectedLayoutSegment();
  if (segment !== null && WITHOUT_TOASTS.has(segment)) return null;
  return <SonnerToaster richColors position="top-right" />;
}
