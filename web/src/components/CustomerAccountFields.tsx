import { Select, SimpleGrid, Text, TextInput, type ComboboxData } from '@mantine/core';
import { useI18n } from '../i18n/I18nProvider';
import { fieldError, type PayloadError } from './errors';

/**
 * One input of a customer account: `name` is its field in the mutation's input, which is also
 * the `field` a payload error names. `kind` says how it is asked: text (the default), the
 * country (a Select of `countries`), or the domain prefix (with the `.onmicrosoft.com` suffix).
 */
export interface AccountField<Name extends string> {
  name: Name;
  label: string;
  kind?: 'text' | 'country' | 'domain';
  required?: boolean;
  type?: 'email' | 'tel';
  description?: React.ReactNode;
  /** Said when the payload names no error for this input (a domain found taken while typing). */
  hint?: React.ReactNode;
}

/**
 * The company, address and contact (or administrator) of a new customer account, as the add
 * customer wizard, the customer's own acceptance page and product-key redemption ask for them.
 * Each form lists its fields in its own words and order; the wiring of value, change and the
 * payload's error for each input is the same everywhere.
 */
export function CustomerAccountFields<Name extends string>(props: {
  fields: readonly AccountField<Name>[];
  values: Readonly<Partial<Record<Name, string | null>>>;
  onChange: (name: Name, value: string) => void;
  errors: readonly PayloadError[];
  countries: ComboboxData;
}) {
  const { t } = useI18n();
  const { values, onChange, errors } = props;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {props.fields.map((field) => {
        const common = {
          label: field.label,
          required: field.required,
          description: field.description,
          error: fieldError(errors, field.name) ?? field.hint,
        };
        if (field.kind === 'country') {
          return (
            <Select
              key={field.name}
              {...common}
              searchable
              data={props.countries}
              value={values[field.name] || null}
              onChange={(value) => onChange(field.name, value ?? '')}
            />
          );
        }
        return (
          <TextInput
            key={field.name}
            {...common}
            type={field.type}
            value={values[field.name] ?? ''}
            // Read now: React clears currentTarget once the handler returns, before an updater runs.
            onChange={(event) => onChange(field.name, event.currentTarget.value)}
            {...(field.kind === 'domain' && {
              rightSection: (
                <Text size="xs" c="dimmed" pr="xs">
                  {t('common.onmicrosoftCom')}
                </Text>
              ),
              rightSectionWidth: 120,
            })}
          />
        );
      })}
    </SimpleGrid>
  );
}
