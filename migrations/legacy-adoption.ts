import { randomBytes } from 'node:crypto';
import {
  CERTIFICATE_NUMBER_BYTES,
  formatCertificateNumber,
} from '../src/certificates/domain/certificate-number';
import { COURSE_STATUSES } from '../src/courses/domain/course-status';
import { ENROLLMENT_STATUSES } from '../src/enrollments/domain/enrollment-status';

/*
 * Adopting the tables a legacy service left behind, instead of `create table if not exists` doing
 * nothing on them. Every refusal is decided before the first change, and one error lists them
 * all; the migration's transaction makes a failure half-way change nothing either.
 *
 * Assumption: a `timestamp without time zone` column holds UTC wall-clock times (the legacy
 * SQLAlchemy models default to datetime.utcnow), so it becomes timestamptz read as UTC, whatever
 * the session's TimeZone is.
 */

export type TableName = 'courses' | 'enrollments' | 'certificates';

/** Referenced tables first: each table's foreign keys point only at tables before it. */
export const TABLE_NAMES: readonly TableName[] = ['courses', 'enrollments', 'certificates'];

type Row = Record<string, unknown>;
export type RunSql = (sql: string, params?: unknown[]) => Promise<Row[]>;

type Kind =
  'integer' | 'text' | 'status' | 'timestamptz' | 'numeric' | 'integer[]' | 'jsonb' | 'boolean';

interface ColumnShape {
  name: string;
  kind: Kind;
  /** numeric(precision, scale) */
  numeric?: [number, number];
  nullable?: boolean;
  /** As written in the DDL of a new table. */
  default?: string;
  /** For rows that exist when the column is added or hold NULL; `default` when absent. */
  fill?: (present: ReadonlySet<string>) => string;
  /** How `fill` reads in the operator's report, when it is not a plain value. */
  fillNote?: string;
  /** Why the column cannot be invented: without it (or with NULLs in it) adoption refuses. */
  required?: string;
  /** Allowed values of a status column. */
  values?: readonly string[];
  /** Filled with certificate numbers drawn like the service draws them. */
  certificateNumber?: true;
  /** Type used when the column is added (text columns keep whatever text type they have). */
  addAs?: string;
}

interface UniqueShape {
  name: string;
  columns: string[];
}
interface ForeignKeyShape {
  name: string;
  column: string;
  references: TableName;
}
interface IndexShape {
  name: string;
  /** An index that already starts with these columns serves the same queries. */
  columns: string[];
  ddl: string;
}
interface TableShape {
  columns: ColumnShape[];
  uniques: UniqueShape[];
  foreignKeys: ForeignKeyShape[];
  indexes: IndexShape[];
}

const ID: ColumnShape = {
  name: 'id',
  kind: 'integer',
  required: 'rows are identified by integer ids that other tables store',
};
const timestamp = (name: string, notNull = false): ColumnShape =>
  notNull
    ? { name, kind: 'timestamptz', default: 'now()' }
    : { name, kind: 'timestamptz', nullable: true };
const fromEnrollment = (column: string) => () =>
  `(select e.${column} from enrollments e where e.id = certificates.enrollment_id)`;

