import { Alert, AppShell, Button, Center, Group, Loader, Menu, Text, Title, UnstyledButton } from '@mantine/core';
import { Suspense } from 'react';
import { Link, Outlet } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { useGraphQLQuery } from '../graphql/hooks';
import { MainNavigation } from './Navigation';
import { ViewerContext, ViewerDocument } from './Viewer';
import { useI18n, useLocale } from '../i18n/I18nProvider';
import { LOCALES } from '../i18n/locale';
import { ErrorMessage } from './errors';

/** The signed-in frame: who is signed in, for which partner, and the page. */
export function Layout() {
  const { t } = useI18n();
  const { locale, setLocale } = useLocale();
  const { signOut } = useAuth();
  const { data, error, isPending } = useGraphQLQuery(ViewerDocument, {});

  if (isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('layout.loadingYourProfile')} />
      </Center>
    );
  }
  const me = data?.me;
  if (error || !me) {
    return (
      <Center h="100vh" p="md">
        <Alert color="red" title={t('layout.youAreNotSignedIn')} maw={480}>
          <Text mb="sm">{error ? <ErrorMessage error={error} /> : t('layout.yourAccountIsNotIn')}</Text>
          <Button onClick={signOut}>{t('layout.signInAgain')}</Button>
        </Alert>
      </Center>
    );
  }

  return (
    <ViewerContext.Provider value={me}>
      <AppShell header={{ height: 56 }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <MainNavigation as="menu" />
              <Title order={1} size="h4">
                <Link to="/customers" style={{ color: 'inherit', textDecoration: 'none' }}>
                  {t('layout.partnerAdminCenter')}
                </Link>
              </Title>
              {/* Only where the French navigation leaves it room beside the title (the account menu names it too). */}
              <Text c="dimmed" size="sm" visibleFrom="xl">
                {me.partner.companyName}
              </Text>
              <MainNavigation as="links" />
            </Group>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={t('layout.accountMenu', { displayName: me.displayName })}>
                  <Text size="sm" fw={500} truncate maw={{ base: 140, sm: 320 }}>
                    {me.displayName}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.email}</Menu.Label>
                <Menu.Label>{me.partner.companyName}</Menu.Label>
                <Menu.Label>
                  {t(`layout.access.${me.customerAccess}`)}
                  {me.companyRole !== 'NONE' ? ` · ${t(`layout.role.${me.companyRole}`)}` : ''}
                </Menu.Label>
                <Menu.Divider />
                <Menu.Label>{t('layout.language')}</Menu.Label>
                {LOCALES.map((language) => (
                  <Menu.Item
                    key={language}
                    lang={language}
                    aria-current={language === locale ? 'true' : undefined}
                    fw={language === locale ? 600 : undefined}
                    onClick={() => setLocale(language, { keep: true })}
                  >
                    {t(`layout.language.${language}`)}
                  </Menu.Item>
                ))}
                <Menu.Divider />
                <Menu.Item onClick={signOut}>{t('layout.signOut')}</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </AppShell.Header>
        <AppShell.Main>
          <Suspense fallback={<Loader aria-label={t('common.loadingThePage')} />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </ViewerContext.Provider>
  );
}
