import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { graphql } from '../../__generated__';
import type { CompanyProfileQuery } from '../../__generated__/graphql';
import { fieldError, FormErrors, type PayloadError } from '../../components/errors';
import { useGraphQLMutation, useGraphQLQuery } from '../../graphql/hooks';
import { usePartnerAdministration } from './access';

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
        code
        message
        field
      }
    }
  }
`);

type Profile = NonNullable<CompanyProfileQuery['partner']>;
const PROGRAM = { RESELLER: 'Reseller', SUBSCRIPTION_ADVISOR: 'Subscription advisor', DELEGATED_ADMIN: 'Delegated administration', CLOUD_ESSENTIALS: 'Cloud Essentials' } as const;

/** The profile customers see on invitations and offers; GLOBAL_ADMIN edits it, everyone else reads it. */
export function CompanyProfile() {
  const { data, error, isPending } = useGraphQLQuery(CompanyProfileDocument, {});
  if (isPending) return <Loader aria-label="Loading the company profile" />;
  if (error || !data?.partner) return <Alert color="red">{error?.message ?? 'The profile could not be loaded.'}</Alert>;
  return <ProfileForm profile={data.partner} key={JSON.stringify(data.partner)} />;
}

function ProfileForm({ profile }: { profile: Profile }) {
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
        input: { companyName, email, phone, website: website || null, address: { line1, line2: line2 || null, city, postalCode, region: region || null, country } },
      })
    ).updatePartnerProfile;
    setErrors(payload.errors);
    if (payload.errors.length > 0) return;
    notifications.show({ color: 'green', message: 'Company profile saved.' });
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
        {!editsProfile && <Text size="sm" c="dimmed">Only a global administrator can change the company profile.</Text>}
        <Paper withBorder p="md">
          <Text size="sm">Partner id (MPN): {profile.mpnId}</Text>
          <Text size="sm">Advisor code: {profile.advisorCode}</Text>
          <Text size="sm">Programmes: {profile.programs.map((program) => PROGRAM[program]).join(', ')}</Text>
        </Paper>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {field('companyName', 'Company name', true)}
          {field('website', 'Website')}
          {field('email', 'Contact email', true)}
          {field('phone', 'Contact phone', true)}
          {field('line1', 'Address line 1', true)}
          {field('line2', 'Address line 2')}
          {field('city', 'City', true)}
          {field('postalCode', 'Postal code', true)}
          {field('region', 'Region')}
          {field('country', 'Country', true)}
        </SimpleGrid>
        <FormErrors errors={errors} shownFields={Object.keys(values)} />
        {editsProfile && (
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending}>
              Save profile
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