/** The shape the service (and the progress refactor after this migration) relies on. */
const SHAPES: Record<TableName, TableShape> = {
  courses: {
    columns: [
      ID,
      {
        name: 'title',
        kind: 'text',
        addAs: 'varchar(200)',
        required: 'every course is listed and shown with its title',
      },
      { name: 'description', kind: 'text', addAs: 'text', nullable: true },
      {
        name: 'instructor_id',
        kind: 'integer',
        required: 'it names the owner of each course',
      },
      {
        name: 'status',
        kind: 'status',
        values: COURSE_STATUSES,
        default: `'draft'`,
        // Students were enrolled in the existing courses, so they were visible.
        fill: () => `'published'`,
      },
      timestamp('created_at', true),
      {
        ...timestamp('updated_at', true),
        fillNote: 'created_at, else now()',
        fill: (present) => (present.has('created_at') ? 'coalesce(created_at, now())' : 'now()'),
      },
    ],
    uniques: [],
    foreignKeys: [],
    indexes: [
      { name: 'courses_instructor_id_index', columns: ['instructor_id'], ddl: 'instructor_id' },
      {
        name: 'courses_status_created_at_index',
        columns: ['status', 'created_at'],
        ddl: 'status, created_at desc',
      },
    ],
  },
  enrollments: {
    columns: [
      ID,
      { name: 'student_id', kind: 'integer', required: 'it says whose enrollment each row is' },
      { name: 'course_id', kind: 'integer', required: 'it says which course each row is in' },
      {
        name: 'status',
        kind: 'status',
        values: ENROLLMENT_STATUSES,
        default: `'active'`,
        fillNote: 'completed/dropped by completed_at/dropped_at, else active',
        fill: (present) =>
          'case' +
          (present.has('completed_at') ? ` when completed_at is not null then 'completed'` : '') +
          (present.has('dropped_at') ? ` when dropped_at is not null then 'dropped'` : '') +
          ` else 'active' end`,
      },
      {
        ...timestamp('enrolled_at', true),
        fillNote: 'created_at, else now()',
        fill: (present) => (present.has('created_at') ? 'coalesce(created_at, now())' : 'now()'),
      },
      timestamp('started_at'),
      timestamp('completed_at'),
      timestamp('dropped_at'),
      timestamp('last_accessed_at'),
      { name: 'payment_status', kind: 'text', addAs: 'varchar(20)', nullable: true },
      { name: 'payment_amount', kind: 'numeric', numeric: [10, 2], nullable: true },
      { name: 'enrollment_source', kind: 'text', addAs: 'varchar(100)', nullable: true },
      { name: 'time_spent_minutes', kind: 'integer', default: '0' },
      { name: 'completed_modules', kind: 'integer[]', default: `'{}'` },
      { name: 'completed_lessons', kind: 'integer[]', default: `'{}'` },
      { name: 'total_modules', kind: 'integer', default: '0' },
      { name: 'total_lessons', kind: 'integer', default: '0' },
      { name: 'completion_percentage', kind: 'numeric', numeric: [5, 2], default: '0.00' },
      { name: 'completed_quizzes', kind: 'integer[]', default: `'{}'` },
      { name: 'quiz_scores', kind: 'jsonb', nullable: true },
      { name: 'current_module_id', kind: 'integer', nullable: true },
      { name: 'current_lesson_id', kind: 'integer', nullable: true },
      timestamp('created_at', true),
      {
        ...timestamp('updated_at', true),
        fillNote: 'created_at, else now()',
        fill: (present) => (present.has('created_at') ? 'coalesce(created_at, now())' : 'now()'),
      },
    ],
    uniques: [
      { name: 'enrollments_student_id_course_id_unique', columns: ['student_id', 'course_id'] },
    ],
    foreignKeys: [
      { name: 'enrollments_course_id_fkey', column: 'course_id', references: 'courses' },
    ],
    indexes: [{ name: 'enrollments_course_id_index', columns: ['course_id'], ddl: 'course_id' }],
  },
  certificates: {
    columns: [
      ID,
      {
        name: 'enrollment_id',
        kind: 'integer',
        required: 'a certificate belongs to an enrollment',
      },
      {
        name: 'student_id',
        kind: 'integer',
        fillNote: "the enrollment's",
        fill: fromEnrollment('student_id'),
      },
      {
        name: 'course_id',
        kind: 'integer',
        fillNote: "the enrollment's",
        fill: fromEnrollment('course_id'),
      },
      { name: 'certificate_number', kind: 'text', addAs: 'varchar(64)', certificateNumber: true },
      {
        ...timestamp('issued_at', true),
        fillNote: "the enrollment's completed_at, else now()",
        fill: () => `coalesce(${fromEnrollment('completed_at')()}, now())`,
      },
      { name: 'is_revoked', kind: 'boolean', default: 'false' },
      timestamp('revoked_at'),
      { name: 'revocation_reason', kind: 'text', addAs: 'text', nullable: true },
    ],
    uniques: [
      { name: 'certificates_enrollment_id_unique', columns: ['enrollment_id'] },
      { name: 'certificates_certificate_number_unique', columns: ['certificate_number'] },
    ],
    foreignKeys: [
      {
        name: 'certificates_enrollment_id_fkey',
        column: 'enrollment_id',
        references: 'enrollments',
      },
      { name: 'certificates_course_id_fkey', column: 'course_id', references: 'courses' },
    ],
    indexes: [
      { name: 'certificates_student_id_index', columns: ['student_id'], ddl: 'student_id' },
      { name: 'certificates_course_id_index', columns: ['course_id'], ddl: 'course_id' },
    ],
  },
};

