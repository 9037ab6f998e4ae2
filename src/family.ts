// The address family has two spellings: the daemon's ('ipv4' | 'ipv6', bus/events.ts) and
// rtnetlink's ('inet' | 'inet6', netlink/types.ts). They are converted here, in one place.
import { isIPv6 } from 'node:net';
import type { AddressFamily } from './bus/events.js';
import type { Family } from './netlink/types.js';

export const kernelFamily = (f: AddressFamily): Family => (f === 'ipv6' ? 'inet6' : 'inet');
export const familyOf = (f: Family): AddressFamily => (f === 'inet6' ? 'ipv6' : 'ipv4');
/** The family of an address literal (an IPv6 one has a colon; anything else is taken for IPv4). */
export const familyOfAddress = (a: string): AddressFamily => (isIPv6(a) ? 'ipv6' : 'ipv4');
