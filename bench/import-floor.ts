// Bench helper, run as its own process (launched like the daemon): loads the modules the daemon's
// composition root loads at start, builds nothing and runs nothing, then idles. Its RSS is the
// floor that loading the same dependencies costs before the daemon does any work.
import '../src/config/load.js';
import '../src/log.js';
import '../src/netlink/adapter.js';
import '../src/probe/prober-factory.js';
import '../src/engine/daemon.js';
import '../src/api/api-extension.js';
import '../src/api/app.js';
import '../src/ops-extensions.js';
import '../src/conntrack/create.js';
import '../src/systemd/sd-notify.js';

setTimeout(() => undefined, 60_000);
