import { Group, NavLink, type GroupProps } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useCapabilities } from './Viewer';

/** The sections the viewer may open: each entry shows only when the graph says the viewer may use it. */
export function Navigation(props: Pick<GroupProps, 'visibleFrom' | 'hiddenFrom' | 'mb'>) {
  const capabilities = useCapabilities();
  const { pathname } = useLocation();
  const entries = [
    { to: '/customers', label: 'Customers', shown: capabilities.seesCustomers },
    { to: '/invitations', label: 'Invitations and offers', shown: capabilities.sendsInvitations },
  ].filter((entry) => entry.shown);
  return (
    <Group component="nav" aria-label="Sections" gap={4} wrap="nowrap" {...props}>
      {entries.map((entry) => (
        <NavLink
          key={entry.to}
          component={Link}
          to={entry.to}
          label={entry.label}
          active={pathname.startsWith(entry.to)}
          py={4}
          px="xs"
          style={{ borderRadius: 4, whiteSpace: 'nowrap' }}
          aria-current={pathname.startsWith(entry.to) ? 'page' : undefined}
        />
      ))}
    </Group>
  );
}
