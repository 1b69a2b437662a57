import type { GraphConnection } from '../connectors/graph-connection.ts';
import { createGraphConnector, type GraphConnector } from '../connectors/graph-connector.ts';

/**
 * The Graph connector of each tenant with a configured connection, made once per tenant so its
 * access tokens are reused until they near expiry; null for tenants without one.
 */
export function createDirectoryLinks(
  connections: Readonly<Record<string, GraphConnection>>,
): (tenantId: string) => GraphConnector | null {
  const connectors = new Map<string, GraphConnector>();
  return (tenantId) => {
    let connector = connectors.get(tenantId);
    if (connector === undefined) {
      const connection = connections[tenantId];
      if (connection === undefined) return null;
      connector = createGraphConnector(connection);
      connectors.set(tenantId, connector);
    }
    return connector;
  };
}

/** The Graph connection of each tenant that has one; null for the others. */
export function createDirectoryConnections(
  connections: Readonly<Record<string, GraphConnection>>,
): (tenantId: string) => GraphConnection | null {
  return (tenantId) => connections[tenantId] ?? null;
}
