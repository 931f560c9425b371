// @ts-check
/**
 * ICPC-1 (NHG) codes with Dutch titles for the demo HIS autocomplete.
 * A selection of ordinary huisarts codes across chapters, not the full table.
 * Subcodes (like L03.01) follow the NHG notation "<code>.<nn>".
 */

/** @typedef {{ code: string, title: string }} IcpcCode */

/** @type {ReadonlyArray<IcpcCode>} */
export const ICPC_CODES = Object.freeze([
  // A — Algemeen en niet gespecificeerd
  { code: 'A01', title: 'Pijn gegeneraliseerd/meerdere plaatsen' },
  { code: 'A03', title: 'Koorts' },
  { code: 'A04', title: 'Moeheid/zwakte' },
  { code: 'A05', title: 'Algehele achteruitgang' },
  { code: 'A06', title: 'Flauwvallen/syncope' },
  { code: 'A09', title: 'Transpiratieproblemen' },
  { code: 'A11', title: 'Pijn op de borst NAO' },
  { code: 'A29', title: 'Andere algemene symptomen/klachten' },
  { code: 'A77', title: 'Andere virusziekte NAO' },
  { code: 'A85', title: 'Bijwerking geneesmiddel' },
  { code: 'A97', title: 'Geen ziekte' },
  { code: 'A98', title: 'Gezondheidsbevordering/preventie' },
  // D — Spijsverteringsstelsel
  { code: 'D01', title: 'Gegeneraliseerde buikpijn' },
  { code: 'D02', title: 'Maagpijn' },
  { code: 'D06', title: 'Andere gelokaliseerde buikpijn' },
  { code: 'D09', title: 'Misselijkheid' },
  { code: 'D10', title: 'Braken' },
  { code: 'D11', title: 'Diarree' },
  { code: 'D12', title: 'Obstipatie' },
  { code: 'D73', title: 'Gastro-enteritis, vermoedelijk infectieus' },
  { code: 'D84', title: 'Ziekten oesofagus' },
  { code: 'D87', title: 'Maagfunctiestoornis' },
  { code: 'D93', title: 'Prikkelbaredarmsyndroom' },
  { code: 'D95', title: 'Fissura ani/perianaal abces' },
  // F — Oog
  { code: 'F70', title: 'Conjunctivitis infectieus' },
  { code: 'F71', title: 'Conjunctivitis allergisch' },
  // H — Oor
  { code: 'H71', title: 'Otitis media acuta' },
  { code: 'H81', title: 'Overmatig cerumen' },
  // K — Hartvaatstelsel
  { code: 'K04', title: 'Hartkloppingen/bewust van hartslag' },
  { code: 'K77', title: 'Decompensatio cordis' },
  { code: 'K78', title: 'Atriumfibrilleren/-fladderen' },
  { code: 'K85', title: 'Verhoogde bloeddruk' },
  { code: 'K86', title: 'Hypertensie zonder orgaanbeschadiging' },
  { code: 'K87', title: 'Hypertensie met orgaanbeschadiging' },
  { code: 'K90', title: 'Cerebrovasculair accident' },
  { code: 'K95', title: 'Varices van de benen' },
  // L — Bewegingsapparaat
  { code: 'L01', title: 'Nekklachten' },
  { code: 'L02', title: 'Rugklachten' },
  { code: 'L03', title: 'Lage rugpijn' },
  { code: 'L03.01', title: 'Lage rugpijn zonder uitstraling' },
  { code: 'L04', title: 'Symptomen/klachten thorax' },
  { code: 'L08', title: 'Schouderklachten' },
  { code: 'L15', title: 'Knieklachten' },
  { code: 'L18', title: 'Spierpijn' },
  { code: 'L86', title: 'Lumbosacraal radiculair syndroom' },
  { code: 'L89', title: 'Artrose heup' },
  { code: 'L90', title: 'Artrose knie' },
  { code: 'L92', title: 'Schoudersyndroom' },
  { code: 'L93', title: 'Epicondylitis lateralis' },
  // N — Zenuwstelsel
  { code: 'N01', title: 'Hoofdpijn' },
  { code: 'N01.01', title: 'Medicatieafhankelijke hoofdpijn' },
  { code: 'N02', title: 'Spanningshoofdpijn' },
  { code: 'N03', title: 'Aangezichtspijn' },
  { code: 'N05', title: 'Tintelingen vingers/voeten/tenen' },
  { code: 'N17', title: 'Vertigo/duizeligheid' },
  { code: 'N79', title: 'Hersenschudding' },
  { code: 'N89', title: 'Migraine' },
  { code: 'N93', title: 'Carpaletunnelsyndroom' },
  { code: 'N94', title: 'Perifere neuritis/neuropathie' },
  // P — Psychische problemen
  { code: 'P01', title: 'Angstig/nerveus/gespannen gevoel' },
  { code: 'P02', title: 'Acute stressreactie' },
  { code: 'P03', title: 'Neerslachtig/depressief gevoel' },
  { code: 'P04', title: 'Prikkelbaar/boos gevoel/gedrag' },
  { code: 'P06', title: 'Slaapstoornis/slapeloosheid' },
  { code: 'P15', title: 'Chronisch alcoholmisbruik' },
  { code: 'P16', title: 'Acuut alcoholmisbruik' },
  { code: 'P17', title: 'Tabaksmisbruik' },
  { code: 'P19', title: 'Drugsmisbruik' },
  { code: 'P20', title: 'Geheugen-/concentratiestoornissen' },
  { code: 'P29', title: 'Andere psychische symptomen/klachten' },
  { code: 'P74', title: 'Angststoornis/angstneurose' },
  { code: 'P76', title: 'Depressie' },
  { code: 'P78', title: 'Surmenage/overspanning' },
  { code: 'P81', title: 'Hyperkinetisch syndroom/ADHD' },
  // R — Luchtwegen
  { code: 'R05', title: 'Hoesten' },
  { code: 'R07', title: 'Niezen/neusverstopping/loopneus' },
  { code: 'R21', title: 'Symptomen/klachten keel' },
  { code: 'R74', title: 'Acute infectie bovenste luchtwegen' },
  { code: 'R75', title: 'Sinusitis acuta/chronica' },
  { code: 'R76', title: 'Tonsillitis acuta' },
  { code: 'R78', title: 'Acute bronchitis/bronchiolitis' },
  { code: 'R80', title: 'Influenza' },
  { code: 'R81', title: 'Pneumonie' },
  { code: 'R95', title: 'COPD' },
  { code: 'R96', title: 'Astma' },
  { code: 'R97', title: 'Hooikoorts/allergische rhinitis' },
  // S — Huid
  { code: 'S03', title: 'Wratten' },
  { code: 'S10', title: 'Furunkel/karbunkel' },
  { code: 'S12', title: 'Insectenbeet/-steek' },
  { code: 'S18', title: 'Laceratie/snijwond' },
  { code: 'S74', title: 'Dermatomycose' },
  { code: 'S84', title: 'Impetigo' },
  { code: 'S87', title: 'Constitutioneel eczeem' },
  { code: 'S88', title: 'Contacteczeem' },
  { code: 'S91', title: 'Psoriasis' },
  { code: 'S96', title: 'Acne' },
  // T — Endocriene klieren/metabolisme/voeding
  { code: 'T07', title: 'Gewichtstoename' },
  { code: 'T08', title: 'Gewichtsverlies' },
  { code: 'T82', title: 'Obesitas' },
  { code: 'T83', title: 'Overgewicht' },
  { code: 'T86', title: 'Hypothyreoïdie/myxoedeem' },
  { code: 'T90', title: 'Diabetes mellitus type 2' },
  { code: 'T93', title: 'Lipidenstofwisselingsstoornis' },
  // U — Urinewegen
  { code: 'U01', title: 'Pijnlijke mictie' },
  { code: 'U02', title: 'Frequente mictie/aandrang' },
  { code: 'U71', title: 'Cystitis/urineweginfectie' },
  // W — Zwangerschap/anticonceptie
  { code: 'W11', title: 'Orale anticonceptie' },
  { code: 'W78', title: 'Zwangerschap' },
  // X — Geslachtsorganen vrouw
  { code: 'X11', title: 'Menopauzale klachten' },
  // Y — Geslachtsorganen man
  { code: 'Y85', title: 'Benigne prostaathypertrofie' },
  // Z — Sociale problemen
  { code: 'Z01', title: 'Armoede/financiële problemen' },
  { code: 'Z03', title: 'Problemen met huisvesting/buurt' },
  { code: 'Z04', title: 'Sociaal-culturele problemen' },
  { code: 'Z05', title: 'Problemen met werk' },
  { code: 'Z06', title: 'Problemen met werkloosheid' },
  { code: 'Z08', title: 'Problemen met sociale voorzieningen' },
  { code: 'Z09', title: 'Juridische problemen' },
  { code: 'Z12', title: 'Relatieproblemen met partner' },
  { code: 'Z15', title: 'Verlies/overlijden partner' },
  { code: 'Z20', title: 'Relatieproblemen ouders/familie' },
  { code: 'Z29', title: 'Andere sociale problemen' },
]);

/** @type {ReadonlyMap<string, IcpcCode>} */
export const ICPC_BY_CODE = new Map(ICPC_CODES.map((entry) => [entry.code, entry]));

/**
 * Suggestions for the E-line code field: matches on code prefix and on words in the title.
 * Ranking: code prefix, title prefix, word start in title, anywhere in title.
 * @param {string} query
 * @param {number} [limit]
 * @returns {IcpcCode[]}
 */
export function searchIcpc(query, limit = 12) {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  /** @type {Array<{ entry: IcpcCode, rank: number, index: number }>} */
  const hits = [];
  ICPC_CODES.forEach((entry, index) => {
    const code = entry.code.toLowerCase();
    const title = entry.title.toLowerCase();
    let rank = -1;
    if (code.startsWith(q)) rank = 0;
    else if (title.startsWith(q)) rank = 1;
    else if (title.split(/[\s/,()-]+/).some((word) => word.startsWith(q))) rank = 2;
    else if (q.length >= 3 && title.includes(q)) rank = 3;
    if (rank >= 0) hits.push({ entry, rank, index });
  });
  hits.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return hits.slice(0, limit).map((hit) => hit.entry);
}
