import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A secret the API returns once (a temporary password, an acceptance link): shown with a copy
 * button until the user confirms they have it; it cannot be read again afterwards.
 */
export function SecretOnce(props: {
  opened: boolean;
  title: string;
  label: string;
  secret: string | null;
  details?: React.ReactNode;
  onDone: () => void;
}) {
  const { t } = useI18n();
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
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
          </Group>
        </div>
        <Alert color="yellow">{t('secretOnce.thisIsShownOnlyOnce')}</Alert>
        <Group justify="flex-end">
          <Button onClick={props.onDone}>{t('secretOnce.iHaveCopiedIt')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** A new customer account's administrator credentials (add customer, redeem product keys), shown once. */
export function AdminCredentialsOnce(props: {
  opened: boolean;
  title: string;
  userName: string | undefined;
  password: string | null;
  onDone: () => void;
}) {
  const { t, rich } = useI18n();
  return (
    <SecretOnce
      opened={props.opened}
      title={props.title}
      label={t('common.temporaryPassword')}
      secret={props.password}
      details={<Text size="sm">{rich('secretOnce.signInName', { userName: props.userName ?? '' })}</Text>}
      onDone={props.onDone}
    />
  );
}
