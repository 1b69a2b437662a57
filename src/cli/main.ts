import { Command } from 'commander';
import { ConfigError } from '../config/load.ts';
import { withStore } from './context.ts';
import { registerCredentialsCommand } from './credentials-command.ts';
import { registerDetectCommands } from './detect-command.ts';
import { registerExportCommand } from './export-command.ts';
import { registerImportCommand } from './import-command.ts';
import { registerIntelPollCommand } from './intel-poll-command.ts';
import { registerInvestigateCommand } from './investigate-command.ts';
import { registerKeysCommand } from './keys-command.ts';
import { registerLeaksCommand } from './leaks-command.ts';
import { registerPoliciesCommand } from './policies-command.ts';
import { registerQuarantineCommand } from './quarantine-command.ts';
import { registerRemediateCommand } from './remediate-command.ts';
import { registerRiskyCommands } from './risky-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';

/** Builds the `vigil` command line. */
export function createProgram(): Command {
  const program = new Command('vigil')
    .description('Vigil: identity protection for workload identities')
    .option(
      '--database <url>',
      'store: a SQLite file path or a postgres:// URL (default: VIGIL_DATABASE_URL)',
    )
    .showHelpAfterError();
  registerServeCommand(program);
  registerImportCommand(program);
  registerQuarantineCommand(program);
  registerKeysCommand(program);
  registerRiskyCommands(program);
  registerLeaksCommand(program);
  registerDetectCommands(program);
  registerIntelPollCommand(program);
  registerSimulateCommand(program);
  registerPoliciesCommand(program);
  registerExportCommand(program);
  registerCredentialsCommand(program);
  registerRemediateCommand(program);
  registerInvestigateCommand(program);
  program
    .command('migrate')
    .description('apply pending store migrations (serve and every command also do this on start)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withStore(cmd.optsWithGlobals(), async ({ store }) => {
        process.stdout.write(`store ${store.capabilities.location} is up to date\n`);
      });
    });
  return program;
}

/** Runs the command line; configuration problems are printed, not thrown. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
