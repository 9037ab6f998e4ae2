// Start-up check of the configured API key: the daemon refuses to serve a control API
// (it can move the default route) behind the seed's placeholder or a guessable key.
import { WanError } from '../errors.js';

/** The value the seed's example config ships with. */
export const PLACEHOLDER_API_KEY = 'CHANGE_ME_TO_A_RANDOM_STRING';
export const MIN_API_KEY_LENGTH = 16;

const HOW_TO =
  'generate one with `openssl rand -hex 32` or ' +
  "`node -e \"console.log(require('crypto').randomBytes(32).toString('hex'))\"` and put it in api_key";

export function validateApiKey(key: string): void {
  const trimmed = key.trim();
  if (trimmed === '') {
    throw new WanError('WAN_ERR_CONFIG', `api_key is empty; ${HOW_TO}`, { key: 'api_key', problem: 'empty' });
  }
  if (trimmed === PLACEHOLDER_API_KEY) {
    throw new WanError('WAN_ERR_CONFIG', `api_key is still the example placeholder; ${HOW_TO}`, {
      key: 'api_key',
      problem: 'placeholder',
    });
  }
  if (key.length < MIN_API_KEY_LENGTH) {
    // The length is safe to report; the key itself never goes into a message.
    throw new WanError(
      'WAN_ERR_CONFIG',
      `api_key is too short (${key.length} characters, at least ${MIN_API_KEY_LENGTH} needed); ${HOW_TO}`,
      { key: 'api_key', problem: 'too_short', length: key.length, min: MIN_API_KEY_LENGTH },
    );
  }
}
