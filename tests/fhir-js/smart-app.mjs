// A SMART on FHIR app in JavaScript: fhir-kit-client (npm) discovers the OAuth endpoints, and the app does the standalone
// patient launch with PKCE in two steps, as a real app's server would: STEP=authorize opens the authorize URL (the browser's
// first request) and prints where it was sent; after the patient's approval, STEP=read exchanges the code for a token and
// reads the patient's Observations with fhir-kit-client. Driven by CareLedger.Fhir.Tests (FhirKitSmartAppTests).
// Nothing here knows CareLedger: it is what any SMART app would write.
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'fhir-kit-client';

const { FHIR_BASE: baseUrl, STEP: step, CLIENT_ID: clientId, REDIRECT_URI: redirectUri } = process.env;
if (!baseUrl || !step || !clientId || !redirectUri) {
  console.error('set FHIR_BASE, STEP (authorize or read), CLIENT_ID and REDIRECT_URI');
  process.exit(2);
}
const base64url = (bytes) => bytes.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const { authorizeUrl, tokenUrl } = await new Client({ baseUrl }).smartAuthMetadata();
const out = { authorizeUrl, tokenUrl };

if (step === 'authorize') {
  const verifier = base64url(randomBytes(32));
  const url = new URL(authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'launch/patient patient/Observation.rs', state: 'js-state',
    aud: baseUrl, code_challenge: base64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
  }).toString();
  const response = await fetch(url, { redirect: 'manual' });
  Object.assign(out, { verifier, status: response.status, location: response.headers.get('location') });
} else {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: process.env.CODE, redirect_uri: redirectUri, client_id: clientId, code_verifier: process.env.VERIFIER }),
  });
  const token = await response.json();
  out.token = { status: response.status, scope: token.scope, patient: token.patient, type: token.token_type };
  const client = new Client({ baseUrl, bearerToken: token.access_token });
  const bundle = await client.search({ resourceType: 'Observation', searchParams: { patient: token.patient } });
  out.observations = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource.id);
  try {
    await client.search({ resourceType: 'Condition', searchParams: { patient: token.patient } });
    out.conditions = 200;
  } catch (e) {
    out.conditions = e.response?.status ?? String(e);
  }
}
console.log(JSON.stringify(out));
