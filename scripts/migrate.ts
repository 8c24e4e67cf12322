import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadOpsConfig } from '../src/config/ops-config';
import {
  schemaMigrationContext,
  withLegacyMigration,
} from '../src/legacy-migration/legacy-migration.context';
import { RollbackPreparation } from '../src/legacy-migration/rollback-fold.service';
import { SchemaMigrationService } from '../src/legacy-migration/schema-migration.service';
import { openReport, ReportWriter, runCli, timestamped, UsageError } from './lib/ops-cli';

const USAGE = `usage: migrate <up|down|pending|create> [--to <name>] [--name <name>] [--report FILE]
  up       apply pending migrations (all, or up to --to)
  down     revert the last migration (or down to --to; --to 0 reverts all). Reverting the progress
           refactor puts the legacy progress columns back and folds every completion recorded
           since (items with a legacy_id) into them; it needs MONGODB_URI when there are progress
           rows. Rows that the legacy columns cannot hold (items created after the upgrade) stay
           in the progress table and are listed in --report FILE (default
           reports/rollback-<time>.jsonl)
  pending  list migrations not applied yet
  create   write a blank migration file into migrations/ (add it to migrations/index.ts)
  env: DATABASE_URL (required), MONGODB_URI (for down)`;

const COMMANDS = ['up', 'down', 'pending', 'create'] as const;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean', short: 'h' },
      to: { type: 'string' },
      name: { type: 'string' },
      report: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (!COMMANDS.includes(command as (typeof COMMANDS)[number]))
    throw new UsageError(
      command === undefined ? 'a command is required' : `unknown command "${command}"`,
    );
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const allowed: Record<string, string[]> = {
    up: ['to'],
    down: ['to', 'report'],
    pending: [],
    create: ['name'],
  };
  const stray = Object.keys(values).find((k) => k !== 'help' && !allowed[command].includes(k));
  if (stray) throw new UsageError(`--${stray} does not apply to "${command}"`);
  // Only `down` reads MongoDB, and only to fold completions back (see the usage).
  const withMongo = command === 'down' && !!process.env.MONGODB_URI;
  const config = loadOpsConfig(
    { DATABASE_URL: process.env.DATABASE_URL, MONGODB_URI: process.env.MONGODB_URI },
    withMongo ? ['DATABASE_URL', 'MONGODB_URI'] : ['DATABASE_URL'],
  );
  const report =
    command === 'down' ? openReport(values.report ?? timestamped('rollback')) : undefined;
  try {
    await withLegacyMigration(config, schemaMigrationContext(withMongo), (app) =>
      run(app.get(SchemaMigrationService), command, values, report),
    );
    return 0;
  } finally {
    report?.close();
  }
}

async function run(
  migrations: SchemaMigrationService,
  command: string,
  values: { to?: string; name?: string },
  report: ReportWriter | undefined,
): Promise<void> {
  switch (command) {
    case 'up': {
      const names = await migrations.up(values.to);
      console.log(names.length ? `up: ${names.join(', ')}` : 'up: nothing to do');
      return;
    }
    case 'down': {
      const names = await migrations.down(values.to === '0' ? 0 : values.to, (prepared) =>
        printFold(prepared, report!),
      );
      console.log(names.length ? `down: ${names.join(', ')}` : 'down: nothing to do');
      return;
    }
    case 'pending': {
      const pending = await migrations.pending();
      console.log(pending.length ? pending.join('\n') : 'no pending migrations');
      return;
    }
    default: {
      const fileName = await migrations.create(values.name);
      console.log(`created migrations/${fileName}; add it to migrations/index.ts`);
    }
  }
}

function printFold(prepared: RollbackPreparation, report: ReportWriter): void {
  for (const row of prepared.unfolded) report.write(row);
  report.sync();
  console.log(
    `down: completions since the upgrade are folded into the legacy arrays through ` +
      `${prepared.items} items of ${prepared.courses} courses; ${prepared.unfolded.length} ` +
      `progress rows have no legacy id and stay in the progress table only` +
      (prepared.unfolded.length ? ` (listed in ${report.path})` : ''),
  );
}

runCli('migrate', USAGE, main);