/** pg_type names each kind accepts; enums are accepted for status columns. */
const ACCEPTS: Record<Kind, readonly string[]> = {
  integer: ['int2', 'int4', 'int8'],
  text: ['varchar', 'text', 'bpchar'],
  status: ['varchar', 'text', 'bpchar'],
  timestamptz: ['timestamp', 'timestamptz'],
  numeric: ['numeric', 'int2', 'int4', 'int8', 'float4', 'float8'],
  'integer[]': ['_int2', '_int4', '_int8'],
  jsonb: ['json', 'jsonb'],
  boolean: ['bool'],
};

const DESCRIBES: Record<Kind, string> = {
  integer: 'an integer',
  text: 'text',
  status: 'text or an enum',
  timestamptz: 'a timestamp',
  numeric: 'a number',
  'integer[]': 'an integer array',
  jsonb: 'json',
  boolean: 'a boolean',
};

/** The type as format_type() prints it, for kinds that are converted to one exact type. */
function targetType(shape: ColumnShape): string | null {
  switch (shape.kind) {
    case 'integer':
      return 'integer';
    case 'status':
      return 'character varying(20)';
    case 'timestamptz':
      return 'timestamp with time zone';
    case 'numeric':
      return `numeric(${shape.numeric![0]},${shape.numeric![1]})`;
    case 'integer[]':
      return 'integer[]';
    case 'jsonb':
      return 'jsonb';
    case 'boolean':
      return 'boolean';
    case 'text':
      // Legacy text columns may be longer than ours; shortening them could only lose data.
      return null;
  }
}

function addType(shape: ColumnShape): string {
  return shape.addAs ?? (shape.kind === 'status' ? 'varchar(20)' : targetType(shape)!);
}

function conversion(shape: ColumnShape): string {
  const c = ident(shape.name);
  switch (shape.kind) {
    case 'status':
      return `lower(${c}::text)`;
    case 'timestamptz':
      return `${c} at time zone 'UTC'`;
    case 'numeric':
      return `round(${c}::numeric, ${shape.numeric![1]})`;
    default:
      return `${c}::${targetType(shape)}`;
  }
}

interface ColumnInfo {
  name: string;
  /** format_type() */
  type: string;
  typeName: string;
  isEnum: boolean;
  notNull: boolean;
  default: string | null;
  /** identity or generated: the database supplies the value */
  generated: boolean;
}
interface ConstraintInfo {
  name: string;
  /** pg_constraint.contype: p, u, f, c… */
  type: string;
  columns: string[];
  references: string | null;
}
interface IndexInfo {
  unique: boolean;
  /** partial or on expressions: cannot stand in for a plain unique constraint */
  special: boolean;
  columns: (string | null)[];
}
interface TableInfo {
  name: TableName;
  columns: Map<string, ColumnInfo>;
  constraints: ConstraintInfo[];
  indexes: IndexInfo[];
  rows: number;
}
type Schema = Map<TableName, TableInfo>;

const TABLE_LIST = TABLE_NAMES.map((t) => `'${t}'`).join(', ');

