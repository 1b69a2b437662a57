import { createSocket, type Socket as DatagramSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP, Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { Destination, DestinationPlugin, ExportRecord, SettingError } from '../destination.ts';
import { cefOf, cefSeverityOf } from './cef.ts';
import { readSettings } from './read-settings.ts';

/*
 * RFC 5424 syslog with a CEF message, over UDP (RFC 5426), TCP (RFC 6587) or TLS (RFC 5425).
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [vigil@32473 recordId="…" tenantId="…"] CEF:0|Vigil|…
 *
 * - PRI: the facility (default `authpriv`: these are security events naming principals and
 *   addresses, and a stock rsyslog or syslog-ng files authpriv in the access-restricted auth log
 *   rather than the general one) and a severity from the CEF severity: 9–10 critical, 7–8 error,
 *   4–6 warning, 2–3 notice, 0–1 informational.
 * - TIMESTAMP is the record's time, not the sending time, so a retried batch repeats byte for byte.
 * - MSGID is the export category; the structured data carries the record id to de-duplicate by
 *   (delivery is at least once). 32473 is the private enterprise number RFC 5612 reserves for
 *   documentation: Vigil has none of its own.
 * - MSG is the CEF line without a byte-order mark: CEF receivers expect the message to start
 *   with `CEF:`. It holds no line break (CEF escapes them).
 * - TCP and TLS frame each message by octet counting (`<length> <message>`, RFC 6587 §3.4.1),
 *   which rsyslog, syslog-ng and most SIEM collectors accept, and which survives any byte in
 *   the message. Messages are not truncated there; the receiver's own limit applies.
 * - UDP sends one datagram per record, cut to 8192 bytes (rsyslog's default maximum message
 *   size) on a character boundary, never inside a CEF escape: a truncated record still names
 *   its id in the header and structured data.
 *
 * Plain syslog has no acknowledgement: `send` resolves once the batch is handed to the kernel.
 * A connection the receiver has closed is noticed before the next batch and reopened; one that
 * fails during a write throws, so the engine retries the batch. Records in flight when a receiver
 * dies can still be lost (only an acknowledging protocol such as RELP would close that gap). Over
 * UDP nothing is known to arrive; a port the kernel reports unreachable (ICMP) fails the batch.
 */

/** Facility names and their RFC 5424 codes. */
export const syslogFacilities = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;

/** A syslog facility name. */
export type SyslogFacility = keyof typeof syslogFacilities;

/** The transports a syslog destination can use. */
export const syslogProtocols = ['udp', 'tcp', 'tls'] as const;

/** A syslog transport. */
export type SyslogProtocol = (typeof syslogProtocols)[number];

/** One syslog destination's settings, as a diagnostic setting stores them. */
export interface SyslogSettings {
  protocol: SyslogProtocol;
  /** Receiver's host name or IP address. */
  host: string;
  /** Default 514 for UDP and TCP, 6514 for TLS (RFC 5425). */
  port?: number;
  /** Default `authpriv`. */
  facility?: SyslogFacility;
  /** APP-NAME; default `vigil`. */
  appName?: string;
  /** HOSTNAME; default this machine's name. */
  hostname?: string;
  /** TLS only: path of a PEM file of the CA certificates to trust instead of the system's. */
  ca?: string;
  /** TLS only: verify the receiver's certificate and name (default true). */
  rejectUnauthorized?: boolean;
}

/** What a message needs besides the record. */
export interface SyslogMessageOptions {
  facility: SyslogFacility;
  appName: string;
  hostname: string;
  procId: string;
}

/** Default facility: security events go where a stock syslog keeps authorization messages private. */
export const DEFAULT_SYSLOG_FACILITY: SyslogFacility = 'authpriv';
/** Default APP-NAME. */
export const DEFAULT_SYSLOG_APP_NAME = 'vigil';
/** Largest UDP datagram sent; longer messages are cut (rsyslog's default maximum message size). */
export const MAX_UDP_MESSAGE_BYTES = 8192;

const SD_ID = 'vigil@32473';
const CONNECT_TIMEOUT_MS = 10_000;
const WRITE_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 2_000;
const FIELDS = [
  'protocol',
  'host',
  'port',
  'facility',
  'appName',
  'hostname',
  'ca',
  'rejectUnauthorized',
] as const;
// RFC 5424 PRINTUSASCII: the header's names may hold nothing else.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** The `syslog` destination type: RFC 5424 with a CEF payload over UDP, TCP or TLS. */
export const syslogDestination: DestinationPlugin<SyslogSettings> = {
  type: 'syslog',
  parse: parseSyslogSettings,
  // Nothing here is secret: `ca` is a path, and the certificate in it is public.
  redact: (settings) => ({ ...settings }),
  create: (settings) => createSyslogDestination(settings),
};

/** Checks a syslog destination's settings; `field` names it in errors (`destinations[2]`). */
export function parseSyslogSettings(
  raw: Record<string, unknown>,
  field: string,
): { settings: SyslogSettings } | { error: SettingError } {
  return readSettings(raw, field, FIELDS, (r) => {
    const protocol = r.string('protocol');
    if (!isProtocol(protocol)) return r.fail('protocol', `must be one of ${syslogProtocols.join(', ')}`);
    const host = r.string('host', { maxLength: 253 });
    if (isIP(host) === 0 && !HOST_NAME.test(host)) {
      return r.fail('host', 'must be a host name or an IP address (IPv6 without brackets)');
    }
    const settings: SyslogSettings = { protocol, host };
    if (r.has('port')) settings.port = r.integer('port', 1, 65535, 0);
    const facility = r.optionalString('facility');
    if (facility !== undefined) {
      if (!isFacility(facility)) {
        return r.fail('facility', `must be one of ${Object.keys(syslogFacilities).join(', ')}`);
      }
      settings.facility = facility;
    }
    const appName = r.optionalString('appName', {
      maxLength: 48,
      pattern: PRINTABLE_ASCII,
      hint: 'printable ASCII without spaces (RFC 5424 APP-NAME)',
    });
    if (appName !== undefined) settings.appName = appName;
    const hostname = r.optionalString('hostname', {
      maxLength: 255,
      pattern: PRINTABLE_ASCII,
      hint: 'printable ASCII without spaces (RFC 5424 HOSTNAME)',
    });
    if (hostname !== undefined) settings.hostname = hostname;
    for (const tlsOnly of ['ca', 'rejectUnauthorized'] as const) {
      if (r.has(tlsOnly) && protocol !== 'tls') return r.fail(tlsOnly, 'applies only when protocol is tls');
    }
    const ca = r.optionalString('ca', { pattern: /\S/, hint: 'the path of a PEM file' });
    if (ca !== undefined) settings.ca = ca;
    if (r.has('rejectUnauthorized')) settings.rejectUnauthorized = r.boolean('rejectUnauthorized', true);
    return settings;
  });
}

function isProtocol(value: string): value is SyslogProtocol {
  return (syslogProtocols as readonly string[]).includes(value);
}

function isFacility(value: string): value is SyslogFacility {
  return Object.hasOwn(syslogFacilities, value);
}

/** The port a setting sends to: its own, or the protocol's registered one. */
export function syslogPortOf(settings: SyslogSettings): number {
  return settings.port ?? (settings.protocol === 'tls' ? 6514 : 514);
}

/** `syslog:tcp://host:port`, for status and logs. */
export function syslogLabelOf(settings: SyslogSettings): string {
  const host = isIP(settings.host) === 6 ? `[${settings.host}]` : settings.host;
  return `syslog:${settings.protocol}://${host}:${syslogPortOf(settings)}`;
}

/** One record as an RFC 5424 message (no framing, no line break). */
export function syslogMessageOf(record: ExportRecord, options: SyslogMessageOptions): string {
  const pri = syslogFacilities[options.facility] * 8 + syslogSeverityOf(cefSeverityOf(record));
  const ms = Date.parse(record.time);
  const timestamp = Number.isFinite(ms) ? new Date(ms).toISOString() : '-';
  const sd = `[${SD_ID} recordId="${sdValue(record.id)}" tenantId="${sdValue(record.tenantId)}"]`;
  const header = [
    `<${pri}>1`,
    timestamp,
    headerField(options.hostname, 255),
    headerField(options.appName, 48),
    headerField(options.procId, 128),
    headerField(record.category, 32),
  ].join(' ');
  return `${header} ${sd} ${cefOf(record)}`;
}

/** The syslog severity of a CEF severity (0–10). */
export function syslogSeverityOf(cefSeverity: number): number {
  if (cefSeverity >= 9) return 2;
  if (cefSeverity >= 7) return 3;
  if (cefSeverity >= 4) return 4;
  if (cefSeverity >= 2) return 5;
  return 6;
}

/** RFC 6587 octet-counting frame: the message's length in bytes, a space, the message. */
export function octetCountedFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/**
 * The message as at most `maxBytes` bytes of UTF-8, cut on a character boundary and never
 * between a CEF escape's backslash and the character it escapes.
 */
export function truncateUtf8(message: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  let backslashes = 0;
  while (end - backslashes > 0 && bytes[end - 1 - backslashes] === 0x5c) backslashes++;
  if (backslashes % 2 === 1) end--;
  return bytes.subarray(0, end);
}

/** A live syslog destination; connects on the first send. */
export function createSyslogDestination(settings: SyslogSettings): Destination {
  const label = syslogLabelOf(settings);
  const options: SyslogMessageOptions = {
    facility: settings.facility ?? DEFAULT_SYSLOG_FACILITY,
    appName: settings.appName ?? DEFAULT_SYSLOG_APP_NAME,
    hostname: settings.hostname ?? osHostname(),
    procId: String(process.pid),
  };
  const transport =
    settings.protocol === 'udp' ? datagramTransport(settings, label) : streamTransport(settings, label);
  // Batches go out one after another, in the order the engine handed them over.
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    label,
    maxBatch: 500,
    send(records) {
      return serially(async () => {
        if (closed) throw new Error(`${label}: the destination is closed`);
        if (records.length === 0) return;
        await transport.write(records.map((r) => syslogMessageOf(r, options)));
      });
    },
    close() {
      closed = true;
      return serially(() => transport.close());
    },
  };
}

