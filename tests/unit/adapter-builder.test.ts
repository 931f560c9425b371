// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { nextStep, refreshFound, teachableElement, teachElement, toProposal, type Taught } from '../../extension/content/builder/teach-session';
import { probeAdapter } from '../../extension/content/adapter-probe';
import type { PageAdapter } from '../../extension/shared/page-adapter';
import { defaultRuleSet } from './helpers';

/** A chart in the style of a CSS-modules single-page EHR; only data-testid and name are stable. */
function chart() {
  history.replaceState(null, '', '/app/patients/3f2a9c1e-0000-4000-8000-000000000001/chart');
  document.body.innerHTML = `
    <header data-testid="patient-banner" class="-esm-patient-chart__banner___a1B2c">
      <h1 data-testid="patient-name" class="-esm-patient-chart__name___Xy9Qz">Noor Fictief</h1>
      <dd data-testid="patient-identifier" class="_id_1k2j3_12">3f2a9c1e-0000-4000-8000-000000000001</dd>
    </header>
    <visit-diagnoses data-testid="visit-diagnoses"></visit-diagnoses>
    <textarea name="visit-note" class="css-1q2w3e4"></textarea>`;
  const host = document.querySelector('visit-diagnoses')!;
  host.attachShadow({ mode: 'open' }).innerHTML = '<ul><li class="tag___h4sh1">Hoofdpijn</li></ul>';
}

const el = (selector: string) => document.querySelector(selector)!;

describe('the adapter builder', () => {
  beforeEach(chart);

  it('asks for the name, number, phone, diagnoses and free text in turn, skipping what the page has not', () => {
    const taught: Taught = { name: teachElement('name', el('[data-testid="patient-name"]'), {}, location.href) };
    expect(nextStep(taught, new Set())).toBe('key');
    expect(nextStep({ ...taught, key: taught.name }, new Set(['phone']))).toBe('diagnoses');
  });

  it('reads the patient number from the URL when it is there, and proposes only selectors that describe the page', () => {
    let taught: Taught = {};
    taught = { ...taught, name: teachElement('name', el('[data-testid="patient-name"]'), taught, location.href) };
    taught = { ...taught, key: teachElement('key', el('[data-testid="patient-identifier"]'), taught, location.href) };
    taught = { ...taught, diagnoses: teachElement('diagnoses', el('visit-diagnoses').shadowRoot!.querySelector('li')!, taught, location.href) };
    taught = { ...taught, freeText: teachElement('freeText', el('textarea'), taught, location.href) };
    const proposal = toProposal(taught, location.href);
    expect(proposal).toEqual({
      url: location.href,
      patient: { name: '[data-testid="patient-name"]', keyFromUrl: '/app/patients/{key}/chart' },
      diagnoses: '[data-testid="visit-diagnoses"]',
      freeText: '[name="visit-note"]',
      warnings: [],
    });
    // The options page gets selectors, never what they found.
    expect(JSON.stringify(proposal)).not.toMatch(/Noor|Hoofdpijn|___/);
  });

  it('shows live what each proposed selector finds as the page changes', () => {
    const taught: Taught = { name: teachElement('name', el('[data-testid="patient-name"]'), {}, location.href) };
    expect(taught.name!.found).toBe('Noor Fictief');
    el('[data-testid="patient-name"]').textContent = 'Bram Verzonnen';
    expect(refreshFound(taught, document).name).toMatchObject({ found: 'Bram Verzonnen', matches: 1 });
    el('[data-testid="patient-name"]').remove();
    expect(refreshFound(taught, document).name).toMatchObject({ found: '', matches: 0 });
  });

  it('points at the shadow host when the click lands inside an open shadow root', () => {
    const tag = el('visit-diagnoses').shadowRoot!.querySelector('li')!;
    expect(teachableElement(tag)).toBe(el('visit-diagnoses'));
  });
});

describe('testing an adapter on the open tab', () => {
  beforeEach(chart);

  const adapter: PageAdapter = {
    id: 'zorgportaal',
    name: 'Zorgportaal',
    pages: [{ origin: location.origin, pathPrefix: '/app/patients/' }],
    patient: { keyFromUrl: '/app/patients/{key}/chart', name: '[data-testid="patient-name"]', phone: '[data-testid="patient-phone"]' },
    scan: { include: ['[data-testid="visit-diagnoses"]', '[name="visit-note"]', '#bestaat-niet'], exclude: [], diagnoses: ['[data-testid="visit-diagnoses"]'] },
  };

  it('shows the patient, the diagnosis names that count as codes, which rule sets would fire, and what finds nothing', () => {
    const findings = probeAdapter(document, adapter, [defaultRuleSet()], new Date(), () => false);
    expect(findings).toMatchObject({
      pageMatches: true,
      patient: { key: '3f2a9c1e-0000-4000-8000-000000000001', name: 'Noor Fictief', phone: '' },
      names: ['hoofdpijn → N01'],
      firing: [{ ruleSetId: 'vroegsignaal-geldzorgen', because: [{ kind: 'name', text: 'hoofdpijn', code: 'N01' }] }],
    });
    expect(findings.warnings).toEqual([
      { kind: 'finds-nothing', path: 'patient.phone', selector: '[data-testid="patient-phone"]', count: 0 },
      { kind: 'finds-nothing', path: 'scan.include[2]', selector: '#bestaat-niet', count: 0 },
    ]);
  });
});
