"use client";

import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";

/** Scalar's renderer, fed the live document; no fonts or proxies from outside this origin. */
export function ApiReference() {
  return (
    <ApiReferenceReact
      configuration={{
        url: "/api/openapi.json",
        withDefaultFonts: false,
        hideClientButton: false,
        defaultOpenAllTags: true,
        hideDarkModeToggle: false,
        // Certdoor runs on closed networks: no hosted AI agent, no toolbar that links out.
        showDeveloperTools: "never",
        agent: { disabled: true },
      }}
    />
  );
}
