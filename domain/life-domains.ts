/**
 * The six domains of Positieve Gezondheid, the common language of GP and social team in the pilot.
 * Their Dutch and English labels live in the extension's i18n messages (`lifeDomain_<id>`).
 */
export const LIFE_DOMAINS = [
  'bodily-functions',
  'mental-wellbeing',
  'meaningfulness',
  'quality-of-life',
  'participation',
  'daily-functioning',
] as const;

export type LifeDomain = (typeof LIFE_DOMAINS)[number];

/** i18n message key of a life domain's label. */
export function lifeDomainMessageKey(domain: LifeDomain): string {
  return `lifeDomain_${domain.replaceAll('-', '_')}`;
}

/** Dutch display names, used as `Coding.display` in the referral sent to the (Dutch) social team. */
export const LIFE_DOMAIN_DISPLAY_NL: Record<LifeDomain, string> = {
  'bodily-functions': 'Lichaamsfuncties',
  'mental-wellbeing': 'Mentaal welbevinden',
  meaningfulness: 'Zingeving',
  'quality-of-life': 'Kwaliteit van leven',
  participation: 'Meedoen',
  'daily-functioning': 'Dagelijks functioneren',
};
