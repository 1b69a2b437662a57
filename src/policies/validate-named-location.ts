import type {
  CountryNamedLocationContent,
  IpNamedLocationContent,
  IpRange,
  NamedLocation,
  NamedLocationContent,
} from '../domain/index.ts';
import { parseCidr } from '../enrich/parse-cidr.ts';
import { isCountryCode } from './country-codes.ts';
import { catchFieldError, FieldError, type ValidationError } from './field-error.ts';
import {
  checkProperties,
  isJsonObject,
  readBoolean,
  readDisplayName,
  readObject,
  readString,
  readStringList,
} from './field-readers.ts';
import { mergePatch } from './merge-patch.ts';

/** A named location body that passed validation, or the first field that did not. */
export type NamedLocationValidation = { location: NamedLocationContent } | { error: ValidationError };

/** Entra's limit on ranges in one IP named location. */
export const MAX_IP_RANGES = 2000;

// Entra refuses ranges wider than /8; a wider one is almost always a typo for a narrower block, and
// "anywhere" is what a policy's `All` says.
const MIN_PREFIX = 8;

const IP_TYPE = '#microsoft.graph.ipNamedLocation';
const COUNTRY_TYPE = '#microsoft.graph.countryNamedLocation';
const V4_RANGE = '#microsoft.graph.iPv4CidrRange';
const V6_RANGE = '#microsoft.graph.iPv6CidrRange';

const ECHOED = ['@odata.type', '@odata.context', 'id', 'createdDateTime', 'modifiedDateTime'];
const IP_PROPERTIES = new Set([...ECHOED, 'displayName', 'ipRanges', 'isTrusted']);
const COUNTRY_PROPERTIES = new Set([
  ...ECHOED,
  'displayName',
  'countriesAndRegions',
  'includeUnknownCountriesAndRegions',
  'countryLookupMethod',
]);
const RANGE_PROPERTIES = new Set(['@odata.type', 'cidrAddress']);

/**
 * Checks a namedLocation body strictly. `create` reads a POST body, which must say its kind in
 * `@odata.type`; `update` merges a PATCH body onto `existing` (whose kind cannot change) and checks
 * the result. Returns the client-set fields; the caller assigns id and timestamps.
 */
export function validateNamedLocation(
  body: unknown,
  mode: 'create' | 'update',
  existing?: NamedLocation,
): NamedLocationValidation {
  return catchFieldError(() => {
    if (mode === 'create') return { location: readNamedLocation(body) };
    if (existing === undefined)
      throw new TypeError('validateNamedLocation: an update needs the existing location');
    const patch = readObject(body, '');
    const type = patch['@odata.type'];
    if (type !== undefined && type !== existing['@odata.type'])
      throw new FieldError(
        '@odata.type',
        `cannot change from ${existing['@odata.type']}; delete the location and create a new one.`,
      );
    return { location: readNamedLocation(mergePatch(existing, patch)) };
  });
}

function readNamedLocation(body: unknown): NamedLocationContent {
  const object = readObject(body, '');
  const type = object['@odata.type'];
  if (type === undefined || type === null)
    throw new FieldError('@odata.type', `is required: ${IP_TYPE} or ${COUNTRY_TYPE}.`);
  if (type === IP_TYPE) return readIpLocation(object);
  if (type === COUNTRY_TYPE) return readCountryLocation(object);
  throw new FieldError('@odata.type', `must be ${IP_TYPE} or ${COUNTRY_TYPE}.`);
}

function readIpLocation(object: Record<string, unknown>): IpNamedLocationContent {
  checkProperties(object, '', IP_PROPERTIES, 'ipNamedLocation');
  return {
    '@odata.type': IP_TYPE,
    displayName: readDisplayName(object.displayName, 'displayName'),
    ipRanges: readIpRanges(object.ipRanges),
    isTrusted: readBoolean(object.isTrusted, 'isTrusted', false),
  };
}

