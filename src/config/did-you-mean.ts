// PURE: the known key a mistyped config key most likely meant, for "did you mean" hints. Optimal
// string alignment distance (Levenshtein plus adjacent transposition, Damerau 1964), so a
// swapped pair of letters counts as one edit.

/** Edits (insert, delete, substitute, swap two adjacent characters) turning a into b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), when it is close enough to be a typo: at
 * most 1 edit for words up to 4 characters, 2 up to 8, else 3. Null when none is, or on a tie.
 */
export function closestKey(word: string, candidates: readonly string[]): string | null {
  const w = word.toLowerCase();
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | null = null;
  let bestD = Infinity;
  let tie = false;
  for (const c of new Set(candidates)) {
    if (c === word) continue;
    const dist = editDistance(w, c.toLowerCase());
    if (dist < bestD) {
      best = c;
      bestD = dist;
      tie = false;
    } else if (dist === bestD) {
      tie = true;
    }
  }
  return best !== null && bestD <= limit && !tie ? best : null;
}