/** The service's tables that exist in the current schema. */
export async function existingTables(sql: RunSql): Promise<TableName[]> {
  const rows = await sql(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname in (${TABLE_LIST})`,
  );
  const names = new Set(rows.map((r) => String(r.name)));
  return TABLE_NAMES.filter((t) => names.has(t));
}

async function inspect(sql: RunSql): Promise<Schema> {
  const schema: Schema = new Map();
  for (const name of await existingTables(sql)) {
    const count = await sql(`select count(*)::int as n from ${ident(name)}`);
    schema.set(name, {
      name,
      columns: new Map(),
      constraints: [],
      indexes: [],
      rows: Number(count[0].n),
    });
  }
  const inSchema = `n.nspname = current_schema() and c.relname in (${TABLE_LIST})`;
  for (const r of await sql(
    `select c.relname as table_name, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
       t.typname as type_name, t.typtype = 'e' as is_enum, a.attnotnull as not_null,
       pg_get_expr(d.adbin, d.adrelid) as column_default,
       (a.attidentity <> '' or a.attgenerated <> '') as generated
     from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     join pg_type t on t.oid = a.atttypid
     left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
     where c.relkind in ('r', 'p') and ${inSchema}
     order by a.attnum`,
  )) {
    schema.get(r.table_name as TableName)?.columns.set(String(r.name), {
      name: String(r.name),
      type: String(r.type),
      typeName: String(r.type_name),
      isEnum: r.is_enum === true,
      notNull: r.not_null === true,
      default: (r.column_default as string | null) ?? null,
      generated: r.generated === true,
    });
  }
  for (const r of await sql(
    `select c.relname as table_name, con.conname as name, con.contype::text as type,
       array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, i)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
             order by k.i) as columns,
       r.relname as ref
     from pg_constraint con
     join pg_class c on c.oid = con.conrelid
     join pg_namespace n on n.oid = c.relnamespace
     left join pg_class r on r.oid = con.confrelid
     where ${inSchema}`,
  )) {
    schema.get(r.table_name as TableName)?.constraints.push({
      name: String(r.name),
      type: String(r.type),
      columns: r.columns as string[],
      references: (r.ref as string | null) ?? null,
    });
  }
  for (const r of await sql(
    `select c.relname as table_name, x.indisunique as is_unique,
       (x.indpred is not null or x.indexprs is not null) as special,
       array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality k(attnum, i)
             left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
             where k.i <= x.indnkeyatts order by k.i) as columns
     from pg_index x
     join pg_class c on c.oid = x.indrelid
     join pg_namespace n on n.oid = c.relnamespace
     where ${inSchema}`,
  )) {
    schema.get(r.table_name as TableName)?.indexes.push({
      unique: r.is_unique === true,
      special: r.special === true,
      columns: r.columns as (string | null)[],
    });
  }
  return schema;
}

/**
 * Adopts the service's tables that exist (and creates the missing ones with `create`), or throws
 * one error naming everything that cannot be adopted, having changed nothing. Returns what it
 * did, one line per table, for the operator.
 */
export async function adoptExistingTables(
  sql: RunSql,
  create: Record<TableName, readonly string[]>,
): Promise<string[]> {
  const schema = await inspect(sql);
  // Structure first: the data checks compare and cast columns, which needs compatible types.
  refuseIf(structuralProblems(schema));
  refuseIf(await dataProblems(sql, schema));

  const report: string[] = [];
  for (const name of TABLE_NAMES) {
    const table = schema.get(name);
    if (!table) {
      for (const statement of create[name]) await sql(statement);
      report.push(`${name}: created (it did not exist)`);
      continue;
    }
    const done = await adoptTable(sql, table);
    report.push(
      `${name} (${plural(table.rows, 'row')} kept): ` +
        (done.length ? done.join('; ') : 'already in shape, nothing changed'),
    );
  }
  return report;
}

function refuseIf(problems: string[]): void {
  if (!problems.length) return;
  throw new Error(
    `Cannot adopt the existing database; nothing was changed. Fix the following, then run ` +
      `the migration again:\n${problems.map((p) => `- ${p}`).join('\n')}`,
  );
}

function structuralProblems(schema: Schema): string[] {
  const problems: string[] = [];
  for (const table of schema.values()) {
    const shape = SHAPES[table.name];
    const known = new Set(shape.columns.map((c) => c.name));
    for (const column of shape.columns) {
      const info = table.columns.get(column.name);
      const where = `${table.name}.${column.name}`;
      if (!info) {
        if (column.required) {
          problems.push(
            `${table.name} has no ${column.name} column, which cannot be invented: ` +
              `${column.required}. Add it with the real values.`,
          );
        }
        continue;
      }
      const enumStatus = column.kind === 'status' && info.isEnum;
      if (!enumStatus && !ACCEPTS[column.kind].includes(info.typeName)) {
        problems.push(
          `${where} is ${info.type}, not ${DESCRIBES[column.kind]}` +
            (column.name === 'id'
              ? ': the service and its other tables refer to rows by integer ids, and this ' +
                'migration does not renumber rows.'
              : `; convert it to ${addType(column)}.`),
        );
      }
    }
    const primaryKey = table.constraints.find((c) => c.type === 'p');
    if (primaryKey && !sameColumns(primaryKey.columns, ['id'])) {
      problems.push(
        `${table.name}'s primary key is (${primaryKey.columns.join(', ')}), not (id): the ` +
          `service identifies rows by id alone.`,
      );
    }
    for (const info of table.columns.values()) {
      if (known.has(info.name) || !info.notNull || info.default !== null || info.generated) {
        continue;
      }
      problems.push(
        `${table.name}.${info.name} is NOT NULL without a default and the service does not know ` +
          `it, so it could not insert rows: give it a default or drop NOT NULL ` +
          `(alter table ${table.name} alter column ${info.name} drop not null).`,
      );
    }
  }
  return problems;
}

