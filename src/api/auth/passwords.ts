import { hash, verify } from '@node-rs/argon2';
import { passwordProblem } from '../../domain/auth-schemas';

/** argon2id hashes, as the issue requires; verify never throws on a malformed hash. */
export const hashPassword = (password: string) => hash(password);

/** For a password being set (a user created or changing theirs): refused unless it meets the rule, then hashed. */
export async function hashNewPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new PasswordRuleError(problem);
  return hash(password);
}

export class PasswordRuleError extends Error {
  name = 'PasswordRuleError';
}

// Compared against when the username is unknown, so both cases take the same time.
const decoy = hash('assistflow-decoy-password');

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await decoy), password);
  } catch {
    return false;
  }
}
