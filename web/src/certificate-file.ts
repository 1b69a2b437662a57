/** A certificate as Graph's `keyCredential.key` wants it, and whether a private key was left out. */
export interface CertificateKey {
  /** Base64 of the DER encoding. */
  key: string;
  /** The file held a private key too: it was not read further, and is never sent. */
  privateKeySkipped: boolean;
}

// A certificate is a few kilobytes; anything far larger is not one.
const MAX_BYTES = 256 * 1024;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function base64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list short.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The certificate in a PEM or DER file, as base64 DER: PEM's armour and line breaks stripped, DER
 * encoded. Only the first certificate of a PEM file is taken. Throws an Error saying what is wrong
 * with a file that is no certificate; the server checks the certificate itself.
 */
export function certificateKey(bytes: Uint8Array): CertificateKey {
  if (bytes.length === 0) throw new Error('The file is empty.');
  if (bytes.length > MAX_BYTES) throw new Error('The file is too large to be a certificate.');
  const text = new TextDecoder('latin1').decode(bytes);
  const privateKeySkipped = PEM_PRIVATE_KEY.test(text);
  const pem = PEM_CERTIFICATE.exec(text);
  if (pem?.[1]) return { key: pem[1].replace(/\s+/g, ''), privateKeySkipped };
  if (text.includes('-----BEGIN')) {
    throw new Error('This PEM file holds no certificate (no "BEGIN CERTIFICATE" block).');
  }
  // DER: an ASN.1 SEQUENCE.
  if (bytes[0] !== 0x30) throw new Error('Not a certificate: choose a PEM or DER X.509 certificate file.');
  return { key: base64(bytes), privateKeySkipped: false };
}

/** A file's bytes, read with FileReader. */
export function readFileBytes(file: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsArrayBuffer(file);
  });
}
