import { isJsonObject } from './is-json-object.ts';
import { normaliseCountryCode } from './normalise-country-code.ts';
import { optionalString } from './optional-string.ts';

/** The parts of a Graph `signInLocation` Vigil keeps. */
export interface SignInPlace {
  country: string | null;
  state: string | null;
  city: string | null;
}

const NOWHERE: SignInPlace = Object.freeze({ country: null, state: null, city: null });

/**
 * Reads a `signInLocation` object (`countryOrRegion`, `state`, `city`); absent is nowhere, and
 * anything but an object is null, for the caller to quarantine with its own field name.
 */
export function readSignInLocation(value: unknown): SignInPlace | null {
  if (value === undefined || value === null) return NOWHERE;
  if (!isJsonObject(value)) return null;
  return {
    country: normaliseCountryCode(value.countryOrRegion),
    state: optionalString(value.state),
    city: optionalString(value.city),
  };
}
