import { describe, expect, it } from 'vitest';
import geldzorgen from '../../rules/geldzorgen.rules.json';
import { createConfigurationService, type ConfigurationStorage } from '../../extension/background/configuration/configuration-service';
import { adapterTemplates, bundledDefaults } from '../../extension/background/configuration/defaults';
import { mergeLayers, readLayer } from '../../extension/background/configuration/layers';
import { parseConfigurationFile, parseJsonText, parsePageAdapter, parseRuleSet } from '../../extension/background/configuration/validation';
import type { Problem } from '../../extension/shared/messages';
import { demoHisAdapter, socialTeamEndpoint } from './helpers';

const validRuleSet = () => structuredClone(geldzorgen) as Record<string, any>;
const validAdapter = () => structuredClone(demoHisAdapter('https://his.example')) as Record<string, any>;

function problemsOf(result: { ok: true } | { ok: false; problems: Problem[] }): string[] {
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('a rule set with errors is refused with messages that name the path and the problem', () => {
  const cases: Array<[string, (r: Record<string, any>) => void, string]> = [
    ['a code that is not ICPC-1', (r) => (r.triggers.codes[3].code = 'N1'), 'triggers.codes[3].code: "N1" is not an ICPC-1 code (a chapter letter and two digits, with an optional two-digit NHG subcode: N01, L03.01)'],
    ['a code from a chapter without codes', (r) => (r.triggers.codes[0].code = 'E12'), 'triggers.codes[0].code: "E12" is not an ICPC-1 code (a chapter letter and two digits, with an optional two-digit NHG subcode: N01, L03.01)'],
    ['a one-digit subcode', (r) => (r.triggers.codes[0].code = 'L03.1'), 'triggers.codes[0].code: "L03.1" is not an ICPC-1 code (a chapter letter and two digits, with an optional two-digit NHG subcode: N01, L03.01)'],
    ['the same code twice', (r) => (r.triggers.codes[1].code = 'N01'), 'triggers.codes[1].code: code "N01" is already used at [0]'],
    ['a range that runs backwards', (r) => (r.triggers.codeRanges = [{ range: 'P03-P01', title: { nl: 'x', en: 'x' } }]), 'triggers.codeRanges[0].range: "P03-P01" runs backwards; write the lower code first'],
    ['a range across chapters', (r) => (r.triggers.codeRanges = [{ range: 'P01-N03', title: { nl: 'x', en: 'x' } }]), 'triggers.codeRanges[0].range: "P01-N03" crosses chapters; a range stays within one chapter'],
    ['a range that is not one', (r) => (r.triggers.codeRanges = [{ range: 'P1-P3', title: { nl: 'x', en: 'x' } }]), 'triggers.codeRanges[0].range: "P1-P3" is not a range of ICPC-1 codes such as P01-P03'],
    ['a prefix that is a whole code', (r) => (r.triggers.codePrefixes = [{ prefix: 'P01', title: { nl: 'x', en: 'x' } }]), 'triggers.codePrefixes[0].prefix: must be an ICPC-1 chapter letter, optionally with one digit (P, P0)'],
    ['a term of two letters', (r) => (r.triggers.terms[0].term = 'ab'), 'triggers.terms[0].term: must have at least 3 characters besides spaces'],
    ['a term in an unknown locale', (r) => (r.triggers.terms[0].locale = 'de'), 'triggers.terms[0].locale: must be one of "nl", "en"'],
    ['no trigger at all', (r) => (r.triggers = { codes: [] }), 'triggers: needs at least one code, prefix, range or term'],
    ['an unknown field (a typo)', (r) => (r.positiveWhn = { minYes: 1 }), 'positiveWhn: is not a known field (a typo?)'],
    ['a missing consent text', (r) => delete r.consentStatement, 'consentStatement: is required'],
    ['a missing English question', (r) => delete r.questions[1].text.en, 'questions[1].text.en: is required'],
    ['a number where text belongs', (r) => (r.name.nl = 5), 'name.nl: must be a string, not number 5'],
    ['a threshold above the number of questions', (r) => (r.positiveWhen.minYes = 9), 'positiveWhen.minYes: cannot exceed the number of questions (3)'],
    ['two questions with one id', (r) => (r.questions[2].id = 'make-ends-meet'), 'questions[2].id: question id "make-ends-meet" is already used at [0]'],
    ['an unknown referral category', (r) => (r.referral.category = 'money'), 'referral.category: must be one of "financial-insecurity", "material-hardship", "food-insecurity", "housing-instability", "employment-status", "social-connection", "stress", "sdoh-category-unspecified"'],
    ['an endpoint id with capitals', (r) => (r.referral.endpoint = 'Wijkteam'), 'referral.endpoint: an endpoint id must be lowercase letters, digits and dashes (at most 64), such as "sociaal-wijkteam"'],
    ['a look-in value that does not exist', (r) => (r.lookIn = 'everywhere'), 'lookIn: must be one of "consult", "consult-and-history"'],
    ['a recurrence of zero episodes', (r) => (r.recurrence = { minEpisodes: 0, withinMonths: 12 }), 'recurrence.minEpisodes: must be at least 1'],
    ['a negative cooldown', (r) => (r.cooldownDays = -1), 'cooldownDays: must be at least 0'],
  ];
  it.each(cases)('%s', (_name, breakIt, expected) => {
    const ruleSet = validRuleSet();
    breakIt(ruleSet);
    expect(problemsOf(parseRuleSet(ruleSet))).toEqual([expected]);
  });

  it('reports every problem at once, and accepts the shipped set', () => {
    const ruleSet = validRuleSet();
    ruleSet.triggers.codes[3].code = 'N1';
    ruleSet.foo = true;
    expect(problemsOf(parseRuleSet(ruleSet))).toHaveLength(2);
    expect(parseRuleSet(validRuleSet()).ok).toBe(true);
  });
});

describe('an adapter with errors is refused with messages that name the path and the problem', () => {
  const cases: Array<[string, (a: Record<string, any>) => void, string]> = [
    ['a syntactically invalid selector', (a) => (a.scan.include[0] = 'div['), 'scan.include[0]: "div[" is not a valid CSS selector (Expected name, found )'],
    ['a pseudo-class browsers do not have', (a) => (a.patient.name = 'li:contains(x)'), 'patient.name: "li:contains(x)" is not a usable CSS selector: :contains is not a pseudo-class browsers support'],
    ['an id starting with a digit', (a) => (a.patient.banner = '#123'), 'patient.banner: "#123" is not a valid CSS selector: an id or class cannot start with a digit (write [id="…"] instead)'],
    ['a selector ending in a combinator', (a) => (a.scan.exclude[0] = 'ul >'), 'scan.exclude[0]: "ul >" is not a usable CSS selector: ends with a combinator'],
    ['an http origin that is not this computer', (a) => (a.pages[0].origin = 'http://his.example'), 'pages[0].origin: must be an https origin such as https://his.example:8443 (http only for localhost and 127.0.0.1), without a path'],
    ['an origin with a path', (a) => (a.pages[0].origin = 'https://his.example/app'), 'pages[0].origin: must be an https origin such as https://his.example:8443 (http only for localhost and 127.0.0.1), without a path'],
    ['a path prefix without a slash', (a) => (a.pages[0].pathPrefix = 'app'), 'pages[0].pathPrefix: must start with /'],
    ['two ways to read the patient key', (a) => (a.patient.keyFromUrl = '/patient/{key}'), 'patient: needs exactly one of keyAttribute, key or keyFromUrl to tell patients apart'],
    ['a URL template without {key}', (a) => (delete a.patient.keyAttribute, (a.patient.keyFromUrl = '/patient/id')), 'patient.keyFromUrl: must be a path with one {key} segment, such as /app/patients/{key}/chart'],
    ['a key attribute without a banner', (a) => delete a.patient.banner, 'patient.keyAttribute: is read from the banner, so banner is needed too'],
    ['a history date without an item', (a) => delete a.history.item, 'history.date: date is read within an item, so item is needed too'],
    ['an unknown field', (a) => (a.scan.includes = []), 'scan.includes: is not a known field (a typo?)'],
  ];
  it.each(cases)('%s', (_name, breakIt, expected) => {
    const adapter = validAdapter();
    breakIt(adapter);
    expect(problemsOf(parsePageAdapter(adapter))).toEqual([expected]);
  });
});

describe('oversized or deeply nested input', () => {
  it('is refused quickly with a clear message, before any schema runs', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i += 1) deep = (deep.a = {}) as Record<string, unknown>;
    const started = performance.now();
    expect(problemsOf(parseRuleSet(root))[0]).toMatch(/^a\.a\.a.*: is nested too deeply: more than 16 levels$/);
    const wide = validRuleSet();
    wide.triggers.terms = Array.from({ length: 60_000 }, () => ({ term: 'geldzorgen', locale: 'nl' }));
    expect(problemsOf(parseRuleSet(wide))).toEqual(['(root): is too large: more than 50000 values']);
    expect(problemsOf(parseJsonText('x'.repeat(600 * 1024)))).toEqual(['(root): the file is too large: 600 KiB, at most 512 KiB']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a huge string is refused with its path', () => {
    const ruleSet = validRuleSet();
    ruleSet.consentStatement.nl = 'x'.repeat(20_000);
    expect(problemsOf(parseRuleSet(ruleSet))).toEqual(['consentStatement.nl: is too long: 20000 characters, at most 10000']);
  });

  it('JSON that is not JSON says so', () => {
    expect(problemsOf(parseJsonText('{"id": '))[0]).toMatch(/^\(root\): is not valid JSON: /);
  });
});

