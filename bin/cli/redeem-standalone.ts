import { EXIT, reportError } from "./io";
import { helpText, parseInput, usageLine } from "./options";
import { redeemCommand } from "./commands/redeem";

// The entry of certdoor-redeem.mjs, the file GET /tools/certdoor-redeem.mjs serves
// (lib/tools/bundle-redeem-tool.mjs bundles it): `certdoor redeem`, the same command object
// with the same option table, for machines that have Node and a token but no Certdoor.

const INVOCATION = "node certdoor-redeem.mjs";
const [major = 0] = process.versions.node.split(".").map(Number);

async function main(argv: string[]): Promise<number> {
  if (major < 20) {
    process.stderr.write(`certdoor-redeem: needs Node.js 20 or newer; this is ${process.version}.\n`);
    return EXIT.failed;
  }
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${helpText(INVOCATION, redeemCommand)}\n`);
    return EXIT.ok;
  }
  const usage = () => `Usage: ${usageLine(INVOCATION, redeemCommand)}\nRun \`${INVOCATION} --help\` for what each option means.`;
  try {
    const input = parseInput("redeem", redeemCommand, argv);
    await redeemCommand.run(input, { json: input.json }, { kind: "system", label: "certdoor-redeem.mjs" });
    return EXIT.ok;
  } catch (error) {
    return reportError(error, usage);
  }
}

process.exitCode = await main(process.argv.slice(2));
