// Exhaustiveness guard for closed unions, local to the policy so it depends on nothing outside.
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
