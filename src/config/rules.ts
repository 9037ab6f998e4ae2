// Pure cross-key rules: relations between keys that are each valid on their own, kept as errors
// only where the config truly cannot work (no cycle could ever succeed).
// A rule is skipped when one of its keys already has a problem, so one mistake is reported once.
import { splitTargets } from './links.js';
import type { ConfigProblem } from './problems.js';

export function crossKeyProblems(values: Record<string, unknown>, badKeys: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ok = (...keys: string[]): boolean => keys.every((k) => !badKeys.has(k));

  // ping_timeout >= check_interval is no problem: the original ran it, so do we (warnings.ts).

  const targets = values['ping_targets'];
  const minUp = values['min_targets_up'] as number;
  if (ok('min_targets_up', 'ping_targets') && Array.isArray(targets)) {
    // Each family is judged on its own targets with the same min_targets_up (issue 12).
    const { v4, v6 } = splitTargets(targets);
    if (v4.length === 0) {
      // The engine fails over IPv4 on IPv4 targets; without any, every link would look down.
      problems.push({ key: 'ping_targets', value: targets, expected: 'at least one IPv4 target (IPv4 health is judged on IPv4 targets)' });
    } else if (minUp > v4.length) {
      problems.push({ key: 'min_targets_up', value: minUp, expected: `at most the number of IPv4 ping_targets (${v4.length})` });
    }
    if (v6.length > 0 && minUp > v6.length) {
      problems.push({ key: 'min_targets_up', value: minUp, expected: `at most the number of IPv6 ping_targets (${v6.length}), as it counts per family` });
    }
  }
  return problems;
}
