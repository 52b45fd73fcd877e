import { Anchor, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <Center h="100vh">
      <Stack align="center">
        <Title order={1}>Page not found</Title>
        <Text>There is nothing at this address.</Text>
        <Anchor component={Link} to="/customers">
          Go to customer management
        </Anchor>
      </Stack>
    </Center>
  );
}
