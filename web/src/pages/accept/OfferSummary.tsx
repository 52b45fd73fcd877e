import { Alert, Badge, Divider, Group, NumberInput, Paper, Stack, Text } from '@mantine/core';
import type { InvitationPreviewFragment as InvitationPreviewData } from '../../__generated__/graphql';
import { fieldError, type PayloadError } from '../../components/errors';
import { useLabels } from '../../components/labels';
import { useI18n } from '../../i18n/I18nProvider';

type Preview = InvitationPreviewData;
type Line = Preview['lines'][number];

/** What the link offers: each offer with its licences (chosen within its range), and the total per month or the trial's days. */
export function OfferSummary(props: {
  kind: 'trial' | 'purchase';
  preview: Preview;
  partnerName: string;
  quantities: Record<string, number>;
  onQuantity: (offerId: string, quantity: number) => void;
  errors: readonly PayloadError[];
}) {
  const { t, price } = useI18n();
  const total = props.preview.lines.reduce((sum, line) => sum + line.unitPrice * (props.quantities[line.offerId] ?? line.quantity), 0);
  const currency = props.preview.lines[0]!.currency;
  return (
    <Paper withBorder p="md" component="section" aria-label={t('accept.whatYouGet')}>
      <Stack gap="sm">
        {props.preview.lines.map((line, index) => (
          <OfferLine
            key={line.offerId}
            line={line}
            index={index}
            quantity={props.quantities[line.offerId] ?? line.quantity}
            onChange={(quantity) => props.onQuantity(line.offerId, quantity)}
            error={fieldError(props.errors, `quantities[${index}].quantity`)}
          />
        ))}
        <Divider />
        <Group justify="space-between">
          <Text fw={600}>{props.kind === 'trial' ? t('accept.freeTrial') : t('accept.totalPerMonth')}</Text>
          <Text fw={600} aria-label={t('accept.totalPerMonth')}>
            {props.kind === 'trial' ? t('accept.daysNoCharge', { days: props.preview.lines[0]!.trialDays ?? 30 }) : price(total, currency)}
          </Text>
        </Group>
        {props.preview.includeDelegatedAdmin && (
          <Alert color="blue" title={t('common.delegatedAdministration')}>
            {t('accept.acceptingAlsoLetsAdministerYour', { companyName: props.partnerName })}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

function OfferLine(props: { line: Line; index: number; quantity: number; onChange: (quantity: number) => void; error?: React.ReactNode }) {
  const { t, price } = useI18n();
  const labels = useLabels();
  const { line } = props;
  const fixed = line.minQuantity === line.maxQuantity;
  return (
    <Group justify="space-between" align="flex-start" wrap="wrap">
      <div style={{ flex: '1 1 240px' }}>
        <Text fw={600}>{line.name}</Text>
        <Text size="sm" c="dimmed">
          {line.description}
        </Text>
        {!line.isTrial && (
          <Text size="sm">
            {t(line.billingCycle === 'ANNUAL' ? 'accept.pricePerMonthBilledYearly' : 'accept.pricePerMonth', {
              price: price(line.unitPrice, line.currency),
            })}
          </Text>
        )}
      </div>
      {fixed ? (
        <Badge size="lg" variant="light">
          {labels.licences(line.minQuantity)}
        </Badge>
      ) : (
        <NumberInput
          label={t('accept.licencesOf', { name: line.name })}
          description={t('common.to', { minQuantity: line.minQuantity, maxQuantity: line.maxQuantity })}
          min={line.minQuantity}
          max={line.maxQuantity}
          allowDecimal={false}
          clampBehavior="none"
          value={props.quantity}
          onChange={(value) => props.onChange(typeof value === 'number' ? value : Number(value) || 0)}
          error={
            props.error ??
            (props.quantity < line.minQuantity || props.quantity > line.maxQuantity
              ? t('accept.chooseTo', { minQuantity: line.minQuantity, maxQuantity: line.maxQuantity })
              : undefined)
          }
          w={{ base: '100%', xs: 200 }}
        />
      )}
    </Group>
  );
}
