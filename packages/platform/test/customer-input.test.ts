import { describe, expect, it } from 'vitest';
import { DomainError, Problems, readCustomerAccount, type CustomerAccountRules, type PayloadError } from '../src/index.js';

const NEW_CUSTOMER: CustomerAccountRules = { role: 'contact', address: 'required', phone: 'required', domainPrefix: 'required' };
const REDEEMING: CustomerAccountRules = { role: 'admin', address: 'optional', phone: 'optional', domainPrefix: 'optional' };

const contoso = {
  companyName: ' Summit Trading ',
  domainPrefix: 'SummitTrading',
  country: 'fr',
  addressLine1: '4 rue de la Soif',
  city: 'Rennes',
  postalCode: '35000',
  contactFirstName: 'Yann',
  contactLastName: 'Le Goff',
  contactEmail: 'yann@summit.example',
  contactPhone: '+33 2 99 00 00 00',
};

/** The problems `readCustomerAccount` reports, as a client sees them. */
function problemsOf(input: object, rules: CustomerAccountRules, at?: string): PayloadError[] {
  const problems = new Problems();
  readCustomerAccount(input, rules, problems, at);
  try {
    problems.throwIfAny();
    return [];
  } catch (error) {
    return (error as DomainError).errors;
  }
}

describe('one customer-account schema for every subgraph', () => {
  it('reads a valid account trimmed, the country upper-case and the domain prefix lower-case', () => {
    const problems = new Problems();
    expect(readCustomerAccount(contoso, NEW_CUSTOMER, problems)).toEqual({
      companyName: 'Summit Trading',
      domainPrefix: 'summittrading',
      country: 'FR',
      addressLine1: '4 rue de la Soif',
      city: 'Rennes',
      postalCode: '35000',
      person: { firstName: 'Yann', lastName: 'Le Goff', email: 'yann@summit.example', phone: '+33 2 99 00 00 00' },
    });
    expect(problems.any).toBe(false);
  });

  it('lists every mistake at once, each under its input field', () => {
    const errors = problemsOf(
      { ...contoso, companyName: ' ', country: 'France', contactEmail: 'yann', contactPhone: '', domainPrefix: '-bad-' },
      NEW_CUSTOMER,
    );
    expect(errors.map(({ code, field }) => [code, field])).toEqual([
      ['VALIDATION_FAILED', 'companyName'],
      ['VALIDATION_FAILED', 'domainPrefix'],
      ['VALIDATION_FAILED', 'country'],
      ['VALIDATION_FAILED', 'contactEmail'],
      ['VALIDATION_FAILED', 'contactPhone'],
    ]);
    expect(errors[0]!.message).toBe('Company name is required');
  });

  it('checks the postal code against the country, and names the country', () => {
    expect(problemsOf({ ...contoso, postalCode: '3500' }, NEW_CUSTOMER)).toEqual([
      { code: 'VALIDATION_FAILED', message: 'Not a valid postal code for FR', field: 'postalCode' },
    ]);
    expect(problemsOf({ ...contoso, country: 'GB', postalCode: 'SW1A 1AA' }, NEW_CUSTOMER)).toEqual([]);
  });

  it('a missing required value is "required", under the prefix the caller gives', () => {
    const { contactFirstName: _omitted, ...withoutFirstName } = contoso;
    expect(problemsOf(withoutFirstName, NEW_CUSTOMER, 'customer.')).toEqual([
      { code: 'VALIDATION_FAILED', message: 'Contact first name is required', field: 'customer.contactFirstName' },
    ]);
  });

  it('the first administrator is the same person schema under its own field names; optional parts may be blank', () => {
    const redeeming = {
      companyName: 'Summit',
      country: 'DE',
      adminFirstName: 'Léa',
      adminLastName: 'Roux',
      adminEmail: 'lea@summit.example',
      adminPhone: ' ',
      city: '',
      postalCode: null,
    };
    const problems = new Problems();
    const account = readCustomerAccount(redeeming, REDEEMING, problems, 'customer.');
    expect(problems.any).toBe(false);
    expect(account).toMatchObject({
      domainPrefix: null,
      addressLine1: null,
      city: null,
      postalCode: null,
      person: { firstName: 'Léa', phone: null },
    });
    expect(problemsOf({ ...redeeming, adminEmail: 'lea' }, REDEEMING, 'customer.')).toEqual([
      { code: 'VALIDATION_FAILED', message: 'Not a valid email address', field: 'customer.adminEmail' },
    ]);
  });

  it('refuses a name longer than 200 characters', () => {
    expect(problemsOf({ ...contoso, companyName: 'x'.repeat(201) }, NEW_CUSTOMER)).toEqual([
      { code: 'VALIDATION_FAILED', message: 'Company name is too long', field: 'companyName' },
    ]);
  });
});
