// Folds a link notification (or its absence) into a link's runtime record and says what changed
// that the policy must hear about: the interface appearing or vanishing, carrier, a new ifindex.
import type { LinkState } from '../netlink/types.js';
import type { LinkRuntime } from './link-runtime.js';

export interface LinkChange {
  ifindexChanged: boolean;
  present: boolean | null;
  carrier: boolean | null;
}

export function applyLinkState(rt: LinkRuntime, link: LinkState | null): LinkChange {
  if (link === null) {
    const wasThere = rt.ifindex !== null;
    rt.ifindex = null;
    rt.routedAs = null;
    return { ifindexChanged: wasThere, present: false, carrier: null };
  }
  const ifindexChanged = rt.ifindex !== link.index;
  rt.ifindex = link.index;
  if (ifindexChanged) rt.routedAs = null;
  // An interface that is administratively down has no usable carrier either.
  const carrier = link.carrier && link.adminUp;
  rt.carrier = carrier;
  return { ifindexChanged, present: true, carrier };
}
