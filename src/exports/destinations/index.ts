import type { DestinationPlugin } from '../destination.ts';
import { eventHubDestination } from './event-hub.ts';
import { logAnalyticsDestination } from './log-analytics.ts';
import { splunkHecDestination } from './splunk-hec.ts';
import { storageDestination } from './storage.ts';
import { syslogDestination } from './syslog.ts';
import { webhookDestination } from './webhook.ts';

/** Every destination type, by the `type` a setting names: an explicit list, no directory scanning. */
export const destinationPlugins: ReadonlyMap<string, DestinationPlugin> = new Map(
  (
    [
      storageDestination,
      eventHubDestination,
      syslogDestination,
      splunkHecDestination,
      webhookDestination,
      logAnalyticsDestination,
    ] as DestinationPlugin[]
  ).map((p) => [p.type, p]),
);
