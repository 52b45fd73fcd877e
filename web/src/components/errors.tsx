import { Alert, Button, Text } from '@mantine/core';
import { getFragmentData, graphql, type FragmentType } from '../__generated__';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageId } from '../i18n/catalogues';

/** What every mutation payload says about a refusal; each payload's document spreads it in `errors`. */
export const PayloadErrorFields = graphql(`
  fragment PayloadErrorFields on PayloadError {
    code
    message
    field
  }
`);

export interface PayloadError {
  code: string;
  message: string;
  field?: string | null;
}

/** A payload's `errors` as the document returns them: masked until read with `payloadErrors`. */
export type PayloadErrorRefs = readonly FragmentType<typeof PayloadErrorFields>[];

/** A payload's `errors`, read through their fragment. */
export function payloadErrors(errors: PayloadErrorRefs): readonly PayloadError[] {
  return getFragmentData(PayloadErrorFields, errors);
}

/** What the UI says about a refusal: the catalogue's message for its code (and the field it names), else the service's own words. */
export function useErrorMessage() {
  const { t, has } = useI18n();
  return (error: { code?: string | null; message: string; field?: string | null }): string => {
    // `customer.domainPrefix`, `lines[0].quantity`: the input's own name.
    const field = error.field
      ?.split('.')
      .pop()
      ?.replace(/\[\d+\]$/, '');
    const ids = [field && `error.${error.code}.${field}`, `error.${error.code}`].filter((id): id is string => !!id && !!error.code);
    const id = ids.find(has);
    return id ? t(id as MessageId) : error.message;
  };
}

/** A refusal or a failed request, in the active language. */
export function ErrorMessage({ error }: { error: { code?: string | null; message: string; field?: string | null } }) {
  return <>{useErrorMessage()(error)}</>;
}

/** The message for one input (`errors[].field`), shown beside that input. */
export function fieldError(errors: readonly PayloadError[] | undefined, ...fields: string[]): React.ReactNode {
  const error = errors?.find((error) => error.field && fields.some((field) => error.field === field || error.field?.endsWith(`.${field}`)));
  return error ? <ErrorMessage error={error} /> : undefined;
}

/** Errors not tied to a shown input. */
export function FormErrors({ errors, shownFields = [] }: { errors: readonly PayloadError[] | undefined; shownFields?: string[] }) {
  const { t } = useI18n();
  const rest = (errors ?? []).filter(
    (error) =>
      error.code !== 'VERSION_CONFLICT' &&
      !(error.field && shownFields.some((field) => error.field === field || error.field?.endsWith(`.${field}`))),
  );
  if (rest.length === 0) return null;
  return (
    <Alert color="red" role="alert" title={t('errors.notDone')}>
      {rest.map((error) => (
        <Text size="sm" key={error.code + error.message}>
          <ErrorMessage error={error} />
        </Text>
      ))}
    </Alert>
  );
}

/**
 * VERSION_CONFLICT: someone changed the subscription since it was loaded; nothing was
 * changed. Reloading shows the current values to decide again.
 */
export function VersionConflict({ onReload, reloading }: { onReload: () => void; reloading?: boolean }) {
  const { t } = useI18n();
  return (
    <Alert color="orange" role="alert" title={t('errors.thisSubscriptionWasChangedBy')}>
      <Text size="sm">{t('errors.sinceYouOpenedThisPage')}</Text>
      <Button size="xs" mt="sm" onClick={onReload} loading={reloading}>
        {t('errors.reloadCurrentValues')}
      </Button>
    </Alert>
  );
}
