import { Alert, AppShell, Button, Center, Group, Loader, Menu, Text, Title, UnstyledButton } from '@mantine/core';
import { Suspense } from 'react';
import { Link, Outlet } from 'react-router';
import { useAuth } from '../auth/AuthProvider';
import { useGraphQLQuery } from '../graphql/hooks';
import { MainNavigation } from './Navigation';
import { ViewerContext, ViewerDocument } from './Viewer';

const ACCESS_LABEL = { FULL: 'Full administration', LIMITED: 'Limited administration', NONE: 'No customer access' } as const;

/** The signed-in frame: who is signed in, for which partner, and the page. */
export function Layout() {
  const { signOut } = useAuth();
  const { data, error, isPending } = useGraphQLQuery(ViewerDocument, {});

  if (isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading your profile" />
      </Center>
    );
  }
  const me = data?.me;
  if (error || !me) {
    return (
      <Center h="100vh" p="md">
        <Alert color="red" title="You are not signed in" maw={480}>
          <Text mb="sm">{error?.message ?? 'Your account is not in the partner directory.'}</Text>
          <Button onClick={signOut}>Sign in again</Button>
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
                  Partner admin center
                </Link>
              </Title>
              <Text c="dimmed" size="sm" visibleFrom="md">
                {me.partner.companyName}
              </Text>
              <MainNavigation as="links" />
            </Group>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={`${me.displayName}: account menu`}>
                  <Text size="sm" fw={500} truncate maw={{ base: 140, sm: 320 }}>
                    {me.displayName}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.email}</Menu.Label>
                <Menu.Label>{me.partner.companyName}</Menu.Label>
                <Menu.Label>
                  {ACCESS_LABEL[me.customerAccess]}
                  {me.companyRole !== 'NONE' ? ` · ${me.companyRole.replace('_', ' ').toLowerCase()}` : ''}
                </Menu.Label>
                <Menu.Divider />
                <Menu.Item onClick={signOut}>Sign out</Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </AppShell.Header>
        <AppShell.Main>
          <Suspense fallback={<Loader aria-label="Loading the page" />}>
            <Outlet />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </ViewerContext.Provider>
  );
}
