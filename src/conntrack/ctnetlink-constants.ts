// Numbers of the ctnetlink protocol, as the kernel defines them. Sources:
// include/uapi/linux/netfilter/nfnetlink.h (subsystems, nfgenmsg),
// include/uapi/linux/netfilter/nfnetlink_conntrack.h (message types, CTA_* attributes),
// include/uapi/linux/netfilter/nf_conntrack_common.h (IPS_* status bits),
// net/netfilter/nf_internals.h (CTA_FILTER_F_* flags of the kernel-side dump filter).

/** linux/netlink.h: NETLINK_NETFILTER. */
export const NETLINK_NETFILTER = 12;

/** nfnetlink.h: the message type is (subsystem << 8) | message. */
export const NFNL_SUBSYS_CTNETLINK = 1;
export const NFNETLINK_V0 = 0;

/** nfnetlink_conntrack.h: enum cntl_msg_types. */
export const IPCTNL_MSG_CT_NEW = 0;
export const IPCTNL_MSG_CT_GET = 1;
export const IPCTNL_MSG_CT_DELETE = 2;

/** nfnetlink_conntrack.h: enum ctattr_type (only what we read or send). */
export const CTA = {
  TUPLE_ORIG: 1,
  TUPLE_REPLY: 2,
  STATUS: 3,
  MARK: 8,
  ID: 12,
  ZONE: 18,
  FILTER: 25,
  STATUS_MASK: 26,
} as const;

/** enum ctattr_tuple. */
export const CTA_TUPLE = { IP: 1, PROTO: 2, ZONE: 3 } as const;

/** enum ctattr_ip. */
export const CTA_IP = { V4_SRC: 1, V4_DST: 2, V6_SRC: 3, V6_DST: 4 } as const;

/** enum ctattr_l4proto. */
export const CTA_PROTO = {
  NUM: 1, SRC_PORT: 2, DST_PORT: 3, ICMP_ID: 4, ICMP_TYPE: 5, ICMP_CODE: 6,
  ICMPV6_ID: 7, ICMPV6_TYPE: 8, ICMPV6_CODE: 9,
} as const;

/** enum ctattr_filter. */
export const CTA_FILTER = { ORIG_FLAGS: 1, REPLY_FLAGS: 2 } as const;

/** nf_internals.h: CTA_FILTER_F_* (which fields of a filter tuple the kernel compares). */
export const CTA_FILTER_F = { IP_SRC: 1 << 0, IP_DST: 1 << 1 } as const;

/** nf_conntrack_common.h: IPS_SRC_NAT_BIT = 4 (the source was rewritten: SNAT or masquerade). */
export const IPS_SRC_NAT = 1 << 4;

/** linux/netlink.h nlattr flags; the kernel sets NLA_F_NESTED on the nests it writes. */
export const NLA_F_NESTED = 1 << 15;
export const NLA_TYPE_MASK = 0x3fff;

/** linux/netlink.h nlmsg flags. */
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
/** The kernel applied our dump filter (ctnetlink_dump_table sets it on each entry). */
export const NLM_F_DUMP_FILTERED = 0x20;

/** linux/socket.h. */
export const AF_INET = 2;
export const AF_INET6 = 10;

export function ctnlMessageType(msg: number): number {
  return (NFNL_SUBSYS_CTNETLINK << 8) | msg;
}