interface Transport {
  write(messages: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A connection and why it can no longer be used (closed by the receiver, reset), if it cannot. */
interface Connection<S> {
  socket: S;
  broken: Error | null;
}

/** TCP or TLS: one connection, kept between batches, reopened once it breaks. */
function streamTransport(settings: SyslogSettings, label: string): Transport {
  const port = syslogPortOf(settings);
  let conn: Connection<Socket> | null = null;

  const open = async (): Promise<Connection<Socket>> => {
    const ca = settings.ca === undefined ? undefined : await readFile(settings.ca);
    const s =
      settings.protocol === 'tls'
        ? tlsConnect({
            host: settings.host,
            port,
            rejectUnauthorized: settings.rejectUnauthorized ?? true,
            ...(ca === undefined ? {} : { ca }),
          })
        : new Socket().connect({ host: settings.host, port });
    const opened: Connection<Socket> = { socket: s, broken: null };
    // Whatever ends the connection marks it unusable, so the next batch opens a new one.
    s.on('error', (err) => {
      opened.broken ??= err;
    });
    s.on('end', () => {
      opened.broken ??= new Error('the receiver closed the connection');
    });
    s.on('close', () => {
      opened.broken ??= new Error('the connection closed');
    });
    // A receiver may write (a TLS alert, a banner): read and discard it so that its end is noticed.
    s.resume();
    s.setNoDelay(true);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
        s.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        s.once(settings.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch (err) {
      s.destroy();
      throw err;
    }
    return opened;
  };

  return {
    async write(messages) {
      if (conn !== null && (conn.broken !== null || conn.socket.destroyed)) {
        conn.socket.destroy();
        conn = null;
      }
      try {
        conn ??= await open();
        const { socket } = conn;
        const data = Buffer.concat(messages.map(octetCountedFrame));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`the receiver took no data for ${WRITE_TIMEOUT_MS} ms`)),
            WRITE_TIMEOUT_MS,
          );
          socket.write(data, (err) => {
            clearTimeout(timer);
            if (err) reject(err);
            else resolve();
          });
        });
        if (conn.broken !== null) throw conn.broken;
      } catch (err) {
        conn?.socket.destroy();
        conn = null;
        throw new Error(`${label}: ${reasonOf(err)}`, { cause: err });
      }
    },
    async close() {
      const s = conn?.socket;
      conn = null;
      if (s === undefined || s.destroyed) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          s.destroy();
          resolve();
        }, CLOSE_TIMEOUT_MS);
        s.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        s.end();
      });
    },
  };
}

