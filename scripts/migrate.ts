import 'reflect-metadata';
import { resolve } from 'node:path';
import { migrate, withOrm } from './lib/migrations';

const USAGE = `usage: migrate <up|down|pending|create> [--to <name>] [--name <name>]
  up       apply pending migrations (all, or up to --to)
  down     revert the last migration (or down to --to; --to 0 reverts all)
  pending  list migrations not applied yet
  create   write a blank migration file into migrations/ (add it to migrations/index.ts)`;

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
    case 'up':
    case 'down': {
      const to = option(args, '--to');
      const names = await migrate(databaseUrl, command, to === '0' ? (0 as never) : to);
      console.log(names.length ? `${command}: ${names.join(', ')}` : `${command}: nothing to do`);
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
