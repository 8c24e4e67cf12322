import { AppConfig, loadAppConfig } from './app-config';

export type OpsDatabase = 'DATABASE_URL' | 'MONGODB_URI';

/**
 * The app's own configuration for an ops script, validated by the app's own schema. A script
 * does not need JWT_SECRET, nor the database it does not touch, so those get placeholders.
 */
export function loadOpsConfig(env: NodeJS.ProcessEnv, needs: OpsDatabase[]): AppConfig {
  const placeholders: Record<string, string> = {
    JWT_SECRET: 'not-used-by-ops-scripts-0123456789',
    DATABASE_URL: 'postgres://not-used/ops-script',
    MONGODB_URI: 'mongodb://not-used/ops-script',
  };
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [key, value] of Object.entries(placeholders)) {
    if (!merged[key] && !needs.includes(key as OpsDatabase)) merged[key] = value;
  }
  return loadAppConfig(merged);
}
