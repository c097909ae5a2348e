import { answerToken } from "@/lib/domain/tokens";
import { authenticateRequest } from "@/lib/http/authenticate";
import { readJson } from "@/lib/http/body";
import { json, route } from "@/lib/http/handler";
import type { ApprovalAnswerInput } from "@/lib/validation/approvals";

type Params = { frontdoorId: string; tokenId: string };

/** Approve or reject a token waiting for approval (CONTRACT "Approvals"); answers the token as it now is. */
export const POST = route<Params>(async (request, { frontdoorId, tokenId }) => {
  const principal = await authenticateRequest(request);
  return json(await answerToken(principal, frontdoorId, tokenId, (await readJson(request)) as ApprovalAnswerInput));
});
