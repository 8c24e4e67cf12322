import 'reflect-metadata';
import { resolve } from 'node:path';
import { migrate, withOrm } from './lib/migrations';
import { CONTENT_COLLECTION, connectMongo, openReport } from './lib/ops-cli';

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

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined || [command, ...args].some((a) => a === '--help' || a === '-h')) {
    console.log(USAGE);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('Invalid configuration: DATABASE_URL is required');
  switch (command) {
    case 'up': {
      const to = option(args, '--to');
      const names = await migrate(databaseUrl, command, to);
      console.log(names.length ? `up: ${names.join(', ')}` : 'up: nothing to do');
      return;
    }
    case 'down': {
      const to = option(args, '--to');
      await down(databaseUrl, to === '0' ? (0 as never) : to, option(args, '--report'));
      return;
    }
    case 'pending':
      await withOrm(databaseUrl, async (orm) => {
        const pending = await orm.getMigrator().getPendingMigrations();
        console.log(
          pending.length ? pending.map((m) => m.name).join('\n') : 'no pending migrations',
        );
      });
      return;
    case 'create':
      await withOrm(databaseUrl, async (orm) => {
        const name = option(args, '--name');
        const result = await orm
          .getMigrator()
          .createMigration(resolve('migrations'), true, false, name);
        console.log(`created migrations/${result.fileName}; add it to migrations/index.ts`);
      });
      return;
    default:
      console.error(USAGE);
      process.exitCode = 2;
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
