import "reflect-metadata";
import { AsnConvert } from "@peculiar/asn1-schema";
import { OCSPResponse } from "@peculiar/asn1-ocsp";
import { ERROR_STATUS, type ErrorCode } from "@/lib/domain/errors";
import { DOORS, type DoorName } from "@/lib/testing/fuzz/doors";

// What every answer of a door must look like, whatever was asked (CONTRACT.md): never a
// 5xx; a failure carries a contract code whose status is the one it answered with, in the
// door's medium (problem+json, or EST's `code: detail` line); 401 challenges, 429 says when
// to come back; a success is in the format the door promises. Returns what is wrong.

export type Answer = { status: number; headers: Headers; body: Uint8Array };

const isCode = (code: unknown): code is ErrorCode => typeof code === "string" && Object.hasOwn(ERROR_STATUS, code);
const text = (body: Uint8Array) => Buffer.from(body).toString("utf8");

function failureProblems(door: DoorName, method: string, answer: Answer): string[] {
  const { status, headers, body } = answer;
  const type = headers.get("content-type") ?? "";
  // Next.js answers a method the route does not export with a bare 405 (the framework's, not a door's).
  if (status === 405 && body.length === 0) return [];
  // A HEAD answer has the GET answer's headers and no body to read.
  if (method === "HEAD") return type.startsWith(DOORS[door].failure === "est" ? "text/plain" : "application/problem+json") ? [] : [`HEAD failure with Content-Type ${type}`];
  let code: unknown;
  if (DOORS[door].failure === "est" && !type.startsWith("application/problem+json")) {
    if (!type.startsWith("text/plain")) return [`EST failure with Content-Type ${type}`];
    code = /^([a-z_]+): /.exec(text(body))?.[1];
  } else {
    if (type !== "application/problem+json") return [`failure with Content-Type ${type || "(none)"}, not problem+json`];
    let problem: { code?: unknown; status?: unknown; title?: unknown; detail?: unknown };
    try {
      problem = JSON.parse(text(body));
    } catch {
      return ["problem+json body that is not JSON"];
    }
    if (problem.status !== status) return [`problem status ${String(problem.status)} on a ${status} answer`];
    if (typeof problem.title !== "string" || typeof problem.detail !== "string") return ["problem without title or detail"];
    if (/\n\s+at /.test(problem.detail)) return ["a stack trace in the problem's detail"];
    code = problem.code;
  }
  if (!isCode(code)) return [`failure code ${JSON.stringify(code)} is not a contract code`];
  if (ERROR_STATUS[code] !== status) return [`code ${code} answered with ${status}, the contract says ${ERROR_STATUS[code]}`];
  if (status === 401 && !headers.get("www-authenticate")) return ["401 without WWW-Authenticate"];
  if (status === 429 && !/^\d+$/.test(headers.get("retry-after") ?? "")) return ["429 without Retry-After"];
  return [];
}

function successProblems(door: DoorName, method: string, answer: Answer): string[] {
  const { status, headers, body } = answer;
  const type = headers.get("content-type") ?? "";
  if (status === 204 || status === 304 || method === "HEAD" || method === "OPTIONS") return [];
  switch (door) {
    case "caPem":
      return type === "application/x-pem-file" && text(body).startsWith("-----BEGIN CERTIFICATE-----") ? [] : [`CA chain as ${type}`];
    case "caCrt":
    case "caByIdCrt":
      return type === "application/pkix-cert" && body[0] === 0x30 ? [] : [`CA certificate as ${type}`];
    case "crl":
    case "crlById":
      return type === "application/pkix-crl" || type === "application/x-pem-file" ? [] : [`CRL as ${type}`];
    case "tokensExport":
      return type.startsWith("text/csv") ? [] : [`export as ${type}`];
    case "ocspPost":
    case "ocspGet":
      if (type !== "application/ocsp-response") return [`OCSP answer as ${type}`];
      try {
        AsnConvert.parse(body, OCSPResponse);
        return [];
      } catch {
        return ["an OCSP answer that does not parse"];
      }
    case "estCacerts":
    case "estEnroll":
      return type.startsWith("application/pkcs7-mime") && /^[A-Za-z0-9+/=\n]+$/.test(text(body)) ? [] : [`EST answer as ${type}`];
    default:
      try {
        JSON.parse(text(body));
        return type.startsWith("application/json") ? [] : [`JSON answer as ${type}`];
      } catch {
        return ["a success whose body is not JSON"];
      }
  }
}

/** Everything about this answer that breaks the contract (empty when it keeps it). */
export function contractProblems(door: DoorName, method: string, answer: Answer): string[] {
  if (answer.status >= 500) return [`${answer.status}: ${text(answer.body).slice(0, 300)}`];
  // Sign-in answers what a browser follows: a redirect (to the console, or back to /login with the reason).
  if (DOORS[door].failure === "redirect") return answer.status >= 300 && answer.status < 400 && !answer.headers.get("location") ? [`${answer.status} without Location`] : [];
  if (answer.status >= 400) return failureProblems(door, method, answer);
  if (answer.status >= 200 && answer.status < 300) return successProblems(door, method, answer);
  return answer.status === 304 ? [] : [`unexpected status ${answer.status}`];
}
