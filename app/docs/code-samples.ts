import type { SwaggerPlugin } from "swagger-ui-dist/swagger-ui-es-bundle.js";

// The document carries a ready command per operation as Redoc's `x-codeSamples` (the
// curl calls people copy); Swagger UI by itself shows vendor extensions only as raw JSON.
// This plugin shows them above the operation's parameters, highlighted and copyable by
// Swagger UI's own code block.

type CodeSample = { lang?: string; label?: string; source: string };
/** The operation arrives as an Immutable.js map. */
type OperationMap = { get(key: string): { toJS(): unknown } | undefined };

export const codeSamples: SwaggerPlugin = () => ({
  wrapComponents: {
    parameters: (Original, system) => (props) => {
      const h = system.React.createElement;
      const samples = ((props.operation as OperationMap | undefined)?.get("x-codeSamples")?.toJS() ?? []) as CodeSample[];
      if (samples.length === 0) return h(Original, props);
      const HighlightCode = system.getComponent("HighlightCode", true);
      return h(
        "div",
        null,
        h("div", { className: "opblock-section-header" }, h("h4", { className: "opblock-title" }, "Code samples")),
        ...samples.map((sample, i) =>
          h(
            "div",
            { key: i, className: "opblock-description-wrapper" },
            h("p", null, sample.label ?? sample.lang),
            h(HighlightCode, { language: "bash", canCopy: true, getComponent: system.getComponent }, sample.source),
          ),
        ),
        h(Original, props),
      );
    },
  },
});
