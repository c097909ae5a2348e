import { EXIT, reportError } from "./io";
import { type Command, helpText, parseInput, usageLine } from "./options";
import { redeemCommand } from "./commands/redeem";
import { renewCommand } from "./commands/renew";

// The entry of certdoor-redeem.mjs, the file GET /tools/certdoor-redeem.mjs serves
// (lib/tools/bundle-redeem-tool.mjs bundles it), for machines that have Node and a token but
// no Certdoor: `certdoor redeem` by default, and `certdoor renew` as `… renew`, so the same
// file also runs from the daily timer. The same command objects, option tables and exit codes.

const INVOCATION = "node certdoor-redeem.mjs";
const [major = 0] = process.versions.node.split(".").map(Number);

async function main(argv: string[]): Promise<number> {
  if (major < 20) {
    process.stderr.write(`certdoor-redeem: needs Node.js 20 or newer; this is ${process.version}.\n`);
    return EXIT.failed;
  }
  const isRenew = argv[0] === "renew";
  const [name, command, args]: [string, Command, string[]] = isRenew ? ["renew", renewCommand, argv.slice(1)] : ["redeem", redeemCommand, argv];
  const invocation = isRenew ? `${INVOCATION} renew` : INVOCATION;
  if (args.includes("--help") || args.includes("-h")) {
    const other = isRenew ? "" : `\n\nRenewing later, with the key this wrote (for a daily timer): ${INVOCATION} renew --help`;
    process.stdout.write(`${helpText(invocation, command)}${other}\n`);
    return EXIT.ok;
  }
  const usage = () => `Usage: ${usageLine(invocation, command)}\nRun \`${invocation} --help\` for what each option means.`;
  try {
    const input = parseInput(name, command, args);
    await command.run(input, { json: input.json }, { kind: "system", label: "certdoor-redeem.mjs" });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, usage);
  }
}

process.exitCode = await main(process.argv.slice(2));
