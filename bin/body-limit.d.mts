import type { IncomingMessage, Server, ServerResponse } from "node:http";
export declare const MAX_DOOR_BODY_BYTES: number;
export declare const MAX_BATCH_BODY_BYTES: number;
export declare const MAX_ACTION_BODY_BYTES: number;
export declare function bodyLimitOf(url: string | undefined): number;
export declare function payloadTooLargeProblem(limit: number): { type: string; title: string; status: number; detail: string; code: "payload_too_large" };
export declare function refuseOversizedBody(req: IncomingMessage, res: ServerResponse): boolean;
export declare function answerExpectContinue(server: Server): void;
