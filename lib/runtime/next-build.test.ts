import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildLogger, runNextBuild } from "@/lib/runtime/next-build";

// The launcher's build step, with a stand-in for Next.js's bin that prints what a build does
// (colour codes, a blank line, a warning on stderr) and the telemetry switch it was given.

const standIn = `
  process.stdout.write("\\x1b[1m\\x1b[38;2;173;127;168m▲ Next.js 16\\x1b[39m\\x1b[22m\\r\\n\\n");
  process.stdout.write("   Creating an optimized production build ...\\n" + "telemetry disabled: " + process.env.NEXT_TELEMETRY_DISABLED + "\\n");
  process.stderr.write("\\x1b[33m⚠\\x1b[39m a warning\\n");
  process.stdout.write("├ ƒ /frontdoors   1.2 kB"); // the last line has no newline
  process.exit(Number(process.argv[1]));
`;

function run(exitCode: number, isTerminal = false) {
  const written: string[] = [];
  const log = buildLogger("info", { write: (chunk: string) => void written.push(chunk) });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: undefined };
  const status = runNextBuild({ command: [process.execPath, "-e", standIn, String(exitCode)], isTerminal, env, log });
  return status.then((code) => ({ code, lines: written.join("").split("\n").filter(Boolean) }));
}

describe("runNextBuild", () => {
  it("turns each line of the build into a JSON line of component build, without colour codes", async () => {
    const { code, lines } = await run(0);
    expect(code).toBe(0);
    const entries = lines.map((line) => JSON.parse(line) as { level: number; component: string; msg: string; time: string });
    expect(entries.map((e) => e.component)).toEqual(entries.map(() => "build"));
    expect(entries.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
    expect(entries.filter((e) => e.level === 30).map((e) => e.msg)).toEqual(["▲ Next.js 16", "   Creating an optimized production build ...", "telemetry disabled: 1", "├ ƒ /frontdoors   1.2 kB"]);
    expect(entries.filter((e) => e.level === 40).map((e) => e.msg)).toEqual(["⚠ a warning"]);
  });

  it("answers the build's exit code, so a failed build stops the start", async () => {
    expect((await run(3)).code).toBe(3);
  });
});

describe("Next.js telemetry", () => {
  it("is off in every package.json script that runs Next.js", () => {
    const { scripts } = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { scripts: Record<string, string> };
    const runsNext = Object.entries(scripts).filter(([, command]) => /(^|\s|&&\s*)next\s/.test(command));
    expect(runsNext.map(([name]) => name).sort()).toEqual(["build", "dev"]);
    for (const [name, command] of runsNext) expect({ name, command }).toEqual({ name, command: expect.stringMatching(/^NEXT_TELEMETRY_DISABLED=1 next /) });
  });

  it("is off for the server the launcher starts", () => {
    const launcher = readFileSync(path.resolve(import.meta.dirname, "launch.ts"), "utf8");
    const serverSpawn = launcher.slice(launcher.indexOf('spawn(process.execPath, [path.join(root, "bin", "server.mjs")'));
    expect(serverSpawn.slice(0, serverSpawn.indexOf("});"))).toContain("...NO_TELEMETRY");
  });
});
