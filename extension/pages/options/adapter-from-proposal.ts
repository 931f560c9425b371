import type { AdapterProposal } from '../../shared/messages';
import type { PageAdapter } from '../../shared/page-adapter';
import { slugify } from './ids';

/** What the administrator typed in "Koppeling toevoegen", next to what the builder learned. */
export interface NewAdapterPlace {
  name: string;
  origin: string;
  pathPrefix: string;
  /** Use this id instead of the name's slug (when the slug is already taken). */
  id?: string;
}

/**
 * Turns the adapter builder's proposal (selectors only) into a page adapter to review in the
 * editor: the patient from what was clicked, and the consult scanned in the diagnoses area (where
 * diagnosis names and lower-case codes count) and the free-text field. Steps the administrator
 * skipped are left out rather than guessed; the editor's validation says what is still missing.
 */
export function adapterFromProposal(proposal: AdapterProposal, place: NewAdapterPlace): PageAdapter {
  const { name, key, keyFromUrl, phone } = proposal.patient;
  const patient: NonNullable<PageAdapter['patient']> = {
    ...(name ? { name } : {}),
    // The URL outlives markup changes, so the builder proposes it whenever the number is in it.
    ...(keyFromUrl ? { keyFromUrl } : key ? { key } : {}),
    ...(phone ? { phone } : {}),
  };
  const diagnoses = proposal.diagnoses ? [proposal.diagnoses] : [];
  return {
    id: place.id ?? slugify(place.name, 'koppeling'),
    name: place.name.trim(),
    pages: [{ origin: place.origin, pathPrefix: place.pathPrefix }],
    ...(Object.keys(patient).length > 0 ? { patient } : {}),
    scan: {
      include: [...diagnoses, ...(proposal.freeText ? [proposal.freeText] : [])],
      exclude: [],
      ...(diagnoses.length > 0 ? { diagnoses } : {}),
    },
  };
}
