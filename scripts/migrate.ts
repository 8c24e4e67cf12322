import 'reflect-metadata';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, withOrm } from './lib/migrations';
import { CONTENT_COLLECTION, connectMongo, openReport, runCli, UsageError } from './lib/ops-cli';

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
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Invalid configuration: DATABASE_URL is required');
  switch (command) {
    case 'up': {
      const names = await migrate(databaseUrl, 'up', values.to);
      console.log(names.length ? `up: ${names.join(', ')}` : 'up: nothing to do');
      return 0;
    }
    case 'down':
      await down(databaseUrl, values.to === '0' ? (0 as never) : values.to, values.report);
      return 0;
    case 'pending':
      await withOrm(databaseUrl, async (orm) => {
        const pending = await orm.getMigrator().getPendingMigrations();
        console.log(
          pending.length ? pending.map((m) => m.name).join('\n') : 'no pending migrations',
        );
      });
      return 0;
    default:
      await withOrm(databaseUrl, async (orm) => {
        const result = await orm
          .getMigrator()
          .createMigration(resolve('migrations'), true, false, values.name);
        console.log(`created migrations/${result.fileName}; add it to migrations/index.ts`);
      });
      return 0;
  }
}

async function down(databaseUrl: string, to: string | undefined, reportPath?: string) {
  const mongodbUri = process.env.MONGODB_URI;
  const report = openReport(
    reportPath ?? `reports/rollback-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  const client = mongodbUri ? await connectMongo(mongodbUri, 10_000) : undefined;
  try {
    const names = await migrate(databaseUrl, 'down', to, {
      contents: client?.db().collection(CONTENT_COLLECTION),
      onRollbackPrepared: (prepared) => {
        for (const row of prepared.unfolded) report.write(row);
        report.sync();
        console.log(
          `down: completions since the upgrade are folded into the legacy arrays through ` +
            `${prepared.items} items of ${prepared.courses} courses; ${prepared.unfolded.length} ` +
            `progress rows have no legacy id and stay in the progress table only` +
            (prepared.unfolded.length ? ` (listed in ${report.path})` : ''),
        );
      },
    });
    console.log(names.length ? `down: ${names.join(', ')}` : 'down: nothing to do');
  } finally {
    report.close();
    await client?.close();
  }
}

runCli('migrate', USAGE, main);
