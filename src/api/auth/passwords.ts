import { hash, verify } from '@node-rs/argon2';

/** argon2id hashes, as the issue requires; verify never throws on a malformed hash. */
export const hashPassword = (password: string) => hash(password);

// Compared against when the username is unknown, so both cases take the same time.
const decoy = hash('assistflow-decoy-password');

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await decoy), password);
  } catch {
    return false;
  }
}