/** UDP: one datagram per record on a connected socket, so the kernel can report an unreachable port. */
function datagramTransport(settings: SyslogSettings, label: string): Transport {
  const port = syslogPortOf(settings);
  let conn: Connection<DatagramSocket> | null = null;

  const drop = () => {
    const s = conn?.socket;
    conn = null;
    try {
      s?.close();
    } catch {
      // Closed already.
    }
  };

  const open = async (): Promise<Connection<DatagramSocket>> => {
    const family = isIP(settings.host);
    const address =
      family === 0 ? await lookup(settings.host) : { address: settings.host, family: family as 4 | 6 };
    const s = createSocket(address.family === 6 ? 'udp6' : 'udp4');
    const opened: Connection<DatagramSocket> = { socket: s, broken: null };
    s.on('error', (err) => {
      opened.broken ??= err;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.connect(port, address.address, () => {
          s.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      s.close();
      throw err;
    }
    return opened;
  };

  return {
    async write(messages) {
      if (conn?.broken) drop();
      try {
        conn ??= await open();
        const { socket } = conn;
        for (const message of messages) {
          const datagram = truncateUtf8(message, MAX_UDP_MESSAGE_BYTES);
          await new Promise<void>((resolve, reject) =>
            socket.send(datagram, (err) => (err ? reject(err) : resolve())),
          );
        }
        if (conn.broken !== null) throw conn.broken;
      } catch (err) {
        drop();
        throw new Error(`${label}: ${reasonOf(err)}`, { cause: err });
      }
    },
    async close() {
      drop();
    },
  };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A header field: printable ASCII only (anything else becomes `_`), cut to its RFC 5424 length; `-` when empty. */
function headerField(value: string, maxLength: number): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
  return cleaned === '' ? '-' : cleaned;
}

/** An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 §6.3.3). */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}
