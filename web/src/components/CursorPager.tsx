import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Keyset paging through a Relay connection: the cursors of the pages before this one, so
 * Previous goes back without offsets. `after` is the page's `after` argument.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    next: (endCursor: string | null | undefined) => setCursors((list) => [...list, endCursor ?? null]),
    previous: () => setCursors((list) => list.slice(0, -1)),
    first: () => setCursors([null]),
  };
}

/** Previous page · Page n · Next page, shown once there is more than one page. */
export function CursorPager(props: {
  pages: ReturnType<typeof useCursorPages>;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
}) {
  const { t } = useI18n();
  const { pages, pageInfo } = props;
  if (pages.page <= 1 && !pageInfo?.hasNextPage) return null;
  return (
    <Group justify="space-between">
      <Button variant="default" disabled={pages.page <= 1} onClick={pages.previous}>
        {t('common.previousPage')}
      </Button>
      <Text size="sm" c="dimmed">
        {t('common.page', { count: pages.page })}
      </Text>
      <Button variant="default" disabled={!pageInfo?.hasNextPage} onClick={() => pages.next(pageInfo?.endCursor)}>
        {t('common.nextPage')}
      </Button>
    </Group>
  );
}
