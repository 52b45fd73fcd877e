import { Loader } from '@mantine/core';
import { keepPreviousData } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { graphql, getFragmentData } from '../../__generated__';
import { ErrorMessage } from '../../components/errors';
import { useGraphQLQuery } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { AcceptOffer, InvitationPreviewFragment } from './AcceptOffer';
import { UnusableLink } from './CustomerFrame';

const TrialInvitationByCodeDocument = graphql(`
  query TrialInvitationByCode($code: String!, $language: String) {
    trialInvitationByCode(code: $code) {
      ...InvitationPreview
    }
  }
`);

export function AcceptTrialInvitationPage() {
  const { t, locale } = useI18n();
  const { code = '' } = useParams();
  // The offer's descriptions in the page's language; a switch keeps the page (and the acceptance it follows) while they load.
  const { data, error, isPending } = useGraphQLQuery(
    TrialInvitationByCodeDocument,
    { code, language: locale },
    { placeholderData: keepPreviousData },
  );
  if (isPending) return <Loader aria-label={t('accept.loadingTheInvitation')} m="xl" />;
  if (error || !data)
    return (
      <UnusableLink
        title={t('accept.trialInvitation')}
        message={error ? <ErrorMessage error={error} /> : t('accept.thisInvitationCannotBeLoaded')}
      />
    );
  return <AcceptOffer kind="trial" code={code} preview={getFragmentData(InvitationPreviewFragment, data.trialInvitationByCode)} />;
}
