import { describe, expect, it } from "vitest";
import { readBytes, readJson } from "@/lib/http/body";

// The hot doors' bodies arrive from bin/lean-doors.mjs as bytes on the Request, under the
// registry symbol "certdoor.leanBody"; every other Request is read from its stream.
const leanRequest = (bytes: Uint8Array, headers: Record<string, string> = {}) => {
  const request = new Request("http://localhost/x", { method: "POST", headers });
  (request as unknown as Record<symbol, unknown>)[Symbol.for("certdoor.leanBody")] = bytes;
  return request;
};

describe("request bodies", () => {
  it("takes the bytes the lean path read, under the same limit as a stream", async () => {
    expect(await readJson(leanRequest(Buffer.from('{"type":"CSR"}')))).toEqual({ type: "CSR" });
    await expect(readBytes(leanRequest(Buffer.alloc(11)), 10)).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(readBytes(leanRequest(Buffer.alloc(1), { "content-length": "11" }), 10)).rejects.toMatchObject({ code: "payload_too_large" });
    expect((await readBytes(leanRequest(new Uint8Array([1, 2, 3]).subarray(1)))).toString("hex")).toBe("0203");
  });

  it("reads any other Request from its stream, as before", async () => {
    expect(await readJson(new Request("http://localhost/x", { method: "POST", body: '{"a":1}' }))).toEqual({ a: 1 });
    await expect(readBytes(new Request("http://localhost/x", { method: "POST", body: "x".repeat(11) }), 10)).rejects.toMatchObject({ code: "payload_too_large" });
  });
});
