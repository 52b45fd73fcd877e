import { Burger, Button, Group, Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useLocation } from 'react-router';
import { useCapabilities } from './Viewer';

/** The screens the viewer's profile opens (access, role and programs from the graph); each subgraph still decides every request. */
function useNavigationItems() {
  const capabilities = useCapabilities();
  return [
    { to: '/customers', label: 'Customers', shown: capabilities.seesCustomers },
    { to: '/invitations', label: 'Invitations and offers', shown: capabilities.sendsInvitations },
    { to: '/product-keys', label: 'Product keys', shown: capabilities.sellsProductKeys },
    { to: '/delegated-admin', label: 'Delegated admin', shown: capabilities.seesDelegatedAdmin },
    { to: '/partner', label: 'Your organisation', shown: true },
  ].filter((item) => item.shown);
}

/** The header's links on a wide screen (`links`), or its menu button on a phone (`menu`). */
export function MainNavigation({ as }: { as: 'links' | 'menu' }) {
  const items = useNavigationItems();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const current = (to: string) => pathname === to || pathname.startsWith(`${to}/`);
  if (items.length < 2) return null;
  if (as === 'links') {
    return (
      <Group component="nav" aria-label="Main" gap={4} visibleFrom="sm" wrap="nowrap">
        {items.map((item) => (
          <Button key={item.to} component={Link} to={item.to} variant={current(item.to) ? 'light' : 'subtle'} size="compact-sm" aria-current={current(item.to) ? 'page' : undefined}>
            {item.label}
          </Button>
        ))}
      </Group>
    );
  }
  return (
    <Menu opened={opened} onChange={(open) => (open ? toggle() : close())} position="bottom-start" withinPortal>
        <Menu.Target>
          <Burger opened={opened} hiddenFrom="sm" size="sm" aria-label="Open navigation" />
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
