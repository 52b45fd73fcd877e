import { Alert, Button, Text } from '@mantine/core';

export interface PayloadError {
  code: string;
  message: string;
  field?: string | null;
}

/** The message for one input (`errors[].field`), shown beside that input. */
export function fieldError(errors: readonly PayloadError[] | undefined, ...fields: string[]): string | undefined {
  return errors?.find((error) => error.field && fields.some((field) => error.field === field || error.field?.endsWith(`.${field}`)))?.message;
}

/** Errors not tied to a shown input. */
export function FormErrors({ errors, shownFields = [] }: { errors: readonly PayloadError[] | undefined; shownFields?: string[] }) {
  const rest = (errors ?? []).filter((error) => error.code !== 'VERSION_CONFLICT' && !(error.field && shownFields.some((field) => error.field === field || error.field?.endsWith(`.${field}`))));
  if (rest.length === 0) return null;
  return (
    <Alert color="red" role="alert" title="Not done">
      {rest.map((error) => (
        <Text size="sm" key={error.code + error.message}>
          {error.message}
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
  return (
    <Alert color="orange" role="alert" title="This subscription was changed by someone else">
      <Text size="sm">
        Since you opened this page, the subscription was changed (by another user or an automatic renewal), so your change was not made. Reload the
        current values, check them, and make your change again.
      </Text>
      <Button size="xs" mt="sm" onClick={onReload} loading={reloading}>
        Reload current values
      </Button>
    </Alert>
  );
}