async function dataProblems(sql: RunSql, schema: Schema): Promise<string[]> {
  const problems: string[] = [];
  for (const table of schema.values()) {
    const shape = SHAPES[table.name];
    const t = ident(table.name);
    for (const column of shape.columns) {
      const info = table.columns.get(column.name);
      if (!info) continue;
      const c = ident(column.name);
      const where = `${table.name}.${column.name}`;
      if (column.required && !info.notNull) {
        const nulls = await sample(
          sql,
          `select ${column.name === 'id' ? 'null' : 'id'} as id from ${t} where ${c} is null`,
        );
        if (nulls.count) {
          problems.push(
            `${where} is NULL in ${plural(nulls.count, 'row')}${idList(nulls)}: ` +
              `${column.required}; fill it in.`,
          );
        }
      }
      if (
        (column.kind === 'integer' && info.typeName === 'int8') ||
        (column.kind === 'integer[]' && info.typeName === '_int8')
      ) {
        const test =
          info.typeName === 'int8'
            ? `${c} not between -2147483648 and 2147483647`
            : `exists (select 1 from unnest(${c}) x where x not between -2147483648 and 2147483647)`;
        const big = await sample(sql, `select id from ${t} where ${test}`);
        if (big.count) {
          problems.push(
            `${where} holds values beyond the integer range in ` +
              `${plural(big.count, 'row')}${idList(big)}.`,
          );
        }
      }
      if (column.kind === 'numeric' && info.type !== targetType(column)) {
        const [precision, scale] = column.numeric!;
        const big = await sample(
          sql,
          `select id from ${t}
           where abs(round(${c}::numeric, ${scale})) >= ${10 ** (precision - scale)}`,
        );
        if (big.count) {
          problems.push(
            `${where} holds values that do not fit numeric(${precision},${scale}) in ` +
              `${plural(big.count, 'row')}${idList(big)}.`,
          );
        }
      }
      if (column.kind === 'status') {
        const allowed = column.values!.map(literal).join(', ');
        const bad = await sample(
          sql,
          `select id, ${c}::text as value from ${t}
           where lower(${c}::text) not in (${allowed})`,
        );
        if (bad.count) {
          const values = [...new Set(bad.rows.map((r) => r.value))];
          problems.push(
            `${where} has values the service does not know (${values.join(', ')}) in ` +
              `${plural(bad.count, 'row')}${idList(bad)}; change them to one of ` +
              `${column.values!.join(', ')} (upper or lower case).`,
          );
        }
      }
    }

    const uniques = [...shape.uniques];
    if (!table.constraints.some((c) => c.type === 'p') && table.columns.has('id')) {
      uniques.unshift({ name: 'primary key', columns: ['id'] });
    }
    for (const unique of uniques) {
      if (!unique.columns.every((c) => table.columns.has(c)) || hasUnique(table, unique.columns)) {
        continue;
      }
      const cols = unique.columns.map(ident).join(', ');
      const dup = await sample(
        sql,
        `select array_to_string(array_agg(id order by id), ', ') as ids,
           concat_ws(', ', ${unique.columns.map((c) => `'${c} ' || ${ident(c)}`).join(', ')}) as value
         from ${t} where ${unique.columns.map((c) => `${ident(c)} is not null`).join(' and ')}
         group by ${cols} having count(*) > 1`,
        'min(id)',
      );
      if (dup.count) {
        problems.push(
          `${table.name} has ${plural(dup.count, 'duplicate')} of (${unique.columns.join(', ')}), ` +
            `which must be unique: ${dup.rows
              .map((r) => `${r.value} in ids ${r.ids}`)
              .join('; ')}${dup.count > dup.rows.length ? '; …' : ''}. Merge or delete them.`,
        );
      }
    }

    for (const key of shape.foreignKeys) {
      if (!table.columns.has(key.column) || hasForeignKey(table, key)) continue;
      const c = ident(key.column);
      const target = schema.has(key.references)
        ? ` and not exists (select 1 from ${ident(key.references)} r where r.id = ${t}.${c})`
        : '';
      const orphans = await sample(
        sql,
        `select id, ${c} as value from ${t} where ${c} is not null${target}`,
      );
      if (orphans.count) {
        const missing = [...new Set(orphans.rows.map((r) => r.value))].join(', ');
        problems.push(
          `${table.name}.${key.column} refers to ${key.references} that do not exist ` +
            `(${key.references}.id ${missing}) in ${plural(orphans.count, 'row')}` +
            `${idList(orphans)}` +
            (schema.has(key.references) ? '' : ` (there is no ${key.references} table)`) +
            `; add the missing ${key.references} or delete those rows.`,
        );
      }
    }
  }
  return problems;
}

