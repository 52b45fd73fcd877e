import { Alert, Button, Group, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { graphql } from '../../__generated__';
import type { DelegatedAdminAccess } from '../../__generated__/graphql';
import { ErrorMessage, fieldError, FormErrors, payloadErrors } from '../../components/errors';
import { useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { Credential, CustomerFrame, PartnerCard, UnusableLink } from './CustomerFrame';

const AcceptDelegatedAdminOfferDocument = graphql(`
  mutation AcceptDelegatedAdminOfferByCode($code: String!, $signIn: CustomerAdminSignInInput!) {
    acceptDelegatedAdminOffer(code: $code, signIn: $signIn) {
      relationship {
        relationshipId
        status
        access
        expiresAt
      }
      terminationUrl
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

const DelegatedAdminOfferByCodeDocument = graphql(`
  query DelegatedAdminOfferByCode($code: String!) {
    delegatedAdminOfferByCode(code: $code) {
      status
      access
      partner {
        companyName
        email
        phone
        website
      }
    }
  }
`);

/**
 * The one-time link of a delegated-admin offer: the customer's administrator signs in with its
 * account's credentials to accept, which gives the partner administration of the account. Wrong
 * credentials leave the link usable; the termination link is shown to that administrator only.
 */
export function AcceptDelegatedAdminOfferPage() {
  const { t, longDate } = useI18n();
  const access = (level: DelegatedAdminAccess) => (level === 'FULL' ? t('accept.fullAdministration') : t('accept.limitedAdministration'));
  const { code = '' } = useParams();
  const preview = useGraphQLQuery(DelegatedAdminOfferByCodeDocument, { code });
  const accept = useGraphQLMutation(AcceptDelegatedAdminOfferDocument);
  const [signIn, setSignIn] = useState({ userName: '', password: '' });
  const payload = accept.data?.acceptDelegatedAdminOffer;
  const errors = payloadErrors(payload?.errors ?? []);
  const spent = errors.find((error) => error.code === 'INVALID_CODE');
  if (preview.isPending) return <Loader aria-label={t('accept.loadingTheOffer')} m="xl" />;
  const offer = preview.data?.delegatedAdminOfferByCode;
  if (spent) return <UnusableLink title={t('common.delegatedAdministration')} message={<ErrorMessage error={spent} />} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title={t('accept.delegatedAdministrationAccepted')}>
        <Text>
          {t('accept.partnerNowHasAccess', {
            partner: offer?.partner?.companyName ?? t('accept.yourPartner'),
            access: access(payload.relationship.access),
            date: longDate(payload.relationship.expiresAt),
          })}
        </Text>
        <Paper withBorder p="md">
          <Credential label={t('accept.yourLinkToEndDelegated')} value={payload.terminationUrl} />
          <Alert color="yellow" mt="sm">
            {t('accept.thisLinkIsShownOnly')}
          </Alert>
        </Paper>
      </CustomerFrame>
    );
  }
  if (!offer || offer.status !== 'PENDING' || !offer.partner || !offer.access) {
    return (
      <UnusableLink
        title={t('common.delegatedAdministration')}
        message={preview.error ? <ErrorMessage error={preview.error} /> : t('accept.thisLinkIsNotValid2')}
      />
    );
  }
  const set = (field: 'userName' | 'password') => (event: React.ChangeEvent<HTMLInputElement>) => {
    const { value } = event.currentTarget;
    setSignIn((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    accept.mutate({ code, signIn });
  };
  return (
    <CustomerFrame title={t('common.delegatedAdministration')}>
      <PartnerCard partner={offer.partner} />
      <Text>{t('accept.offersToAdministerYourMicrosoft', { companyName: offer.partner.companyName, access: access(offer.access) })}</Text>
      <form onSubmit={submit} aria-label={t('accept.signInAsYourAdministrator')}>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('accept.signInAsYourAdministrator')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('accept.onlyAGlobalAdministratorCanAccept')}
            </Text>
            <TextInput
              label={t('accept.userName')}
              placeholder={t('accept.userNamePlaceholder')}
              autoComplete="username"
              required
              value={signIn.userName}
              onChange={set('userName')}
              error={fieldError(errors, 'userName')}
            />
            <PasswordInput
              label={t('accept.password')}
              autoComplete="current-password"
              required
              value={signIn.password}
              onChange={set('password')}
              error={fieldError(errors, 'password')}
            />
            <FormErrors errors={errors} shownFields={['userName', 'password']} />
            {accept.error && (
              <Alert color="red">
                <ErrorMessage error={accept.error} />
              </Alert>
            )}
            <Group>
              <Button type="submit" loading={accept.isPending}>
                {t('accept.acceptDelegatedAdministration')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </form>
    </CustomerFrame>
  );
}
