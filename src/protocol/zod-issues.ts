/** What failed a zod check, in one line: `path: message; …`, the first `max` issues. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  root = '(root)',
  max = 5,
): string {
  return issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : root}: ${i.message}`)
    .join('; ');
}