/** Up to five matching rows (for the message) and how many match in all. */
async function sample(
  sql: RunSql,
  query: string,
  orderBy = 'id',
): Promise<{ count: number; rows: Row[] }> {
  const rows = await sql(
    `select q.*, count(*) over ()::int as total
     from (${query} order by ${orderBy}) q limit 5`,
  );
  return { count: rows.length ? Number(rows[0].total) : 0, rows };
}

function idList(found: { count: number; rows: Row[] }): string {
  const ids = found.rows.map((r) => r.id).filter((id) => id != null);
  if (!ids.length) return '';
  return ` (id ${ids.join(', ')}${found.count > ids.length ? ', …' : ''})`;
}

async function adoptTable(sql: RunSql, table: TableInfo): Promise<string[]> {
  const shape = SHAPES[table.name];
  const t = ident(table.name);
  const done: string[] = [];
  const present = new Set(table.columns.keys());

  // Status: text of any case or a native enum (SQLAlchemy's, often upper case) -> lower-case
  // varchar(20) under the service's own check. Old checks and defaults on it would reject or
  // break the conversion, so they go first.
  const status = shape.columns.find((c) => c.kind === 'status');
  const statusInfo = status && table.columns.get(status.name);
  const statusCheck = `${table.name}_status_check`;
  let addStatusCheck = status !== undefined && !statusInfo;
  if (status && statusInfo) {
    const checks = table.constraints.filter(
      (c) => c.type === 'c' && sameColumns(c.columns, [status.name]),
    );
    const converting = statusInfo.type !== targetType(status);
    const [mixedCase] = await sql(
      `select exists (select 1 from ${t} where status::text <> lower(status::text)) as found`,
    );
    const ours = checks.length === 1 && checks[0].name === statusCheck;
    if (converting || mixedCase.found === true || !ours) {
      for (const check of checks) {
        await sql(`alter table ${t} drop constraint ${ident(check.name)}`);
        done.push(`dropped check ${check.name} (the service's own replaces it)`);
      }
      addStatusCheck = true;
    }
    if (!converting && mixedCase.found === true) {
      await sql(`update ${t} set status = lower(status) where status <> lower(status)`);
      done.push('status values lower-cased');
    }
  }

  const conversions: string[] = [];
  const converted = new Map<string, string[]>();
  for (const column of shape.columns) {
    const info = table.columns.get(column.name);
    const target = targetType(column);
    if (!info || target === null || info.type === target) continue;
    // A legacy default may not survive the cast (an enum label, a UTC wall-clock expression);
    // the service's own default is set again below.
    if (column.name !== 'id' && info.default !== null) {
      await sql(`alter table ${t} alter column ${ident(column.name)} drop default`);
      info.default = null;
    }
    conversions.push(
      `alter column ${ident(column.name)} type ${target} using ${conversion(column)}`,
    );
    const how =
      `${info.isEnum ? `enum ${info.type}` : short(info.type)} -> ${short(target)}` +
      (column.kind === 'status' ? ', lower-cased' : '') +
      (info.typeName === 'timestamp' ? ', read as UTC' : '');
    converted.set(how, [...(converted.get(how) ?? []), column.name]);
    info.type = target;
  }
  if (conversions.length) {
    // One statement, so the table is rewritten once.
    await sql(`alter table ${t} ${conversions.join(', ')}`);
    for (const [how, columns] of converted) done.push(`converted ${columns.join(', ')} (${how})`);
  }

  const added: string[] = [];
  for (const column of shape.columns) {
    if (table.columns.has(column.name)) continue;
    const c = ident(column.name);
    // Without a fill rule existing rows take the default, in one cheap statement.
    const byDefault = !column.fill && !column.certificateNumber && column.default !== undefined;
    await sql(
      `alter table ${t} add column ${c} ${addType(column)}` +
        (byDefault ? ` not null default ${column.default}` : ''),
    );
    added.push(
      column.name +
        (byDefault
          ? ` = ${column.default}`
          : column.fill
            ? ` = ${column.fillNote ?? column.fill(present)} for existing rows`
            : ''),
    );
    table.columns.set(column.name, {
      name: column.name,
      type: targetType(column) ?? addType(column),
      typeName: '',
      isEnum: false,
      notNull: byDefault,
      default: byDefault ? column.default! : null,
      generated: false,
    });
  }
  if (added.length) done.push(`added ${added.join(', ')}`);

  // NULLs where the service needs a value: counted, then filled in one pass over the table.
  const fills = shape.columns.filter((column) => {
    const info = table.columns.get(column.name)!;
    return !column.nullable && !info.notNull && !column.required && !column.certificateNumber;
  });
  if (fills.length) {
    const [counts] = await sql(
      `select ${fills
        .map((f, i) => `count(*) filter (where ${ident(f.name)} is null)::int as c${i}`)
        .join(', ')} from ${t}`,
    );
    await sql(
      `update ${t} set ${fills
        .map((f) => {
          const fill = f.fill ? f.fill(present) : f.default!;
          return `${ident(f.name)} = coalesce(${ident(f.name)}, ${fill})`;
        })
        .join(', ')}
       where ${fills.map((f) => `${ident(f.name)} is null`).join(' or ')}`,
    );
    const filled = fills
      .map((f, i) => ({ f, n: Number(counts[`c${i}`]) }))
      .filter(({ f, n }) => n > 0 && present.has(f.name))
      .map(({ f, n }) => `${f.name} = ${f.fillNote ?? f.fill?.(present) ?? f.default} (${n})`);
    if (filled.length) done.push(`NULLs filled: ${filled.join(', ')}`);
  }
  if (shape.columns.some((c) => c.certificateNumber && !table.columns.get(c.name)!.notNull)) {
    const drawn = await drawCertificateNumbers(sql, table.name);
    if (drawn) done.push(`drew ${plural(drawn, 'certificate number')}`);
  }

  const alters: string[] = [];
  const notNull: string[] = [];
  const nullable: string[] = [];
  const defaults: string[] = [];
  for (const column of shape.columns) {
    const info = table.columns.get(column.name)!;
    const c = ident(column.name);
    const shown = present.has(column.name);
    if (!column.nullable && !info.notNull) {
      alters.push(`alter column ${c} set not null`);
      if (shown) notNull.push(column.name);
    }
    if (column.nullable && info.notNull) {
      alters.push(`alter column ${c} drop not null`);
      nullable.push(column.name);
    }
    if (column.default !== undefined && normalizeDefault(info.default) !== column.default) {
      alters.push(`alter column ${c} set default ${column.default}`);
      if (shown) defaults.push(`${column.name} ${column.default}`);
    }
  }
  if (alters.length) await sql(`alter table ${t} ${alters.join(', ')}`);
  if (notNull.length) done.push(`NOT NULL: ${notNull.join(', ')}`);
  // The service never sets these, so NOT NULL there would refuse its inserts.
  if (nullable.length) done.push(`NOT NULL dropped: ${nullable.join(', ')}`);
  if (defaults.length) done.push(`defaults: ${defaults.join(', ')}`);

  if (!table.constraints.some((c) => c.type === 'p')) {
    await sql(`alter table ${t} add primary key (id)`);
    done.push('added primary key (id)');
  }
  const sequence = await ensureIdSequence(sql, table);
  if (sequence) done.push(sequence);

  for (const unique of shape.uniques) {
    if (hasUnique(table, unique.columns)) continue;
    const name = await freeName(sql, unique.name);
    await sql(
      `alter table ${t} add constraint ${ident(name)} unique (${unique.columns.map(ident).join(', ')})`,
    );
    done.push(`added unique ${name}`);
  }
  if (addStatusCheck) {
    const name = await freeName(sql, statusCheck);
    await sql(
      `alter table ${t} add constraint ${ident(name)}
         check (status in (${status!.values!.map(literal).join(', ')}))`,
    );
    done.push(`added check ${name}`);
  }
  for (const key of shape.foreignKeys) {
    if (hasForeignKey(table, key)) continue;
    const name = await freeName(sql, key.name);
    await sql(
      `alter table ${t} add constraint ${ident(name)}
         foreign key (${ident(key.column)}) references ${ident(key.references)} (id)`,
    );
    done.push(`added foreign key ${name}`);
  }
  for (const index of shape.indexes) {
    const served = table.indexes.some((i) => index.columns.every((c, n) => i.columns[n] === c));
    // A unique constraint added above brings its own index.
    const byUnique = shape.uniques.some((u) => index.columns.every((c, n) => u.columns[n] === c));
    if (served || byUnique) continue;
    const name = await freeName(sql, index.name);
    await sql(`create index ${ident(name)} on ${t} (${index.ddl})`);
    done.push(`added index ${name}`);
  }
  return done;
}

