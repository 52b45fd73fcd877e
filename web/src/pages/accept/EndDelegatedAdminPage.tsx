import { Alert, Button, Group, Text } from '@mantine/core';
import { useParams } from 'react-router';
import { graphql } from '../../__generated__';
import { ErrorMessage, payloadErrors } from '../../components/errors';
import { useGraphQLMutation } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { CustomerFrame, UnusableLink } from './CustomerFrame';

const EndDelegatedAdminRelationshipDocument = graphql(`
  mutation EndDelegatedAdminRelationshipByCode($code: String!) {
    endDelegatedAdminRelationship(code: $code) {
      relationship {
        relationshipId
        status
      }
      errors {
        ...PayloadErrorFields
      }
    }
  }
`);

/** The customer's own link to end a delegated-admin relationship. */
export function EndDelegatedAdminPage() {
  const { t } = useI18n();
  const { code = '' } = useParams();
  const end = useGraphQLMutation(EndDelegatedAdminRelationshipDocument);
  const payload = end.data?.endDelegatedAdminRelationship;
  const refused = payload ? payloadErrors(payload.errors)[0] : undefined;
  if (refused) return <UnusableLink title={t('accept.endDelegatedAdministration')} message={<ErrorMessage error={refused} />} />;
  if (payload?.relationship) {
    return (
      <CustomerFrame title={t('accept.delegatedAdministrationEnded')}>
        <Text>{t('accept.yourPartnerNoLongerAdministers')}</Text>
      </CustomerFrame>
    );
  }
  return (
    <CustomerFrame title={t('accept.endDelegatedAdministration')}>
      <Text>{t('accept.endingItRemovesYourPartner')}</Text>
      {end.error && (
        <Alert color="red">
          <ErrorMessage error={end.error} />
        </Alert>
      )}
      <Group>
        <Button color="red" loading={end.isPending} onClick={() => end.mutate({ code })}>
          {t('accept.endDelegatedAdministration')}
        </Button>
      </Group>
    </CustomerFrame>
  );
}
