import { previewRedemption } from "@/lib/domain/certificates";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import { withTokenGuessLimit } from "@/lib/http/redeem";
import { previewRequestSchema } from "@/lib/validation/certificates";
import { parseInput } from "@/lib/validation/parse";

/**
 * The redemption page's look at a token before anything is generated. POST, so the secret
 * travels in the body and never in a URL; it does not consume the token.
 */
export const POST = route((request) =>
  withTokenGuessLimit(request, async () => {
    const input = parseInput(previewRequestSchema, await readJson(request));
    return json(await previewRedemption(input.frontdoorId, input.token));
  }),
);
