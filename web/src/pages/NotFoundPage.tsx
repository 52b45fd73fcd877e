import { Anchor, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useI18n } from '../i18n/I18nProvider';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Center h="100vh">
      <Stack align="center">
        <Title order={1}>{t('notFound.pageNotFound')}</Title>
        <Text>{t('notFound.thereIsNothingAtThis')}</Text>
        <Anchor component={Link} to="/customers">
          {t('common.goToCustomerManagement')}
        </Anchor>
      </Stack>
    </Center>
  );
}