describe('what ships', () => {
  it('the bundled defaults are valid and watch nothing until configured', () => {
    const defaults = bundledDefaults();
    expect(defaults.adapters).toEqual([]);
    expect(defaults.endpoints).toEqual([]);
    expect(defaults.ruleSets.map((r) => r.id)).toEqual(['vroegsignaal-geldzorgen', 'vroegsignaal-eenzaamheid']);
    expect(defaults.disabledRuleSets).toEqual(['vroegsignaal-eenzaamheid']);
  });

  it('the built-in adapters are valid adapters once given a page', () => {
    expect(adapterTemplates().map((t) => t.id)).toEqual(['demo-his', 'generic']);
  });
});

describe('layering defaults < saved < policy', () => {
  const defaults = bundledDefaults();

  it('takes the practice from the highest layer that sets it and merges lists by id', () => {
    const saved = { practice: { name: 'Huisartsenpraktijk De Proef' }, endpoints: [socialTeamEndpoint('https://saved.example/fhir')], adapters: [demoHisAdapter()] };
    const policy = { endpoints: [socialTeamEndpoint('https://policy.example/fhir')] };
    const merged = mergeLayers(defaults, saved, policy);
    expect(merged.practice).toEqual({ name: 'Huisartsenpraktijk De Proef' });
    expect(merged.sources.practice).toBe('saved');
    expect(merged.endpoints.map((e) => e.url)).toEqual(['https://policy.example/fhir']);
    expect(merged.sources.endpoints['sociaal-wijkteam']).toBe('policy');
    expect(merged.sources.adapters['demo-his']).toBe('saved');
    expect(merged.sources.ruleSets['vroegsignaal-geldzorgen']).toBe('default');
    expect(merged.lockedSections).toEqual(['endpoints']);
  });

  it('keeps a rule set that policy provides switched on, whatever was saved', () => {
    const ruleSet = bundledDefaults().ruleSets[1]!;
    const merged = mergeLayers(defaults, { disabledRuleSets: [ruleSet.id] }, { ruleSets: [ruleSet] });
    expect(merged.disabledRuleSets).toEqual([]);
  });

  it('ignores an invalid policy value as a whole and reports it, while the other policy values apply', () => {
    const broken = [{ ...socialTeamEndpoint(), url: 'ftp://nope' }];
    const { values, problems } = readLayer('policy', {
      endpoints: JSON.stringify(broken),
      practice: JSON.stringify({ name: 'Praktijk Beleid' }),
      adapters: '[{"id": ',
    });
    expect(values).toEqual({ practice: { name: 'Praktijk Beleid' } });
    expect(problems.map((p) => `${p.layer} ${p.section} ${p.path}`)).toEqual([
      'policy endpoints endpoints[0].url',
      'policy adapters adapters',
    ]);
  });
});

