import { Button, Group, Text } from '@mantine/core';
import type { useCursorPages } from '../graphql/hooks';
import { useI18n } from '../i18n/I18nProvider';

/** Previous page · Page n · Next page, shown once there is more than one page (or `always`). */
export function CursorPager(props: {
  pages: ReturnType<typeof useCursorPages>;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null } | undefined;
  always?: boolean;
}) {
  const { t } = useI18n();
  const { pages, pageInfo } = props;
  if (!props.always && pages.page <= 1 && !pageInfo?.hasNextPage) return null;
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
