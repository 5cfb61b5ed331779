import type { useAction } from '../hooks';

/**
 * What the last action said (useAction): an alert when it failed, a status otherwise;
 * nothing before the first one. `block` puts it on a line of its own.
 */
export function ActionMessage({
  action,
  block = false,
  testId,
}: {
  action: Pick<ReturnType<typeof useAction>, 'message' | 'failed'>;
  block?: boolean;
  testId?: string;
}) {
  if (!action.message) return null;
  const Tag = block ? 'p' : 'span';
  return (
    <Tag
      class={action.failed ? 'error' : 'ok'}
      role={action.failed ? 'alert' : 'status'}
      data-testid={testId}
    >
      {action.message}
    </Tag>
  );
}
