import { Alert, Anchor, Button, Code, Container, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useI18n } from '../../i18n/I18nProvider';

/** The plain frame of every customer page: no partner navigation, nothing to sign in to. */
export function CustomerFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Container size="md" py="xl" px="md">
      <Stack gap="lg">
        <Title order={1} size="h2">
          {title}
        </Title>
        {children}
      </Stack>
    </Container>
  );
}

/** A link that cannot be used any more, or never could: it says so and offers nothing. */
export function UnusableLink({ title, message }: { title: string; message: React.ReactNode }) {
  const { t } = useI18n();
  return (
    <CustomerFrame title={title}>
      <Alert color="orange" role="alert" title={message}>
        {t('accept.nothingCanBeAcceptedFrom')}
      </Alert>
    </CustomerFrame>
  );
}

export function PartnerCard({ partner }: { partner: { companyName: string; email: string; phone: string; website?: string | null } }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="md" component="section" aria-label={t('accept.yourPartner')}>
      <Text size="sm" c="dimmed">
        {t('accept.sentToYouByYour')}
      </Text>
      <Text fw={600} size="lg">
        {partner.companyName}
      </Text>
      <Group gap="lg" mt={4} style={{ rowGap: 4 }}>
        <Anchor href={`mailto:${partner.email}`} size="sm">
          {partner.email}
        </Anchor>
        <Text size="sm">{partner.phone}</Text>
        {partner.website && (
          <Anchor href={partner.website} size="sm" target="_blank" rel="noopener noreferrer">
            {partner.website}
          </Anchor>
        )}
      </Group>
    </Paper>
  );
}

/** One secret or link shown once, with a button to copy it. */
export function Credential({ label, value }: { label: string; value: string | null | undefined }) {
  const { t } = useI18n();
  if (!value) return null;
  const id = `credential-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div>
      <Text size="sm" fw={500} id={id}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Code aria-labelledby={id} fz="md" style={{ wordBreak: 'break-all' }}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              style={{ flexShrink: 0 }}
              variant={copied ? 'filled' : 'light'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
              aria-label={t('accept.copy', { label: label.toLowerCase() })}
            >
              {copied ? t('common.copied') : t('common.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}