/**
 * Ids without a default (a plain integer primary key) get a sequence; a sequence behind max(id)
 * (rows inserted with explicit ids) is moved past it, so the service's inserts do not collide.
 */
async function ensureIdSequence(sql: RunSql, table: TableInfo): Promise<string | null> {
  const t = ident(table.name);
  const id = table.columns.get('id')!;
  const [{ max }] = await sql(`select max(id) as max from ${t}`);
  if (id.default === null && !id.generated) {
    const name = await freeName(sql, `${table.name}_id_seq`);
    await sql(`create sequence ${ident(name)} as integer owned by ${t}.id`);
    await sql(`select setval(${literal(name)}, ${Number(max ?? 0) + 1}, false)`);
    await sql(`alter table ${t} alter column id set default nextval(${literal(name)}::regclass)`);
    return `added id sequence ${name} starting at ${Number(max ?? 0) + 1}`;
  }
  const [seq] = await sql(
    `select s as name, pg_sequence_last_value(s::regclass) as last
     from pg_get_serial_sequence(${literal(table.name)}, 'id') s where s is not null`,
  );
  if (!seq || max == null || (seq.last != null && Number(seq.last) >= Number(max))) return null;
  await sql(`select setval(${literal(String(seq.name))}, ${Number(max)})`);
  return `moved id sequence past max(id) ${Number(max)}`;
}

