// rmgauge command-line entry point: dispatches to one module per command.
import { UserError, errorMessage } from '../errors.js';

export interface Command {
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  bench: () => import('./commands/bench.js'),
  score: () => import('./commands/score.js'),
  report: () => import('./commands/report.js'),
  gate: () => import('./commands/gate.js'),
  curate: () => import('./commands/curate.js'),
  serve: () => import('./commands/serve.js'),
  datasets: () => import('./commands/datasets.js'),
};

async function usage(): Promise<string> {
  const lines = ['Usage: rmgauge <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    let summary = '';
    try {
      summary = (await load()).command.summary;
    } catch {
      summary = '(unavailable)';
    }
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  lines.push('', 'Run `rmgauge <command> --help` for its options. With no command, `bench` runs the demo.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { harnessVersion } = await import('../run/provenance.js');
    process.stdout.write(harnessVersion() + '\n');
    return 0;
  }
  const load = commands[name ?? 'bench'] ?? (name?.startsWith('-') ? commands.bench : undefined);
  if (!load) {
    process.stderr.write(`rmgauge: unknown command "${name}"\n\n${await usage()}\n`);
    return 1;
  }
  const args = name === undefined || name.startsWith('-') ? argv : rest;
  try {
    return await (await load()).command.run(args);
  } catch (err) {
    if (err instanceof UserError || (err as { code?: string })?.code?.startsWith?.('ERR_PARSE_ARGS')) {
      process.stderr.write(`rmgauge: ${errorMessage(err)}\n`);
      return 1;
    }
    process.stderr.write(`rmgauge: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && /(?:^|[\\/])(?:main\.ts|rmgauge(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`rmgauge: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
