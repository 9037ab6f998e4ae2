// Start-up check of the configured API key: the control API (it can move the default route) is
// never served behind the seed's placeholder or a guessable key. A bad key turns the API off
// (every request answers 503 WAN_ERR_API_DISABLED with the reason); failover runs regardless.
import { WanError } from '../errors.js';

/** The value the seed's example config ships with. */
export const PLACEHOLDER_API_KEY = 'CHANGE_ME_TO_A_RANDOM_STRING';
export const MIN_API_KEY_LENGTH = 16;

export const API_KEY_HOW_TO =
  'generate one with `openssl rand -hex 32` or ' +
  "`node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"` and put it in api_key";

export type ApiKeyProblemKind = 'missing' | 'empty' | 'placeholder' | 'too_short';

export interface ApiKeyProblem {
  problem: ApiKeyProblemKind;
  /** Says what is wrong without the key itself (only its length). */
  message: string;
  details: Record<string, unknown>;
}

/** PURE: why this key cannot guard the API, or null when it can. null/undefined: not set. */
export function apiKeyProblem(key: string | null | undefined): ApiKeyProblem | null {
  if (key === undefined || key === null) {
    return { problem: 'missing', message: 'api_key is not set', details: { key: 'api_key', problem: 'missing' } };
  }
  const trimmed = key.trim();
  if (trimmed === '') return { problem: 'empty', message: 'api_key is empty', details: { key: 'api_key', problem: 'empty' } };
  if (trimmed === PLACEHOLDER_API_KEY) {
    return {
      problem: 'placeholder',
      message: 'api_key is still the example placeholder',
      details: { key: 'api_key', problem: 'placeholder' },
    };
  }
  if (key.length < MIN_API_KEY_LENGTH) {
    // The length is safe to report; the key itself never goes into a message.
    return {
      problem: 'too_short',
      message: `api_key is too short (${key.length} characters, at least ${MIN_API_KEY_LENGTH} needed)`,
      details: { key: 'api_key', problem: 'too_short', length: key.length, min: MIN_API_KEY_LENGTH },
    };
  }
  return null;
}

/** Throws WAN_ERR_CONFIG with advice when the key cannot guard the API (build() refuses such a key). */
export function validateApiKey(key: string): void {
  const p = apiKeyProblem(key);
  if (p !== null) throw new WanError('WAN_ERR_CONFIG', `${p.message}; ${API_KEY_HOW_TO}`, p.details);
}
