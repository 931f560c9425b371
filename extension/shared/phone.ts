/** A Dutch phone number checked and normalised for the referral. */
export type PhoneParseResult =
  | { ok: true; e164: string; display: string; kind: 'mobile' | 'landline' }
  | { ok: false; reason: 'empty' | 'characters' | 'length' | 'country' | 'service-number' };

/**
 * Validates a Dutch phone number as a GP would type it: `06-12345678`, `06 1234 5678`,
 * `043 123 4567`, `+31 6 12345678`, `0031612345678`. Returns the E.164 form (`+31612345678`)
 * that travels in the referral, or why the number cannot be called back.
 * Service numbers (0800, 090x, 084, 087, 088) are refused: the social team must reach the patient.
 */
export function parseDutchPhone(input: string): PhoneParseResult {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'empty' };
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return { ok: false, reason: 'characters' };

  let digits = trimmed.replace(/[\s().-]/g, '');
  let national: string;
  if (digits.startsWith('+')) {
    digits = digits.slice(1);
    if (!digits.startsWith('31')) return { ok: false, reason: 'country' };
    national = digits.slice(2).replace(/^0/, '');
  } else if (digits.startsWith('00')) {
    if (!digits.startsWith('0031')) return { ok: false, reason: 'country' };
    national = digits.slice(4).replace(/^0/, '');
  } else if (digits.startsWith('0')) {
    national = digits.slice(1);
  } else {
    return { ok: false, reason: 'length' };
  }

  // Service numbers come in several lengths; name them as such rather than as a length problem.
  if (/^(800|90|84|87|88)/.test(national)) return { ok: false, reason: 'service-number' };
  if (!/^\d{9}$/.test(national)) return { ok: false, reason: 'length' };
  const kind = national.startsWith('6') ? 'mobile' : 'landline';
  // Area codes have two or three digits, so only mobile numbers get a separator we can be sure of.
  const display = kind === 'mobile' ? `06-${national.slice(1)}` : `0${national}`;
  return { ok: true, e164: `+31${national}`, display, kind };
}
