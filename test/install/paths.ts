// Where the checkout's install/ files are, seen from dist/test/install/*.js.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const INSTALL_DIR: string = path.join(REPO_ROOT, 'install');
