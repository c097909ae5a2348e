"use client";

import "swagger-ui-dist/swagger-ui.css";
import { useEffect, useRef } from "react";
import { codeSamples } from "./code-samples";

/**
 * Swagger UI (swagger-ui-dist's prebuilt bundle, served from this origin as one of the
 * page's chunks), fed the live document. It needs no eval, fonts or other origins, so it
 * runs under the page's strict policy as is.
 */
export function ApiReference() {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let isCancelled = false;
    const node = container.current;
    void import("swagger-ui-dist/swagger-ui-es-bundle.js").then(({ default: SwaggerUI }) => {
      if (isCancelled || !node) return;
      SwaggerUI({
        domNode: node,
        url: "/api/openapi.json",
        plugins: [codeSamples],
        docExpansion: "list",
        filter: true,
        deepLinking: true,
        // A link to /docs?url=… must not point this page at someone else's document.
        queryConfigEnabled: false,
      });
    });

    // Swagger UI's dark theme hangs off a class on <html>; follow the system like the console.
    const dark = window.matchMedia("(prefers-color-scheme: dark)");
    const follow = () => document.documentElement.classList.toggle("dark-mode", dark.matches);
    follow();
    dark.addEventListener("change", follow);
    return () => {
      isCancelled = true;
      dark.removeEventListener("change", follow);
      document.documentElement.classList.remove("dark-mode");
      node?.replaceChildren();
    };
  }, []);

  return <div ref={container} />;
}
