// A second stock FHIR client, from JavaScript: fhir-kit-client (npm), against a CareLedger node's /fhir.
// Driven by CareLedger.Fhir.Tests (FhirKitClientTests), which passes the base URL, a practitioner's bearer token,
// the patient's account id and a run id through the environment, and asserts on the JSON printed here.
// Nothing here knows CareLedger: it is what any FHIR app would write.
import { Client } from 'fhir-kit-client';

const { FHIR_BASE: baseUrl, FHIR_TOKEN: bearerToken, FHIR_PATIENT: patient, FHIR_RUN: run } = process.env;
if (!baseUrl || !bearerToken || !patient || !run) {
  console.error('set FHIR_BASE, FHIR_TOKEN, FHIR_PATIENT (the patient account id) and FHIR_RUN');
  process.exit(2);
}

const client = new Client({ baseUrl, bearerToken });
const status = (result) => Client.httpFor(result).response?.status;
const header = (result, name) => Client.httpFor(result).response?.headers.get(name);
const codeSystem = 'urn:test:fhir-kit';
const observation = (value, identifier = run) => ({
  resourceType: 'Observation',
  status: 'final',
  identifier: [{ system: 'urn:test:fhir-kit-id', value: identifier }],
  code: { coding: [{ system: codeSystem, code: run }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: '2026-11-20T08:00:00Z',
  valueQuantity: { value, unit: '/min' },
});

async function statusOf(promise) {
  try {
    return status(await promise);
  } catch (e) {
    return e.response?.status ?? String(e);
  }
}

/** Every page of a search, following the Bundle's next links as fhir-kit-client does. */
async function allPages(first) {
  const ids = [];
  const perPage = [];
  for (let bundle = first; bundle; bundle = await client.nextPage({ bundle })) {
    const matches = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource.id);
    perPage.push(matches.length);
    ids.push(...matches);
  }
  return { ids, perPage };
}

const out = {};

// Conditional create: the same POST twice (a retry) with If-None-Exist makes one record.
const ifNoneExist = { 'If-None-Exist': `identifier=urn:test:fhir-kit-id|${run}` };
const created = await client.create({ resourceType: 'Observation', body: observation(70), options: { headers: ifNoneExist } });
const retried = await client.create({ resourceType: 'Observation', body: observation(70), options: { headers: ifNoneExist } });
out.conditionalCreate = { statuses: [status(created), status(retried)], ids: [created.id, retried.id], location: header(created, 'location') };

// Two more with the same code, so that paging has something to page.
const second = await client.create({ resourceType: 'Observation', body: observation(71, `${run}-2`) });
const third = await client.create({ resourceType: 'Observation', body: observation(72, `${run}-3`) });
out.created = [created.id, second.id, third.id];

const read = await client.read({ resourceType: 'Observation', id: created.id });
out.read = { id: read.id, versionId: read.meta.versionId, value: read.valueQuantity.value, etag: header(read, 'etag') };

const search = await client.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${patient}`, code: `${codeSystem}|${run}`, _count: 1 } });
out.search = await allPages(search);

const compartment = await client.compartmentSearch({
  resourceType: 'Observation',
  compartment: { resourceType: 'Patient', id: patient },
  searchParams: { code: `${codeSystem}|${run}`, _count: 2 },
});
out.compartment = await allPages(compartment);

const updated = await client.update({
  resourceType: 'Observation', id: created.id, body: { ...read, valueQuantity: { value: 75, unit: '/min' } }, options: { headers: { 'If-Match': 'W/"1"' } },
});
out.update = {
  status: status(updated),
  versionId: updated.meta.versionId,
  value: updated.valueQuantity.value,
  staleStatus: await statusOf(client.update({ resourceType: 'Observation', id: created.id, body: read, options: { headers: { 'If-Match': 'W/"1"' } } })),
};

const history = await client.history({ resourceType: 'Observation', id: created.id });
out.history = { type: history.type, versions: history.entry.map((e) => e.resource.meta.versionId), values: history.entry.map((e) => e.resource.valueQuantity.value) };

const v1 = await client.vread({ resourceType: 'Observation', id: created.id, version: '1' });
out.vread = { versionId: v1.meta.versionId, value: v1.valueQuantity.value };

out.notModified = await statusOf(client.read({ resourceType: 'Observation', id: created.id, options: { headers: { 'If-None-Match': 'W/"2"' } } }));
out.unauthenticated = await statusOf(new Client({ baseUrl }).read({ resourceType: 'Observation', id: created.id }));

console.log(JSON.stringify(out));
