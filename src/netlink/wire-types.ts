// The subset of the `netlink` library's parsed rtnetlink objects that the decoders read,
// declared structurally so the pure decoders never import the library itself.

/** The library turns known enum values into their names (e.g. protocol 4 -> 'STATIC'). */
export type WireEnum = number | string;

export interface WireLinkMessage {
  kind: 'link';
  data: {
    family?: number;
    index?: number;
    flags?: { up?: true; lowerUp?: true; running?: true; loopback?: true };
  };
  attrs: {
    ifname?: string;
    address?: Uint8Array;
    mtu?: number;
    operstate?: number;
    stats64?: {
      rxPackets?: bigint; txPackets?: bigint; rxBytes?: bigint; txBytes?: bigint;
      rxErrors?: bigint; txErrors?: bigint; rxDropped?: bigint; txDropped?: bigint;
    };
  };
}

export interface WireAddressMessage {
  kind: 'address';
  data: { family?: number; prefixlen?: number; scope?: number; index?: number };
  attrs: { address?: Uint8Array; local?: Uint8Array; label?: string };
}

export interface WireRouteMessage {
  kind: 'route';
  data: {
    family?: number; dstLen?: number; srcLen?: number; table?: number;
    protocol?: WireEnum; scope?: WireEnum; type?: WireEnum;
  };
  attrs: {
    dst?: Uint8Array; gateway?: Uint8Array; oif?: number; priority?: number;
    prefsrc?: Uint8Array; table?: number; nhId?: Uint8Array;
  };
}

export interface WireRuleMessage {
  kind: 'rule';
  data: { family?: number; dstLen?: number; srcLen?: number; table?: number; action?: WireEnum };
  attrs: {
    dst?: Uint8Array; src?: Uint8Array; iifname?: string; oifname?: string; priority?: number;
    fwmark?: number; table?: number; protocol?: number;
    fwmask?: number; ipProto?: number;
    sportRange?: { start?: number; end?: number }; dportRange?: { start?: number; end?: number };
    uidRange?: { start?: number; end?: number };
  };
}

/** Any other rtnetlink object (neighbours, qdiscs...): carried through and ignored. */
export interface WireOtherMessage {
  kind: 'other';
}

export type WireMessage = WireLinkMessage | WireAddressMessage | WireRouteMessage | WireRuleMessage | WireOtherMessage;

/** linux/rtnetlink.h message types the decoders care about. */
export const RTM = {
  NEWLINK: 16, DELLINK: 17, GETLINK: 18,
  NEWADDR: 20, DELADDR: 21, GETADDR: 22,
  NEWROUTE: 24, DELROUTE: 25, GETROUTE: 26,
  NEWRULE: 32, DELRULE: 33, GETRULE: 34,
} as const;
