// The portal's keys and record primitives, on WebCrypto (ADR 0013). Private keys are handled here only: a key file is
// decrypted into a PKCS#8 buffer that is imported at once as non-extractable CryptoKeys and wiped; .NET gets public
// keys, signatures, secrets, and opaque handles. Keys are kept in IndexedDB as the CLI's key file text, verbatim
// (src/CareLedger.Ledger/Cryptography/KeyStore.cs), so a file moves between the CLI and the browser unchanged.

const subtle = globalThis.crypto?.subtle; // absent outside a secure context (https, or this computer)
export const available = () => subtle !== undefined;
const encoder = new TextEncoder();
const curve = { namedCurve: 'P-256' };
export const defaultIterations = 600000; // OWASP 2023, as the CLI (ADR 0003)
const minIterations = 10000;             // the CLI refuses fewer
const checkMessage = encoder.encode('careledger/key-check');

// Errors the user should read start with this marker; .NET shows their message and nothing else.
const marker = '[keys] ';
const fail = message => { throw new Error(marker + message); };

// ---- encodings ----
const toBase64 = bytes => btoa(Array.from(bytes, b => String.fromCharCode(b)).join(''));
const fromBase64 = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));
const toHex = bytes => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
const fromHex = hex => Uint8Array.from(hex.match(/../g) ?? [], h => parseInt(h, 16));
const sha256 = async bytes => new Uint8Array(await subtle.digest('SHA-256', bytes));

// ---- IndexedDB: 'keys' holds { name, file } where file is the key file's text; 'session' holds the signed-in key ----
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('careledger-keys', 2);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('keys')) db.createObjectStore('keys', { keyPath: 'name' });
      if (!db.objectStoreNames.contains('session')) db.createObjectStore('session', { keyPath: 'id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, action, store = 'keys') {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const readFile = async name => (await withStore('readonly', s => s.get(name)))?.file ?? fail(`no key named '${name}' in this browser`);

// ---- the key file format ----
function parseFile(text) {
  let f;
  try { f = JSON.parse(text); } catch { fail('this is not a CareLedger key file (it is not JSON)'); }
  const ok = f && f.version === 1 && typeof f.name === 'string' && typeof f.account === 'string' && typeof f.publicKey === 'string'
    && f.kdf?.algorithm === 'PBKDF2-HMAC-SHA256' && Number.isInteger(f.kdf.iterations) && typeof f.kdf.salt === 'string'
    && f.cipher?.algorithm === 'AES-256-GCM' && typeof f.cipher.nonce === 'string' && typeof f.cipher.tag === 'string'
    && typeof f.cipher.ciphertext === 'string';
  if (!ok) fail('this is not a CareLedger key file (version 1, PBKDF2-HMAC-SHA256, AES-256-GCM)');
  return f;
}

async function wrappingKey(passphrase, salt, iterations, usage) {
  const material = await subtle.importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, [usage]);
}

// Imports PKCS#8 twice from the same bytes, both non-extractable, then wipes the bytes.
async function importPrivate(pkcs8, publicKey) {
  try {
    const sign = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', ...curve }, false, ['sign']);
    const agree = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDH', ...curve }, false, ['deriveBits']);
    return { sign, agree, publicKey };
  } finally {
    pkcs8.fill(0);
  }
}

// Decrypts a key file into a handle; checks the account is the public key's hash and the private key is its pair.
async function unlockFile(f, passphrase) {
  if (f.kdf.iterations < minIterations) fail(`key '${f.name}' uses too few KDF iterations to trust`);
  const publicKey = fromBase64(f.publicKey);
  const account = fromHex(f.account);
  if (toHex(await sha256(publicKey)) !== f.account.toLowerCase()) fail(`key file '${f.name}' is damaged: its account is not its public key's`);
  const key = await wrappingKey(passphrase, fromBase64(f.kdf.salt), f.kdf.iterations, 'decrypt');
  const sealed = new Uint8Array([...fromBase64(f.cipher.ciphertext), ...fromBase64(f.cipher.tag)]);
  let pkcs8;
  try {
    pkcs8 = new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(f.cipher.nonce), additionalData: account, tagLength: 128 }, key, sealed));
  } catch {
    fail(`wrong passphrase for key '${f.name}' (or the key file is damaged)`);
  }
  let handle;
  try { handle = await importPrivate(pkcs8, publicKey); } catch { fail(`key file '${f.name}' is damaged: its private key does not import`); }
  const verifier = await subtle.importKey('spki', publicKey, { name: 'ECDSA', ...curve }, false, ['verify']);
  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, handle.sign, checkMessage);
  if (!await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifier, signature, checkMessage))
    fail(`key file '${f.name}' is damaged: its private key is not its public key's`);
  return { ...handle, name: f.name, account: f.account };
}

