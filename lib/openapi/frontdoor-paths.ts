import { frontdoorId, jsonContent, type Json, management, problems, ref } from "@/lib/openapi/helpers";

// The Frontdoor paths of the OpenAPI document: a Frontdoor's settings, and creating one.

const createExample = { name: "edge-eu", tcpSharesEnabled: true };
const updateExample = {
  renewalWindowDays: 14,
  profile: { extendedKeyUsage: ["clientAuth", "serverAuth"], keyTypes: ["EC-P256", "EC-P384"], maxValidDays: 90 },
  namePolicy: { allow: { commonName: ["*.ci.example.com"], dns: ["*.ci.example.com"], ip: ["10.0.0.0/8"] }, deny: { dns: [".prod.example.com"] } },
};

const curlCreate = `curl -X POST "$CERTDOOR/frontdoors" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${JSON.stringify(createExample)}'`;

const curlUpdate = `curl -X PATCH "$CERTDOOR/frontdoor/$FRONTDOOR_ID" \\
  -H "Authorization: Bearer $CERTDOOR_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '${JSON.stringify(updateExample)}'`;

const nameTaken = { description: "Another Frontdoor has that name (`conflict`)", content: { "application/problem+json": { schema: ref("Problem") } } };

export const frontdoorPaths: Record<string, Json> = {
  "/frontdoors": {
    post: {
      tags: ["Frontdoors"],
      operationId: "createFrontdoor",
      summary: "Create a Frontdoor",
      description: "Admins. The Frontdoor gets its own issuing CA at once; `certdoor frontdoor create` and the console do the same.",
      security: management,
      requestBody: { required: true, content: jsonContent("CreateFrontdoorRequest", createExample) },
      responses: { "201": { description: "Created; `Location` names it", content: jsonContent("Frontdoor") }, ...problems(400, 401, 403, 413), "409": nameTaken },
      "x-codeSamples": [{ lang: "Shell", label: "curl", source: curlCreate }],
    },
  },
  "/frontdoor/{frontdoorId}": {
    parameters: [frontdoorId],
    get: {
      tags: ["Frontdoors"],
      operationId: "getFrontdoor",
      summary: "A Frontdoor and its settings",
      description: "Admins, auditors, and operators who are members. Anyone else gets `frontdoor_not_found`, as for an id that does not exist.",
      security: management,
      responses: { "200": { description: "The Frontdoor", content: jsonContent("Frontdoor") }, ...problems(401, 404) },
    },
    patch: {
      tags: ["Frontdoors"],
      operationId: "updateFrontdoor",
      summary: "Change a Frontdoor's settings",
      description:
        "Admins. Give any of the settings; the others stay. `profile` takes any of its fields (the others stay); `namePolicy` replaces the whole policy (`{}` allows every name). " +
        "A changed profile or policy applies to tokens created and certificates issued from then on, never to certificates already issued. " +
        "Audited as `frontdoor.updated` with the before and after of each setting that changed " +
        "(nothing is written or audited when nothing changes). `certdoor frontdoor set` does the same.",
      security: management,
      requestBody: { required: true, content: jsonContent("UpdateFrontdoorRequest", updateExample) },
      responses: { "200": { description: "The Frontdoor as it is now", content: jsonContent("Frontdoor") }, ...problems(400, 401, 403, 404, 413), "409": nameTaken },
      "x-codeSamples": [{ lang: "Shell", label: "curl", source: curlUpdate }],
    },
  },
};
