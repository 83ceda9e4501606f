import { runPromote } from "./promote";
import { CliError, runScan, type CliIO } from "./scan";

type Command = (args: string[], io: CliIO) => Promise<number>;

// One entry per subcommand; `promote` will get its own file and a line here.
const COMMANDS: Record<string, Command> = {
  scan: runScan,
  promote: runPromote,
};

export const USAGE = `Usage: ferry <command> [options]

Commands:
  scan <dir> [--json]   read a GitOps repository and show apps, environments and versions
  promote <dir> --app A --from ENV --to ENV   plan (or --write, or --server: open) a promotion

Run "ferry <command> --help" for a command's options.`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`ferry: unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(", ")})`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (e) {
    const message = e instanceof CliError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    io.stderr(`ferry ${command}: ${message}`);
    return 1;
  }
}

const io: CliIO = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

export async function runCli(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), io);
}
