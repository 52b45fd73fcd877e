import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';

/**
 * A secret the API returns once (a temporary password, an acceptance link): shown with a copy
 * button until the user confirms they have it; it cannot be read again afterwards.
 */
export function SecretOnce(props: { opened: boolean; title: string; label: string; secret: string | null; details?: React.ReactNode; onDone: () => void }) {
  return (
    <Modal opened={props.opened} onClose={props.onDone} title={props.title} closeOnClickOutside={false}>
      <Stack>
        {props.details}
        <div>
          <Text size="sm" fw={500} id="secret-label">
            {props.label}
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Code aria-labelledby="secret-label" fz="md" style={{ wordBreak: 'break-all' }}>
              {props.secret}
            </Code>
            <CopyButton value={props.secret ?? ''}>
              {({ copied, copy }) => (
                <Button size="xs" variant={copied ? 'filled' : 'light'} color={copied ? 'teal' : undefined} onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </div>
        <Alert color="yellow">This is shown only once. Copy it now: it cannot be displayed again.</Alert>
        <Group justify="flex-end">
          <Button onClick={props.onDone}>I have copied it</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A new customer account's administrator credentials (add customer, redeem product keys), shown once. */
export function AdminCredentialsOnce(props: { opened: boolean; title: string; userName: string | undefined; password: string | null; onDone: () => void }) {
  return (
    <SecretOnce
      opened={props.opened}
      title={props.title}
      label="Temporary password"
      secret={props.password}
      details={
        <Text size="sm">
          Sign-in name: <strong>{props.userName}</strong>. Give these to the customer's administrator, who chooses a new password at first sign-in.
        </Text>
      }
      onDone={props.onDone}
    />
  );
}
