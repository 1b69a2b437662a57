import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  jetstream,
  jetstreamManager,
  StorageType,
  type StreamInfo,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Destination, DestinationPlugin, ExportRecord, SettingError } from '../destination.ts';
import { readSettings } from './read-settings.ts';

/**
 * Settings of an `eventHub` destination: a NATS JetStream stream standing in for the Event Hub,
 * receiving `{"records":[…]}` messages on one subject.
 */
export interface EventHubSettings {
  /** `nats://host:port` (or `tls://`), several separated by commas. */
  servers: string;
  /** The stream, created (file storage) when missing. */
  stream: string;
  /** The subject messages are published on; the stream must take it. */
  subject: string;
  /** Largest message, default 1 MiB as Event Hubs allows; the server's own limit wins when lower. */
  maxMessageBytes?: number;
  /** With `pass`: user/password authentication. */
  user?: string;
  /** Secret: shown as `***`. */
  pass?: string;
  /** Token authentication instead of user and pass. Secret: shown as `***`. */
  token?: string;
}

/** Event Hubs' largest event on the standard tier and above. */
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
// The server counts headers against its max_payload: room for `Nats-Msg-Id` and the header preamble.
const HEADER_ROOM = 128;
const MAX_BATCH = 5000;
const CONNECT_TIMEOUT_MS = 10_000;
const PUBLISH_TIMEOUT_MS = 30_000;
const DRAIN_TIMEOUT_MS = 5_000;
// The engine retries with backoff; a retry inside this window is dropped by the stream as a
// duplicate. JetStream's default (two minutes) is shorter than a few backoff steps.
const DUPLICATE_WINDOW_MS = 15 * 60_000;

const OPEN = '{"records":[';
const CLOSE = ']}';
const FRAME_BYTES = OPEN.length + CLOSE.length;

const STREAM_NAME = /^[A-Za-z0-9_-]+$/;
// Tokens separated by dots, no wildcards or whitespace: a subject one can publish on.
const SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

function parseServers(text: string, fail: (message: string) => never): string {
  const servers = text.split(',').map((s) => s.trim());
  for (const server of servers) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      return fail(`"${server}" is not a nats://host:port URL`);
    }
    if (url.protocol !== 'nats:' && url.protocol !== 'tls:') {
      return fail(`"${server}" must be a nats:// or tls:// URL`);
    }
    if (url.hostname === '') return fail(`"${server}" names no host`);
    if (url.username !== '' || url.password !== '') {
      return fail('must not carry credentials (use user and pass, or token: they are redacted)');
    }
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
      return fail(`"${server}" must be just nats://host:port`);
    }
  }
  return servers.join(',');
}

function parseSettings(
  raw: Record<string, unknown>,
  field: string,
): { settings: EventHubSettings } | { error: SettingError } {
  const known = ['servers', 'stream', 'subject', 'maxMessageBytes', 'user', 'pass', 'token'];
  return readSettings(raw, field, known, (r) => {
    const servers = parseServers(r.string('servers', { maxLength: 4096 }), (m) => r.fail('servers', m));
    const stream = r.string('stream', {
      maxLength: 255,
      pattern: STREAM_NAME,
      hint: 'a stream name (letters, digits, - and _)',
    });
    const subject = r.string('subject', {
      maxLength: 255,
      pattern: SUBJECT,
      hint: 'a subject without wildcards (tokens separated by dots)',
    });
    const maxMessageBytes = r.integer('maxMessageBytes', 1024, 64 * 1024 * 1024, DEFAULT_MAX_MESSAGE_BYTES);
    const user = r.optionalString('user', { maxLength: 1024 });
    const pass = r.optionalString('pass', { maxLength: 1024 });
    const token = r.optionalString('token', { maxLength: 4096 });
    if (user !== undefined && pass === undefined) r.fail('pass', 'is required with user');
    if (pass !== undefined && user === undefined) r.fail('user', 'is required with pass');
    if (token !== undefined && user !== undefined) r.fail('token', 'cannot be combined with user and pass');
    return {
      servers,
      stream,
      subject,
      ...(maxMessageBytes !== DEFAULT_MAX_MESSAGE_BYTES ? { maxMessageBytes } : {}),
      ...(user !== undefined && pass !== undefined ? { user, pass } : {}),
      ...(token !== undefined ? { token } : {}),
    };
  });
}

function redact(settings: EventHubSettings): Record<string, unknown> {
  return {
    servers: settings.servers,
    stream: settings.stream,
    subject: settings.subject,
    maxMessageBytes: settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    ...(settings.user !== undefined ? { user: settings.user } : {}),
    ...(settings.pass !== undefined ? { pass: '***' } : {}),
    ...(settings.token !== undefined ? { token: '***' } : {}),
  };
}

/** Whether a stream subject (possibly with `*` and `>` wildcards) takes a literal subject. */
function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** One message to publish: its body and the id the stream de-duplicates it by. */
export interface EventHubMessage {
  /** `{"records":[…]}`, UTF-8 length at most the bound. */
  body: string;
  bytes: number;
  /** Stable for the same first and last record: a retried message is dropped as a duplicate. */
  msgId: string;
  records: number;
}

/**
 * Packs records, in order, into as few `{"records":[…]}` messages as fit under `maxBytes`. A record
 * too large for a message on its own is refused with an error naming it, before anything is sent:
 * splitting it would deliver something no Event Hubs reader expects, and dropping it would lose it.
 */
