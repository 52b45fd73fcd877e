import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { CompanyProfileQuery } from '../../__generated__/graphql';
import { ErrorMessage, fieldError, FormErrors, type PayloadError, payloadErrors } from '../../components/errors';
import { useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';
import { usePartnerAdministration } from './access';
import { useI18n } from '../../i18n/I18nProvider';

const CompanyProfileDocument = graphql(`
  query CompanyProfile {
    partner {
      id
      companyName
      email
      phone
      website
      mpnId
      advisorCode
      programs
      address {
        line1
        line2
        city
        postalCode
        region
        country
      }
    }
  }
`);

const UpdatePartnerProfileDocument = graphql(`
  mutation UpdatePartnerProfile($input: UpdatePartnerProfileInput!) {
    updatePartnerProfile(input: $input) {
      partner {
        id
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

type Profile = NonNullable<CompanyProfileQuery['partner']>;

/** The profile customers see on invitations and offers; GLOBAL_ADMIN edits it, everyone else reads it. */
export function CompanyProfile() {
  const { t } = useI18n();
  const { data, error, isPending } = useGraphQLQuery(CompanyProfileDocument, {});
  if (isPending) return <Loader aria-label={t('companyProfile.loadingTheCompanyProfile')} />;
  if (error || !data?.partner)
    return <Alert color="red">{error ? <ErrorMessage error={error} /> : t('companyProfile.theProfileCouldNotBe')}</Alert>;
  return <ProfileForm profile={data.partner} key={JSON.stringify(data.partner)} />;
}

function ProfileForm({ profile }: { profile: Profile }) {
  const { t } = useI18n();
  const { editsProfile } = usePartnerAdministration();
  const queryClient = useQueryClient();
  const update = useGraphQLMutation(UpdatePartnerProfileDocument);
  const [values, setValues] = useState({
    companyName: profile.companyName,
    email: profile.email,
    phone: profile.phone,
    website: profile.website ?? '',
    line1: profile.address.line1,
    line2: profile.address.line2 ?? '',
    city: profile.address.city,
    postalCode: profile.address.postalCode,
    region: profile.address.region ?? '',
    country: profile.address.country,
  });
  const [errors, setErrors] = useState<readonly PayloadError[]>([]);
  const field = (name: keyof typeof values, label: string, required = false) => (
    <TextInput
      label={label}
      required={required && editsProfile}
      readOnly={!editsProfile}
      variant={editsProfile ? 'default' : 'filled'}
      value={values[name]}
      onChange={(event) => setValues({ ...values, [name]: event.currentTarget.value })}
      error={fieldError(errors, name)}
    />
  );
  const save = async () => {
    const { companyName, email, phone, website, line1, line2, city, postalCode, region, country } = values;
    const payload = (
      await update.mutateAsync({
        input: {
          companyName,
          email,
          phone,
          website: website || null,
          address: { line1, line2: line2 || null, city, postalCode, region: region || null, country },
        },
      })
    ).updatePartnerProfile;
    setErrors(payloadErrors(payload.errors));
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: t('companyProfile.companyProfileSaved') });
    void queryClient.invalidateQueries();
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Stack maw={760}>
        {!editsProfile && (
          <Text size="sm" c="dimmed">
            {t('companyProfile.onlyAGlobalAdministratorCan')}
          </Text>
        )}
        <Paper withBorder p="md">
          <Text size="sm">{t('companyProfile.partnerIdMpn', { mpnId: profile.mpnId })}</Text>
          <Text size="sm">{t('companyProfile.advisorCode', { advisorCode: profile.advisorCode })}</Text>
          <Text size="sm">
            {t('companyProfile.programmes', {
              programmes: profile.programs.map((program) => t(`companyProfile.program.${program}`)).join(', '),
            })}
          </Text>
        </Paper>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {field('companyName', t('common.companyName'), true)}
          {field('website', t('companyProfile.website'))}
          {field('email', t('addCustomer.contactEmail'), true)}
          {field('phone', t('addCustomer.contactPhone'), true)}
          {field('line1', t('common.addressLine1'), true)}
          {field('line2', t('addCustomer.addressLine2'))}
          {field('city', t('common.city'), true)}
          {field('postalCode', t('common.postalCode'), true)}
          {field('region', t('addCustomer.region'))}
          {field('country', t('common.country'), true)}
        </SimpleGrid>
        <FormErrors errors={errors} shownFields={Object.keys(values)} />
        {editsProfile && (
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending}>
              {t('companyProfile.saveProfile')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