/** Storage as the browser gives it, in memory; `managed` as a policy file would set it. */
function memoryStorage(managed: Record<string, unknown> = {}): ConfigurationStorage & { saved(): unknown } {
  const local: Record<string, unknown> = {};
  return {
    local: {
      get: async (key) => (key in local ? { [key]: structuredClone(local[key]) } : {}),
      set: async (items) => void Object.assign(local, structuredClone(items)),
    },
    managed: { get: async () => managed },
    saved: () => local.configuration,
  };
}

describe('the configuration service', () => {
  it('saves a valid rule set, and refuses a broken one while the previous one stays in force', async () => {
    const storage = memoryStorage();
    const service = createConfigurationService({ defaults: bundledDefaults(), storage });
    const edited = validRuleSet();
    edited.id = 'praktijk-geldzorgen';
    edited.triggers.terms.push({ term: 'incasso', locale: 'nl' });
    expect((await service.saveItem('ruleSets', edited)).ok).toBe(true);

    const broken = structuredClone(edited);
    broken.triggers.codes[3].code = 'N1';
    broken.triggers.terms.push({ term: 'beslag', locale: 'nl' });
    const refused = await service.saveItem('ruleSets', broken);
    expect(problemsOf(refused)).toEqual([expect.stringContaining('triggers.codes[3].code: "N1" is not an ICPC-1 code')]);
    const kept = (await service.current()).ruleSets.find((r) => r.id === 'praktijk-geldzorgen')!;
    expect(kept.triggers.terms.map((t) => t.term)).toContain('incasso');
    expect(kept.triggers.terms.map((t) => t.term)).not.toContain('beslag');
  });

  it('refuses to change or remove what policy sets, and to remove what ships', async () => {
    const policyRuleSet = { ...validRuleSet(), id: 'regio-geldzorgen' };
    const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage({ ruleSets: JSON.stringify([policyRuleSet]) }) });
    expect(problemsOf(await service.saveItem('ruleSets', policyRuleSet))).toEqual(['ruleSets: regio-geldzorgen: is set by browser policy and cannot be changed here']);
    expect(problemsOf(await service.setRuleSetEnabled('regio-geldzorgen', false))).toEqual(['ruleSets: regio-geldzorgen: is set by browser policy and cannot be changed here']);
    expect(problemsOf(await service.removeItem('ruleSets', 'vroegsignaal-geldzorgen'))).toEqual([
      'ruleSets: vroegsignaal-geldzorgen: comes with Vroegsignaal and cannot be removed; switch it off instead',
    ]);
  });

  it('keeps a saved endpoint token when the endpoint is saved again without one', async () => {
    const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
    await service.saveItem('endpoints', { ...socialTeamEndpoint('https://fhir.example/r4'), auth: { scheme: 'bearer', token: 'geheim-token-123' } });
    await service.saveItem('endpoints', { ...socialTeamEndpoint('https://fhir.example/r4'), name: 'Nieuwe naam', auth: { scheme: 'bearer' } });
    expect((await service.current()).endpoints[0]).toMatchObject({ name: 'Nieuwe naam', auth: { scheme: 'bearer', token: 'geheim-token-123' } });
  });

  it('imports a configuration file all or nothing', async () => {
    const storage = memoryStorage();
    const service = createConfigurationService({ defaults: bundledDefaults(), storage });
    const file = { format: 'vroegsignaal-configuration', version: 1, endpoints: [socialTeamEndpoint()], adapters: [demoHisAdapter()] };
    const preview = await service.importFile(JSON.stringify(file), { dryRun: true });
    expect(preview).toMatchObject({ ok: true, summary: { sections: ['endpoints', 'adapters'], origins: ['http://127.0.0.1:4310', 'http://127.0.0.1:4320'] } });
    expect(storage.saved()).toBeUndefined();

    const broken = { ...file, adapters: [{ ...demoHisAdapter(), scan: { include: ['div['], exclude: [] } }] };
    expect(problemsOf(await service.importFile(JSON.stringify(broken), { dryRun: false }))).toEqual([
      'adapters[0].scan.include[0]: "div[" is not a valid CSS selector (Expected name, found )',
    ]);
    expect(storage.saved()).toBeUndefined();

    expect((await service.importFile(JSON.stringify(file), { dryRun: false })).ok).toBe(true);
    expect((await service.current()).adapters.map((a) => a.id)).toEqual(['demo-his']);
  });

  it('exports without tokens unless asked, and such a file re-imports keeping this browser\'s token', async () => {
    const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
    await service.saveItem('endpoints', { ...socialTeamEndpoint('https://fhir.example/r4'), auth: { scheme: 'bearer', token: 'geheim-token-123' } });
    const exported = await service.exportFile({ includeTokens: false });
    expect(exported).not.toContain('geheim-token-123');
    expect(parseConfigurationFile(JSON.parse(exported)).ok).toBe(true);
    expect((await service.importFile(exported, { dryRun: false })).ok).toBe(true);
    expect((await service.current()).endpoints[0]!.auth).toEqual({ scheme: 'bearer', token: 'geheim-token-123' });
    expect(await service.exportFile({ includeTokens: true })).toContain('geheim-token-123');

    const elsewhere = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
    expect(problemsOf(await elsewhere.importFile(exported, { dryRun: true }))).toEqual([
      'endpoints[0].auth: this browser has no token for endpoint "sociaal-wijkteam" to keep; put the token in the file',
    ]);
  });

  describe('a JSON webhook endpoint', () => {
    const SECRET = 'webhook-geheim-0123456789abcdef0123456789abcdef';
    const webhook = () => ({ ...socialTeamEndpoint('https://sociaalteam.example/webhook'), format: 'json-webhook', auth: { scheme: 'bearer', token: 'geheim-token-123' }, signingSecret: SECRET });

    it('needs a bearer token and a signing secret, and a FHIR endpoint takes no secret', async () => {
      const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
      expect((await service.saveItem('endpoints', webhook())).ok).toBe(true);
      expect(problemsOf(await service.saveItem('endpoints', { ...webhook(), id: 'zonder', auth: { scheme: 'none' } }))).toEqual([
        'auth: a json-webhook endpoint needs bearer authentication (the token the social team gave the practice)',
      ]);
      const { signingSecret: _secret, ...unsigned } = webhook();
      expect(problemsOf(await service.saveItem('endpoints', { ...unsigned, id: 'ongetekend' }))).toEqual([
        'signingSecret: a json-webhook endpoint needs a signingSecret to sign its requests with',
      ]);
      expect(problemsOf(await service.saveItem('endpoints', { ...webhook(), id: 'kort', signingSecret: 'te-kort' }))).toEqual([
        'signingSecret: must be 32 to 4096 printable characters without spaces (for example: openssl rand -hex 32)',
      ]);
      expect(problemsOf(await service.saveItem('endpoints', { ...socialTeamEndpoint(), id: 'fhir', signingSecret: SECRET }))).toEqual([
        'signingSecret: only a json-webhook endpoint signs its requests; leave signingSecret out for fhir-r4',
      ]);
      expect(problemsOf(await service.saveItem('endpoints', { ...webhook(), id: 'soap', format: 'soap' }))).toEqual(['format: must be "fhir-r4" or "json-webhook"']);
    });

    it('keeps its secret when saved again without one, exports it only with the tokens, and re-imports keeping it', async () => {
      const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
      await service.saveItem('endpoints', webhook());
      const { signingSecret: _secret, ...withoutSecret } = webhook();
      expect((await service.saveItem('endpoints', { ...withoutSecret, name: 'Nieuwe naam', auth: { scheme: 'bearer' } })).ok).toBe(true);
      expect((await service.current()).endpoints[0]).toMatchObject({ name: 'Nieuwe naam', format: 'json-webhook', signingSecret: SECRET, auth: { token: 'geheim-token-123' } });

      const exported = await service.exportFile({ includeTokens: false });
      expect(exported).not.toContain(SECRET);
      expect(JSON.parse(exported).endpoints[0]).toMatchObject({ format: 'json-webhook', auth: { scheme: 'bearer', keepToken: true }, keepSigningSecret: true });
      expect((await service.importFile(exported, { dryRun: false })).ok).toBe(true);
      expect((await service.current()).endpoints[0]).toMatchObject({ signingSecret: SECRET });
      expect(await service.exportFile({ includeTokens: true })).toContain(SECRET);

      const elsewhere = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
      expect(problemsOf(await elsewhere.importFile(exported, { dryRun: true }))).toEqual([
        'endpoints[0].auth: this browser has no token for endpoint "sociaal-wijkteam" to keep; put the token in the file',
        'endpoints[0].keepSigningSecret: this browser has no signing secret for endpoint "sociaal-wijkteam" to keep; put the signingSecret in the file',
      ]);
    });

    it('can be set by browser policy', async () => {
      const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage({ endpoints: JSON.stringify([webhook()]) }) });
      const current = await service.current();
      expect(current.endpoints[0]).toMatchObject({ format: 'json-webhook', signingSecret: SECRET });
      expect(current.problems.filter((problem) => problem.layer === 'policy')).toEqual([]);
    });
  });

  it('warns when an enabled rule set sends to an endpoint that is not configured', async () => {
    const service = createConfigurationService({ defaults: bundledDefaults(), storage: memoryStorage() });
    expect((await service.current()).problems.map((p) => p.message)).toEqual([
      'rule set "vroegsignaal-geldzorgen" sends to endpoint "sociaal-wijkteam", which is not configured: its referrals cannot be sent',
    ]);
  });
});