export function packEventHubMessages(records: readonly ExportRecord[], maxBytes: number): EventHubMessage[] {
  const lines = records.map((r) => JSON.stringify(r.envelope));
  const sizes = lines.map((l) => Buffer.byteLength(l));
  for (let i = 0; i < records.length; i++) {
    if (sizes[i]! + FRAME_BYTES > maxBytes) {
      throw new Error(
        `record ${records[i]!.id} takes ${sizes[i]! + FRAME_BYTES} bytes as a message on its own, over the ${maxBytes}-byte bound`,
      );
    }
  }
  const messages: EventHubMessage[] = [];
  let start = 0;
  while (start < records.length) {
    let bytes = FRAME_BYTES + sizes[start]!;
    let end = start + 1;
    while (end < records.length && bytes + 1 + sizes[end]! <= maxBytes) bytes += 1 + sizes[end++]!;
    const msgId = createHash('sha256')
      .update(records[start]!.id)
      .update('\n')
      .update(records[end - 1]!.id)
      .digest('base64url');
    messages.push({
      body: `${OPEN}${lines.slice(start, end).join(',')}${CLOSE}`,
      bytes,
      msgId,
      records: end - start,
    });
    start = end;
  }
  return messages;
}

/** A live connection, whether the stream is known to be there, and the message bound this server allows. */
interface Link {
  nc: NatsConnection;
  js: JetStreamClient;
  maxBytes: number;
  streamChecked: boolean;
}

async function ensureStream(nc: NatsConnection, settings: EventHubSettings): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const find = async (): Promise<StreamInfo | null> => {
    try {
      return await jsm.streams.info(settings.stream);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return null;
      throw err;
    }
  };
  let info = await find();
  if (!info) {
    try {
      info = await jsm.streams.add({
        name: settings.stream,
        subjects: [settings.subject],
        storage: StorageType.File,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    } catch (err) {
      // Another process may have created it meanwhile; otherwise the creation error stands.
      info = await find();
      if (!info) throw err;
    }
  }
  const subjects = info.config.subjects ?? [];
  if (!subjects.some((s) => subjectMatches(s, settings.subject))) {
    throw new Error(
      `stream ${settings.stream} does not take subject ${settings.subject} (its subjects: ${subjects.join(', ') || 'none'})`,
    );
  }
}

function createEventHubDestination(settings: EventHubSettings, settingName: string): Destination {
  const label = `eventHub:${settings.servers}/${settings.stream}/${settings.subject}`;
  const configuredMax = settings.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let link: Promise<Link> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function openLink(): Promise<Link> {
    const nc = await connect({
      servers: settings.servers.split(','),
      name: `vigil export ${settingName}`,
      timeout: CONNECT_TIMEOUT_MS,
      ...(settings.user !== undefined ? { user: settings.user } : {}),
      ...(settings.pass !== undefined ? { pass: settings.pass } : {}),
      ...(settings.token !== undefined ? { token: settings.token } : {}),
    });
    const serverMax = nc.info?.max_payload ?? DEFAULT_MAX_MESSAGE_BYTES;
    return {
      nc,
      js: jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS }),
      maxBytes: Math.min(configuredMax, serverMax - HEADER_ROOM),
      streamChecked: false,
    };
  }

  // Connects on first use, and again after the client gave up reconnecting or a connect failed.
  async function connection(): Promise<Link> {
    if (link) {
      const current = await link.catch(() => null);
      if (current && !current.nc.isClosed()) return current;
      link = null;
    }
    link = openLink();
    return link;
  }

  async function deliver(records: readonly ExportRecord[]): Promise<void> {
    if (records.length === 0) return;
    const current = await connection();
    const messages = packEventHubMessages(records, current.maxBytes);
    try {
      if (!current.streamChecked) {
        await ensureStream(current.nc, settings);
        current.streamChecked = true;
      }
      // One at a time, each acknowledged (stored) before the next: the stream keeps record order
      // even when a publish fails halfway and the engine retries the batch.
      for (const m of messages) {
        await current.js.publish(settings.subject, m.body, { msgID: m.msgId, timeout: PUBLISH_TIMEOUT_MS });
      }
    } catch (err) {
      // A stream deleted or re-created under us answers "no responders": look again next time.
      current.streamChecked = false;
      throw err;
    }
  }

  return {
    label,
    maxBatch: MAX_BATCH,
    send(records) {
      if (closed) return Promise.reject(new Error(`${label} is closed`));
      const run = queue.then(() =>
        deliver(records).catch((err: unknown) => {
          throw new Error(`${label}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }),
      );
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      closed = true;
      await queue;
      const current = await link?.catch(() => null);
      link = null;
      if (!current || current.nc.isClosed()) return;
      // Draining waits for the server; one that is gone must not hold shutdown up.
      const giveUp = new AbortController();
      await Promise.race([
        current.nc.drain().catch(() => {}),
        sleep(DRAIN_TIMEOUT_MS, undefined, { signal: giveUp.signal }).catch(() => {}),
      ]);
      giveUp.abort();
      if (!current.nc.isClosed()) await current.nc.close().catch(() => {});
    },
  };
}

/** The `eventHub` destination: `{"records":[…]}` messages, as Event Hubs carries them, on NATS JetStream. */
export const eventHubDestination: DestinationPlugin<EventHubSettings> = {
  type: 'eventHub',
  parse: parseSettings,
  redact,
  create: (settings, context) => createEventHubDestination(settings, context.settingName),
};
