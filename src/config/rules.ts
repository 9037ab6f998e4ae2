// Pure cross-key rules: relations between keys that are each valid on their own.
// A rule is skipped when one of its keys already has a problem, so one mistake is reported once.
import type { ConfigProblem } from './problems.js';

export function crossKeyProblems(values: Record<string, unknown>, badKeys: ReadonlySet<string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ok = (...keys: string[]): boolean => keys.every((k) => !badKeys.has(k));

  const timeout = values['ping_timeout'] as number;
  const interval = values['check_interval'] as number;
  // A probe still waiting when the next cycle starts would overlap it and skew loss figures.
  if (ok('ping_timeout', 'check_interval') && timeout >= interval) {
    problems.push({ key: 'ping_timeout', value: timeout, expected: `less than check_interval (${interval} s)` });
  }

  const targets = values['ping_targets'];
  const minUp = values['min_targets_up'] as number;
  if (ok('min_targets_up', 'ping_targets') && Array.isArray(targets) && minUp > targets.length) {
    problems.push({
      key: 'min_targets_up',
      value: minUp,
      expected: `at most the number of ping_targets (${targets.length})`,
    });
  }
  return problems;
}
