export const ROLES = ['student', 'instructor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller, as proven by the bearer token. */
export interface AuthUser {
  id: number;
  role: Role;
}