/** Certificate numbers for rows without one, in the service's own format. */
async function drawCertificateNumbers(sql: RunSql, table: TableName): Promise<number> {
  const t = ident(table);
  const rows = await sql(`select id from ${t} where certificate_number is null order by id`);
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000).map((r) => ({
      id: Number(r.id),
      n: formatCertificateNumber(randomBytes(CERTIFICATE_NUMBER_BYTES)),
    }));
    await sql(
      `update ${t} c set certificate_number = v.n
       from jsonb_to_recordset(?::jsonb) as v(id integer, n text) where c.id = v.id`,
      [JSON.stringify(batch)],
    );
  }
  return rows.length;
}

/** `base`, or `base_2`, `base_3`… when a legacy relation or constraint already has the name. */
async function freeName(sql: RunSql, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}_${n}`;
    const [taken] = await sql(
      `select exists (select 1 from pg_class c join pg_namespace s on s.oid = c.relnamespace
                      where s.nspname = current_schema() and c.relname = ${literal(name)})
           or exists (select 1 from pg_constraint c join pg_namespace s on s.oid = c.connamespace
                      where s.nspname = current_schema() and c.conname = ${literal(name)}) as taken`,
    );
    if (taken.taken !== true) return name;
  }
}

function hasUnique(table: TableInfo, columns: string[]): boolean {
  return table.indexes.some((i) => i.unique && !i.special && sameColumns(i.columns, columns));
}

function hasForeignKey(table: TableInfo, key: ForeignKeyShape): boolean {
  return table.constraints.some(
    (c) =>
      c.type === 'f' && c.references === key.references && sameColumns(c.columns, [key.column]),
  );
}

function sameColumns(a: readonly (string | null)[], b: readonly string[]): boolean {
  return a.length === b.length && b.every((c) => a.includes(c));
}

/** '{}'::integer[] -> '{}', 'draft'::character varying -> 'draft': defaults as SHAPES writes them. */
function normalizeDefault(value: string | null): string | null {
  return value?.replace(/::[a-z ]+(\(\d+(,\s*\d+)?\))?(\[\])?/g, '') ?? null;
}

/** Type names as an operator writes them. */
function short(type: string): string {
  return type
    .replace('timestamp without time zone', 'timestamp')
    .replace('timestamp with time zone', 'timestamptz')
    .replace('character varying', 'varchar');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
