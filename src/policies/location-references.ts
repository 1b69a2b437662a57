import type { ConditionalAccessPolicy, ConditionalAccessPolicyContent } from '../domain/index.ts';
import type { ValidationError } from './field-error.ts';

/**
 * The first named-location id a policy lists that the tenant does not have, as an error naming the
 * field, or null. validatePolicy cannot see the store, so the route checks this after it: a policy
 * that excludes a location nobody can find would block more than its author meant.
 */
export function checkLocationReferences(
  policy: ConditionalAccessPolicyContent,
  namedLocations: readonly { id: string }[],
): ValidationError | null {
  const locations = policy.conditions.locations;
  if (locations === null) return null;
  const known = new Set(namedLocations.map((l) => l.id.toLowerCase()));
  for (const key of ['includeLocations', 'excludeLocations'] as const) {
    const ids = locations[key];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id === 'All' || id === 'AllTrusted' || known.has(id.toLowerCase())) continue;
      const field = `conditions.locations.${key}[${i}]`;
      return { field, message: `${field} names no named location of this tenant ("${id}").` };
    }
  }
  return null;
}

/** The policies that list a named location by id: Entra refuses to delete a location still in use. */
export function policiesUsingLocation(
  locationId: string,
  policies: readonly ConditionalAccessPolicy[],
): ConditionalAccessPolicy[] {
  const id = locationId.toLowerCase();
  return policies.filter((p) => {
    const locations = p.conditions.locations;
    if (locations === null) return false;
    return [...locations.includeLocations, ...locations.excludeLocations].some((l) => l.toLowerCase() === id);
  });
}
