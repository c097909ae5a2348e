import type { ServerResponse } from "node:http";
export declare function hasMalformedPath(url: string | undefined): boolean;
export declare const malformedPathProblem: { type: string; title: string; status: number; detail: string; code: "validation_failed"; errors: { path: string; message: string }[] };
export declare function answerMalformedPath(res: ServerResponse): void;
