import { Loader } from '@mantine/core';
import { keepPreviousData } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { graphql, getFragmentData } from '../../__generated__';
import { ErrorMessage } from '../../components/errors';
import { useGraphQLQuery } from '../../graphql/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { AcceptOffer, InvitationPreviewFragment } from './AcceptOffer';
import { UnusableLink } from './CustomerFrame';

const PurchaseOfferByCodeDocument = graphql(`
  query PurchaseOfferByCode($code: String!, $language: String) {
    purchaseOfferByCode(code: $code) {
      ...InvitationPreview
    }
  }
`);

export function AcceptPurchaseOfferPage() {
  const { t, locale } = useI18n();
  const { code = '' } = useParams();
  const { data, error, isPending } = useGraphQLQuery(
    PurchaseOfferByCodeDocument,
    { code, language: locale },
    { placeholderData: keepPreviousData },
  );
  if (isPending) return <Loader aria-label={t('accept.loadingTheOffer')} m="xl" />;
  if (error || !data)
    return (
      <UnusableLink
        title={t('accept.purchaseOffer')}
        message={error ? <ErrorMessage error={error} /> : t('accept.thisOfferCannotBeLoaded')}
      />
    );
  return <AcceptOffer kind="purchase" code={code} preview={getFragmentData(InvitationPreviewFragment, data.purchaseOfferByCode)} />;
}
