import { Burger, Button, Group, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useLocation } from 'react-router';
import { useCapabilities } from './Viewer';
import { useI18n } from '../i18n/I18nProvider';

/** The screens the viewer's profile opens (access, role and programs from the graph); each subgraph still decides every request. */
function useNavigationItems() {
  const { t } = useI18n();
  const capabilities = useCapabilities();
  return [
    { to: '/customers', label: t('common.customers'), shown: capabilities.seesCustomers },
    { to: '/invitations', label: t('common.invitationsAndOffers'), shown: capabilities.sendsInvitations },
    { to: '/product-keys', label: t('common.productKeys'), shown: capabilities.sellsProductKeys },
    { to: '/delegated-admin', label: t('common.delegatedAdmin'), shown: capabilities.seesDelegatedAdmin },
    { to: '/partner', label: t('common.yourOrganisation'), shown: true },
  ].filter((item) => item.shown);
}

/** The header's links on a wide screen (`links`), or its menu button on a phone (`menu`). */
export function MainNavigation({ as }: { as: 'links' | 'menu' }) {
  const { t } = useI18n();
  const items = useNavigationItems();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const current = (to: string) => pathname === to || pathname.startsWith(`${to}/`);
  if (items.length < 2) return null;
  if (as === 'links') {
    return (
      <Group component="nav" aria-label={t('navigation.main')} gap={4} visibleFrom="sm" wrap="nowrap">
        {items.map((item) => (
          <Button
            key={item.to}
            component={Link}
            to={item.to}
            variant={current(item.to) ? 'light' : 'subtle'}
            size="compact-sm"
            aria-current={current(item.to) ? 'page' : undefined}
          >
            {item.label}
          </Button>
        ))}
      </Group>
    );
  }
  return (
    <Menu opened={opened} onChange={(open) => (open ? toggle() : close())} position="bottom-start" withinPortal>
      <Menu.Target>
        <Burger opened={opened} hiddenFrom="sm" size="sm" aria-label={t('navigation.openNavigation')} />
      </Menu.Target>
      <Menu.Dropdown>
        {items.map((item) => (
          <Menu.Item key={item.to} component={Link} to={item.to} aria-current={current(item.to) ? 'page' : undefined}>
            {item.label}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
