import type { TSignedInUser } from './authorize-credentials';

/**
 * The operator running `npm run lattice` on the server: whoever can reach the database can
 * already do anything, so the CLI acts as an admin that is no user (its id matches no row).
 */
export const SYSTEM_ACTOR: Readonly<TSignedInUser> = Object.freeze({
  id: '00000000-0000-0000-0000-000000000000',
  email: 'system@lattice.local',
  name: 'Lattice CLI',
  role: 'admin',
});
