import { Migration20260101000000LegacySchema } from './Migration20260101000000LegacySchema';
import { Migration20260201000000ProgressRefactor } from './Migration20260201000000ProgressRefactor';

/**
 * Listed explicitly so migrations load the same way under ts-node, Jest and the compiled build.
 * A new migration file must be added here, in order.
 */
export const migrationsList = [
  { name: 'Migration20260101000000LegacySchema', class: Migration20260101000000LegacySchema },
  {
    name: 'Migration20260201000000ProgressRefactor',
    class: Migration20260201000000ProgressRefactor,
  },
];
