// Turns strerror(3) text back into an errno name: raw-socket reports failures as message
// strings only, while the rest of the daemon speaks of errors by code (ENETUNREACH, EPERM...).
import { getSystemErrorMap } from 'node:util';

// glibc wording for the errors socket(2), setsockopt(2) and sendto(2) give on a raw socket;
// libuv's table (mostly the same words, lower case) catches the rest.
const GLIBC_MESSAGES: Record<string, string> = {
  'network is unreachable': 'ENETUNREACH',
  'no route to host': 'EHOSTUNREACH',
  'operation not permitted': 'EPERM',
  'permission denied': 'EACCES',
  'no buffer space available': 'ENOBUFS',
  'invalid argument': 'EINVAL',
  'network is down': 'ENETDOWN',
  'no such device': 'ENODEV',
  'message too long': 'EMSGSIZE',
  'resource temporarily unavailable': 'EAGAIN',
  'bad file descriptor': 'EBADF',
};

/** Maps a strerror message to its errno name; 'EIO' when the text is unknown. */
export function errnoFromMessage(message: string): string {
  const text = message.trim().toLowerCase();
  const known = GLIBC_MESSAGES[text];
  if (known !== undefined) return known;
  for (const [name, desc] of getSystemErrorMap().values()) {
    if (desc.toLowerCase() === text) return name;
  }
  return 'EIO';
}
