import { z } from 'zod';
import type { Problems } from './errors.js';
import { isCountryCode, isDomainPrefix, isEmail, isPhone, isPostalCode } from './validation.js';

/*
 * One input schema per concept — a customer account, the person it names, its address — shared
 * by every subgraph that takes one (new customers, trial and purchase-offer acceptances, product
 * key redemptions, the internal account creation). The inputs keep their API field names: the
 * address is `addressLine1`, `city`, `postalCode`, `country`; the person is `<role>FirstName`,
 * `<role>LastName`, `<role>Email`, `<role>Phone`, where the role is the person's part (the
 * account's contact, or its first administrator).
 */

const MAX_TEXT = 200;
const text = (label: string) => z.string().trim().min(1, `${label} is required`).max(MAX_TEXT, `${label} is too long`);
/** Absent, null and blank are all "not given". */
const optionalText = (label: string) =>
  z
    .string()
    .trim()
    .max(MAX_TEXT, `${label} is too long`)
    .nullish()
    .transform((value) => value || null);

const email = z.string().trim().refine(isEmail, 'Not a valid email address');
const phone = z.string().trim().refine(isPhone, 'Not a valid phone number');
const country = z.string().trim().toUpperCase().refine(isCountryCode, 'Country must be an ISO 3166-1 alpha-2 code');
const domainPrefix = z.string().trim().toLowerCase().refine(isDomainPrefix, 'Domain prefix: 1 to 27 letters, digits or inner hyphens');
/** A field that may be left out: absent, null and blank all read as null. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' && !value.trim() ? null : value),
    schema.nullish().transform((v) => v ?? null),
  );

export type PersonRole = 'contact' | 'admin';
const ROLE_LABELS: Record<PersonRole, string> = { contact: 'Contact', admin: 'Administrator' };

/** Whether a part of the concept must be given (`required`) or may be left out. */
type Presence = 'required' | 'optional';

export interface CustomerAccountRules {
  /** The person the account names: its contact, or its first administrator. */
  role: PersonRole;
  address: Presence;
  phone: Presence;
  domainPrefix: Presence;
}

/** The person's part of an input, under the role's field names. */
function personShape(role: PersonRole, phonePresence: Presence) {
  const label = ROLE_LABELS[role];
  return {
    [`${role}FirstName`]: text(`${label} first name`),
    [`${role}LastName`]: text(`${label} last name`),
    [`${role}Email`]: email,
    [`${role}Phone`]: phonePresence === 'required' ? phone : optional(phone),
  };
}

function customerAccountSchema(rules: CustomerAccountRules) {
  const addressField = rules.address === 'required' ? text : optionalText;
  return z
    .object({
      companyName: text('Company name'),
      domainPrefix: rules.domainPrefix === 'required' ? domainPrefix : optional(domainPrefix),
      country,
      addressLine1: addressField('Address line 1'),
      city: addressField('City'),
      postalCode: addressField('Postal code'),
      ...personShape(rules.role, rules.phone),
    })
    .superRefine((account, context) => {
      // The postal code follows the country's syntax (checked once both are given and the country is known).
      const { country: code, postalCode } = account as { country: string; postalCode: string | null };
      if (postalCode && isCountryCode(code) && !isPostalCode(code, postalCode)) {
        context.addIssue({ code: 'custom', path: ['postalCode'], message: `Not a valid postal code for ${code}` });
      }
    });
}

/** A customer account as every subgraph reads it: trimmed, the country upper-case, the domain prefix lower-case, blanks as null. */
export interface CustomerAccount {
  companyName: string;
  domainPrefix: string | null;
  country: string;
  addressLine1: string | null;
  city: string | null;
  postalCode: string | null;
  person: { firstName: string; lastName: string; email: string; phone: string | null };
}

/**
 * Validates the customer-account part of `input` by `rules`, adding every mistake to `problems`
 * as VALIDATION_FAILED under its input field (prefixed by `at`, e.g. `customer.`), and returns it
 * normalised. The caller throws (`problems.throwIfAny()`) once its own checks are added.
 */
export function readCustomerAccount(input: object, rules: CustomerAccountRules, problems: Problems, at = ''): CustomerAccount {
  const parsed = customerAccountSchema(rules).safeParse(input);
  const raw = input as Record<string, unknown>;
  if (!parsed.success) {
    const reported = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.');
      if (reported.has(field)) continue;
      reported.add(field);
      // A missing required value reads "… is required", not zod's type message.
      problems.add(
        'VALIDATION_FAILED',
        issue.code === 'invalid_type' ? requiredMessage(field, rules.role) : issue.message,
        `${at}${field}`,
      );
    }
  }
  const value = (parsed.success ? parsed.data : {}) as Record<string, string | null | undefined>;
  // Best effort when invalid (the caller throws before using it): the trimmed input.
  const read = (field: string): string | null => {
    if (parsed.success) return value[field] ?? null;
    const given = raw[field];
    return typeof given === 'string' && given.trim() ? given.trim() : null;
  };
  return {
    companyName: read('companyName') ?? '',
    domainPrefix: read('domainPrefix')?.toLowerCase() ?? null,
    country: read('country')?.toUpperCase() ?? '',
    addressLine1: read('addressLine1'),
    city: read('city'),
    postalCode: read('postalCode'),
    person: {
      firstName: read(`${rules.role}FirstName`) ?? '',
      lastName: read(`${rules.role}LastName`) ?? '',
      email: read(`${rules.role}Email`) ?? '',
      phone: read(`${rules.role}Phone`),
    },
  };
}

const FIELD_LABELS: Record<string, string> = {
  companyName: 'Company name',
  country: 'Country',
  addressLine1: 'Address line 1',
  city: 'City',
  postalCode: 'Postal code',
  domainPrefix: 'Domain prefix',
};

function requiredMessage(field: string, role: PersonRole): string {
  const personField = field.startsWith(role) ? field.slice(role.length) : null;
  const label = personField
    ? `${ROLE_LABELS[role]} ${personField.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`
    : (FIELD_LABELS[field] ?? field);
  return `${label} is required`;
}