// ---- the key store ----
export async function list() {
  const rows = await withStore('readonly', s => s.getAll());
  return rows.map(r => parseFile(r.file)).map(f => ({ name: f.name, account: f.account, publicKey: f.publicKey, created: f.created }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function create(name, passphrase, iterations) {
  if (await withStore('readonly', s => s.get(name))) fail(`a key named '${name}' already exists`);
  // Extractable once, to seal its PKCS#8 into the file; the handle returned is imported again, non-extractable.
  const pair = await subtle.generateKey({ name: 'ECDSA', ...curve }, true, ['sign', 'verify']);
  const publicKey = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey));
  const accountBytes = await sha256(publicKey);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(passphrase, salt, iterations, 'encrypt');
  const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: accountBytes, tagLength: 128 }, key, pkcs8));
  // Same members, order and indentation as the CLI writes (System.Text.Json, web defaults, indented).
  const file = {
    version: 1, name, account: toHex(accountBytes), publicKey: toBase64(publicKey), created: new Date().toISOString(),
    kdf: { algorithm: 'PBKDF2-HMAC-SHA256', iterations, salt: toBase64(salt) },
    cipher: { algorithm: 'AES-256-GCM', nonce: toBase64(nonce), tag: toBase64(sealed.slice(-16)), ciphertext: toBase64(sealed.slice(0, -16)) },
  };
  await withStore('readwrite', s => s.add({ name, file: JSON.stringify(file, null, 2) }));
  const handle = await importPrivate(pkcs8, publicKey);
  return { ...handle, name, account: file.account };
}

export async function unlock(name, passphrase) {
  return unlockFile(parseFile(await readFile(name)), passphrase);
}

// A CLI key file's text: kept verbatim once it proves itself (the account is the key's, and the passphrase opens it).
export async function importFile(text, passphrase) {
  const f = parseFile(text);
  const handle = await unlockFile(f, passphrase);
  if (await withStore('readonly', s => s.get(f.name))) fail(`a key named '${f.name}' already exists`);
  await withStore('readwrite', s => s.add({ name: f.name, file: text }));
  return handle;
}

// Unlocks a key file's text without keeping it (the demo's published identities, say).
export const openFile = (text, passphrase) => unlockFile(parseFile(text), passphrase);

export const exportFile = name => readFile(name);

export async function remove(name) {
  await withStore('readwrite', s => s.delete(name));
}

// ---- the session: the signed-in key survives a reload for a while ----
// IndexedDB keeps CryptoKeys by structured clone, still non-extractable: the session holds the power to sign, never the
// key's bytes, and no passphrase. It ends at sign-out, or after this long without use (ADR 0013).
const sessionMs = 30 * 60 * 1000;

export async function remember(handle) {
  const { sign, agree, publicKey, name, account } = handle;
  await withStore('readwrite', s => s.put({ id: 'current', handle: { sign, agree, publicKey, name, account }, expires: Date.now() + sessionMs }), 'session');
}

async function current() {
  const row = await withStore('readonly', s => s.get('current'), 'session');
  if (row && row.expires < Date.now()) { await forget(); return null; }
  return row?.handle ?? null;
}

export const hasSession = async () => (await current()) !== null;

export async function recall() {
  const handle = (await current()) ?? fail('the session has ended: sign in again');
  await remember(handle); // in use: the session slides on
  return handle;
}

export async function forget() {
  await withStore('readwrite', s => s.delete('current'), 'session');
}

// ---- an unlocked key (a handle from create, unlock or importFile) ----
export const describe = handle => ({ name: handle.name, account: handle.account, publicKey: toBase64(handle.publicKey) });

// ECDSA P-256 over SHA-256(message), IEEE P1363 r || s; not low-S normalised (the caller does that).
export async function sign(handle, message) {
  return new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, handle.sign, message));
}

export async function agree(handle, peerPublicKey) {
  const peer = await importPeer(peerPublicKey);
  return new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, handle.agree, 256));
}

async function importPeer(spki) {
  try { return await subtle.importKey('spki', spki, { name: 'ECDH', ...curve }, false, []); } catch { fail('the public key is not a P-256 key'); }
}

// ---- invitations: a one-time key whose private half travels in the link's fragment ----
export async function newOneTimeKey() {
  const pair = await subtle.generateKey({ name: 'ECDSA', ...curve }, true, ['sign', 'verify']);
  return {
    publicKey: toBase64(new Uint8Array(await subtle.exportKey('spki', pair.publicKey))),
    pkcs8: toBase64(new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey))),
  };
}

export async function openOneTimeKey(pkcs8) {
  try { return { sign: await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', ...curve }, false, ['sign']) }; }
  catch { fail('the invitation link is damaged: its key does not import'); }
  finally { pkcs8.fill(0); }
}

// ---- checking signatures (ISignatureCheck): ECDSA P-256 over SHA-256(message), P1363; a malformed key is a "no" ----
export async function verify(publicKey, message, signature) {
  let key;
  try { key = await subtle.importKey('spki', publicKey, { name: 'ECDSA', ...curve }, false, ['verify']); } catch { return false; }
  return subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, message);
}

// ---- record primitives (IRecordCrypto) ----
export async function aesGcmEncrypt(key, nonce, plaintext, aad) {
  const k = await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt']);
  return new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, k, plaintext));
}

export async function aesGcmDecrypt(key, nonce, sealed, aad) {
  const k = await subtle.importKey('raw', key, 'AES-GCM', false, ['decrypt']);
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, k, sealed));
  } catch {
    fail('ciphertext does not authenticate');
  }
}

// A fresh key pair agrees a secret and is dropped: returns its SPKI followed by the 32-byte secret (one buffer, one transfer).
export async function agreeEphemeral(peerPublicKey) {
  const peer = await importPeer(peerPublicKey);
  const pair = await subtle.generateKey({ name: 'ECDH', ...curve }, false, ['deriveBits']);
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const secret = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, pair.privateKey, 256));
  return new Uint8Array([...spki, ...secret]);
}

export async function hkdf(secret, salt, info, length) {
  const k = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, k, length * 8));
}

// ---- downloads ----
export function download(fileName, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
