import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the service reads, validated once at start-up.
 * Defaults here are the documented defaults of README.md and .env.example.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string;

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'must be a mongodb:// URL' })
  MONGODB_URI: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, {
    message: 'must be a redis:// URL (or unset to run without cache)',
  })
  REDIS_URL?: string;

  @IsString()
  @Matches(/^[\w:.-]{0,64}$/, { message: 'must be up to 64 word characters, ":", "." or "-"' })
  CACHE_KEY_PREFIX = '';

  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  JWT_SECRET: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  CONTENT_CACHE_TTL_SECONDS = 900;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  AUTO_ISSUE_CERTIFICATES = true;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  DB_TIMEOUT_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  DB_POOL_MAX = 10;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(10000)
  REDIS_TIMEOUT_MS = 250;
}

export class ConfigError extends Error {}

/** Parses and validates the environment; throws a ConfigError naming the first bad variable. */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig()) as string[];
  // Keys without a default are not own properties of a fresh instance.
  const withoutDefault = [
    'DATABASE_URL',
    'MONGODB_URI',
    'JWT_SECRET',
    'REDIS_URL',
    'JWT_ISSUER',
    'JWT_AUDIENCE',
  ];
  const raw: Record<string, unknown> = {};
  for (const key of new Set([...known, ...withoutDefault])) {
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const first = errors[0];
    const reason =
      env[first.property] === undefined || env[first.property] === ''
        ? 'is required'
        : firstMessage(first.constraints ?? {})
            .replace(first.property, '')
            .trim();
    throw new ConfigError(`Invalid configuration: ${first.property} ${reason}`);
  }
  if (config.NODE_ENV === 'production') assertProductionSecret(config.JWT_SECRET);
  return config;
}

/** Secrets published in this repository (examples, dev defaults) must never sign real tokens. */
const PUBLISHED_SECRETS = new Set([
  'change-me-to-a-long-random-secret',
  'dev-only-secret-change-me-0123456789',
]);

function assertProductionSecret(secret: string): void {
  if (PUBLISHED_SECRETS.has(secret)) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET is an example value from the repository; set a random one',
    );
  }
  if (secret.length < 32) {
    throw new ConfigError(
      'Invalid configuration: JWT_SECRET must be at least 32 characters when NODE_ENV=production',
    );
  }
}

// A type error says more than the range check that fails along with it.
const TYPE_CONSTRAINTS = ['isInt', 'isBoolean', 'isIn', 'matches', 'isString'];
function firstMessage(constraints: Record<string, string>): string {
  const key = TYPE_CONSTRAINTS.find((k) => k in constraints) ?? Object.keys(constraints)[0];
  return constraints[key] ?? 'is invalid';
}
