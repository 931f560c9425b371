import adapterTemplates from '../../rules/adapter-templates.json';
import { CONFIGURATION_FILE_FORMAT, CONFIGURATION_FILE_VERSION } from '../../extension/shared/configuration';

/**
 * The demo practice as the reference receiver knows it: its API token (synthetic, published: it only
 * opens the demo's own receiver on this computer) and the social team's contact point for it.
 */
export const DEMO_PRACTICE = {
  id: 'denkbeeld',
  name: 'Huisartsenpraktijk Denkbeeld (demo)',
  contactPoint: 'Sociaal wijkteam Heuvelland (demo) · wijkteam-heuvelland@gemeente.example · 043 000 0000',
  token: 'vsdemo_denkbeeld_6f1c2a9e4b7d8e03a5c1f2b4d6e8a0c2',
} as const;

/** A social-team member of the demo (synthetic), who logs in to the receiver's inbox. */
export const DEMO_TEAM_MEMBER = { username: 'sam', name: 'Sam Wijkwerker (demo)', password: 'demo-wachtwoord-wijkteam' } as const;

/** What the receiver provisions at start for the demo, the tests and the benchmarks. */
export function demoReceiverProvision() {
  return { practices: [{ ...DEMO_PRACTICE }], users: [{ ...DEMO_TEAM_MEMBER }] };
}

/**
 * The configuration of the demo practice: the demo HIS watched with its built-in adapter, the
 * reference receiver as the social team's endpoint, and the practice's users. It is an ordinary
 * configuration file, imported through the options page exactly as a practice would import its own;
 * `demo-ehr/vroegsignaal-demo.config.json` is this for the default ports (a unit test keeps them equal).
 */
export function demoPracticeConfiguration(urls: { ehr: string; receiver: string }) {
  const demoHis = adapterTemplates.templates.find((template) => template.id === 'demo-his')!;
  const ehr = new URL(urls.ehr);
  // The demo HIS answers on both names for this computer; a practice lists every origin its HIS uses.
  const origins = [ehr.origin, ...(ehr.hostname === '127.0.0.1' ? [`${ehr.protocol}//localhost:${ehr.port}`] : [])];
  return {
    format: CONFIGURATION_FILE_FORMAT,
    version: CONFIGURATION_FILE_VERSION,
    practice: { name: DEMO_PRACTICE.name, agb: '01999000' },
    users: [
      { id: 'denkbeeld', name: 'dr. E. Denkbeeld', role: 'gp', agb: '01999001' },
      { id: 'assistent', name: 'J. Proefassistent', role: 'assistant' },
    ],
    endpoints: [{ id: 'sociaal-wijkteam', name: 'Sociaal wijkteam (demo)', url: `${urls.receiver}/fhir`, format: 'fhir-r4', auth: { scheme: 'bearer', token: DEMO_PRACTICE.token } }],
    adapters: [
      {
        id: 'demo-his',
        name: 'Demo-HIS',
        pages: origins.map((origin) => ({ origin, pathPrefix: '/' })),
        ...demoHis.adapter,
      },
    ],
  };
}
