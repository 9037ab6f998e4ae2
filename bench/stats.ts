// Small pure helpers for the benchmark's figures.

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function summary(xs: number[], unit: string, digits = 0): string {
  const f = (x: number): string => x.toFixed(digits);
  return `median ${f(median(xs))} ${unit}, min ${f(Math.min(...xs))}, max ${f(Math.max(...xs))} (n=${xs.length})`;
}