function readIpRanges(value: unknown): IpRange[] {
  const field = 'ipRanges';
  if (value === undefined || value === null) throw new FieldError(field, 'is required.');
  if (!Array.isArray(value)) throw new FieldError(field, 'must be an array of CIDR ranges.');
  if (value.length === 0) throw new FieldError(field, 'must list at least one range.');
  if (value.length > MAX_IP_RANGES) throw new FieldError(field, `must have at most ${MAX_IP_RANGES} ranges.`);
  return value.map((item, i) => readIpRange(item, `${field}[${i}]`));
}

function readIpRange(value: unknown, field: string): IpRange {
  if (!isJsonObject(value)) throw new FieldError(field, 'must be an object with a cidrAddress.');
  checkProperties(value, field, RANGE_PROPERTIES, 'ipRange');
  const type = value['@odata.type'];
  if (type !== undefined && type !== null && type !== V4_RANGE && type !== V6_RANGE)
    throw new FieldError(`${field}.@odata.type`, `must be ${V4_RANGE} or ${V6_RANGE}.`);
  const addressField = `${field}.cidrAddress`;
  const cidrAddress = readString(value.cidrAddress, addressField, 64);
  const slash = cidrAddress.indexOf('/');
  const range = slash < 0 ? null : parseCidr(cidrAddress);
  if (range === null)
    throw new FieldError(
      addressField,
      `must be an IPv4 or IPv6 range in CIDR notation (203.0.113.0/24, 2001:db8::/48); got "${cidrAddress}".`,
    );
  const isV6Text = cidrAddress.includes(':');
  const prefix = Number(cidrAddress.slice(slash + 1)) - (isV6Text && range.width === 1 ? 96 : 0);
  if (prefix < MIN_PREFIX)
    throw new FieldError(
      addressField,
      `must be /${MIN_PREFIX} or narrower; use the policy's All for any address.`,
    );
  // The tag follows the address, not the client: Terraform's azuread provider tags every range,
  // IPv6 included, as iPv4CidrRange, and Graph accepts that.
  return { '@odata.type': isV6Text ? V6_RANGE : V4_RANGE, cidrAddress };
}

function readCountryLocation(object: Record<string, unknown>): CountryNamedLocationContent {
  checkProperties(object, '', COUNTRY_PROPERTIES, 'countryNamedLocation');
  const displayName = readDisplayName(object.displayName, 'displayName');
  const field = 'countriesAndRegions';
  if (object.countriesAndRegions === undefined || object.countriesAndRegions === null)
    throw new FieldError(field, 'is required.');
  const countries = readStringList(object.countriesAndRegions, field);
  countries.forEach((code, i) => {
    if (isCountryCode(code)) return;
    if (isCountryCode(code.toUpperCase()))
      throw new FieldError(`${field}[${i}]`, `must be upper-case ("${code.toUpperCase()}").`);
    throw new FieldError(`${field}[${i}]`, `must be an ISO 3166-1 alpha-2 country code; got "${code}".`);
  });
  const includeUnknown = readBoolean(
    object.includeUnknownCountriesAndRegions,
    'includeUnknownCountriesAndRegions',
    false,
  );
  if (countries.length === 0 && !includeUnknown)
    throw new FieldError(
      field,
      'must list at least one country unless includeUnknownCountriesAndRegions is true.',
    );
  const method = object.countryLookupMethod;
  if (method !== undefined && method !== null && method !== 'clientIpAddress') {
    const why =
      method === 'authenticatorAppGps'
        ? 'is not supported: workload identities have no Authenticator GPS; use clientIpAddress.'
        : 'must be clientIpAddress.';
    throw new FieldError('countryLookupMethod', why);
  }
  return {
    '@odata.type': COUNTRY_TYPE,
    displayName,
    countriesAndRegions: countries,
    includeUnknownCountriesAndRegions: includeUnknown,
    countryLookupMethod: 'clientIpAddress',
  };
}
