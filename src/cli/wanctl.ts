#!/usr/bin/env node
// Entry point of the `wanctl` bin: wires the process (argv, streams, Ctrl-C) to main() and exits
// with its code. Everything testable lives in main.ts and the command modules.
import { systemClock } from '../clock.js';
import { processIo } from './io.js';
import { main } from './main.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (): void => {
  // First Ctrl-C: stop gracefully (monitor/probe print their summary). Second: leave now.
  interrupts++;
  if (interrupts > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await main(process.argv.slice(2), { io: processIo(), clock: systemClock, signal: controller.signal });
// Exit explicitly: a native socket left open by a library must not keep wanctl alive. stdout and
// stderr writes are synchronous on Linux for files, pipes and TTYs, so nothing is lost.
process.exit(code);
