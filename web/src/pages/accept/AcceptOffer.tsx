import { Alert, Button, Group, Stack, Title } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { graphql } from '../../__generated__';
import type { AcceptingCustomerInput, InvitationPreviewFragment as InvitationPreviewData } from '../../__generated__/graphql';
import { CustomerAccountFields } from '../../components/CustomerAccountFields';
import { ErrorMessage, FormErrors, type PayloadError, payloadErrors } from '../../components/errors';
import { useGraphQLMutation, useIdempotencyKey } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { CustomerFrame, PartnerCard, UnusableLink } from './CustomerFrame';
import { OfferSummary } from './OfferSummary';
import { Accepted, FollowedAcceptance, type Started } from './FollowedAcceptance';

export const InvitationPreviewFragment = graphql(`
  fragment InvitationPreview on InvitationPreview {
    status
    includeDelegatedAdmin
    partner {
      companyName
      email
      phone
      website
    }
    lines {
      offerId
      name
      description(language: $language)
      quantity
      minQuantity
      maxQuantity
      unitPrice
      currency
      billingCycle
      isTrial
      trialDays
      countries
    }
  }
`);

const AcceptTrialInvitationDocument = graphql(`
  mutation AcceptTrialInvitation($code: String!, $customer: AcceptingCustomerInput!, $idempotencyKey: String) {
    acceptTrialInvitation(code: $code, customer: $customer, idempotencyKey: $idempotencyKey) {
      acceptance {
        id
        temporaryPassword
        delegatedAdminTerminationUrl
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const AcceptPurchaseOfferDocument = graphql(`
  mutation AcceptPurchaseOffer(
    $code: String!
    $customer: AcceptingCustomerInput!
    $quantities: [OfferQuantityInput!]
    $idempotencyKey: String
  ) {
    acceptPurchaseOffer(code: $code, customer: $customer, quantities: $quantities, idempotencyKey: $idempotencyKey) {
      acceptance {
        id
        temporaryPassword
        delegatedAdminTerminationUrl
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

type Preview = InvitationPreviewData;

const EMPTY_CUSTOMER: AcceptingCustomerInput = {
  companyName: '',
  country: '',
  addressLine1: '',
  city: '',
  postalCode: '',
  contactFirstName: '',
  contactLastName: '',
  contactEmail: '',
  contactPhone: '',
  domainPrefix: '',
};

export function AcceptOffer({ kind, code, preview }: { kind: 'trial' | 'purchase'; code: string; preview: Preview }) {
  const { t, countryOptions } = useI18n();
  const title = kind === 'trial' ? t('accept.tryMicrosoft365') : t('accept.yourMicrosoft365Offer');
  const [quantities, setQuantities] = useState<Record<string, number>>(() =>
    Object.fromEntries(preview.lines.map((line) => [line.offerId, line.quantity])),
  );
  const [customer, setCustomer] = useState<AcceptingCustomerInput>(EMPTY_CUSTOMER);
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  // One key per attempt on this page: a retry after a lost answer returns the same acceptance. A refused attempt takes a new one.
  const [idempotencyKey, renewIdempotencyKey] = useIdempotencyKey();
  const acceptTrial = useGraphQLMutation(AcceptTrialInvitationDocument);
  const acceptPurchase = useGraphQLMutation(AcceptPurchaseOfferDocument);
  // The mutation answers at once with the secrets, shown only to it; the acceptance is then followed until it ends.
  const [started, setStarted] = useState<(Started & { preview: Preview }) | null>(null);
  const refused = useCallback(
    (failure: PayloadError) => {
      setErrors([failure]);
      setStarted(null);
      renewIdempotencyKey();
    },
    [renewIdempotencyKey],
  );

  const countries = useMemo(() => {
    const [first, ...rest] = preview.lines;
    const shared = (first?.countries ?? []).filter((country) => rest.every((line) => line.countries.includes(country)));
    return countryOptions(shared);
  }, [preview.lines, countryOptions]);

  // Once accepted, the page follows the acceptance with the offer as it was accepted: the link may
  // since be FULL (its last place taken by this customer), and a switch to the customer's
  // language reloads the preview.
  if (started) {
    const { partner, lines } = started.preview;
    return (
      <FollowedAcceptance code={code} started={started} onRefused={refused}>
        {(acceptance) => (
          <>
            <Accepted acceptance={acceptance} started={started} lines={lines} quantities={quantities} companyName={customer.companyName} />
            {partner && <PartnerCard partner={partner} />}
          </>
        )}
      </FollowedAcceptance>
    );
  }

  if (preview.status === 'REVOKED') return <UnusableLink title={title} message={t('accept.thisLinkHasBeenWithdrawn')} />;
  if (preview.status === 'FULL') return <UnusableLink title={title} message={t('accept.thisLinkHasBeenAcceptedAsMany')} />;
  if (preview.status === 'NOT_FOUND' || !preview.partner || preview.lines.length === 0) {
    return <UnusableLink title={title} message={t('accept.thisLinkIsNotValid')} />;
  }

  const outOfRange = preview.lines.some((line) => {
    const wanted = quantities[line.offerId] ?? 0;
    return !Number.isInteger(wanted) || wanted < line.minQuantity || wanted > line.maxQuantity;
  });
  const pending = acceptTrial.isPending || acceptPurchase.isPending;
  const failure = acceptTrial.error ?? acceptPurchase.error;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const input = { ...customer, contactPhone: customer.contactPhone || null, domainPrefix: customer.domainPrefix || null };
    const payload =
      kind === 'trial'
        ? (await acceptTrial.mutateAsync({ code, customer: input, idempotencyKey })).acceptTrialInvitation
        : (
            await acceptPurchase.mutateAsync({
              code,
              customer: input,
              idempotencyKey,
              quantities: preview.lines.map((line) => ({ offerId: line.offerId, quantity: quantities[line.offerId]! })),
            })
          ).acceptPurchaseOffer;
    setErrors(payloadErrors(payload.errors));
    if (payload.acceptance) setStarted({ ...payload.acceptance, preview });
  };

  return (
    <CustomerFrame title={title}>
      <PartnerCard partner={preview.partner} />
      <OfferSummary
        kind={kind}
        preview={preview}
        partnerName={preview.partner.companyName}
        quantities={quantities}
        onQuantity={(offerId, quantity) => setQuantities((current) => ({ ...current, [offerId]: quantity }))}
        errors={errors}
      />
      <form onSubmit={(event) => void submit(event)} aria-label={t('common.yourOrganisation')}>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('common.yourOrganisation')}
          </Title>
          <CustomerAccountFields
            fields={[
              { name: 'companyName', label: t('common.companyName'), required: true },
              { name: 'country', label: t('common.country'), kind: 'country', required: true },
              { name: 'addressLine1', label: t('common.address'), required: true },
              { name: 'city', label: t('common.city'), required: true },
              { name: 'postalCode', label: t('common.postalCode'), required: true },
              { name: 'domainPrefix', label: t('accept.domainName'), kind: 'domain', description: t('accept.yourSignInNamesEnd') },
              { name: 'contactFirstName', label: t('common.firstName'), required: true },
              { name: 'contactLastName', label: t('common.lastName'), required: true },
              { name: 'contactEmail', label: t('accept.eMail'), type: 'email', required: true },
              { name: 'contactPhone', label: t('accept.phone'), type: 'tel' },
            ]}
            values={customer}
            onChange={(name, value) => setCustomer((current) => ({ ...current, [name]: value }))}
            errors={errors}
            countries={countries}
          />
          <FormErrors
            errors={errors}
            shownFields={[
              'companyName',
              'country',
              'addressLine1',
              'city',
              'postalCode',
              'domainPrefix',
              'contactFirstName',
              'contactLastName',
              'contactEmail',
              'contactPhone',
              ...preview.lines.map((_line, index) => `quantities[${index}].quantity`),
            ]}
          />
          {failure && (
            <Alert color="red">
              <ErrorMessage error={failure} />
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={pending} disabled={outOfRange || !customer.country}>
              {kind === 'trial' ? t('accept.startTheTrial') : t('accept.acceptTheOffer')}
            </Button>
          </Group>
        </Stack>
      </form>
    </CustomerFrame>
  );
}
