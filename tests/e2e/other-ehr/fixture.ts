/**
 * What end-to-end tests may rely on in the other EHR's page (public/app.js). The page has no build
 * step and cannot import this, so the values are repeated there; tests/unit/other-ehr.test.ts checks
 * that both say the same.
 */

/** A synthetic patient of the other EHR. */
export interface OtherEhrPatient {
  uuid: string;
  /** Text of `[data-testid="patient-name"]`. */
  name: string;
  /** Text of `[data-testid="patient-identifier"]`. */
  identifier: string;
  /** `datetime` attribute of `[data-testid="date-of-birth"]` (its text is Dutch, e.g. "17 april 1986"). */
  birthDate: string;
  /** Texts of the tags in the problem list: names only, never codes. */
  problems: readonly string[];
}

export const OTHER_EHR_PATIENTS = [
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000001',
    name: 'Noor Fictief',
    identifier: 'VS-900001',
    birthDate: '1986-04-17',
    problems: ['Hoofdpijn', 'Slapeloosheid'],
  },
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000002',
    name: 'Bram Verzonnen',
    identifier: 'VS-900002',
    birthDate: '1971-11-03',
    problems: ['Hypertensie'],
  },
  {
    uuid: '3f2a9c1e-0000-4000-8000-000000000003',
    name: 'Sanne Proefpersoon',
    identifier: 'VS-900003',
    birthDate: '1999-08-25',
    problems: [],
  },
] as const satisfies readonly OtherEhrPatient[];

/** Time between a chart route being shown and its banner and chart appearing (a fake fetch). */
export const OTHER_EHR_RENDER_DELAY_MS = 700;

/** The logged-in clinician; the whole text of `[data-testid="current-user"]` is "Ingelogd als: dr. T. Testarts". */
export const OTHER_EHR_CLINICIAN = 'dr. T. Testarts';

/** Path of the patient list (no patient open). */
export const OTHER_EHR_HOME_PATH = '/app/home';

/** Path of one patient's chart. */
export function otherEhrChartPath(uuid: string): string {
  return `/app/patients/${uuid}/chart`;
}

/** The only stable hooks the page offers; every class name is generated. */
export const OTHER_EHR_SELECTORS = {
  currentUser: '[data-testid="current-user"]',
  patientBanner: '[data-testid="patient-banner"]',
  patientName: '[data-testid="patient-name"]',
  patientIdentifier: '[data-testid="patient-identifier"]',
  dateOfBirth: '[data-testid="date-of-birth"]',
  problemList: '[data-testid="problem-list"]',
  /** Custom element with an open shadow root; its tags are `li` elements inside that shadow root. */
  visitDiagnoses: 'visit-diagnoses[data-testid="visit-diagnoses"]',
  visitNote: 'textarea[name="visit-note"]',
  addDiagnosisInput: 'input[aria-label="Diagnose toevoegen"]',
} as const;
