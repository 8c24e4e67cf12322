import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOpsConfig } from '../src/config/ops-config';
import { withLegacyMigration } from '../src/legacy-migration/legacy-migration.context';
import { LegacyContentRepository } from '../src/legacy-migration/legacy-content.repository';
import { writeLegacyFixtures } from './lib/legacy-fixtures';
import { intOption, runCli } from './lib/ops-cli';

const USAGE = `usage: fixtures:legacy [--courses N] [--modules N] [--items N] [--enrollments N] [--seed N]
                        [--content-only] [--no-migrate-up] [--expected FILE]
  Writes a LEGACY data set: course_content documents with integer/missing/garbage ids, and
  courses + enrollments with the legacy progress arrays. PostgreSQL is migrated down to the
  legacy schema for the insert and back up afterwards (which archives the legacy columns).
  --expected FILE   JSON lines, one per enrollment: ids and the legacy completion_percentage
                    computed over the items the new system counts
  env: DATABASE_URL, MONGODB_URI, DB_TIMEOUT_MS. Refuses to run with NODE_ENV=production.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean' },
      'content-only': { type: 'boolean' },
      // Its own flag: parseArgs reads `--no-x` as the negation of `--x` only with allowNegative.
      'no-migrate-up': { type: 'boolean' },
      courses: { type: 'string' },
      modules: { type: 'string' },
      items: { type: 'string' },
      enrollments: { type: 'string' },
      seed: { type: 'string' },
      expected: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (process.env.NODE_ENV === 'production')
    throw new Error(
      'fixtures:legacy writes test data and migrates the schema down: not in production',
    );
  const contentOnly = values['content-only'] ?? false;
  const config = loadOpsConfig(
    process.env,
    contentOnly ? ['MONGODB_URI'] : ['DATABASE_URL', 'MONGODB_URI'],
  );
  await withLegacyMigration(config, { parts: ['mongo'] }, async (app) => {
    const written = await writeLegacyFixtures({
      params: {
        courses: intOption('courses', values.courses, 20),
        modulesPerCourse: intOption('modules', values.modules, 4),
        itemsPerModule: intOption('items', values.items, 6),
        enrollmentsPerCourse: intOption('enrollments', values.enrollments, 8, 0),
        seed: intOption('seed', values.seed, 1, 0),
      },
      databaseUrl: contentOnly ? undefined : config.DATABASE_URL,
      contents: app.get(LegacyContentRepository).collection(),
      mongodbUri: config.MONGODB_URI,
      migrateUp: !values['no-migrate-up'],
      log: (m) => console.error(m),
    });
    const lines = written.enrollments.map((e) =>
      JSON.stringify({
        enrollment_id: e.enrollment_id,
        student_id: e.student_id,
        course_id: e.course_id,
        legacy_completion_percentage: e.completion_percentage,
      }),
    );
    const expected = values.expected;
    if (expected) writeFileSync(expected, lines.length ? `${lines.join('\n')}\n` : '');
    else for (const line of lines) console.log(line);
    console.error(
      `wrote ${written.courses.length} courses (${written.courses.filter((c) => c.content).length} ` +
        `content documents), ${written.enrollments.length} enrollments`,
    );
  });
}

runCli('fixtures:legacy', USAGE, main);
