// Which processes of a process group are still alive, from /proc (zombies left out: a killed process
// stays a zombie until its new parent reaps it, and kill(-pgid, 0) would still count it).
import { readdirSync, readFileSync } from 'node:fs';

export function liveMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return [];
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z' ? [Number(pid)] : [];
  });
}

/** A SIGKILLed process is gone a moment after the signal: true if the group still has live members after a bounded wait (2 s). */
export async function groupAlive(pgid: number): Promise<boolean> {
  for (let i = 0; i < 100 && liveMembers(pgid).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return liveMembers(pgid).length > 0;
}
