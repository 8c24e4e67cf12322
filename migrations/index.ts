import { Migration20260101000000LegacySchema } from './Migration20260101000000LegacySchema';

/**
 * Listed explicitly so migrations load the same way under ts-node, Jest and the compiled build.
 * A new migration file must be added here, in order.
 */
export const migrationsList = [
  { name: 'Migration20260101000000LegacySchema', class: Migration20260101000000LegacySchema },
];
